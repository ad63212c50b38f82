/**
 * Along one spatial axis of a convolution (input length `inLength`, output length `outLength`, `stride`, leading
 * padding `padBefore`), the filter taps that ever meet a real input pixel: tap k reads input rows
 * k − padBefore + i·stride for i in [0, outLength). Taps outside the range only ever see padding, so their
 * gradients are zero and need no computation (which matters for the 1×1 and 2×2 maps of a ResNet's last stages).
 */
export function usedTaps(
  filterLength: number,
  inLength: number,
  outLength: number,
  stride: number,
  padBefore: number,
): { first: number; last: number } {
  const first = Math.max(0, padBefore - stride * (outLength - 1));
  const last = Math.min(filterLength - 1, inLength - 1 + padBefore);
  return { first, last };
}

/** A run of outputs along one axis whose patches meet real pixels through the same filter taps. */
export interface TapGroup {
  /** The first output of the run, and how many. */
  readonly first: number;
  readonly count: number;
  /** The taps that meet real pixels (not padding) for each output of the run: `count` 0 when none does. */
  readonly taps: { readonly first: number; readonly count: number };
}

/**
 * The outputs along one axis (as `usedTaps` takes it) grouped into runs by the taps that meet real pixels: output o
 * reads input rows o·stride + k − padBefore for taps k. Near the borders some taps meet padding; on the 2 × 2 and
 * 4 × 4 maps of a ResNet's last stages that is most of them.
 */
export function tapGroups(
  filterLength: number,
  inLength: number,
  outLength: number,
  stride: number,
  padBefore: number,
): TapGroup[] {
  const groups: TapGroup[] = [];
  for (let o = 0; o < outLength; o++) {
    const first = Math.max(0, padBefore - o * stride);
    const last = Math.min(filterLength - 1, inLength - 1 + padBefore - o * stride);
    const count = Math.max(0, last - first + 1);
    const previous = groups.at(-1);
    if (previous?.taps.first === first && previous.taps.count === count) {
      groups[groups.length - 1] = { ...previous, count: previous.count + 1 };
    } else {
      groups.push({ first: o, count: 1, taps: { first, count } });
    }
  }
  return groups;
}
