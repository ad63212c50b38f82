import { createHash } from 'node:crypto';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  ClsError,
  linkFileAtomic,
  readWeightsToHost,
  writeFileAtomic,
  type Callback,
  type TrainerContext,
  imageSizeSetting,
  toImageSize,
} from '@nextplay/cls-core';
import { INPUT_NAME, OUTPUT_NAME, layersModelToOnnx } from '@nextplay/cls-onnx';
import {
  checkpointHoldsModel,
  readCheckpointProgress,
  sameCheckpointModel,
  type CheckpointProgress,
} from './checkpointFiles.js';
import { compareWithTfjs, type OnnxComparison } from './compareWithTfjs.js';
import { loadComparisonBatch, randomComparisonBatch, type ComparisonBatch } from './comparisonBatch.js';
import {
  ONNX_EXPORT_DEFAULTS,
  ONNX_OPSET_RANGE,
  type OnnxExportOptions,
  type ResolvedOnnxExportOptions,
} from './onnxExportOptions.js';
import { preprocessDescription, type OnnxSidecar, type WeightsSource } from './onnxSidecar.js';

/** The folder under the run dir that holds the exports. */
export const ONNX_DIR = 'onnx';

/** Inputs compared when no split holds images (as `cls export` checks). */
const RANDOM_COMPARISON_IMAGES = 2;

/** One file pair to write, `onnx/<name>.{onnx,json}`, and the weights it holds. */
interface ExportTarget {
  readonly name: 'best' | 'last';
  readonly weights: WeightsSource;
  /** The checkpoint directory; undefined for the model in memory. */
  readonly checkpoint: string | undefined;
}

/** A model converted and checked: written under one or both names. */
interface ExportedModel {
  readonly onnx: Uint8Array;
  readonly sha256: string;
  readonly comparison: OnnxComparison;
  readonly inputSize: readonly [number, number, number];
}

/**
 * Exports the run's models to ONNX at fit end, before the test pass: `onnx/best.onnx` (the best checkpoint) and
 * `onnx/last.onnx` (the final weights), each with a sidecar JSON (`onnx/best.json`, `onnx/last.json`) saying how
 * to preprocess images and how closely ONNX Runtime reproduces TensorFlow.js on real validation images. A model
 * shared by both files (one epoch, or the best epoch last) is loaded, converted and checked once, and a checkpoint
 * that holds the model in memory byte for byte is not loaded at all. When no best
 * checkpoint exists (no `model_checkpoint`, or nothing to monitor), `best.onnx` holds the final weights, which is
 * what the test pass then evaluates. An interrupted run exports nothing.
 */
export class OnnxExportCallback implements Callback {
  readonly name = 'onnx_export';
  readonly failure = 'warn';
  readonly options: ResolvedOnnxExportOptions;

  constructor(options: Readonly<OnnxExportOptions> = {}) {
    this.options = { ...ONNX_EXPORT_DEFAULTS, ...options };
    const { opset, compare_images: compareImages } = this.options;
    if (!Number.isInteger(opset) || opset < ONNX_OPSET_RANGE.minimum || opset > ONNX_OPSET_RANGE.maximum) {
      throw new ClsError(
        'CONFIG_INVALID',
        `callbacks.onnx_export.opset must be an integer from ${ONNX_OPSET_RANGE.minimum} to ${ONNX_OPSET_RANGE.maximum}, got ${opset}`,
      );
    }
    if (!Number.isInteger(compareImages) || compareImages < 1) {
      throw new ClsError(
        'CONFIG_INVALID',
        `callbacks.onnx_export.compare_images must be a positive integer, got ${compareImages}`,
      );
    }
  }

  async onFitEnd(context: TrainerContext): Promise<void> {
    if (context.interrupted) {
      context.logger.info('onnx_export: the run was interrupted: no ONNX export');
      return;
    }
    const targets = this.#targets(context);
    if (targets.length === 0) return;
    const started = performance.now();
    const batch = await this.#comparisonBatch(context);
    const exported: { readonly target: ExportTarget; readonly model: ExportedModel }[] = [];
    /** The .onnx file written for each sha256: an identical export is a hard link to it. */
    const files = new Map<string, string>();
    for (const target of targets) {
      const twin = await findSameSource(exported, target);
      const model =
        twin?.model ??
        (await this.#export(
          context,
          target,
          batch,
          exported.map((e) => e.model),
        ));
      files.set(model.sha256, await this.#write(context, target, model, batch, files.get(model.sha256)));
      exported.push({ target, model });
    }
    const seconds = (performance.now() - started) / 1000;
    context.logger.debug(`onnx_export: ${files.size} model(s) exported in ${seconds.toFixed(2)} s`);
  }

