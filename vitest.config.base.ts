import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Shared vitest settings: tests run against each package's `src/` through the `@nextplay/source` condition. */
export const baseConfig = defineConfig({
  resolve: {
    conditions: ['@nextplay/source'],
  },
  ssr: {
    resolve: {
      conditions: ['@nextplay/source'],
    },
  },
  test: {
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: [fileURLToPath(new URL('./vitest.tempDir.ts', import.meta.url))],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
});
