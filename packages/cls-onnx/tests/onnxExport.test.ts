import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { input, layers, model as functionalModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { createLogger, isClsError } from '@nextplay/cls-core';
import {
  buildResNet,
  digitsHead,
  loadPretrainedWeights,
  sequenceHead,
  resnet18Plugin,
  resnet50Plugin,
  type ResNetSpec,
} from '@nextplay/cls-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, layersModelToOnnx, verifyOnnxExport } from '../src/index.js';
import { findPython, runPython } from '@nextplay/cls-testing';

const REPO = join(import.meta.dirname, '..', '..', '..');
const FIXTURES = join(REPO, 'packages', 'cls-models', 'tests', 'fixtures');
const FIXTURE_SCRIPT = join(REPO, 'tools', 'make-torch-fixtures.py');

interface TorchReference {
  readonly input_shape: [number, number, number, number];
  readonly input: number[];
  readonly logits: number[][];
}

const TINY: Record<'tiny_basic' | 'tiny_bottleneck', ResNetSpec> = {
  tiny_basic: {
    block: 'basic',
    layers: [1, 1, 1, 1],
    planes: [8, 16, 16, 16],
    stemChannels: 8,
    imageSize: 32,
    numClasses: 5,
  },
  tiny_bottleneck: {
    block: 'bottleneck',
    layers: [2, 1, 1, 1],
    planes: [4, 8, 8, 8],
    stemChannels: 8,
    imageSize: 32,
    numClasses: 5,
  },
};

function readReference(path: string): TorchReference {
  return JSON.parse(readFileSync(path, 'utf8')) as TorchReference;
}

/** onnxruntime's logits on torchvision's NCHW input, against torchvision's logits. */
async function compareOnnxWithTorch(
  onnx: Uint8Array,
  ref: TorchReference,
): Promise<{ diff: number; scale: number }> {
  const session = await InferenceSession.create(onnx);
  try {
    const results = await session.run({
      input: new Tensor('float32', Float32Array.from(ref.input), ref.input_shape),
    });
    const actual = results.logits?.data as Float32Array;
    const expected = ref.logits.flat();
    expect(results.logits?.dims).toEqual([ref.logits.length, ref.logits[0]?.length]);
    return {
      diff: Math.max(...expected.map((v, i) => Math.abs(v - (actual[i] ?? NaN)))),
      scale: Math.max(...expected.map(Math.abs)),
    };
  } finally {
    await session.release();
  }
}

const python = findPython(['torch', 'torchvision', 'onnx']);
const logger = createLogger({ level: 0 });
let workDir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  workDir = await mkdtemp(join(tmpdir(), 'cls-onnx-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('ONNX export of torchvision-weighted ResNets', () => {
  for (const name of ['tiny_basic', 'tiny_bottleneck'] as const) {
    it(`${name}: onnxruntime gives torchvision's logits and agrees with TensorFlow.js`, async () => {
      const model = buildResNet({ ...TINY[name], seed: 1 });
      await loadPretrainedWeights(model, join(FIXTURES, `${name}.pth`), { arch: 'resnet18' });
      const path = join(workDir, `${name}.onnx`);
      const result = await exportOnnx(model, path, {
        metadata: {
          classNames: ['a', 'b', 'c', 'd', 'e'],
          imageSize: 32,
          mean: [0.485, 0.456, 0.406],
          std: [0.229, 0.224, 0.225],
        },
      });
      expect(result.verification.maxAbsDiff).toBeLessThanOrEqual(result.verification.tolerance);
      expect(result.verification.batch).toBe(2);
      const { diff, scale } = await compareOnnxWithTorch(
        readFileSync(path),
        readReference(join(FIXTURES, `${name}.json`)),
      );
      expect(scale).toBeGreaterThan(0.1);
      expect(diff).toBeLessThanOrEqual(1e-4 * scale + 1e-5);
      model.dispose();
    });
  }

  for (const opset of [13, 15, 17]) {
    it(`opset ${opset} loads in onnxruntime with a dynamic batch axis`, async () => {
      const model = buildResNet({ ...TINY.tiny_basic, seed: 2 });
      const onnx = layersModelToOnnx(model, { opset });
      for (const batch of [1, 3]) {
        const check = await verifyOnnxExport(model, onnx, { batch, seed: batch });
        expect(check.maxAbsDiff).toBeLessThanOrEqual(check.tolerance);
      }
      model.dispose();
    });
  }

  it('fails the export when onnxruntime disagrees with TensorFlow.js', async () => {
    const a = buildResNet({ ...TINY.tiny_basic, seed: 3 });
    const b = buildResNet({ ...TINY.tiny_basic, seed: 4 });
    const error: unknown = await verifyOnnxExport(a, layersModelToOnnx(b)).catch((e: unknown) => e);
    expect(isClsError(error)).toBe(true);
    expect(String(error)).toMatch(/ONNX export check failed: .* differ by up to/);
    a.dispose();
    b.dispose();
  });

  it('refuses unsupported opsets and layers with a clear error', () => {
    const model = buildResNet({ ...TINY.tiny_basic, seed: 5 });
    expect(() => layersModelToOnnx(model, { opset: 12 })).toThrow(
      /export\.opset=12: must be an integer from 13 to 17/,
    );
    model.dispose();
    const image = input({ shape: [8, 8, 3] });
    const up = layers.conv2dTranspose({ name: 'up', filters: 2, kernelSize: 2 }).apply(image) as ReturnType<
      typeof input
    >;
    const logits = layers.dense({ units: 2 }).apply(layers.flatten().apply(up)) as ReturnType<typeof input>;
    const odd: LayersModel = functionalModel({ inputs: image, outputs: logits });
    expect(() => layersModelToOnnx(odd)).toThrow(
      /cannot export layer up .*: layer class Conv2DTranspose has no ONNX conversion/,
    );
    odd.dispose();
  });

  it('exports a plain Keras-style CNN (same padding, pooling, flatten, fused activations)', async () => {
    const image = input({ shape: [12, 10, 3] });
    let x = layers
      .conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })
      .apply(image);
    x = layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }).apply(x);
    x = layers.maxPooling2d({ poolSize: 2 }).apply(x);
    x = layers.flatten().apply(x);
    x = layers.dense({ units: 3, activation: 'softmax' }).apply(x);
    const cnn = functionalModel({ inputs: image, outputs: x as ReturnType<typeof input> });
    const check = await verifyOnnxExport(cnn, layersModelToOnnx(cnn));
    expect(check.maxAbsDiff).toBeLessThanOrEqual(check.tolerance);
    cnn.dispose();
  });

  it('exports digit heads with their named outputs: tens and units, or columns of a (2, 1)-strided ResNet', async () => {
    const cases = [
      {
        head: digitsHead,
        outputs: [
          ['tens', 11],
          ['units', 10],
        ],
      },
      { head: sequenceHead, outputs: [['columns', 4, 11]] },
    ] as const;
    for (const { head, outputs } of cases) {
      const model = buildResNet({ ...TINY.tiny_basic, imageSize: [32, 32], seed: 9, head });
      const onnx = layersModelToOnnx(model, { outputNames: head.outputNames });
      const check = await verifyOnnxExport(model, onnx);
      expect(check.maxAbsDiff).toBeLessThanOrEqual(check.tolerance);
      const session = await InferenceSession.create(onnx);
      try {
        expect(session.outputNames).toEqual(outputs.map(([name]) => name));
        const result = await session.run({
          input: new Tensor('float32', new Float32Array(3 * 3 * 32 * 32), [3, 3, 32, 32]),
        });
        expect(outputs.map(([name]) => [name, result[name]?.dims])).toEqual(
          outputs.map(([name, ...dims]) => [name, [3, ...dims]]),
        );
      } finally {
        await session.release();
        model.dispose();
      }
    }
  });

  it('leaves no tensor behind (transposed kernels, default batch-norm scales)', () => {
    const image = input({ shape: [8, 8, 3] });
    let x = layers.conv2d({ filters: 4, kernelSize: 3, useBias: false }).apply(image);
    x = layers.batchNormalization({ scale: false, center: false }).apply(x);
    x = layers.globalAveragePooling2d({}).apply(x);
    x = layers.dense({ units: 2 }).apply(x);
    const cnn = functionalModel({ inputs: image, outputs: x as ReturnType<typeof input> });
    const before = tf.memory().numTensors;
    layersModelToOnnx(cnn);
    expect(tf.memory().numTensors).toBe(before);
    cnn.dispose();
  });
});

