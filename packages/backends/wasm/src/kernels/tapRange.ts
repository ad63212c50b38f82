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
