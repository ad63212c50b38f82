import { resolve } from 'node:path';
import {
  ClsError,
  type ClassifierModel,
  type ClsConfig,
  type ExportConfig,
  type Logger,
  type PluginRegistry,
  imageSizeSetting,
  toImageSize,
} from '@nextplay/cls-core';
import {
  loadCheckpointModel,
  loadTrainerState,
  saveCheckpoint,
  selectBackend,
  type TrainerState,
} from '@nextplay/cls-engine';
import { exportOnnx } from '@nextplay/cls-onnx';
import { checkpointHead, prepareExportCommand } from '../checkpointCommand.js';
import type { CliArgs } from '../cliArgs.js';
import type { CliIo } from '../cliIo.js';

const EXPORT_DEFAULTS: ExportConfig = { output: null, format: 'onnx', opset: 17, class_names: null };

/** A model to export and what its users need to know to feed it. */
interface ExportSource {
  readonly model: ClassifierModel;
  readonly state: TrainerState;
  readonly from: string;
}

/**
 * `cls export`: builds the configured model (with `model.pretrained` weights) or loads `ckpt_path`, then writes it
 * as ONNX (checked in onnxruntime against TensorFlow.js before it is written) or as a TensorFlow.js layers model.
 */
export async function exportCommand(args: CliArgs, io: CliIo): Promise<number> {
  const setup = await prepareExportCommand(args, io, args.overrides);
  if (setup === undefined) return 0;
  const { registry, config, checkpoint, logger } = setup;
  const settings = config.export ?? EXPORT_DEFAULTS;
  if (settings.output === null) {
    throw new ClsError('CONFIG_MISSING_VALUE', 'export.output is required', {
      hint: 'e.g. export.output=model.onnx',
    });
  }
  const output = resolve(io.cwd, settings.output);
  const backend = await selectBackend(config.trainer.accelerator, registry, logger, {
    threads: config.trainer.num_threads,
  });
  logger.debug(`backend ${backend.name}: ${backend.reason}`);

  const source = await exportSource(config, checkpoint, registry, io.cwd, logger);
  try {
    if (settings.format === 'tfjs') {
      await saveCheckpoint(source.model, output, source.state);
      io.stdout(`exported ${source.from} as a TensorFlow.js layers model to ${output}\n`);
      return 0;
    }
    const head = await checkpointHead(registry, source.state, logger, setup.unloadedPlugins);
    const numClasses = source.model.outputs[0]?.shape[1] ?? 0;
    const classNames = settings.class_names ?? source.state.classes;
    // A digit head's outputs are digits: any class list goes with it.
    if (!head.readsUnseenClasses && classNames.length !== numClasses) {
      throw new ClsError(
        'CONFIG_INVALID',
        `export.class_names has ${classNames.length} names, the model has ${numClasses} classes`,
      );
    }
    const result = await exportOnnx(source.model, output, {
      opset: settings.opset,
      outputNames: head.outputNames,
      metadata: {
        classNames,
        imageSize: source.state.image_size,
        mean: source.state.mean,
        std: source.state.std,
        head: head.name,
        decode: head.decoding,
      },
    });
    const { maxAbsDiff, maxAbsLogit, tolerance } = result.verification;
    io.stdout(
      `exported ${source.from} to ${output} (ONNX opset ${settings.opset}, ${result.bytes} bytes)` +
        (head.readsUnseenClasses ? `, ${head.name} head: outputs ${head.outputNames.join(', ')}\n` : '\n') +
        `onnxruntime vs TensorFlow.js: max abs diff ${maxAbsDiff.toExponential(2)} ` +
        `(max |logit| ${maxAbsLogit.toFixed(3)}, allowed ${tolerance.toExponential(2)})\n`,
    );
    return 0;
  } finally {
    source.model.dispose();
  }
}

async function exportSource(
  config: ClsConfig,
  checkpoint: string | undefined,
  registry: PluginRegistry,
  cwd: string,
  logger: Logger,
): Promise<ExportSource> {
  if (checkpoint !== undefined) {
    const dir = checkpoint;
    if (config.model.pretrained !== null) {
      logger.warn(`model.pretrained=${config.model.pretrained} is ignored: exporting checkpoint ${dir}`);
    }
    const state = await loadTrainerState(dir);
    return { model: await loadCheckpointModel(dir), state, from: `checkpoint ${dir}` };
  }
  const numClasses = config.model.num_classes;
  if (numClasses === null) {
    throw new ClsError(
      'CONFIG_MISSING_VALUE',
      'model.num_classes is required to export a model without ckpt_path',
      {
        hint: 'e.g. model.num_classes=1000, or ckpt_path=<checkpoint dir> of a trained run',
      },
    );
  }
  const pretrained = config.model.pretrained;
  const isLocalPath = pretrained !== null && pretrained !== 'imagenet' && !/^https?:\/\//.test(pretrained);
  const modelNode = isLocalPath ? { ...config.model, pretrained: resolve(cwd, pretrained) } : config.model;
  const imageSize = toImageSize(config.data.image_size);
  const head = await registry.create('head', config.model.head ?? 'linear', {}, { logger });
  const model = await registry.create('model', config.model.arch, modelNode, {
    numClasses,
    imageSize,
    channels: 3,
    logger,
    head,
  });
  const state: TrainerState = {
    epoch: 0,
    global_step: 0,
    metrics: {},
    classes: Array.from({ length: numClasses }, (_, i) => String(i)),
    model: { ...modelNode },
    image_size: imageSizeSetting(imageSize),
    mean: config.data.mean,
    std: config.data.std,
  };
  const from = `${config.model.arch}${pretrained === null ? ' (random weights)' : ` (${pretrained})`}`;
  if (pretrained === null) logger.warn('model.pretrained=null: exporting randomly initialized weights');
  return { model, state, from };
}