describe.skipIf(python === undefined)(
  'against PyTorch and the onnx checker (needs python3-torch, -torchvision, -onnx)',
  () => {
    it('passes onnx.checker.check_model, with metadata_props', async () => {
      const model = buildResNet({ ...TINY.tiny_bottleneck, seed: 1 });
      const path = join(workDir, 'checked.onnx');
      await exportOnnx(model, path, {
        metadata: {
          classNames: ['x', 'y', 'z', 'u', 'v'],
          imageSize: 32,
          mean: [0.5, 0.5, 0.5],
          std: [0.25, 0.25, 0.25],
        },
      });
      model.dispose();
      const script = [
        'import json, sys, onnx',
        'm = onnx.load(sys.argv[1])',
        'onnx.checker.check_model(m, full_check=True)',
        'print(json.dumps({"opset": m.opset_import[0].version, "meta": {p.key: p.value for p in m.metadata_props},',
        '  "input": [d.dim_param or d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim],',
        '  "output": [d.dim_param or d.dim_value for d in m.graph.output[0].type.tensor_type.shape.dim],',
        '  "ops": sorted({n.op_type for n in m.graph.node})}))',
      ].join('\n');
      const report = JSON.parse(runPython(python ?? '', ['-c', script, path])) as Record<string, unknown>;
      expect(report).toEqual({
        opset: 17,
        meta: {
          class_names: '["x","y","z","u","v"]',
          image_size: '32',
          mean: '[0.5,0.5,0.5]',
          std: '[0.25,0.25,0.25]',
          layout: 'NCHW',
          input: 'input',
          output: 'logits',
        },
        input: ['batch', 3, 32, 32],
        output: ['batch', 5],
        ops: [
          'Add',
          'BatchNormalization',
          'Conv',
          'Flatten',
          'Gemm',
          'GlobalAveragePool',
          'MaxPool',
          'Pad',
          'Relu',
        ],
      });
    });

    for (const arch of ['resnet18', 'resnet50'] as const) {
      it(`full torchvision ${arch}: .pth → tfjs → ONNX gives torchvision's logits`, async () => {
        const dir = join(workDir, arch);
        runPython(python ?? '', [
          FIXTURE_SCRIPT,
          '--full',
          arch,
          '--out',
          dir,
          '--image-size',
          '32',
          '--num-classes',
          '10',
        ]);
        const plugin = arch === 'resnet18' ? resnet18Plugin : resnet50Plugin;
        const model = await plugin.create(
          { arch, num_classes: 10, pretrained: join(dir, `${arch}.pth`) },
          { numClasses: 10, imageSize: [32, 32], channels: 3, logger },
        );
        const onnx = layersModelToOnnx(model);
        const check = await verifyOnnxExport(model, onnx);
        expect(check.maxAbsDiff).toBeLessThanOrEqual(check.tolerance);
        const { diff, scale } = await compareOnnxWithTorch(onnx, readReference(join(dir, `${arch}.json`)));
        expect(scale).toBeGreaterThan(0.1);
        expect(diff).toBeLessThanOrEqual(1e-4 * scale + 1e-5);
        model.dispose();
      });
    }
  },
);
