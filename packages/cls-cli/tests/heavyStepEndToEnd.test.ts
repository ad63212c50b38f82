import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeImageFolder } from './makeImageFolder.js';
import { runWithSignals, type SignalPlan, type SignalledRun } from './processWithSignals.js';

const bin = fileURLToPath(new URL('../bin/cls.js', import.meta.url));

function train(args: readonly string[], plan?: SignalPlan): Promise<SignalledRun> {
  return runWithSignals(process.execPath, [bin, 'train', ...args], plan === undefined ? {} : { plan });
}

/** Steps far too big for the wasm heap, and steps long enough that a signal lands in the middle of one. */
describe('cls train with steps too big to fit or too long to wait for', () => {
  let root: string;
  let base: string;

  beforeAll(async () => {
    root = await makeImageFolder({ classes: ['7', '23', '00'] });
    base = mkdtempSync(join(tmpdir(), 'cls-heavy-e2e-'));
  }, 60_000);

  /** ResNet-18 at 224 px on the wasm backend, in run directory `name`. */
  const at224 = (name: string, batchSize: number): string[] => [
    'data=imagefolder',
    `data.root=${root}`,
    'model=resnet18',
    'data.image_size=224',
    `data.batch_size=${String(batchSize)}`,
    'trainer.max_epochs=1',
    'trainer.accelerator=cpu',
    `hydra.run.dir=${join(base, name)}`,
  ];

  it('refuses a step that exceeds the 4 GiB wasm heap at once, with what it needs and what to change', async () => {
    const run = await train(at224('too-big', 128));
    expect(run.code).toBe(1);
    const errors = run.output.split('\n').filter((line) => line.startsWith('cls:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^cls: out of memory: a training step at 224x224 with data\.batch_size=128 needs about \d+\.\d GiB, more than the wasm backend's 4\.0 GiB \(set data\.batch_size=\d+ or lower, or lower data\.image_size, or train on a GPU backend\)$/,
    );
    expect(run.elapsedMs).toBeLessThan(60_000);
  }, 90_000);

  it('stops within seconds of SIGTERM in the middle of a long step', async () => {
    // ResNet-18 at 224 px, batch 24: one step takes about 14 s on two idle cores.
    const run = await train(at224('long-step', 24), {
      after: 'model: resnet18',
      signals: [{ signal: 'SIGTERM', delayMs: 1000 }],
    });
    expect(run.code).toBe(130);
    expect(run.output).toContain('cls: SIGTERM: the running step did not end within 5 s; stopped at once');
    expect(run.elapsedMs).toBeLessThan(8_000);
  }, 120_000);

  it('stops at once on a second Ctrl-C', async () => {
    const run = await train(at224('twice', 24), {
      after: 'model: resnet18',
      signals: [
        { signal: 'SIGINT', delayMs: 1000 },
        { signal: 'SIGINT', delayMs: 500 },
      ],
    });
    expect(run.code).toBe(130);
    expect(run.output).toContain('cls: SIGINT again; stopped at once');
    expect(run.elapsedMs).toBeLessThan(3_000);
  }, 120_000);
});
