import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeImageFolder } from './makeImageFolder.js';

const bin = fileURLToPath(new URL('../bin/cls.js', import.meta.url));
const outsidePlugin = fileURLToPath(new URL('./fixtures/epoch-journal-plugin', import.meta.url));

/** The built `cls` binary, trained for real on a small ImageFolder with the wasm backend. */
describe('cls train on an ImageFolder', () => {
  let runDir: string;
  let stdout: string;

  beforeAll(async () => {
    const root = await makeImageFolder({ classes: ['7', '23', '00'] });
    runDir = join(mkdtempSync(join(tmpdir(), 'cls-e2e-')), 'run');
    const result = await promisify(execFile)(
      process.execPath,
      [
        bin,
        'train',
        'data=imagefolder',
        `data.root=${root}`,
        'model=resnet18',
        'trainer.max_epochs=3',
        'data.image_size=32',
        'data.batch_size=12',
        `hydra.run.dir=${runDir}`,
        `plugins=[${outsidePlugin}]`,
        '+callbacks.epoch_journal={label:e2e}',
      ],
      { env: { ...process.env, CI: 'true' }, maxBuffer: 16 * 1024 * 1024 },
    );
    stdout = result.stdout;
  }, 300_000);

  it('writes the run directory Lightning + Hydra users expect', () => {
    for (const file of [
      '.hydra/config.yaml',
      '.hydra/overrides.yaml',
      '.hydra/hydra.yaml',
      'metrics.csv',
      'results.json',
      'train.log',
      'checkpoints/best/model.json',
      'checkpoints/last/model.json',
    ]) {
      expect(existsSync(join(runDir, file)), file).toBe(true);
    }
    const overrides = parse(readFileSync(join(runDir, '.hydra/overrides.yaml'), 'utf8')) as string[];
    expect(overrides).toContain('trainer.max_epochs=3');
    const config = parse(readFileSync(join(runDir, '.hydra/config.yaml'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    expect(config.model?.arch).toBe('resnet18');
  });

  it('logs one metrics row per epoch', () => {
    const [header, ...rows] = readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n');
    for (const column of ['epoch', 'train/loss', 'val/loss', 'val/acc', 'lr']) {
      expect(header?.split(',')).toContain(column);
    }
    expect(rows).toHaveLength(3);
  });

  it('tests the best checkpoint and reports it', () => {
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Record<string, unknown>;
    expect(results['test/acc']).toBeTypeOf('number');
    expect(results['test/loss']).toBeTypeOf('number');
    expect(results.best_model_path).toBe(join(runDir, 'checkpoints', 'best'));
    expect(results.backend).toBe('wasm');
    expect(results.precision).toBe('32-true');
    expect(stdout).toContain('test/acc');
  });

  it('runs a callback from a plugin package outside the workspace', () => {
    const journal = readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { hook: string; label: string; epoch: number });
    expect(journal.map((entry) => entry.hook)).toEqual([
      // Lightning's order: validation runs at the end of each training epoch, before on_train_epoch_end.
      'onFitStart',
      'onValidationEnd',
      'onTrainEpochEnd',
      'onValidationEnd',
      'onTrainEpochEnd',
      'onValidationEnd',
      'onTrainEpochEnd',
      'onFitEnd',
      'onTestEnd',
    ]);
    expect(journal.every((entry) => entry.label === 'e2e')).toBe(true);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Record<string, unknown>;
    expect(results.journal_label).toBe('e2e');
  });
});
