import type { JsonValue, SplitName } from '@nextplay/cls-core';

/** Which weights an export holds. */
export type WeightsSource = 'best_checkpoint' | 'last_checkpoint' | 'final_model';

/**
 * `onnx/<name>.json`, beside `onnx/<name>.onnx`: what a user needs to feed the graph and read its output, and how
 * it was checked. `classes`, `mean`, `std`, `input_size`, `resize`, `opset` and `max_abs_diff` are the contract.
 */
export interface OnnxSidecar {
  /** Class names in logit index order. */
  readonly classes: readonly string[];
  /** Per-channel RGB mean and std of `(pixel / 255 - mean) / std`. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** `[channels, height, width]` of one image, as the graph takes it (timm's `input_size`). */
  readonly input_size: readonly [number, number, number];
  /** How images reach `input_size`: `fill`, `center_crop` or `letterbox` (`data.resize`). */
  readonly resize: string;
  readonly opset: number;
  /** Largest |ONNX Runtime − TensorFlow.js| logit difference on `images_compared` real `compare_split` images. */
  readonly max_abs_diff: number;
  readonly max_abs_logit: number;
  /** Fraction of the compared images with the same predicted class in both. */
  readonly argmax_agreement: number;
  readonly images_compared: number;
  /** The split the compared images came from; null when no split holds images and random inputs were used. */
  readonly compare_split: SplitName | null;
  readonly preprocess: string;
  readonly input_name: string;
  /** `NCHW`: the graph takes float32 `[batch, channels, height, width]` with a dynamic batch axis. */
  readonly input_layout: 'NCHW';
  readonly input_dtype: 'float32';
  /** The graph's output, or a head's outputs joined by commas (`tens,units`). */
  readonly output_name: string;
  /** `[batch, num_classes]` unnormalized scores; softmax gives probabilities. For a digit head, a pointer to `decode`. */
  readonly output: string;
  /** `model.head`: `linear`, `digits` or `sequence`. */
  readonly head: string;
  /** The graph's outputs in order: `logits`; `tens`, `units`; `columns`. */
  readonly output_names: readonly string[];
  /** How the head's outputs become a class or a number (`ModelHead.decoding`): argmax, digit tables, greedy CTC. */
  readonly decode: JsonValue;
  readonly arch: string;
  readonly weights: WeightsSource;
  /** The checkpoint directory (relative to the run dir when inside it); null for the model in memory. */
  readonly checkpoint: string | null;
  /** 0-based epoch (as in metrics.csv) and optimizer step of those weights; null when unknown. */
  readonly epoch: number | null;
  readonly global_step: number | null;
  readonly sha256: string;
  readonly bytes: number;
}

const RESIZE_STEPS: Readonly<Record<string, (size: number) => string>> = {
  fill: (s) => `resize to ${s}x${s} ignoring aspect ratio (torchvision Resize((${s}, ${s})))`,
  center_crop: (s) => `scale the short side to ${s}, then crop the centre ${s}x${s}`,
  letterbox: (s) => `scale to fit inside ${s}x${s}, keeping aspect ratio, and pad with black`,
};

/** The preprocessing that turns an image file into the graph's input, in words. */
export function preprocessDescription(resize: string, height: number, width: number): string {
  const step =
    width === height
      ? (RESIZE_STEPS[resize]?.(width) ?? `resize (${resize}) to ${width}x${height}`)
      : `resize (${resize}) to ${width}x${height}`;
  return [
    'decode to 8-bit RGB (EXIF orientation applied, alpha dropped)',
    `${step}, bilinear`,
    'scale to [0, 1] (divide by 255)',
    'subtract mean and divide by std per channel',
    'HWC to CHW, stack as float32 NCHW',
  ].join('; ');
}