  #targets(context: TrainerContext): ExportTarget[] {
    const last: ExportTarget =
      context.lastCheckpointPath === undefined
        ? { name: 'last', weights: 'final_model', checkpoint: undefined }
        : { name: 'last', weights: 'last_checkpoint', checkpoint: context.lastCheckpointPath };
    const targets: ExportTarget[] = [];
    if (this.options.best) {
      const best = context.bestModelPath;
      if (best === undefined) {
        context.logger.info(`onnx_export: no best checkpoint: ${ONNX_DIR}/best.onnx holds the final weights`);
      }
      targets.push(
        best === undefined
          ? { ...last, name: 'best' }
          : { name: 'best', weights: 'best_checkpoint', checkpoint: best },
      );
    }
    if (this.options.last) targets.push(last);
    return targets;
  }

  async #comparisonBatch(context: TrainerContext): Promise<ComparisonBatch> {
    const batch = await loadComparisonBatch(context, this.options.compare_images);
    if (batch !== undefined) return batch;
    context.logger.info(
      'onnx_export: no split holds images: ONNX Runtime is compared with TensorFlow.js on random inputs',
    );
    const [height, width] = toImageSize(context.config.data.image_size);
    return await randomComparisonBatch(height, width, RANDOM_COMPARISON_IMAGES);
  }

  async #export(
    context: TrainerContext,
    target: ExportTarget,
    batch: ComparisonBatch,
    previous: readonly ExportedModel[],
  ): Promise<ExportedModel> {
    const loaded =
      target.checkpoint === undefined || (await checkpointHoldsModel(target.checkpoint, context.model))
        ? undefined
        : await context.loadModel(target.checkpoint);
    try {
      const model = loaded ?? context.model;
      const inputSize = checkModel(model, context, batch);
      await readWeightsToHost(model);
      const { config } = context;
      const onnx = layersModelToOnnx(model, {
        opset: this.options.opset,
        ...(context.head === undefined ? {} : { outputNames: context.head.outputNames }),
        metadata: {
          classNames: context.classes,
          imageSize: imageSizeSetting(toImageSize(config.data.image_size)),
          mean: config.data.mean,
          std: config.data.std,
          ...(context.head === undefined ? {} : { head: context.head.name, decode: context.head.decoding }),
        },
      });
      const sha256 = createHash('sha256').update(onnx).digest('hex');
      // Identical bytes are identical weights (a `last` that is a copy of the best checkpoint): check once.
      const comparison =
        previous.find((other) => other.sha256 === sha256)?.comparison ??
        (await compareWithTfjs(model, onnx, batch));
      return { onnx, sha256, comparison, inputSize };
    } finally {
      loaded?.dispose();
    }
  }

  async #write(
    context: TrainerContext,
    target: ExportTarget,
    model: ExportedModel,
    batch: ComparisonBatch,
    identicalFile: string | undefined,
  ): Promise<string> {
    const { config } = context;
    const resize = resizeOf(config.data);
    const [, height, width] = model.inputSize;
    const checkpoint =
      target.checkpoint === undefined ? null : runRelative(context.runDir, target.checkpoint);
    const progress: CheckpointProgress =
      target.checkpoint === undefined
        ? { epoch: context.epoch, globalStep: context.globalStep }
        : await readCheckpointProgress(target.checkpoint);
    const sidecar: OnnxSidecar = {
      classes: context.classes,
      mean: config.data.mean,
      std: config.data.std,
      input_size: model.inputSize,
      resize,
      opset: this.options.opset,
      max_abs_diff: model.comparison.maxAbsDiff,
      max_abs_logit: model.comparison.maxAbsLogit,
      argmax_agreement: model.comparison.argmaxAgreement,
      images_compared: batch.shape[0],
      compare_split: batch.split,
      preprocess: preprocessDescription(resize, height, width),
      input_name: INPUT_NAME,
      input_layout: 'NCHW',
      input_dtype: 'float32',
      ...outputsOf(context.head),
      arch: config.model.arch,
      weights: target.weights,
      checkpoint,
      epoch: progress.epoch,
      global_step: progress.globalStep,
      sha256: model.sha256,
      bytes: model.onnx.length,
    };
    const base = join(context.runDir, ONNX_DIR, target.name);
    if (identicalFile === undefined) await writeFileAtomic(`${base}.onnx`, model.onnx);
    else await linkFileAtomic(identicalFile, `${base}.onnx`, model.onnx);
    await writeFileAtomic(`${base}.json`, `${JSON.stringify(sidecar, null, 2)}\n`);
    const from = checkpoint ?? 'the final weights in memory';
    const epoch = progress.epoch === null ? '' : `, epoch ${progress.epoch}`;
    context.logger.info(
      `onnx_export: wrote ${ONNX_DIR}/${target.name}.onnx from ${from}${epoch} ` +
        `(${(model.onnx.length / 2 ** 20).toFixed(1)} MiB; ONNX Runtime vs TensorFlow.js max |diff| ` +
        `${model.comparison.maxAbsDiff.toExponential(1)} on ${batch.shape[0]} ${batch.split ?? 'random'} images)`,
    );
    return `${base}.onnx`;
  }
}

