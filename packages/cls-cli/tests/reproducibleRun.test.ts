import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeImageFolder } from './makeImageFolder.js';

const bin = fileURLToPath(new URL('../bin/cls.js', import.meta.url));

/** seed=3 once seeded one initializer with 0, which tfjs replaces with Math.random: every run differed. */
describe('the same cls train command twice', () => {
  let runs: string[];

  beforeAll(async () => {
    const root = await makeImageFolder({ classes: ['7', '23', '00'] });
    const base = mkdtempSync(join(tmpdir(), 'cls-repro-e2e-'));
    runs = [join(base, 'first'), join(base, 'second')];
    for (const runDir of runs) {
      await promisify(execFile)(
        process.execPath,
        [
          bin,
          'train',
          'data=imagefolder',
          `data.root=${root}`,
          'model=resnet18',
          'seed=3',
          'trainer.max_epochs=2',
          'data.image_size=16',
          'data.batch_size=8',
          'callbacks=none',
          `hydra.run.dir=${runDir}`,
        ],
        { env: { ...process.env, CI: 'true' }, maxBuffer: 16 * 1024 * 1024 },
      );
    }
  }, 300_000);

  it('writes byte-identical metrics.csv for seed=3', () => {
    const [first, second] = runs.map((runDir) => readFileSync(join(runDir, 'metrics.csv'), 'utf8'));
    expect(first?.trim().split('\n')).toHaveLength(3);
    expect(second).toBe(first);
  });
});
