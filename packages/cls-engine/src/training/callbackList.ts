import type * as tf from '@tensorflow/tfjs-core';
import {
  pluginError,
  type Callback,
  type CallbackHooks,
  type Logger,
  type ModuleState,
} from '@nextplay/cls-core';

type HookArgs<H extends keyof CallbackHooks> = Parameters<CallbackHooks[H]>;

/**
 * The run's callbacks in firing order: `order: 'pre'` first, then config order, then `order: 'post'`. A failure
 * inside a callback is named `[callback] hook failed: …`; it ends the run unless the callback says
 * `failure: 'warn'`, then it is logged as a warning (once per callback and reason) and the run goes on.
 */
export class CallbackList {
  readonly callbacks: readonly Callback[];
  readonly #warned = new Set<string>();
  /** Seconds spent in each callback's hooks (Lightning's SimpleProfiler, per callback), for results.json. */
  readonly #seconds = new Map<string, number>();
  #logger: Logger | undefined;

  constructor(callbacks: readonly Callback[], logger?: Logger) {
    const rank = (c: Callback): number => (c.order === 'pre' ? 0 : c.order === 'post' ? 2 : 1);
    // Array.prototype.sort is stable, so config order is kept within each group.
    this.callbacks = [...callbacks].sort((a, b) => rank(a) - rank(b));
    this.#logger = logger;
  }

  /** Calls `hook` on every callback in order. */
  async call<H extends keyof CallbackHooks>(hook: H, ...args: HookArgs<H>): Promise<void> {
    this.#logger = args[0].logger;
    for (const callback of this.callbacks) {
      const fn = callback[hook] as ((...a: HookArgs<H>) => void | Promise<void>) | undefined;
      if (fn === undefined) continue;
      const started = performance.now();
      try {
        await fn.apply(callback, args);
      } catch (error) {
        this.#fail(callback, hook, error);
      } finally {
        const seconds = (performance.now() - started) / 1000;
        this.#seconds.set(callback.name, (this.#seconds.get(callback.name) ?? 0) + seconds);
      }
    }
  }

  /** Seconds each callback has spent in its hooks so far, by name, in firing order. */
  hookSeconds(): Record<string, number> {
    return Object.fromEntries(this.#seconds);
  }

  /** `onException` on every callback; their own failures are logged, never thrown over the original error. */
  async callOnException(...args: HookArgs<'onException'>): Promise<void> {
    for (const callback of this.callbacks) {
      try {
        await callback.onException?.(...args);
      } catch (error) {
        args[0].logger.warn(pluginError(callback.name, 'onException', error).message);
      }
    }
  }

  bestModelPath(): string | undefined {
    for (const callback of this.callbacks) {
      const path = callback.bestModelPath?.();
      if (path !== undefined) return path;
    }
    return undefined;
  }

  /** The first averaged weights a callback offers for checkpoints (EMA), or undefined. */
  checkpointWeights(): readonly tf.Tensor[] | undefined {
    for (const callback of this.callbacks) {
      const weights = callback.checkpointWeights?.();
      if (weights !== undefined) return weights;
    }
    return undefined;
  }

  /** Each stateful callback's state, by name. */
  stateDicts(): Map<string, ModuleState> {
    const states = new Map<string, ModuleState>();
    for (const callback of this.callbacks) {
      if (callback.stateDict === undefined) continue;
      try {
        states.set(callback.name, callback.stateDict());
      } catch (error) {
        this.#fail(callback, 'stateDict', error);
      }
    }
    return states;
  }

  /** Hands each callback the state saved under its name; callbacks absent from the checkpoint start fresh. */
  loadStateDicts(states: ReadonlyMap<string, ModuleState>): void {
    for (const callback of this.callbacks) {
      const state = states.get(callback.name);
      if (state === undefined || callback.loadStateDict === undefined) continue;
      try {
        callback.loadStateDict(state);
      } catch (error) {
        this.#fail(callback, 'loadStateDict', error);
      }
    }
  }

  /** Throws the named failure, or logs it for a `failure: 'warn'` callback (repeats of a message at debug level). */
  #fail(callback: Callback, hook: string, error: unknown): void {
    const logger = this.#logger;
    if (callback.failure !== 'warn' || logger === undefined) throw pluginError(callback.name, hook, error);
    const reason = error instanceof Error ? error.message : String(error);
    const message = `[${callback.name}] ${hook} failed: ${reason}; the run goes on without it`;
    // One warning per callback and reason: the same fault usually fails each of its hooks in turn.
    const key = `${callback.name}\u0000${reason}`;
    if (this.#warned.has(key)) {
      logger.debug(message);
      return;
    }
    this.#warned.add(key);
    logger.warn(message);
  }
}
