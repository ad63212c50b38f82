import '@tensorflow/tfjs-backend-cpu';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layersModelToOnnx } from '@nextplay/cls-onnx';
import { buildResNet, countParameters as torchParameterCount } from '@nextplay/cls-models';
import {
  createRecordingTrainerContext,
  testRunConfig,
  type RecordingTrainerContext,
} from '@nextplay/cls-testing';
import * as tf from '@tensorflow/tfjs-core';
import {
  input,
  layers,
  model as functionalModel,
  type LayersModel,
  type SymbolicTensor,
} from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_INFO_FILE, ModelInfoCallback, type ModelInfo, type ModelInfoOptions } from '../src/index.js';

const CONTRACT_KEYS = [
  'arch',
  'input_size',
  'params_total',
  'params_trainable',
  'macs_per_image',
  'weights_mb',
  'throughput_img_s',
  'onnx_latency_ms_batch_1',
];

let context: RecordingTrainerContext;
let model: LayersModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(async () => {
  model.dispose();
  await context.dispose();
});

function tinyResNet(): LayersModel {
  return buildResNet({
    block: 'basic',
    layers: [1, 1, 1, 1],
    planes: [4, 4, 8, 8],
    stemChannels: 4,
    numClasses: 3,
    imageSize: 16,
    seed: 1,
  });
}

async function start(
  net: LayersModel,
  options: ModelInfoOptions = { benchmark_seconds: 0.2 },
  batchSize = 4,
): Promise<ModelInfoCallback> {
  model = net;
  context = await createRecordingTrainerContext({
    model,
    config: testRunConfig({ data: { batch_size: batchSize } }),
  });
  const callback = new ModelInfoCallback(options);
  await callback.onFitStart(context);
  return callback;
}

async function readInfo(): Promise<ModelInfo> {
  return JSON.parse(await readFile(join(context.runDir, MODEL_INFO_FILE), 'utf8')) as ModelInfo;
}

