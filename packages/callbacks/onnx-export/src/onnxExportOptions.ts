import type { JsonSchema } from '@nextplay/cls-core';
import { DEFAULT_OPSET } from '@nextplay/cls-onnx';

/** `callbacks.onnx_export` options. */
export interface OnnxExportOptions {
  /** Write `onnx/best.onnx` (+ `best.json`): the best checkpoint, or the final weights when none was kept. */
  readonly best?: boolean;
  /** Write `onnx/last.onnx` (+ `last.json`): the final weights. */
  readonly last?: boolean;
  /** ONNX opset, 13–17. */
  readonly opset?: number;
  /** Real images (val, else test, else train) on which ONNX Runtime is compared with TensorFlow.js. */
  readonly compare_images?: number;
}

export type ResolvedOnnxExportOptions = {
  readonly [K in keyof OnnxExportOptions]-?: NonNullable<OnnxExportOptions[K]>;
};

/** The opsets `@nextplay/cls-onnx` writes. */
export const ONNX_OPSET_RANGE = { minimum: 13, maximum: 17 } as const;

export const ONNX_EXPORT_DEFAULTS: ResolvedOnnxExportOptions = {
  best: true,
  last: true,
  opset: DEFAULT_OPSET,
  compare_images: 16,
};

export const onnxExportOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    best: {
      type: 'boolean',
      default: ONNX_EXPORT_DEFAULTS.best,
      description:
        'Write onnx/best.onnx and onnx/best.json (the final weights when no best checkpoint exists).',
    },
    last: {
      type: 'boolean',
      default: ONNX_EXPORT_DEFAULTS.last,
      description: 'Write onnx/last.onnx and onnx/last.json from the final weights.',
    },
    opset: {
      type: 'integer',
      ...ONNX_OPSET_RANGE,
      default: ONNX_EXPORT_DEFAULTS.opset,
      description: 'ONNX opset of the exported graphs.',
    },
    compare_images: {
      type: 'integer',
      minimum: 1,
      maximum: 256,
      default: ONNX_EXPORT_DEFAULTS.compare_images,
      description:
        'Validation images on which ONNX Runtime logits are compared with TensorFlow.js (max_abs_diff in the sidecar).',
    },
  },
  additionalProperties: false,
};
