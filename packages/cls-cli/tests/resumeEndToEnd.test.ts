import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeImageFolder } from './makeImageFolder.js';
import { runWithSignals, type SignalledRun } from './processWithSignals.js';

const bin = fileURLToPath(new URL('../bin/cls.js', import.meta.url));
const env = { ...process.env, CI: 'true' };

/** Runs `cls train`, sending SIGINT once `interruptAfter` appears in its output. */
function train(args: readonly string[], interruptAfter?: string): Promise<SignalledRun> {
  return runWithSignals(
    process.execPath,
    [bin, 'train', ...args],
    interruptAfter === undefined
      ? {}
      : { plan: { after: interruptAfter, signals: [{ signal: 'SIGINT', delayMs: 0 }] } },
  );
}

function testMetrics(runDir: string): Record<string, unknown> {
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(results).filter(([key]) => key.startsWith('test/')));
}

/** The contract: SIGINT during epoch 2 of 3, then the same command with ckpt_path=last (here with EMA). */
describe('cls train interrupted and resumed with ckpt_path=last', () => {
  let args: (runDir: string) => string[];
  let reference: string;
  let resumedDir: string;
  let interruptedRun: SignalledRun;
  let resumedRun: SignalledRun;

  beforeAll(async () => {
    const root = await makeImageFolder({ classes: ['7', '23', '00'], perClass: { train: 16 } });
    const base = mkdtempSync(join(tmpdir(), 'cls-resume-e2e-'));
    args = (runDir) => [
      'data=imagefolder',
      `data.root=${root}`,
      'model=resnet18',
      // A seed whose old derivation handed tfjs a 0 (an unseeded initializer): resume could never match.
      'seed=3',
      'trainer.max_epochs=3',
      'data.image_size=32',
      'data.batch_size=8',
      // EMA weights, their checkpoints and the best-by-val_ema/acc choice must survive the interruption too.
      'callbacks=ema',
      'callbacks.ema.decay=0.9',
      `hydra.run.dir=${runDir}`,
    ];
    reference = join(base, 'reference');
    await promisify(execFile)(process.execPath, [bin, 'train', ...args(reference)], {
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    resumedDir = join(base, 'resumed');
    interruptedRun = await train(args(resumedDir), 'epoch 1/3:');
    resumedRun = await train([...args(resumedDir), 'ckpt_path=last']);
  }, 600_000);

  it('stops on SIGINT with exit code 130 after writing checkpoints/last and saying how to resume', () => {
    expect(interruptedRun.code).toBe(130);
    expect(interruptedRun.output).toContain(`wrote ${join(resumedDir, 'checkpoints', 'last')}`);
    expect(interruptedRun.output).toContain('Resume with the same command plus ckpt_path=last');
  });

  it('resumes and ends with the same test metrics as the uninterrupted run, to the last digit', () => {
    expect(resumedRun.code).toBe(0);
    expect(resumedRun.output).toContain(
      `resuming from ${join(resumedDir, 'checkpoints', 'last')}: epoch 1, batch `,
    );
    const expected = testMetrics(reference);
    expect(expected['test/acc']).toBeTypeOf('number');
    expect(readFileSync(join(reference, 'metrics.csv'), 'utf8')).toContain('val_ema/acc');
    expect(testMetrics(resumedDir)).toEqual(expected);
    expect(readFileSync(join(resumedDir, 'metrics.csv'), 'utf8')).toBe(
      readFileSync(join(reference, 'metrics.csv'), 'utf8'),
    );
  });

  it('leaves the observability files as the uninterrupted run does: no epoch missing or repeated', () => {
    const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
    const matrices = (dir: string) => readdirSync(join(dir, 'confusion_matrix')).sort();
    expect(matrices(reference)).toEqual(['epoch_000.csv', 'epoch_001.csv', 'epoch_002.csv']);
    expect(matrices(resumedDir)).toEqual(matrices(reference));
    for (const file of matrices(reference)) {
      expect(read(resumedDir, `confusion_matrix/${file}`), file).toBe(
        read(reference, `confusion_matrix/${file}`),
      );
    }
    const plots = (dir: string) => readdirSync(join(dir, 'plots', 'confusion_matrix')).sort();
    expect(plots(resumedDir)).toEqual(plots(reference));
    // The history plot is drawn from every epoch's metrics: the same epochs, the same curves.
    expect(read(resumedDir, 'plots/history.svg')).toBe(read(reference, 'plots/history.svg'));
    expect(read(resumedDir, 'dataset_stats.json')).toBe(read(reference, 'dataset_stats.json'));
    const shown = (dir: string) => JSON.parse(read(dir, 'predictions.json')) as { samples: unknown[] };
    expect(shown(resumedDir).samples).toEqual(shown(reference).samples);
    const sidecar = (dir: string) => JSON.parse(read(dir, 'onnx/best.json')) as Record<string, unknown>;
    expect(sidecar(resumedDir).sha256).toBe(sidecar(reference).sha256);
    for (const file of ['model_info.json', 'onnx/last.onnx', 'plots/predictions.png', 'report.html']) {
      expect(existsSync(join(resumedDir, file)), file).toBe(true);
    }
  });
});
