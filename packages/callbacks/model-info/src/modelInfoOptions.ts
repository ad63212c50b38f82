import type { JsonSchema } from '@nextplay/cls-core';

/** `callbacks.model_info` options. */
export interface ModelInfoOptions {
  /** Measure throughput (training backend) and ONNX Runtime latency at the end of fit; false writes only the counts. */
  readonly benchmark?: boolean;
  /**
   * Time budget of all measurements together, in seconds. Each still makes one warm-up and one timed run, so the
   * cost is the larger of this and those runs (about two inference batches at the run's batch size).
   */
  readonly benchmark_seconds?: number;
}

export type ResolvedModelInfoOptions = { readonly [K in keyof ModelInfoOptions]-?: ModelInfoOptions[K] };

export const MODEL_INFO_DEFAULTS: ResolvedModelInfoOptions = { benchmark: true, benchmark_seconds: 0.25 };

export const modelInfoOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    benchmark: {
      type: 'boolean',
      default: MODEL_INFO_DEFAULTS.benchmark,
      description: 'Measure throughput and ONNX Runtime latency at the end of fit.',
    },
    benchmark_seconds: {
      type: 'number',
      exclusiveMinimum: 0,
      default: MODEL_INFO_DEFAULTS.benchmark_seconds,
      description: 'Time budget of all measurements together, in seconds (at least one timed run each).',
    },
  },
  additionalProperties: false,
};
