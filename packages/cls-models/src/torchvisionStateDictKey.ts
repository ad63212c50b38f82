const WEIGHT_KEYS: Readonly<Record<string, string>> = {
  kernel: 'weight',
  bias: 'bias',
  gamma: 'weight',
  beta: 'bias',
  moving_mean: 'running_mean',
  moving_variance: 'running_var',
};

/**
 * The torchvision `state_dict` key of a model weight, from its tfjs variable name: `layer1.0.bn1/gamma` →
 * `layer1.0.bn1.weight`, `fc/kernel` → `fc.weight`. tfjs appends `_1`, `_2`… to variable names when several
 * models share layer names; that suffix is ignored. Returns null for a name that has no torchvision counterpart.
 * torchvision's `num_batches_tracked` buffers have no tfjs counterpart. Layouts differ: see
 * `torchvisionPermutation`.
 */
export function torchvisionStateDictKey(variableName: string): string | null {
  const slash = variableName.lastIndexOf('/');
  if (slash <= 0) return null;
  const layer = variableName.slice(0, slash);
  const weight = variableName.slice(slash + 1).replace(/_\d+$/, '');
  const key = WEIGHT_KEYS[weight];
  return key === undefined ? null : `${layer}.${key}`;
}

/**
 * The `transpose` permutation taking a tfjs weight to torch layout: conv kernels HWIO → OIHW, dense kernels
 * [in, out] → [out, in]; vectors are the same in both. Apply the inverse order (`[2, 3, 1, 0]`, `[1, 0]`) to
 * go from torch to tfjs.
 */
export function torchvisionPermutation(rank: number): number[] {
  if (rank === 4) return [3, 2, 0, 1];
  if (rank === 2) return [1, 0];
  return Array.from({ length: rank }, (_, i) => i);
}
