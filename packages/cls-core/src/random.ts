/**
 * A small seeded generator (sfc32) for data order and augmentations. Reproducible across platforms, unlike
 * Math.random, and cheap enough to call per pixel.
 */
export function createRandom(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/**
 * Derives an independent seed from a base seed and any number of integers (epoch, batch, layer, …): murmur3's
 * 32-bit hash over the whole tuple (the base seed's high and low words, each part, the count), so no part can
 * cancel the running hash. Never returns 0, because tfjs reads a seed of 0 as "no seed" and draws from
 * Math.random.
 */
export function deriveSeed(seed: number, ...parts: readonly number[]): number {
  let h = 0x3c6ef372;
  const words = [Math.floor(seed / 0x1_0000_0000), seed, ...parts];
  for (const word of words) {
    let k = Math.imul(word >>> 0, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= words.length * 4;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return h === 0 ? 0x9e3779b9 : h;
}

/** In-place Fisher–Yates shuffle. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}
