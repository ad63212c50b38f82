import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findAdapter } from '@nextplay/cls-backend-webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImageFolder } from './makeImageFolder.js';
import { runCliInProcess } from './runCliInProcess.js';

// A whole run on WebGPU: on CI that is Mesa's lavapipe (software Vulkan, installed by .ci/run), on a GPU machine
// the GPU. Training, the fused kernels, checkpoints, the callbacks that read weights back (ONNX export, model
// info) and `cls test` with batch norm folded all run on the webgpu backend.
const search = await findAdapter();

let root: string;
let cwd: string;
let runDir: string;

/** `cls train` on the test's ImageFolder with a small ResNet-18, then `extra`. */
const trainArgs = (extra: readonly string[]): string[] => [
  'train',
  'data=imagefolder',
  `data.root=${root}`,
  'model=resnet18',
  'data.image_size=16',
  'data.batch_size=6',
  'trainer.max_epochs=1',
  ...extra,
];

describe.skipIf(!search.found)('cls train trainer.accelerator=gpu', () => {
  beforeAll(async () => {
    root = await makeImageFolder({ classes: ['7', '23', '00'], perClass: { train: 4, valid: 2, test: 2 } });
    cwd = mkdtempSync(join(tmpdir(), 'cls-gpu-'));
    runDir = join(cwd, 'run');
    const train = await runCliInProcess(
      trainArgs(['trainer.accelerator=gpu', '~callbacks.progress_bar', 'hydra.run.dir=run']),
      cwd,
    );
    expect(train.code, train.stderr).toBe(0);
  }, 180_000);

  afterAll(() => {
    for (const dir of [root, cwd]) rmSync(dir, { recursive: true, force: true });
  });

  const readJson = (path: string): Record<string, unknown> =>
    JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

  /** train/loss and val/loss of the first epoch of the run in `dir`. */
  const firstEpochLosses = (dir: string): number[] => {
    const [header = '', row = ''] = readFileSync(join(cwd, dir, 'metrics.csv'), 'utf8')
      .trim()
      .split('\n');
    const columns = header.split(',');
    const values = row.split(',').map(Number);
    return ['train/loss', 'val/loss'].map((name) => values[columns.indexOf(name)] ?? NaN);
  };

  it('trains on the webgpu backend and names the adapter in results.json', () => {
    const results = readJson(join(runDir, 'results.json'));
    expect(results.backend).toBe('webgpu');
    const adapter = search.found ? search.adapter : undefined;
    expect(results.adapter).toMatchObject({ vendor: adapter?.vendor, device: adapter?.device });
    expect(results['test/acc']).toBeTypeOf('number');
    expect(readFileSync(join(runDir, 'metrics.csv'), 'utf8')).toMatch(/val\/acc/);
  });

  it('exports ONNX and measures the model from weights read back from the GPU', () => {
    expect(readJson(join(runDir, 'onnx', 'best.json')).max_abs_diff).toBeLessThan(1e-3);
    expect(readJson(join(runDir, 'model_info.json')).onnx_latency_ms_batch_1).toBeGreaterThan(0);
  });

  it('trains with sgd (momentum, nesterov) on the GPU to the losses the wasm backend gets', async () => {
    const losses = async (accelerator: string, dir: string): Promise<number[]> => {
      const run = await runCliInProcess(
        trainArgs([
          'optimizer=sgd',
          'optimizer.lr=0.001',
          'optimizer.nesterov=true',
          `trainer.accelerator=${accelerator}`,
          'callbacks=none',
          `hydra.run.dir=${dir}`,
        ]),
        cwd,
      );
      expect(run.code, run.stderr).toBe(0);
      return firstEpochLosses(dir);
    };
    const [gpuTrain = NaN, gpuVal = NaN] = await losses('gpu', 'sgd-gpu');
    const [cpuTrain = NaN, cpuVal = NaN] = await losses('cpu', 'sgd-cpu');
    // Two steps, the second after a fused SGD update on the GPU and tfjs ops on wasm: the same to rounding.
    expect(Math.abs(gpuTrain - cpuTrain)).toBeLessThan(1e-3 * Math.abs(cpuTrain));
    expect(Math.abs(gpuVal - cpuVal)).toBeLessThan(1e-3 * Math.abs(cpuVal));
  }, 180_000);

  it('trains in 16-mixed where the adapter has shader-f16, to the float32 run’s losses within float16 rounding', async () => {
    const run = async (
      precision: string,
    ): Promise<{ results: Record<string, unknown>; losses: number[] }> => {
      const dir = `precision-${precision}`;
      const trained = await runCliInProcess(
        trainArgs([
          `trainer.precision=${precision}`,
          'trainer.accelerator=gpu',
          'callbacks=none',
          `hydra.run.dir=${dir}`,
        ]),
        cwd,
      );
      expect(trained.code, trained.stderr).toBe(0);
      return { results: readJson(join(cwd, dir, 'results.json')), losses: firstEpochLosses(dir) };
    };
    const half = await run('16-mixed');
    const full = await run('32-true');
    expect(half.results.requested_precision).toBe('16-mixed');
    if (half.results.precision !== '16-mixed') {
      // An adapter without shader-f16: the honest fallback, and nothing claims float16.
      expect(half.results.precision).toBe('32-true');
      expect(half.results.loss_scale).toBeUndefined();
      return;
    }
    expect(half.results.loss_scale).toBeTypeOf('number');
    expect(half.results.skipped_steps).toBeTypeOf('number');
    expect(full.results.precision).toBe('32-true');
    half.losses.forEach((loss, i) => {
      const reference = full.losses[i] ?? NaN;
      expect(loss).not.toBe(reference);
      expect(Math.abs(loss - reference)).toBeLessThan(0.02 * Math.abs(reference));
    });
  }, 480_000);

  it('cls test on the GPU folds batch norm and gives the training run’s test accuracy', async () => {
    const tested = await runCliInProcess(
      [
        'test',
        'ckpt_path=run/checkpoints/best',
        `data.root=${root}`,
        'trainer.accelerator=gpu',
        'hydra.run.dir=tested',
      ],
      cwd,
    );
    expect(tested.code, tested.stderr).toBe(0);
    expect(readJson(join(cwd, 'tested', 'test_results.json'))['test/acc']).toBe(
      readJson(join(runDir, 'results.json'))['test/acc'],
    );
  }, 120_000);
});
