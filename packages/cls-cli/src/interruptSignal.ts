import { EventEmitter } from 'node:events';
import type { Logger } from '@nextplay/cls-core';
import {
  EXIT_INTERRUPTED,
  SUPERVISED_ENV,
  isSupervisorMessage,
  type SupervisorMessage,
} from './superviseCli.js';

export { EXIT_INTERRUPTED } from './superviseCli.js';

/** Interrupts relayed by the supervising process (`superviseCli`), when this process runs under one. */
const relayedInterrupts = new EventEmitter<{ interrupt: [NodeJS.Signals] }>();

function supervised(): boolean {
  return process.env[SUPERVISED_ENV] === '1' && process.send !== undefined;
}

/**
 * In a process started by `superviseCli`: take interrupts from the supervisor only (Ctrl-C reaches both
 * processes; the supervisor relays it once), and stop as if interrupted when the supervisor goes away. With no
 * run listening (a command without a graceful stop), an interrupt exits at once.
 */
export function acceptRelayedInterrupts(): void {
  if (!supervised()) return;
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  // The channel must not keep the process alive once the command is done.
  process.channel?.unref();
  const relay = (signal: NodeJS.Signals) => {
    if (relayedInterrupts.listenerCount('interrupt') === 0) process.exit(EXIT_INTERRUPTED);
    relayedInterrupts.emit('interrupt', signal);
  };
  process.on('message', (message: unknown) => {
    if (isSupervisorMessage(message) && message.type === 'cls:interrupt') relay(message.signal);
  });
  process.on('disconnect', () => {
    relay('SIGHUP');
  });
}

/**
 * Ctrl-C (or SIGTERM) aborts the returned signal: the current step finishes, then the run stops; a second
 * Ctrl-C quits at once. Under a supervisor, the interrupt is acknowledged so the supervisor waits for the
 * checkpoint instead of stopping the run. Call `dispose` when the work is done.
 */
export function interruptSignal(logger: Logger): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    logger.warn(
      `${signal} received: finishing the current step, then stopping (press Ctrl-C again to quit now)`,
    );
    if (supervised()) process.send?.({ type: 'cls:stopping' } satisfies SupervisorMessage);
    controller.abort();
  };
  if (supervised()) {
    relayedInterrupts.on('interrupt', onSignal);
  } else {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return {
    signal: controller.signal,
    dispose: () => {
      relayedInterrupts.off('interrupt', onSignal);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
