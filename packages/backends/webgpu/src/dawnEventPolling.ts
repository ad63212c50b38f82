/**
 * How Dawn's event polling is paced. While a map or work-done promise is pending, dawn.node (webgpu 0.6) polls its
 * events from `setImmediate`, once per event-loop turn, with a new native function each turn: about 100 turns a
 * millisecond while a readback waits for the GPU. That burns a core (on a software adapter, one its shaders need)
 * and leaves thousands of small native allocations a step, which glibc consolidates in one go at the next large
 * allocation: a 20–40 ms stall in the first command the next step records.
 *
 * Paced, a polling turn first sleeps (without spinning) for a twentieth of the time the wait has lasted, at most
 * `MAX_SLEEP_MS`: a wait of T ms resolves about T/20 ms late at most (never much more than 0.25 ms), and a 30 ms wait
 * takes a couple of hundred turns instead of thousands.
 */
export type DawnEventPolling = 'paced' | 'every-turn';

/** The share of the wait so far that a polling turn sleeps first. */
const SLEEP_SHARE = 1 / 20;
const MAX_SLEEP_MS = 0.25;
/** A turn this long after the previous one starts a new wait: Dawn had stopped polling, or was not waiting. */
const NEW_WAIT_AFTER_MS = 1;
/** Sleeps shorter than this are skipped: Atomics.wait costs about as much. */
const MIN_SLEEP_MS = 0.005;

/** How long a polling turn sleeps `waitedMs` into a wait. */
export function pollingSleepMs(waitedMs: number): number {
  const sleep = Math.min(waitedMs * SLEEP_SHARE, MAX_SLEEP_MS);
  return sleep < MIN_SLEEP_MS ? 0 : sleep;
}

type SetImmediate = typeof globalThis.setImmediate;

const everyTurn: SetImmediate = globalThis.setImmediate;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
let waitStartedAt = 0;
let lastTurnAt = -Infinity;

/**
 * Dawn's poll callback is an anonymous native function of no parameters. (A promise's resolve function, which
 * `new Promise((resolve) => setImmediate(resolve))` passes, is anonymous and native too, but takes one.)
 */
export function isDawnPoll(callback: unknown): boolean {
  return (
    typeof callback === 'function' &&
    callback.name === '' &&
    callback.length === 0 &&
    Function.prototype.toString.call(callback).includes('[native code]')
  );
}

function pacedTurn(poll: (...args: unknown[]) => void, args: unknown[]): void {
  const now = performance.now();
  if (now - lastTurnAt > NEW_WAIT_AFTER_MS) waitStartedAt = now;
  const sleep = pollingSleepMs(now - waitStartedAt);
  if (sleep > 0) Atomics.wait(sleeper, 0, 0, sleep);
  lastTurnAt = performance.now();
  poll(...args);
}

const paced = Object.defineProperties(
  function setImmediate(callback: (...args: unknown[]) => void, ...args: unknown[]) {
    if (!isDawnPoll(callback)) return everyTurn(callback, ...args);
    return everyTurn(pacedTurn, callback, args);
  },
  // util.promisify(setImmediate) and the like see the original's extra properties.
  Object.getOwnPropertyDescriptors(everyTurn),
) as unknown as SetImmediate;

/**
 * Paces Dawn's event polling (the default once Dawn is loaded) or lets it poll every event-loop turn. It swaps
 * `globalThis.setImmediate`, which dawn.node looks up on each turn; other callers' callbacks run as before.
 */
export function setDawnEventPolling(polling: DawnEventPolling): void {
  globalThis.setImmediate = polling === 'paced' ? paced : everyTurn;
}

/** How Dawn's event polling is paced now. */
export function dawnEventPolling(): DawnEventPolling {
  return globalThis.setImmediate === paced ? 'paced' : 'every-turn';
}
