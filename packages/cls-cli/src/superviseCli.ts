import { fork } from 'node:child_process';
import { constants } from 'node:os';

/** Set in the environment of the process `superviseCli` starts; that process takes interrupts from its parent. */
export const SUPERVISED_ENV = 'CLS_SUPERVISED';
/** How long a run may take to reach the end of its step after an interrupt before it is stopped at once. */
export const INTERRUPT_GRACE_MS = 5000;
/** The exit code of a run stopped by Ctrl-C or SIGTERM, as a shell reports a SIGINT death. */
export const EXIT_INTERRUPTED = 130;

/** Messages between the supervisor and the run, over the IPC channel. */
export type SupervisorMessage =
  { readonly type: 'cls:interrupt'; readonly signal: NodeJS.Signals } | { readonly type: 'cls:stopping' };

export function isSupervisorMessage(message: unknown): message is SupervisorMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    'type' in message &&
    typeof message.type === 'string' &&
    message.type.startsWith('cls:')
  );
}

/**
 * Runs the CLI in a child process and keeps the signals here. A training step is synchronous WebAssembly that can
 * run for many seconds, and Node delivers a signal only when the event loop turns, so a run cannot hear Ctrl-C
 * mid-step. This process stays idle and always hears it: it relays the interrupt, and if the run has not
 * acknowledged it (at the end of its step) within `graceMs`, or on a second interrupt, it stops the run at once.
 */
export function superviseCli(
  entry: string,
  argv: readonly string[],
  graceMs = INTERRUPT_GRACE_MS,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(entry, [...argv], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [SUPERVISED_ENV]: '1' },
    });
    let interrupts = 0;
    let deadline: NodeJS.Timeout | undefined;
    let stoppedAtOnce = false;

    const stopAtOnce = (why: string) => {
      if (stoppedAtOnce) return;
      stoppedAtOnce = true;
      process.stderr.write(`cls: ${why}; stopped at once (checkpoints already written are kept)\n`);
      child.kill('SIGKILL');
    };
    const onSignal = (signal: NodeJS.Signals) => {
      interrupts++;
      if (interrupts > 1) {
        stopAtOnce(`${signal} again`);
        return;
      }
      if (child.connected)
        child.send({ type: 'cls:interrupt', signal } satisfies SupervisorMessage, () => undefined);
      deadline = setTimeout(() => {
        stopAtOnce(`${signal}: the running step did not end within ${graceMs / 1000} s`);
      }, graceMs);
    };
    const onMessage = (message: unknown) => {
      if (isSupervisorMessage(message) && message.type === 'cls:stopping') clearTimeout(deadline);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    child.on('message', onMessage);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (stoppedAtOnce) resolve(EXIT_INTERRUPTED);
      else resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}
