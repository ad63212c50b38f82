import { spawn } from 'node:child_process';

/** A finished process: its exit code, stdout and stderr interleaved, and the time from its first signal. */
export interface SignalledRun {
  readonly code: number | null;
  readonly output: string;
  /** Milliseconds from the first signal (or from the start, when none was sent) to the exit. */
  readonly elapsedMs: number;
}

export interface SignalPlan {
  /** Text whose appearance in the output starts the plan. */
  readonly after: string;
  /** Each signal is sent its `delayMs` after the previous one (the first, after `after` appears). */
  readonly signals: readonly { readonly signal: NodeJS.Signals; readonly delayMs: number }[];
}

/** Runs `command` (with CI=true, so no progress bars), sending the planned signals; resolves when it exits. */
export function runWithSignals(
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly plan?: SignalPlan } = {},
): Promise<SignalledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: { ...process.env, CI: 'true' },
    });
    const { plan } = options;
    let output = '';
    let from = Date.now();
    let started = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (plan === undefined || started || !output.includes(plan.after)) return;
      started = true;
      let at = 0;
      plan.signals.forEach(({ signal, delayMs }, i) => {
        at += delayMs;
        setTimeout(() => {
          if (i === 0) from = Date.now();
          child.kill(signal);
        }, at);
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, output, elapsedMs: Date.now() - from });
    });
  });
}
