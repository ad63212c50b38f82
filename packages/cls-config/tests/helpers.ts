import { fileURLToPath } from 'node:url';
import { isClsError } from '@nextplay/cls-core';

/** The configs the project ships. */
export const CONFIGS = fileURLToPath(new URL('../../../configs', import.meta.url));

export function fixture(name: string): string {
  return fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
}

/** The code and message of the ClsError `run` throws; fails when it throws nothing or something else. */
export function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isClsError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a ClsError, but nothing was thrown');
}
