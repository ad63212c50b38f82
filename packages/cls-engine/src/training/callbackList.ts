import type * as tf from '@tensorflow/tfjs-core';
import { pluginError, type Callback, type CallbackHooks, type ModuleState } from '@nextplay/cls-core';

type HookArgs<H extends keyof CallbackHooks> = Parameters<CallbackHooks[H]>;

/** The run's callbacks in firing order: `order: 'pre'` first, then config order, then `order: 'post'`. */
export class CallbackList {
  readonly callbacks: readonly Callback[];

  constructor(callbacks: readonly Callback[]) {
    const rank = (c: Callback): number => (c.order === 'pre' ? 0 : c.order === 'post' ? 2 : 1);
    // Array.prototype.sort is stable, so config order is kept within each group.
    this.callbacks = [...callbacks].sort((a, b) => rank(a) - rank(b));
  }

  /** Calls `hook` on every callback in order; a failure names the callback and the hook. */
  async call<H extends keyof CallbackHooks>(hook: H, ...args: HookArgs<H>): Promise<void> {
    for (const callback of this.callbacks) {
      const fn = callback[hook] as ((...a: HookArgs<H>) => void | Promise<void>) | undefined;
      if (fn === undefined) continue;
      try {
        await fn.apply(callback, args);
      } catch (error) {
        throw pluginError(callback.name, hook, error);
      }
    }
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
        throw pluginError(callback.name, 'stateDict', error);
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
        throw pluginError(callback.name, 'loadStateDict', error);
      }
    }
  }
}
