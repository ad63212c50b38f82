import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpointModel, loadTrainerState } from '@nextplay/cls-engine';
import { runOnnxModel } from '@nextplay/cls-onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cliArgs.js';
import { exportCommand } from '../src/commands/export.js';
import { findPython, runPython } from '@nextplay/cls-testing';

const REPO = join(import.meta.dirname, '..', '..', '..');
const python = findPython(['torch', 'torchvision']);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let cwd: string;

/** `cls export …` in this process (runCli's dispatch is wired by the lead). */
async function clsExport(overrides: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await exportCommand(parseCliArgs(['export', ...overrides]), {
    cwd,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'cls-export-'));
});

afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('cls export', () => {
  it('exports as tfjs, then that checkpoint as verified ONNX with its metadata', async () => {
    const tfjs = await clsExport([
      'model=resnet18',
      'model.num_classes=3',
      'data.image_size=32',
      'export.format=tfjs',
      'export.output=tfjs-model',
    ]);
    expect(tfjs.code).toBe(0);
    expect(tfjs.stdout).toMatch(
      /resnet18 \(random weights\) as a TensorFlow\.js layers model to .*tfjs-model/,
    );
    const model = await loadCheckpointModel(join(cwd, 'tfjs-model'));
    expect(model.outputs[0]?.shape).toEqual([null, 3]);
    model.dispose();
    expect((await loadTrainerState(join(cwd, 'tfjs-model'))).image_size).toBe(32);

    const onnx = await clsExport(['ckpt_path=tfjs-model', 'export.output=out/model.onnx', 'export.opset=13']);
    expect(onnx.code).toBe(0);
    expect(onnx.stdout).toMatch(/to .*out\/model\.onnx \(ONNX opset 13, \d+ bytes\)/);
    expect(onnx.stdout).toMatch(/onnxruntime vs TensorFlow\.js: max abs diff \d\.\d+e[-+]\d+/);
    const bytes = readFileSync(join(cwd, 'out', 'model.onnx'));
    const { dims } = await runOnnxModel(bytes, new Float32Array(2 * 3 * 32 * 32), [2, 3, 32, 32]);
    expect(dims).toEqual([2, 3]);
    const text = bytes.toString('latin1');
    expect(text).toContain('class_names');
    expect(text).toContain('["0","1","2"]');
    expect(text).toContain('[0.485,0.456,0.406]');
  });

  it('requires export.output and, without a checkpoint, model.num_classes', async () => {
    await expect(clsExport(['model.num_classes=3'])).rejects.toThrow(/export\.output is required/);
    await expect(clsExport(['export.output=x.onnx'])).rejects.toThrow(
      /model\.num_classes is required to export a model without ckpt_path/,
    );
  });

  it.skipIf(python === undefined)(
    'exports a torchvision resnet18 state_dict whose ONNX logits equal torchvision (needs python3-torch)',
    async () => {
      const dir = join(cwd, 'torch');
      runPython(python ?? '', [
        join(REPO, 'tools', 'make-torch-fixtures.py'),
        '--full',
        'resnet18',
        '--out',
        dir,
      ]);
      const run = await clsExport([
        'model=resnet18',
        'model.num_classes=10',
        `model.pretrained=${join(dir, 'resnet18.pth')}`,
        'data.image_size=32',
        'export.output=resnet18.onnx',
      ]);
      expect(run.code).toBe(0);
      const ref = JSON.parse(readFileSync(join(dir, 'resnet18.json'), 'utf8')) as {
        input_shape: number[];
        input: number[];
        logits: number[][];
      };
      const { logits } = await runOnnxModel(
        readFileSync(join(cwd, 'resnet18.onnx')),
        Float32Array.from(ref.input),
        ref.input_shape,
      );
      const expected = ref.logits.flat();
      const scale = Math.max(...expected.map(Math.abs));
      const diff = Math.max(...expected.map((v, i) => Math.abs(v - (logits[i] ?? NaN))));
      expect(diff).toBeLessThanOrEqual(1e-4 * scale + 1e-5);
    },
  );
});
