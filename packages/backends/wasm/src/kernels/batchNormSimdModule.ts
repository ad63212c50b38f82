import {
  I32,
  V128,
  f32x4,
  f32x4Const,
  get,
  i32Add,
  i32Const,
  loadAt,
  loop,
  set,
  storeAt,
  v128Bitselect,
  type Code,
  type SimdFunction,
} from '@nextplay/cls-core/wasm-simd';

/**
 * Per-channel passes of batch normalization over a [rows, channels] float32 matrix (channels a multiple of 4;
 * `channelBytes` = 4·channels). Accumulators and per-channel coefficients are float32 arrays of `channels` values;
 * accumulators are added to, not cleared.
 */

const R = 'r';
const C = 'c';

/** Locals by name: the parameters in order, then two i32 counters and any vectors. */
function layout(params: readonly string[], vectors: readonly string[] = []): Record<string, number> {
  const names = [...params, R, C, ...vectors];
  return Object.fromEntries(names.map((n, i) => [n, i]));
}

/** for (r < rows) { for (c < channelBytes; c += 16) inner; advance each row pointer by channelBytes }. */
function rowsByChannels(l: Record<string, number>, rowPointers: readonly string[], inner: Code): Code {
  const at = (name: string): number => l[name] ?? -1;
  return loop(at(R), at('rows'), 1, [
    ...i32Const(0),
    ...set(at(C)),
    ...loop(at(C), at('channelBytes'), 16, inner),
    ...rowPointers.flatMap((p) => [...get(at(p)), ...get(at('channelBytes')), ...i32Add, ...set(at(p))]),
  ]);
}

function simdFunction(
  name: string,
  params: readonly string[],
  vectors: readonly string[],
  build: (l: Record<string, number>) => Code,
): SimdFunction {
  const l = layout(params, vectors);
  return {
    name,
    params: params.map(() => I32),
    locals: [I32, I32, ...vectors.map(() => V128)],
    code: build(l),
  };
}

const n = (l: Record<string, number>, name: string): number => l[name] ?? -1;

/** sums(x, rows, channelBytes, sum): sum += Σ_rows x. */
const sums = simdFunction('sums', ['x', 'rows', 'channelBytes', 'sum'], [], (l) =>
  rowsByChannels(
    l,
    ['x'],
    storeAt(n(l, 'sum'), n(l, C), [
      ...loadAt(n(l, 'sum'), n(l, C)),
      ...loadAt(n(l, 'x'), n(l, C)),
      ...f32x4.add,
    ]),
  ),
);

/** squaredDeviations(x, mean, rows, channelBytes, sum): sum += Σ_rows (x − mean)². */
const squaredDeviations = simdFunction(
  'squaredDeviations',
  ['x', 'mean', 'rows', 'channelBytes', 'sum'],
  ['d'],
  (l) =>
    rowsByChannels(
      l,
      ['x'],
      [
        ...loadAt(n(l, 'x'), n(l, C)),
        ...loadAt(n(l, 'mean'), n(l, C)),
        ...f32x4.sub,
        ...set(n(l, 'd')),
        ...storeAt(n(l, 'sum'), n(l, C), [
          ...loadAt(n(l, 'sum'), n(l, C)),
          ...get(n(l, 'd')),
          ...get(n(l, 'd')),
          ...f32x4.mul,
          ...f32x4.add,
        ]),
      ],
    ),
);

/** affine(x, scale, shift, rows, channelBytes, y): y = x·scale + shift. */
const affine = simdFunction('affine', ['x', 'scale', 'shift', 'rows', 'channelBytes', 'y'], [], (l) =>
  rowsByChannels(
    l,
    ['x', 'y'],
    storeAt(n(l, 'y'), n(l, C), [
      ...loadAt(n(l, 'x'), n(l, C)),
      ...loadAt(n(l, 'scale'), n(l, C)),
      ...f32x4.mul,
      ...loadAt(n(l, 'shift'), n(l, C)),
      ...f32x4.add,
    ]),
  ),
);

/** affineRelu(x, scale, shift, rows, channelBytes, y): y = relu(x·scale + shift), NaN kept. */
const affineRelu = simdFunction(
  'affineRelu',
  ['x', 'scale', 'shift', 'rows', 'channelBytes', 'y'],
  ['v'],
  (l) =>
    rowsByChannels(
      l,
      ['x', 'y'],
      [
        ...loadAt(n(l, 'x'), n(l, C)),
        ...loadAt(n(l, 'scale'), n(l, C)),
        ...f32x4.mul,
        ...loadAt(n(l, 'shift'), n(l, C)),
        ...f32x4.add,
        ...set(n(l, 'v')),
        // bitselect(a, b, mask) takes a's bits where mask is set: 0 where 0 > v, else v (NaN too).
        ...storeAt(n(l, 'y'), n(l, C), [
          ...f32x4Const(0),
          ...get(n(l, 'v')),
          ...f32x4Const(0),
          ...get(n(l, 'v')),
          ...f32x4.gt,
          ...v128Bitselect,
        ]),
      ],
    ),
);

/** gradientSums(dy, x, mean, rows, channelBytes, sumDy, sumDyX): sumDy += Σ dy, sumDyX += Σ dy·(x − mean). */
const gradientSums = simdFunction(
  'gradientSums',
  ['dy', 'x', 'mean', 'rows', 'channelBytes', 'sumDy', 'sumDyX'],
  ['g'],
  (l) =>
    rowsByChannels(
      l,
      ['dy', 'x'],
      [
        ...loadAt(n(l, 'dy'), n(l, C)),
        ...set(n(l, 'g')),
        ...storeAt(n(l, 'sumDy'), n(l, C), [
          ...loadAt(n(l, 'sumDy'), n(l, C)),
          ...get(n(l, 'g')),
          ...f32x4.add,
        ]),
        ...storeAt(n(l, 'sumDyX'), n(l, C), [
          ...loadAt(n(l, 'sumDyX'), n(l, C)),
          ...get(n(l, 'g')),
          ...loadAt(n(l, 'x'), n(l, C)),
          ...loadAt(n(l, 'mean'), n(l, C)),
          ...f32x4.sub,
          ...f32x4.mul,
          ...f32x4.add,
        ]),
      ],
    ),
);

/** inputGradient(dy, x, a, b, k, rows, channelBytes, dx): dx = dy·a + x·b + k. */
const inputGradient = simdFunction(
  'inputGradient',
  ['dy', 'x', 'a', 'b', 'k', 'rows', 'channelBytes', 'dx'],
  [],
  (l) =>
    rowsByChannels(
      l,
      ['dy', 'x', 'dx'],
      storeAt(n(l, 'dx'), n(l, C), [
        ...loadAt(n(l, 'dy'), n(l, C)),
        ...loadAt(n(l, 'a'), n(l, C)),
        ...f32x4.mul,
        ...loadAt(n(l, 'x'), n(l, C)),
        ...loadAt(n(l, 'b'), n(l, C)),
        ...f32x4.mul,
        ...f32x4.add,
        ...loadAt(n(l, 'k'), n(l, C)),
        ...f32x4.add,
      ]),
    ),
);

export const batchNormFunctions: readonly SimdFunction[] = [
  sums,
  squaredDeviations,
  affine,
  affineRelu,
  gradientSums,
  inputGradient,
];
