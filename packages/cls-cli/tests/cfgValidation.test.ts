import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCliInProcess } from './runCliInProcess.js';

const outsidePlugin = fileURLToPath(new URL('./fixtures/epoch-journal-plugin', import.meta.url));

/** `--cfg` prints the config, then checks it as the run would: an invalid config exits 1 with one line. */
describe('--cfg validates like a run', () => {
  it('prints the config, then fails on a value of the wrong type', async () => {
    const run = await runCliInProcess(['train', '--cfg', 'job', 'trainer.max_epochs=abc']);
    expect((parse(run.stdout) as { trainer: { max_epochs: unknown } }).trainer.max_epochs).toBe('abc');
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^cls: trainer\.max_epochs: must be integer/);
  });

  it('accepts a key + adds that no schema claims, as Hydra does', async () => {
    const run = await runCliInProcess(['train', '--cfg', 'job', '+foo=1', '+notes.owner=me']);
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toMatchObject({ foo: 1, notes: { owner: 'me' } });
  });

  it('exits 0 for a valid config', async () => {
    const run = await runCliInProcess(['train', '--cfg', 'all', 'trainer.max_epochs=3']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it("checks the options of the config's outside plugins against their schemas", async () => {
    const plugin = [`plugins=[${outsidePlugin}]`];
    const good = await runCliInProcess([
      'train',
      '--cfg',
      'job',
      ...plugin,
      '+callbacks.epoch_journal.label=x',
    ]);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    const bad = await runCliInProcess([
      'train',
      '--cfg',
      'job',
      ...plugin,
      '+callbacks.epoch_journal.label=3',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^cls: callbacks\.epoch_journal\.label: must be string/);
  });

  it('checks an unknown plugin name, as the run would', async () => {
    const run = await runCliInProcess(['train', '--cfg', 'job', 'optimizer.name=adamx']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cls: optimizer\.name: no optimizer plugin named "adamx"/);
  });

  it('validates every job of a multirun and names the failing one', async () => {
    const run = await runCliInProcess(['train', '-m', '--cfg', 'job', 'trainer.max_epochs=2,abc']);
    expect(run.stdout).toContain('# job 1: trainer.max_epochs=abc');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^cls: job 1 \(trainer\.max_epochs=abc\): trainer\.max_epochs: must be integer/,
    );
  });

  it('validates cls test --cfg too', async () => {
    const run = await runCliInProcess(['test', '--cfg', 'job', 'ckpt_path=x', 'data.batch_size=-1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cls: data\.batch_size/);
  });
});
