import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeImageFolder } from './makeImageFolder.js';
import { runCliInProcess, type CliRun } from './runCliInProcess.js';

/** Two tiny real jobs, one with a data.root that does not exist: the sweep reports it and goes on. */
describe('cls train -m', () => {
  let sweepDir: string;
  let root: string;
  let run: CliRun;
  const tiny = ['data=imagefolder', 'data.image_size=16', 'data.batch_size=4', 'trainer.max_epochs=1'];

  beforeAll(async () => {
    root = await makeImageFolder({ classes: ['a', 'b'], perClass: { train: 4, valid: 2, test: 2 } });
    sweepDir = join(mkdtempSync(join(tmpdir(), 'cls-multirun-')), 'sweep');
    run = await runCliInProcess([
      'train',
      '-m',
      ...tiny,
      `data.root=${root},/no/such/dataset`,
      `hydra.sweep.dir=${sweepDir}`,
    ]);
  }, 300_000);

  it('runs every job in hydra.sweep.dir/<job number>, each with its .hydra files', () => {
    for (const file of ['config.yaml', 'hydra.yaml', 'overrides.yaml']) {
      expect(existsSync(join(sweepDir, '0', '.hydra', file)), `0/${file}`).toBe(true);
    }
    expect(existsSync(join(sweepDir, '0', 'results.json'))).toBe(true);
    // A job whose data.root is missing fails before its directory is created (issue #18).
    expect(existsSync(join(sweepDir, '1'))).toBe(false);
    expect(parse(readFileSync(join(sweepDir, '0', '.hydra', 'overrides.yaml'), 'utf8'))).toEqual([
      ...tiny,
      `data.root=${root}`,
    ]);
    const hydra = parse(readFileSync(join(sweepDir, '0', '.hydra', 'hydra.yaml'), 'utf8')) as {
      hydra: { job: { num: number }; overrides: { hydra: string[] } };
    };
    expect(hydra.hydra.job.num).toBe(0);
    expect(hydra.hydra.overrides.hydra).toEqual([`hydra.sweep.dir=${sweepDir}`]);
    const multirun = parse(readFileSync(join(sweepDir, 'multirun.yaml'), 'utf8')) as {
      hydra: { overrides: { task: string[] } };
    };
    expect(multirun.hydra.overrides.task).toContain(`data.root=${root},/no/such/dataset`);
  });

  it('reports the failing job on one line, goes on, prints a summary and exits non-zero', () => {
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `cls: job 1 (${[...tiny, 'data.root=/no/such/dataset', `hydra.sweep.dir=${sweepDir}`].join(' ')}) failed: data.root /no/such/dataset does not exist`,
    ]);
    const summary = run.stdout.slice(run.stdout.indexOf('Multirun summary'));
    const lines = summary.trim().split('\n');
    expect(lines[0]).toBe(`Multirun summary (${sweepDir}):`);
    expect(lines[1]?.trim().split(/\s{2,}/)).toEqual(['job', 'overrides', 'status', 'test/acc']);
    expect(lines[2]).toMatch(new RegExp(`^\\s+0\\s+data\\.root=${root}\\s+completed\\s+\\d\\.\\d{4}$`));
    expect(lines[3]).toMatch(/^\s+1\s+data\.root=\/no\/such\/dataset\s+failed\s+-$/);
    expect(lines[4]).toBe('1 of 2 jobs completed, 1 failed');
  });

  it('writes with cls report SWEEP_DIR one report.html comparing the jobs, linking each run’s report', async () => {
    const report = await runCliInProcess(['report', sweepDir]);
    expect(report).toMatchObject({ code: 0, stderr: '', stdout: `${join(sweepDir, 'report.html')}\n` });
    const html = readFileSync(join(sweepDir, 'report.html'), 'utf8');
    expect(html).toContain(`data.root=${root}`);
    expect(html).toContain('href="0/report.html"');
    expect(html).not.toContain('href="1/report.html"');
    expect(existsSync(join(sweepDir, '0', 'report.html'))).toBe(true);
  });

  it("recomposes a job's config byte for byte from its .hydra/overrides.yaml, in another run directory", async () => {
    const jobDir = join(sweepDir, '0');
    const before = readFileSync(join(jobDir, '.hydra', 'config.yaml'), 'utf8');
    // Recorded as composed: the run directory is an interpolation, not a path that differs between runs.
    expect(before).toContain('output_dir: ${hydra:runtime.output_dir}');
    const overrides = parse(readFileSync(join(jobDir, '.hydra', 'overrides.yaml'), 'utf8')) as string[];
    const rerunDir = join(sweepDir, 'rerun');
    const rerun = await runCliInProcess(['train', ...overrides, `hydra.run.dir=${rerunDir}`]);
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(readFileSync(join(rerunDir, '.hydra', 'config.yaml'), 'utf8')).toBe(before);
  }, 300_000);
});
