// What the tests need of tools/make-hostile-files.mjs, without loading TensorFlow.js: the generator runs in a
// child process and its `cases.json` is returned.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repeated in `secret.bin`: the tests look for it in every output. */
export const SECRET_MARKER = 'KEY!';

const GENERATOR = fileURLToPath(new URL('./make-hostile-files.mjs', import.meta.url));

/** Writes the hostile files into the empty directory `out` and returns what `cases.json` describes. */
export function generateHostileFiles(out) {
  execFileSync(process.execPath, [GENERATOR, out], { stdio: 'ignore' });
  return JSON.parse(readFileSync(join(out, 'cases.json'), 'utf8'));
}
