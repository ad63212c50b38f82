// Ships the repository's configs/ inside the package, so `npx @nextplay/cls-cli` finds its built-in configs.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../../../configs', import.meta.url));
const target = fileURLToPath(new URL('../configs', import.meta.url));
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true });
