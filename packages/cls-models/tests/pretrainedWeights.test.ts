import '@tensorflow/tfjs-backend-cpu';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createLogger, isClsError, type ClassifierModel } from '@nextplay/cls-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  IMAGENET_WEIGHT_URLS,
  buildResNet,
  digitsHead,
  hashPrefixOf,
  loadPretrainedWeights,
  readStateDictFile,
  resnet18Plugin,
  resolvePretrainedFile,
  sequenceHead,
  weightsCacheDir,
  type ResNetSpec,
} from '../src/index.js';
import { downloadWeights } from '../src/downloadWeights.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

interface TorchReference {
  readonly input_shape: [number, number, number, number];
  readonly input: number[];
  readonly logits: number[][];
}

const TINY: Record<'tiny_basic' | 'tiny_bottleneck', Omit<ResNetSpec, 'numClasses'>> = {
  tiny_basic: {
    block: 'basic',
    layers: [1, 1, 1, 1],
    planes: [8, 16, 16, 16],
    stemChannels: 8,
    imageSize: 32,
  },
  tiny_bottleneck: {
    block: 'bottleneck',
    layers: [2, 1, 1, 1],
    planes: [4, 8, 8, 8],
    stemChannels: 8,
    imageSize: 32,
  },
};

function reference(name: string): TorchReference {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as TorchReference;
}

/** Runs the NHWC model on torchvision's NCHW input and returns the max abs difference and max |logit|. */
function compareWithTorch(model: ClassifierModel, ref: TorchReference): { diff: number; scale: number } {
  return tf.tidy(() => {
    const nchw = tf.tensor4d(ref.input, ref.input_shape);
    const logits = model.predict(tf.transpose(nchw, [0, 2, 3, 1])) as tf.Tensor;
    const expected = tf.tensor2d(ref.logits);
    return {
      diff: tf.max(tf.abs(tf.sub(logits, expected))).dataSync()[0] ?? Infinity,
      scale: tf.max(tf.abs(expected)).dataSync()[0] ?? 0,
    };
  });
}

