import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@nextplay/cls-core';
import {
  dawnEventPolling,
  findAdapter,
  pollingSleepMs,
  setDawnEventPolling,
  webgpuBackendPlugin,
} from '../src/index.js';
import { isDawnPoll } from '../src/dawnEventPolling.js';

const search = await findAdapter();

describe('isDawnPoll', () => {
  it('takes anonymous native functions of no parameters only, not a promise’s resolve function', () => {
    let resolveFunction: unknown;
    void new Promise((resolve) => {
      resolveFunction = resolve;
    });
    // Function.prototype is an anonymous native function of no parameters, as Dawn's poll callback is.
    expect(isDawnPoll(Function.prototype)).toBe(true);
    expect(isDawnPoll(resolveFunction)).toBe(false);
    expect(isDawnPoll(Math.max)).toBe(false);
    expect(isDawnPoll(() => undefined)).toBe(false);
    expect(isDawnPoll((() => undefined).bind(null))).toBe(false);
    expect(isDawnPoll(undefined)).toBe(false);
  });
});

describe('pollingSleepMs', () => {
  it('sleeps a twentieth of the wait so far, not at all early on, and at most 0.25 ms', () => {
    expect(pollingSleepMs(0)).toBe(0);
    expect(pollingSleepMs(0.09)).toBe(0);
    expect(pollingSleepMs(2)).toBeCloseTo(0.1, 12);
    expect(pollingSleepMs(4)).toBeCloseTo(0.2, 12);
    expect(pollingSleepMs(30)).toBe(0.25);
  });
});

describe.skipIf(!search.found)('Dawn’s event polling', () => {
  afterEach(() => {
    setDawnEventPolling('paced');
  });

  /** Counts Dawn's polling turns (anonymous native callbacks) while `work` runs; they still run as set. */
  async function pollingTurns(work: () => Promise<unknown>): Promise<{ turns: number; ms: number }> {
    const set = globalThis.setImmediate;
    let turns = 0;
    globalThis.setImmediate = ((callback: (...args: unknown[]) => void, ...args: unknown[]) => {
      const native = Function.prototype.toString.call(callback).includes('[native code]');
      if (callback.name === '' && callback.length === 0 && native) {
        turns += 1;
      }
      return set(callback, ...args);
    }) as typeof setImmediate;
    const started = performance.now();
    try {
      await work();
    } finally {
      globalThis.setImmediate = set;
    }
    return { turns, ms: performance.now() - started };
  }

  it('is paced once the backend runs, with far fewer turns than one per event-loop turn', async () => {
    const backend = await webgpuBackendPlugin.create(
      {},
      { logger: createLogger({ console: false }), threads: 1, accelerator: 'gpu' },
    );
    expect((await backend.probe()).available).toBe(true);
    await backend.activate();
    expect(dawnEventPolling()).toBe('paced');
    // A readback that waits for tens of milliseconds of GPU work at least (far more on a software adapter).
    const a = tf.randomUniform([768, 768]);
    const readback = async (): Promise<void> => {
      let y = a;
      for (let i = 0; i < 6; i += 1) y = tf.div(tf.matMul(y, a), 768);
      const values = await y.data();
      expect(values.every(Number.isFinite)).toBe(true);
      y.dispose();
    };
    await readback();
    const paced = await pollingTurns(readback);
    // Paced: about 60 turns for the first 2 ms, then one per 0.1-0.25 ms at most. Unpaced, an idle event loop turns
    // every few microseconds: 50-100 a millisecond.
    expect(paced.turns).toBeGreaterThan(0);
    expect(paced.turns).toBeLessThan(100 + 10 * paced.ms);
    a.dispose();
  });

  it('leaves every other setImmediate callback as it was', async () => {
    setDawnEventPolling('paced');
    const paced = globalThis.setImmediate;
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      setImmediate((x: string) => {
        order.push(x);
        resolve();
      }, 'argument');
    });
    await promisify(setImmediate)();
    const bound = await new Promise((resolve) => setImmediate(resolve.bind(null, 'bound')));

    expect(order).toEqual(['argument']);
    expect(bound).toBe('bound');
    setDawnEventPolling('every-turn');
    expect(dawnEventPolling()).toBe('every-turn');
    expect(globalThis.setImmediate).not.toBe(paced);
  });
});
