import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOnnxModel } from '@nextplay/cls-onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImageFolder } from './makeImageFolder.js';
import { runCliInProcess } from './runCliInProcess.js';

const CLASSES = ['7', '23', '00', '5'];
const [HEIGHT, WIDTH] = [40, 24];

let root: string;
let cwd: string;
let runDir: string;

beforeAll(async () => {
  root = await makeImageFolder({ classes: CLASSES, perClass: { train: 4, valid: 1, test: 2 } });
  cwd = mkdtempSync(join(tmpdir(), 'cls-non-square-'));
  runDir = join(cwd, 'run');
  const train = await runCliInProcess(
    [
      'train',
      'data=imagefolder',
      `data.root=${root}`,
      'model=resnet18',
      'model.head=sequence',
      `data.image_size=[${HEIGHT},${WIDTH}]`,
      'data.batch_size=8',
      'trainer.max_epochs=1',
      '~callbacks.progress_bar',
      'hydra.run.dir=run',
    ],
    cwd,
  );
  expect(train.code, train.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  for (const dir of [root, cwd]) rmSync(dir, { recursive: true, force: true });
});

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('cls train data.image_size=[height, width]', () => {
  it('trains at height x width and records that size in the log, the checkpoint and the ONNX sidecar', () => {
    expect(readFileSync(join(runDir, 'train.log'), 'utf8')).toContain(`input ${HEIGHT}x${WIDTH}x3`);
    expect(readJson(join(runDir, 'checkpoints', 'best', 'trainer_state.json')).image_size).toEqual([
      HEIGHT,
      WIDTH,
    ]);
    const sidecar = readJson(join(runDir, 'onnx', 'best.json'));
    expect(sidecar.input_size).toEqual([3, HEIGHT, WIDTH]);
    expect(sidecar.max_abs_diff).toBeLessThan(1e-3);
  });

  it('cls predict and cls test read images at the size the checkpoint was trained at', async () => {
    const predict = await runCliInProcess(
      ['predict', 'ckpt_path=run/checkpoints/best', `input=${join(root, 'test')}`, 'output=out/p.csv'],
      cwd,
    );
    expect(predict.code, predict.stderr).toBe(0);
    const rows = readFileSync(join(cwd, 'out', 'p.csv'), 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(rows).toHaveLength(1 + CLASSES.length * 2);

    const tested = await runCliInProcess(
      ['test', 'ckpt_path=run/checkpoints/best', `data.root=${root}`, 'hydra.run.dir=tested'],
      cwd,
    );
    expect(tested.code, tested.stderr).toBe(0);
    expect(readJson(join(cwd, 'tested', 'test_results.json'))['test/acc']).toBeTypeOf('number');
  });

  it('cls export writes an ONNX model taking [n, 3, height, width]', async () => {
    const exported = await runCliInProcess(
      ['export', 'ckpt_path=run/checkpoints/best', 'export.output=out/model.onnx'],
      cwd,
    );
    expect(exported.code, exported.stderr).toBe(0);
    const onnx = readFileSync(join(cwd, 'out', 'model.onnx'));
    const { outputs } = await runOnnxModel(onnx, new Float32Array(3 * HEIGHT * WIDTH), [1, 3, HEIGHT, WIDTH]);
    expect(outputs[0]?.dims[0]).toBe(1);
    await expect(
      runOnnxModel(onnx, new Float32Array(3 * WIDTH * HEIGHT), [1, 3, WIDTH, HEIGHT]),
    ).rejects.toThrow();
  });
});
