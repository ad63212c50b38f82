import { createHash } from 'node:crypto';
import { link, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createPixelNormalizer, type SplitName } from '@nextplay/cls-core';
import { layersModelToOnnx, runOnnxModel } from '@nextplay/cls-onnx';
import {
  createRecordingTrainerContext,
  findPython,
  runPython,
  testRunConfig,
  type RecordingTrainerContext,
} from '@nextplay/cls-testing';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OnnxExportCallback, compareWithTfjs, loadComparisonBatch, type OnnxSidecar } from '../src/index.js';
import {
  CLASSES,
  CheckpointStore,
  IMAGE_SIZE,
  SPLIT_SIZES,
  dataInfo,
  perturbWeights,
  syntheticImage,
  tinyResNet,
} from './helpers/fakeRun.js';

/** The run config the callback reads: the model input, ImageNet normalization and, when given, `data.resize`. */
function onnxRunConfig(resize?: string) {
  return testRunConfig({
    data: {
      image_size: IMAGE_SIZE,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      ...(resize === undefined ? {} : { resize }),
    },
    trainer: { max_epochs: 2 },
  });
}

/** The keys every sidecar has, in the order it writes them. */
const SIDECAR_KEYS = [
  'classes',
  'mean',
  'std',
  'input_size',
  'resize',
  'opset',
  'max_abs_diff',
  'max_abs_logit',
  'argmax_agreement',
  'images_compared',
  'compare_split',
  'preprocess',
  'input_name',
  'input_layout',
  'input_dtype',
  'output_name',
  'output',
  'head',
  'output_names',
  'decode',
  'arch',
  'weights',
  'checkpoint',
  'epoch',
  'global_step',
  'sha256',
  'bytes',
];

let model: LayersModel;
let store: CheckpointStore;
let context: RecordingTrainerContext;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

beforeEach(async () => {
  model = tinyResNet();
  store = new CheckpointStore();
  context = await createRecordingTrainerContext({
    model,
    config: onnxRunConfig('center_crop'),
    data: dataInfo(),
    loadImage: (split, index) => syntheticImage(split, index),
    loadModel: store.load,
  });
});

afterEach(async () => {
  model.dispose();
  store.dispose();
  await context.dispose();
});

async function readSidecar(name: string): Promise<OnnxSidecar> {
  return JSON.parse(await readFile(join(context.runDir, 'onnx', `${name}.json`), 'utf8')) as OnnxSidecar;
}

/** Two checkpoints with different weights: the best at epoch 0 and the last at epoch 1. */
async function saveBestAndLast(): Promise<void> {
  const best = join(context.runDir, 'checkpoints', 'epoch_000');
  await store.save(model, best, { epoch: 0, global_step: 5 });
  perturbWeights(model, 0.05);
  const last = join(context.runDir, 'checkpoints', 'last');
  await store.save(model, last, { epoch: 1, global_step: 10 });
  context.bestModelPath = best;
  context.lastCheckpointPath = last;
}

/** Test images normalized as the sidecar says, NCHW. */
function preprocessAsSidecar(sidecar: OnnxSidecar, split: SplitName, count: number): Float32Array {
  const [channels, height, width] = sidecar.input_size;
  const normalize = createPixelNormalizer(sidecar.mean, sidecar.std);
  const plane = height * width;
  const nchw = new Float32Array(count * channels * plane);
  const nhwc = new Float32Array(plane * channels);
  for (let n = 0; n < count; n++) {
    normalize(syntheticImage(split, n).data, nhwc, 0);
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) nchw[(n * channels + c) * plane + p] = nhwc[p * channels + c]!;
    }
  }
  return nchw;
}

function argmaxRows(logits: ArrayLike<number>, classes: number): number[] {
  const rows: number[] = [];
  for (let start = 0; start < logits.length; start += classes) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[start + k]! > logits[start + best]!) best = k;
    rows.push(best);
  }
  return rows;
}