describe('ModelInfoCallback', () => {
  it('writes the counts at fit start and the measurements at fit end', async () => {
    const callback = await start(tinyResNet());
    const atStart = await readInfo();
    for (const key of CONTRACT_KEYS) expect(atStart).toHaveProperty(key);
    expect(atStart).toMatchObject({
      arch: 'tiny_resnet',
      input_size: [16, 16, 3],
      num_classes: 3,
      params_total: torchParameterCount(model),
      params_trainable: torchParameterCount(model),
      backend: 'cpu',
      batch_size: 4,
      throughput_img_s: { batch_1: null, batch_4: null },
      onnx_latency_ms_batch_1: null,
      benchmark: { status: 'pending', seconds: null },
    });
    // Stem 16→8 px: 8·8·4 outputs × 7·7·3; every other conv and the classifier are smaller but not nothing.
    expect(atStart.macs_per_image).toBeGreaterThan(8 * 8 * 4 * 7 * 7 * 3);
    const storedFloats = model.weights.reduce(
      (sum, w) => sum + w.shape.reduce<number>((n, d) => n * (d ?? 1), 1),
      0,
    );
    expect(atStart.weights_mb).toBeCloseTo((storedFloats * 4) / 2 ** 20, 3);
    expect(atStart.layers).toBe(model.layers.length - 1);

    const tensors = tf.memory().numTensors;
    await callback.onFitEnd(context);
    expect(tf.memory().numTensors).toBe(tensors);
    const info = await readInfo();
    expect(info.throughput_img_s.batch_1).toBeGreaterThan(0);
    expect(info.throughput_img_s.batch_4).toBeGreaterThan(0);
    expect(info.onnx_latency_ms_batch_1).toBeGreaterThan(0);
    expect(info.onnx_latency_ms_batch_1).toBeLessThan(1000);
    expect(info.benchmark).toMatchObject({
      status: 'measured',
      onnx_model: 'converted in memory',
      onnx_error: null,
    });
    expect(Object.keys(info.benchmark.runs)).toEqual(['onnx_batch_1', 'tfjs_batch_1', 'tfjs_batch_4']);
    expect(Object.values(info.benchmark.runs).every((runs) => runs >= 1)).toBe(true);
    // The 0.2 s budget is kept (the ONNX session and the warm-ups included), with room for a busy machine.
    expect(info.benchmark.seconds).toBeGreaterThan(0);
    expect(info.benchmark.seconds).toBeLessThan(0.2 + 1.5);
    expect(info.benchmark.runs.onnx_batch_1).toBeGreaterThan(1);
    // Everything but the measurements is what fit start wrote.
    expect({ ...info, throughput_img_s: null, onnx_latency_ms_batch_1: null, benchmark: null }).toEqual({
      ...atStart,
      throughput_img_s: null,
      onnx_latency_ms_batch_1: null,
      benchmark: null,
    });
    expect(await readdir(context.runDir)).toEqual([MODEL_INFO_FILE]);
    expect(context.warnings()).toEqual([]);
  });

  it('times onnx_export’s onnx/last.onnx when it is there', async () => {
    const callback = await start(tinyResNet());
    await mkdir(join(context.runDir, 'onnx'));
    await writeFile(join(context.runDir, 'onnx', 'last.onnx'), layersModelToOnnx(model));
    await callback.onFitEnd(context);
    expect((await readInfo()).benchmark.onnx_model).toBe('onnx/last.onnx');
  });

  it('warns and keeps the throughput when the ONNX model cannot be timed', async () => {
    const callback = await start(tinyResNet());
    await mkdir(join(context.runDir, 'onnx'));
    await writeFile(join(context.runDir, 'onnx', 'best.onnx'), 'not an onnx model');
    await callback.onFitEnd(context);
    const info = await readInfo();
    expect(info.onnx_latency_ms_batch_1).toBeNull();
    expect(info.benchmark.onnx_model).toBe('onnx/best.onnx');
    expect(info.benchmark.onnx_error).toEqual(expect.any(String));
    expect(info.throughput_img_s.batch_1).toBeGreaterThan(0);
    expect(context.warnings()).toEqual([`model_info: no ONNX Runtime latency: ${info.benchmark.onnx_error}`]);
  });

  it('names the layer the ONNX converter does not support', async () => {
    const image = input({ shape: [8, 8, 3] });
    let x = layers.depthwiseConv2d({ kernelSize: 3 }).apply(image) as SymbolicTensor;
    x = layers.globalAveragePooling2d({}).apply(x) as SymbolicTensor;
    const logits = layers.dense({ units: 2 }).apply(x) as SymbolicTensor;
    const callback = await start(
      functionalModel({ inputs: image, outputs: logits }),
      { benchmark_seconds: 0.1 },
      1,
    );
    await callback.onFitEnd(context);
    const info = await readInfo();
    expect(Object.keys(info.throughput_img_s)).toEqual(['batch_1']);
    expect(info.throughput_img_s.batch_1).toBeGreaterThan(0);
    expect(info.macs_per_image).toBe(6 * 6 * 3 * 9 + 3 * 2);
    expect(info.benchmark.onnx_model).toBeNull();
    expect(context.warnings()).toHaveLength(1);
    expect(context.warnings()[0]).toMatch(/^model_info: no ONNX Runtime latency: .*DepthwiseConv2D/);
  });

  it('skips the measurements of an interrupted run and keeps a valid file', async () => {
    const callback = await start(tinyResNet(), { benchmark_seconds: 30 });
    const atStart = await readInfo();
    context.interrupted = true;
    const before = performance.now();
    await callback.onFitEnd(context);
    expect(performance.now() - before).toBeLessThan(1000);
    expect(await readInfo()).toEqual({
      ...atStart,
      benchmark: { ...atStart.benchmark, status: 'interrupted' },
    });
  });

  it('writes only the counts with benchmark: false', async () => {
    const callback = await start(tinyResNet(), { benchmark: false });
    await callback.onFitEnd(context);
    const info = await readInfo();
    expect(info.benchmark.status).toBe('disabled');
    expect(info.throughput_img_s).toEqual({ batch_1: null, batch_4: null });
    expect(info.params_total).toBe(torchParameterCount(model));
  });
});
