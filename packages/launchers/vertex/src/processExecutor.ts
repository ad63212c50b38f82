import { spawn } from 'node:child_process';

/** How a finished process ended and what it printed. */
export interface ProcessOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` with `args` (no shell) and resolves with its exit code and output; rejects only when the process
 * cannot start (not installed) or is aborted.
 */
export type ProcessExecutor = (
  command: string,
  args: readonly string[],
  options?: { readonly signal?: AbortSignal },
) => Promise<ProcessOutput>;

/** The real executor: `child_process.spawn`, stdin closed, stdout and stderr collected as UTF-8. */
export const spawnProcess: ProcessExecutor = (command, args, options = {}) =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(command, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolvePromise({ exitCode: code ?? (signal === null ? 1 : 128), stdout, stderr });
    });
  });