async function expectClsError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isClsError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toMatch(message);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('pretrained weights from PyTorch files', () => {
  for (const name of ['tiny_basic', 'tiny_bottleneck'] as const) {
    for (const extension of ['pth', 'safetensors']) {
      it(`${name}.${extension} gives torchvision's logits`, async () => {
        const model = buildResNet({ ...TINY[name], numClasses: 5, seed: 3 });
        const before = compareWithTorch(model, reference(name));
        await loadPretrainedWeights(model, join(FIXTURES, `${name}.${extension}`), { arch: 'resnet18' });
        const { diff, scale } = compareWithTorch(model, reference(name));
        expect(before.diff).toBeGreaterThan(1e-2);
        expect(scale).toBeGreaterThan(0.1);
        expect(diff).toBeLessThanOrEqual(1e-4 * scale + 1e-5);
        model.dispose();
      });
    }
  }

  it('reads the same tensors from .pth and .safetensors, BN running stats and num_batches_tracked included', async () => {
    const pth = await readStateDictFile(join(FIXTURES, 'tiny_basic.pth'));
    const safetensors = await readStateDictFile(join(FIXTURES, 'tiny_basic.safetensors'));
    expect([...pth.keys()]).toEqual([...safetensors.keys()]);
    for (const [key, tensor] of pth) {
      expect(safetensors.get(key)?.shape, key).toEqual(tensor.shape);
      expect(safetensors.get(key)?.values, key).toEqual(tensor.values);
    }
    expect(pth.get('conv1.weight')?.shape).toEqual([8, 3, 7, 7]);
    expect(pth.get('bn1.num_batches_tracked')?.values[0]).toBe(3);
    const runningVar = pth.get('layer2.0.downsample.1.running_var')?.values ?? new Float32Array();
    expect(runningVar.some((v) => Math.abs(v - 1) > 0.05)).toBe(true);
  });

  it('keeps a freshly initialized head, with a notice, when num_classes differs', async () => {
    const logger = createLogger({ level: 3 });
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const model = buildResNet({ ...TINY.tiny_basic, numClasses: 7, seed: 3 });
    const fcBefore = model.getLayer('fc').getWeights()[0]?.dataSync().slice();
    await loadPretrainedWeights(model, join(FIXTURES, 'tiny_basic.pth'), { arch: 'resnet18', logger });
    expect(model.getLayer('fc').getWeights()[0]?.dataSync()).toEqual(fcBefore);
    const stateDict = await readStateDictFile(join(FIXTURES, 'tiny_basic.pth'));
    const conv1 = model.getLayer('conv1').getWeights()[0]!;
    // HWIO [7,7,3,8] from OIHW [8,3,7,7]: element (h=1, w=2, i=0, o=5).
    expect(conv1.arraySync() as number[][][][]).toSatisfy(
      (hwio: number[][][][]) =>
        hwio[1]?.[2]?.[0]?.[5] === stateDict.get('conv1.weight')?.values[5 * 147 + 0 * 49 + 1 * 7 + 2],
    );
    expect(info.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(
      /fc\.weight \[5,16\] \(model: \[7,16\]\).*freshly initialized/,
    );
    model.dispose();
  });

  it('loads the backbone under a digit head: fc (and layer4 for a sequence head) unused, the head kept', async () => {
    for (const head of [digitsHead, sequenceHead]) {
      const logger = createLogger({ level: 3 });
      const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
      const model = buildResNet({ ...TINY.tiny_basic, numClasses: 5, seed: 3, head });
      const headLayer = head.outputNames[0] ?? '';
      const before = model.getLayer(headLayer).getWeights()[0]?.dataSync().slice();
      await loadPretrainedWeights(model, join(FIXTURES, 'tiny_basic.pth'), { arch: 'resnet18', logger });
      expect(model.getLayer(headLayer).getWeights()[0]?.dataSync()).toEqual(before);
      const stateDict = await readStateDictFile(join(FIXTURES, 'tiny_basic.pth'));
      expect(model.getLayer('layer3.0.conv1').getWeights()[0]?.dataSync()[0]).toBe(
        stateDict.get('layer3.0.conv1.weight')?.values[0],
      );
      expect(info.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(
        /of the head stay freshly initialized/,
      );
      model.dispose();
    }
  });

  it('lists missing and unexpected keys in one error', async () => {
    const model = buildResNet({ ...TINY.tiny_bottleneck, layers: [1, 1, 1, 2], numClasses: 5, seed: 3 });
    await expectClsError(
      loadPretrainedWeights(model, join(FIXTURES, 'tiny_bottleneck.safetensors'), { arch: 'resnet50' }),
      'CHECKPOINT_INVALID',
      /does not fit model resnet: missing keys: layer4\.1\.conv1\.weight, .*layer4\.1\.bn3\.running_var; unexpected keys: layer1\.1\.conv1\.weight, .*layer1\.1\.bn3\.running_var$/,
    );
    model.dispose();
  });

  it('refuses a pickle that references os.system, without running it', async () => {
    const model = buildResNet({ ...TINY.tiny_basic, numClasses: 5, seed: 3 });
    await expectClsError(
      loadPretrainedWeights(model, join(FIXTURES, 'malicious.pth'), { arch: 'resnet18' }),
      'CHECKPOINT_INVALID',
      /refusing to load .*malicious\.pth: pickle global (os|posix)\.system is not allowed/,
    );
    model.dispose();
  });

  it('fails on a missing local file', async () => {
    await expectClsError(
      resolvePretrainedFile('no/such/weights.pth', { arch: 'resnet18' }),
      'CHECKPOINT_NOT_FOUND',
      /no such file/,
    );
    await expectClsError(
      Promise.resolve(
        resnet18Plugin.create(
          { arch: 'resnet18', num_classes: 5, pretrained: 'no/such/weights.pth' },
          { numClasses: 5, imageSize: [32, 32], channels: 3, logger: createLogger({ level: 0 }) },
        ),
      ),
      'CHECKPOINT_NOT_FOUND',
      /model\.pretrained=no\/such\/weights\.pth/,
    );
  });
});

describe('downloads', () => {
  let server: Server;
  let baseUrl: string;
  let cacheDir: string;
  const weights = readFileSync(join(FIXTURES, 'tiny_basic.pth'));
  const prefix = createHash('sha256').update(weights).digest('hex').slice(0, 8);

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'cls-weights-'));
    server = createServer((request, response) => {
      if (request.url?.startsWith('/endless/') === true) {
        // Streams without end, as a hostile or broken server may.
        response.writeHead(200);
        const send = (): void => {
          if (!response.destroyed) response.write(Buffer.alloc(1024), send);
        };
        send();
        return;
      }
      if (request.url?.startsWith('/stall/') === true) {
        response.writeHead(200);
        response.write('x'); // then nothing, with the connection open
        return;
      }
      if (request.url?.startsWith('/huge/') === true) {
        response.writeHead(200, { 'content-length': 2 ** 40 });
        response.write('x');
        return;
      }
      response.writeHead(200, { 'content-length': weights.length });
      response.end(weights);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('resolves imagenet to torchvision URLs whose names carry a SHA-256 prefix', () => {
    expect(hashPrefixOf('resnet18-f37072fd.pth')).toBe('f37072fd');
    expect(hashPrefixOf('weights.pth')).toBeUndefined();
  });

  it('downloads a URL into the cache once, checking the hash prefix in its name', async () => {
    const path = await resolvePretrainedFile(`${baseUrl}/tiny-${prefix}.pth`, { arch: 'resnet18', cacheDir });
    expect(path).toBe(join(cacheDir, `tiny-${prefix}.pth`));
    expect(await readFile(path)).toEqual(weights);
    const model = buildResNet({ ...TINY.tiny_basic, numClasses: 5, seed: 3 });
    await loadPretrainedWeights(model, `${baseUrl}/tiny-${prefix}.pth`, { arch: 'resnet18', cacheDir });
    const { diff, scale } = compareWithTorch(model, reference('tiny_basic'));
    expect(diff).toBeLessThanOrEqual(1e-4 * scale + 1e-5);
    model.dispose();
  });

  it('uses a cached imagenet file without downloading, in $XDG_CACHE_HOME/nextplay-cls', async () => {
    expect(weightsCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe(join('/xdg', 'nextplay-cls'));
    expect(weightsCacheDir({})).toBe(join(homedir(), '.cache', 'nextplay-cls'));
    const cached = join(cacheDir, 'resnet18-f37072fd.pth');
    await copyFile(join(FIXTURES, 'tiny_basic.pth'), cached);
    expect(IMAGENET_WEIGHT_URLS.resnet18).toMatch(/\/resnet18-f37072fd\.pth$/);
    expect(await resolvePretrainedFile('imagenet', { arch: 'resnet18', cacheDir })).toBe(cached);
    await rm(cached);
  });

  it('rejects a download whose SHA-256 does not match the prefix in its name', async () => {
    await expectClsError(
      resolvePretrainedFile(`${baseUrl}/tiny-00000000.pth`, { arch: 'resnet18', cacheDir }),
      'CHECKPOINT_INVALID',
      /expected one starting with 00000000.*save it as .*tiny-00000000\.pth/,
    );
  });

  it('stops a download that grows past the limit, declared or not, and one that stalls, writing nothing', async () => {
    const limits = { maxBytes: 64 * 1024, stallMs: 300, progress: new PassThrough() };
    await expectClsError(
      downloadWeights(`${baseUrl}/endless/w.pth`, join(cacheDir, 'endless.pth'), limits),
      'CHECKPOINT_INVALID',
      /^refusing to download .*\/endless\/w\.pth: it sends more than the 65536 bytes a weights file may have \(download /,
    );
    await expectClsError(
      downloadWeights(`${baseUrl}/huge/w.pth`, join(cacheDir, 'huge.pth'), limits),
      'CHECKPOINT_INVALID',
      /: its 1099511627776 bytes are more than the 65536 bytes a weights file may have \(download /,
    );
    const started = Date.now();
    await expectClsError(
      downloadWeights(`${baseUrl}/stall/w.pth`, join(cacheDir, 'stall.pth'), limits),
      'CHECKPOINT_NOT_FOUND',
      /^download of .*\/stall\/w\.pth stalled: no data for 0\.3 s \(download /,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await readdir(cacheDir)).not.toEqual(
      expect.arrayContaining(['endless.pth', 'huge.pth', 'stall.pth']),
    );
  });

  it('says where to put the file when the download fails', async () => {
    await expectClsError(
      resolvePretrainedFile('http://127.0.0.1:9/resnet18-f37072fd.pth', { arch: 'resnet18', cacheDir }),
      'CHECKPOINT_NOT_FOUND',
      new RegExp(
        `cannot download http://127\\.0\\.0\\.1:9/resnet18-f37072fd\\.pth.*save it as ${join(cacheDir, 'resnet18-f37072fd.pth')}`,
      ),
    );
  });
});
