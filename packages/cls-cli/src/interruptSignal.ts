import type { Logger } from '@nextplay/cls-core';

export const EXIT_INTERRUPTED = 130;

/**
 * Ctrl-C (or SIGTERM) aborts the returned signal: the current step finishes, then the run stops; a second
 * Ctrl-C quits at once. Call `dispose` when the work is done.
 */
export function interruptSignal(logger: Logger): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    logger.warn(
      `${signal} received: finishing the current step, then stopping (press Ctrl-C again to quit now)`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
