import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package folder, from which `@nextplay/cls-data` resolves to its build. */
const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What a child process reported about the code it ran. */
export interface ChildMeasurement {
  /** The value the code returned, when it did not throw. */
  readonly value?: unknown;
  /** The thrown error's code and message, when it threw. */
  readonly code?: string;
  readonly message?: string;
  /** How long the code ran, without Node's start-up. */
  readonly ms: number;
  /**
   * The CPU time (user + system, all threads) the code took: what a time bound checks, since on a busy machine
   * the wall time also counts other processes' turns.
   */
  readonly cpuMs: number;
  /** The child's peak resident set size, from `process.resourceUsage().maxRSS`. */
  readonly maxRssBytes: number;
}

/**
 * Runs `body` (the statements of an async ES module function that may `await` and `return`; `args` holds
 * `args`) in a fresh Node process in this package's folder, so `import('@nextplay/cls-data')` loads the built
 * package, and reports how it ended, its time and the process's peak memory. A child that does not report within
 * `timeoutMs` is killed and the promise rejects.
 */
export function measureInChild(
  body: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<ChildMeasurement> {
  const script = `
    const args = process.argv.slice(1);
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    let outcome;
    try {
      outcome = { value: await (async () => { ${body} })() };
    } catch (error) {
      outcome = { code: error?.code, message: String(error?.message ?? error) };
    }
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuStarted);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    process.stdout.write(JSON.stringify({ ...outcome, ms, cpuMs, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
  `;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script, ...args],
      { cwd: PACKAGE_DIR, timeout: timeoutMs, maxBuffer: 1024 ** 2 },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`child failed (${error.message}): ${stderr}`));
          return;
        }
        resolve(JSON.parse(stdout) as ChildMeasurement);
      },
    );
  });
}

export const MIB = 1024 ** 2;