/** tfjs predictions of `net` on the same images, NHWC. */
function tfjsArgmax(net: LayersModel, nchw: Float32Array, count: number): number[] {
  return tf.tidy(() => {
    const images = tf.transpose(tf.tensor4d(nchw, [count, 3, IMAGE_SIZE, IMAGE_SIZE]), [0, 2, 3, 1]);
    return Array.from(tf.argMax(net.predict(images) as tf.Tensor, -1).dataSync());
  });
}

describe('OnnxExportCallback', () => {
  it('writes best and last ONNX files with exact sidecars from their checkpoints', async () => {
    await saveBestAndLast();
    const tensorsBefore = tf.memory().numTensors;
    await new OnnxExportCallback({ compare_images: 8 }).onFitEnd(context);

    expect((await readdir(join(context.runDir, 'onnx'))).sort()).toEqual([
      'best.json',
      'best.onnx',
      'last.json',
      'last.onnx',
    ]);
    // The best checkpoint was loaded and disposed; the last holds the model in memory, so it was not loaded. No
    // tensor is left behind.
    expect(store.loaded).toHaveLength(1);
    expect(store.loaded.every((net) => store.isDisposed(net))).toBe(true);
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    const best = await readSidecar('best');
    const last = await readSidecar('last');
    for (const sidecar of [best, last]) {
      expect(Object.keys(sidecar)).toEqual(SIDECAR_KEYS);
      expect(sidecar).toMatchObject({
        classes: CLASSES,
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
        input_size: [3, IMAGE_SIZE, IMAGE_SIZE],
        resize: 'center_crop',
        opset: 17,
        images_compared: 8,
        compare_split: 'val',
        input_name: 'input',
        input_layout: 'NCHW',
        output_name: 'logits',
        head: 'linear',
        output_names: ['logits'],
        arch: 'tiny_resnet',
        argmax_agreement: 1,
      });
      expect(sidecar.max_abs_diff).toBeLessThan(1e-4);
      expect(sidecar.max_abs_logit).toBeGreaterThan(0);
      expect(sidecar.preprocess).toContain('crop the centre 16x16');
    }
    expect(best).toMatchObject({
      weights: 'best_checkpoint',
      checkpoint: 'checkpoints/epoch_000',
      epoch: 0,
      global_step: 5,
    });
    expect(last).toMatchObject({
      weights: 'last_checkpoint',
      checkpoint: 'checkpoints/last',
      epoch: 1,
      global_step: 10,
    });

    const files = await Promise.all(
      ['best', 'last'].map((n) => readFile(join(context.runDir, 'onnx', `${n}.onnx`))),
    );
    expect(files.map((f) => createHash('sha256').update(f).digest('hex'))).toEqual([
      best.sha256,
      last.sha256,
    ]);
    expect(files.map((f) => f.length)).toEqual([best.bytes, last.bytes]);
    expect(best.sha256).not.toBe(last.sha256);

    // ONNX Runtime on test images preprocessed as the sidecar says predicts what tfjs does with those weights,
    // and the two exports predict differently on logits.
    const count = SPLIT_SIZES.test;
    const nchw = preprocessAsSidecar(best, 'test', count);
    const [bestRun, lastRun] = await Promise.all(
      files.map((file) => runOnnxModel(file, nchw, [count, 3, IMAGE_SIZE, IMAGE_SIZE])),
    );
    const bestModel = await store.load(context.bestModelPath!);
    expect(argmaxRows(bestRun!.logits, CLASSES.length)).toEqual(tfjsArgmax(bestModel, nchw, count));
    expect(argmaxRows(lastRun!.logits, CLASSES.length)).toEqual(tfjsArgmax(model, nchw, count));
    expect(Array.from(bestRun!.logits)).not.toEqual(Array.from(lastRun!.logits));
    expect(context.messages.filter((m) => m.text.startsWith('onnx_export: wrote'))).toHaveLength(2);
  });

  it.each([
    { modelFiles: true, linked: false, loads: 0 },
    { modelFiles: true, linked: true, loads: 0 },
    { modelFiles: false, linked: false, loads: 2 },
  ])(
    'converts and checks once when last holds the best checkpoint’s model (model files: $modelFiles, linked: $linked)',
    async ({ modelFiles, linked, loads }) => {
      const best = join(context.runDir, 'checkpoints', 'epoch_001');
      const last = join(context.runDir, 'checkpoints', 'last');
      await store.save(model, best, { epoch: 1, global_step: 10 }, { modelFiles });
      await store.save(model, last, { epoch: 1, global_step: 10 }, { modelFiles: modelFiles && !linked });
      if (linked) {
        // As the engine links `last` to the epoch's checkpoint: the same files, not equal copies.
        for (const file of ['model.json', 'weights.bin']) await link(join(best, file), join(last, file));
      }
      let predictions = 0;
      const countPredictions = (net: LayersModel): LayersModel => {
        const predict = net.predict.bind(net);
        net.predict = (...args) => {
          predictions++;
          return predict(...args);
        };
        return net;
      };
      countPredictions(model);
      context = await createRecordingTrainerContext({
        model,
        runDir: context.runDir,
        config: onnxRunConfig(),
        data: dataInfo(),
        loadImage: (split, index) => syntheticImage(split, index),
        loadModel: async (path) => countPredictions(await store.load(path)),
      });
      context.bestModelPath = best;
      context.lastCheckpointPath = last;
      await new OnnxExportCallback().onFitEnd(context);

      // Files holding the model in memory: nothing loaded; no model files: both loaded, and their identical ONNX
      // bytes compared once. Written once, linked once.
      expect([store.loaded.length, predictions]).toEqual([loads, 1]);
      const [bestFile, lastFile] = await Promise.all(
        ['best', 'last'].map((name) => stat(join(context.runDir, 'onnx', `${name}.onnx`))),
      );
      expect(lastFile!.ino).toBe(bestFile!.ino);
      const [bestSidecar, lastSidecar] = [await readSidecar('best'), await readSidecar('last')];
      expect(bestSidecar.sha256).toBe(lastSidecar.sha256);
      expect(bestSidecar.max_abs_diff).toBe(lastSidecar.max_abs_diff);
      expect([bestSidecar.resize, bestSidecar.images_compared]).toEqual(['fill', SPLIT_SIZES.val]);
      expect([bestSidecar.checkpoint, lastSidecar.checkpoint]).toEqual([
        'checkpoints/epoch_001',
        'checkpoints/last',
      ]);
    },
  );

  it('exports the final weights in memory as best and last when no checkpoint exists, loading nothing', async () => {
    context.epoch = 1;
    context.globalStep = 12;
    await new OnnxExportCallback().onFitEnd(context);
    expect(store.loaded).toHaveLength(0);
    const [best, last] = [await readSidecar('best'), await readSidecar('last')];
    for (const sidecar of [best, last]) {
      expect(sidecar).toMatchObject({ weights: 'final_model', checkpoint: null, epoch: 1, global_step: 12 });
    }
    expect(best.sha256).toBe(last.sha256);
    expect(context.messages.map((m) => m.text)).toContain(
      'onnx_export: no best checkpoint: onnx/best.onnx holds the final weights',
    );
  });

  it('exports the last checkpoint as best when no best checkpoint exists', async () => {
    const last = join(context.runDir, 'checkpoints', 'last');
    await store.save(model, last, { epoch: 1, global_step: 10 });
    context.lastCheckpointPath = last;
    await new OnnxExportCallback().onFitEnd(context);
    // It holds the model in memory, which is exported instead of a copy loaded from disk.
    expect(store.loaded).toHaveLength(0);
    expect(await readSidecar('best')).toMatchObject({
      weights: 'last_checkpoint',
      checkpoint: 'checkpoints/last',
    });
  });

  it('exports nothing when the run was interrupted', async () => {
    await saveBestAndLast();
    context.interrupted = true;
    await new OnnxExportCallback().onFitEnd(context);
    await expect(readdir(join(context.runDir, 'onnx'))).rejects.toThrow('ENOENT');
    expect(store.loaded).toHaveLength(0);
    expect(context.messages.map((m) => m.text)).toEqual([
      'onnx_export: the run was interrupted: no ONNX export',
    ]);
  });

  it('writes only what the options ask for', async () => {
    await saveBestAndLast();
    await new OnnxExportCallback({ best: false, opset: 13 }).onFitEnd(context);
    expect(await readdir(join(context.runDir, 'onnx'))).toEqual(['last.json', 'last.onnx']);
    expect((await readSidecar('last')).opset).toBe(13);
    await new OnnxExportCallback({ best: true, last: false }).onFitEnd(context);
    expect(await readdir(join(context.runDir, 'onnx'))).toEqual([
      'best.json',
      'best.onnx',
      'last.json',
      'last.onnx',
    ]);
    expect(store.loaded).toHaveLength(1);
    await new OnnxExportCallback({ best: false, last: false }).onFitEnd(context);
    expect(store.loaded).toHaveLength(1);
  });

  it('compares on the test split without val, and on random inputs without images', async () => {
    const info = dataInfo();
    context = await createRecordingTrainerContext({
      model,
      runDir: context.runDir,
      config: onnxRunConfig(),
      data: { ...info, val: undefined },
      loadImage: (split, index) => syntheticImage(split, index),
    });
    await new OnnxExportCallback({ last: false }).onFitEnd(context);
    expect(await readSidecar('best')).toMatchObject({
      compare_split: 'test',
      images_compared: SPLIT_SIZES.test,
    });

    context = await createRecordingTrainerContext({
      model,
      runDir: context.runDir,
      config: onnxRunConfig(),
      data: info,
    });
    await new OnnxExportCallback({ last: false }).onFitEnd(context);
    const sidecar = await readSidecar('best');
    expect(sidecar).toMatchObject({ compare_split: null, images_compared: 2 });
    expect(sidecar.max_abs_diff).toBeLessThan(1e-4);
  });

  it('refuses images whose size is not the model’s, naming both', async () => {
    context = await createRecordingTrainerContext({
      model,
      runDir: context.runDir,
      config: onnxRunConfig(),
      data: dataInfo(),
      loadImage: (split, index) => syntheticImage(split, index, 20),
    });
    await expect(new OnnxExportCallback().onFitEnd(context)).rejects.toThrow(
      'onnx_export: the model takes 16×16×3 images, the val images are 20×20×3',
    );
  });

  it.each([
    [{ opset: 12 }, 'callbacks.onnx_export.opset must be an integer from 13 to 17, got 12'],
    [{ compare_images: 0 }, 'callbacks.onnx_export.compare_images must be a positive integer, got 0'],
  ])('rejects %j when created directly', (options, message) => {
    expect(() => new OnnxExportCallback(options)).toThrow(message);
  });

  const python = findPython(['onnx']);
  it.skipIf(python === undefined)(
    `writes a model that passes onnx.checker.check_model(full_check=True)${python === undefined ? ' (skipped: no python3 that imports onnx; install python3-onnx)' : ''}`,
    async () => {
      await saveBestAndLast();
      await new OnnxExportCallback().onFitEnd(context);
      const script =
        'import onnx, sys\nfor p in sys.argv[1:]: onnx.checker.check_model(onnx.load(p), full_check=True)\nprint("ok")';
      const files = ['best', 'last'].map((n) => join(context.runDir, 'onnx', `${n}.onnx`));
      expect(runPython(python!, ['-c', script, ...files]).trim()).toBe('ok');
    },
  );
});

describe('compareWithTfjs', () => {
  it('refuses a graph whose logits are not the model’s', async () => {
    const other = tinyResNet();
    perturbWeights(other, 0.5);
    const onnx = layersModelToOnnx(other);
    other.dispose();
    const batch = await loadComparisonBatch(context, 4);
    await expect(compareWithTfjs(model, onnx, batch!)).rejects.toThrow(
      /^ONNX export check failed: ONNX Runtime and TensorFlow\.js logits differ by up to .* on 4 val images/,
    );
  });
});