/** An export already made from the same weights: the same checkpoint, one with the same model files, or both the model in memory. */
async function findSameSource<T extends { readonly target: ExportTarget }>(
  exported: readonly T[],
  target: ExportTarget,
): Promise<T | undefined> {
  for (const entry of exported) {
    const [a, b] = [entry.target.checkpoint, target.checkpoint];
    if (a === undefined || b === undefined) {
      if (a === b) return entry;
    } else if (resolve(a) === resolve(b) || (await sameCheckpointModel(a, b))) {
      return entry;
    }
  }
  return undefined;
}

/** `[channels, height, width]` of the model's input, after checking it against the run and the images. */
function checkModel(
  model: LayersModel,
  context: TrainerContext,
  batch: ComparisonBatch,
): readonly [number, number, number] {
  const [, height, width, channels] = model.inputs[0]?.shape ?? [];
  const [, batchHeight, batchWidth, batchChannels] = batch.shape;
  if (height !== batchHeight || width !== batchWidth || channels !== batchChannels) {
    throw new ClsError(
      'CONFIG_INVALID',
      `onnx_export: the model takes ${height}×${width}×${channels} images, the ${batch.split ?? 'random'} images are ${batchHeight}×${batchWidth}×${batchChannels}`,
    );
  }
  // A digit head's outputs are digits, not classes.
  const numClasses = model.outputs[0]?.shape[1];
  if (context.head?.readsUnseenClasses !== true && numClasses !== context.classes.length) {
    throw new ClsError(
      'CONFIG_INVALID',
      `onnx_export: the model has ${numClasses} outputs, the run ${context.classes.length} classes`,
    );
  }
  return [batchChannels, batchHeight, batchWidth];
}

/** What the graph returns and how to read it: one `logits` output, or a head's named outputs and their decoding. */
function outputsOf(
  head: TrainerContext['head'],
): Pick<OnnxSidecar, 'output_name' | 'output' | 'head' | 'output_names' | 'decode'> {
  if (head === undefined || head.name === 'linear') {
    return {
      output_name: OUTPUT_NAME,
      output: '[batch, num_classes] float32 logits (unnormalized; softmax gives probabilities)',
      head: 'linear',
      output_names: [OUTPUT_NAME],
      decode: head?.decoding ?? null,
    };
  }
  return {
    output_name: head.outputNames.join(','),
    output: `${head.name} head: outputs ${head.outputNames.join(', ')}; see decode`,
    head: head.name,
    output_names: [...head.outputNames],
    decode: head.decoding,
  };
}

/** `data.resize` (ImageFolder datasets), `fill` when the dataset has none. */
function resizeOf(data: TrainerContext['config']['data']): string {
  const resize = (data as Readonly<Record<string, unknown>>).resize;
  return typeof resize === 'string' ? resize : 'fill';
}

/** `path` relative to the run dir when inside it, else absolute. */
function runRelative(runDir: string, path: string): string {
  const inside = relative(resolve(runDir), resolve(path));
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? resolve(path) : inside;
}
