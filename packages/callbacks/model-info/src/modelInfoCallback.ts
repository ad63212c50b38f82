import { join } from 'node:path';
import { ClsError, writeFileAtomic, type Callback, type TrainerContext } from '@nextplay/cls-core';
import { benchmarkModel } from './benchmarkModel.js';
import { describeModel, type ModelInfo } from './modelInfo.js';
import {
  MODEL_INFO_DEFAULTS,
  type ModelInfoOptions,
  type ResolvedModelInfoOptions,
} from './modelInfoOptions.js';
import { onnxModelFor } from './onnxModelFor.js';
import { roundTo } from './roundTo.js';

export const MODEL_INFO_FILE = 'model_info.json';

/**
 * Writes `model_info.json`: parameters, multiply-accumulates per image and weights size at fit start (a layer walk,
 * milliseconds), then at fit end the inference throughput on the training backend and the ONNX Runtime CPU latency,
 * within `benchmark_seconds`. An interrupted run skips the measurements and keeps the fit-start file (status
 * `interrupted`).
 */
export class ModelInfoCallback implements Callback {
  readonly name = 'model_info';
  /** After the others: onnx_export's `onnx/*.onnx` is on disk at fit end, and nothing else runs during the timing. */
  readonly order = 'post';
  readonly failure = 'warn';
  readonly options: ResolvedModelInfoOptions;
  #info: ModelInfo | undefined;

  constructor(options: Readonly<ModelInfoOptions> = {}) {
    this.options = { ...MODEL_INFO_DEFAULTS, ...options };
    const seconds = this.options.benchmark_seconds;
    if (!(Number.isFinite(seconds) && seconds > 0)) {
      throw new ClsError(
        'CONFIG_INVALID',
        `callbacks.model_info.benchmark_seconds must be a positive number, got ${String(seconds)}`,
      );
    }
  }

  /** What `model_info.json` holds now. */
  get info(): ModelInfo | undefined {
    return this.#info;
  }

  async onFitStart(context: TrainerContext): Promise<void> {
    this.#info = describeModel(context.model, {
      arch: context.config.model.arch,
      batchSize: context.config.data.batch_size,
      benchmark: this.options.benchmark,
      budgetSeconds: this.options.benchmark_seconds,
    });
    await this.#write(context);
  }

  async onFitEnd(context: TrainerContext): Promise<void> {
    const info = this.#info;
    if (info === undefined || !this.options.benchmark) return;
    if (context.interrupted) {
      this.#info = { ...info, benchmark: { ...info.benchmark, status: 'interrupted' } };
      await this.#write(context);
      return;
    }
    const measured = await benchmarkModel(context.model, {
      batchSize: info.batch_size,
      budgetSeconds: this.options.benchmark_seconds,
      onnxModel: () => onnxModelFor(context.runDir, context.model),
    });
    if (measured.onnxError !== null) {
      context.logger.warn(`model_info: no ONNX Runtime latency: ${measured.onnxError}`);
    }
    const throughput = Object.fromEntries(
      Object.entries(measured.throughput).map(([batch, imagesPerSecond]) => [
        batch,
        roundTo(imagesPerSecond, 2),
      ]),
    );
    this.#info = {
      ...info,
      throughput_img_s: throughput,
      onnx_latency_ms_batch_1: measured.onnxLatencyMs === null ? null : roundTo(measured.onnxLatencyMs, 3),
      benchmark: {
        status: 'measured',
        budget_seconds: this.options.benchmark_seconds,
        seconds: roundTo(measured.seconds, 3),
        runs: measured.runs,
        onnx_model: measured.onnxModel,
        onnx_error: measured.onnxError,
      },
    };
    await this.#write(context);
  }

  async #write(context: TrainerContext): Promise<void> {
    await writeFileAtomic(join(context.runDir, MODEL_INFO_FILE), `${JSON.stringify(this.#info, null, 2)}\n`);
  }
}
