import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCliInProcess } from './runCliInProcess.js';

const printedJobs = (stdout: string) =>
  parseAllDocuments(stdout).map((document) => document.toJS() as Record<string, Record<string, unknown>>);

describe('multirun planning (no training)', () => {
  it('prints each job of the cartesian product with --cfg, the first override varying slowest', async () => {
    const run = await runCliInProcess([
      'train',
      '-m',
      '--cfg',
      'job',
      'model=resnet18,resnet50',
      'optimizer.lr=1e-3,3e-4',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const jobs = printedJobs(run.stdout);
    expect(jobs.map((job) => [job.model?.arch, job.optimizer?.lr])).toEqual([
      ['resnet18', 0.001],
      ['resnet18', 0.0003],
      ['resnet50', 0.001],
      ['resnet50', 0.0003],
    ]);
    expect(run.stdout.startsWith('# job 0: model=resnet18 optimizer.lr=0.001\n')).toBe(true);
  });

  it("sweeps a group's options with glob and numbers with range", async () => {
    const run = await runCliInProcess([
      'train',
      '--multirun',
      '--cfg',
      'job',
      'experiment=glob(*)',
      'seed=range(1,3)',
    ]);
    expect(run.code).toBe(0);
    expect(printedJobs(run.stdout).map((job) => [job.data?.name, job.seed])).toEqual([
      ['jersey_synth', 1],
      ['jersey_synth', 2],
      ['mnist', 1],
      ['mnist', 2],
      ['imagefolder', 1], // t4_resnet18
      ['imagefolder', 2],
      ['imagefolder', 1], // t4_resnet50
      ['imagefolder', 2],
    ]);
  });

  it('puts each job in sweep dir / job number', async () => {
    const run = await runCliInProcess([
      'train',
      '-m',
      '--cfg',
      'hydra',
      '--resolve',
      'seed=1,2',
      'hydra.sweep.dir=/tmp/s',
    ]);
    expect(run.code).toBe(0);
    const jobs = printedJobs(run.stdout) as unknown as { hydra: { sweep: unknown; job: { num: number } } }[];
    expect(jobs.map((job) => [job.hydra.sweep, job.hydra.job.num])).toEqual([
      [{ dir: '/tmp/s', subdir: 0 }, 0],
      [{ dir: '/tmp/s', subdir: 1 }, 1],
    ]);
  });

  it.each([
    [['seed=1,2'], 'cls: seed=1,2: sweeps over several values; add -m (--multirun) to run one job per value'],
    [
      ['-m', 'trainer.max_epochs=glob(*)'],
      'cls: trainer.max_epochs=glob(*): glob(...) selects options of a config group, and trainer.max_epochs is not one',
    ],
    [
      ['-m', 'model=glob(vit*)'],
      'cls: model=glob(vit*): glob(...) matches no option of group model (options: resnet18, resnet34, resnet50, resnet101, resnet152)',
    ],
    [
      ['-m', 'seed=1,2', 'hydra.launcher.name=basik'],
      'cls: hydra.launcher.name: no launcher plugin named "basik" (did you mean basic? available: basic, vertex)',
    ],
    [
      ['-m', 'seed=1,2', '+hydra.launcher.n_jobs=2'],
      'cls: hydra.launcher.n_jobs: unknown key, set to 2 (expected one of name)',
    ],
  ])('rejects %j before any job runs', async (args, message) => {
    const sweepDir = join(mkdtempSync(join(tmpdir(), 'cls-sweep-')), 'none');
    const run = await runCliInProcess(['train', ...args, `hydra.sweep.dir=${sweepDir}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`${message}\n`);
  });

  it('reports a job whose config is invalid and runs no training for it', async () => {
    const sweepDir = join(mkdtempSync(join(tmpdir(), 'cls-sweep-')), 'bad');
    const run = await runCliInProcess([
      'train',
      '-m',
      'trainer.max_epochs=abc,0',
      `hydra.sweep.dir=${sweepDir}`,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'cls: job 0 (trainer.max_epochs=abc hydra.sweep.dir=' +
        sweepDir +
        ') failed: trainer.max_epochs: must be integer (got "abc")',
      'cls: job 1 (trainer.max_epochs=0 hydra.sweep.dir=' +
        sweepDir +
        ') failed: trainer.max_epochs: must be >= 1 (got 0)',
    ]);
    expect(run.stdout).toContain('0 of 2 jobs completed, 2 failed');
  });
});

describe('project config discovery', () => {
  it('merges cls.config.yaml under the command-line overrides', async () => {
    const project = mkdtempSync(join(tmpdir(), 'cls-project-'));
    writeFileSync(join(project, 'package.json'), '{"name": "my-project"}');
    writeFileSync(
      join(project, 'cls.config.yaml'),
      'defaults:\n  - model: resnet50\ntrainer:\n  max_epochs: 9\ndata:\n  batch_size: 7\n',
    );
    const run = await runCliInProcess(['train', '--cfg', 'job', 'data.batch_size=5'], project);
    expect(run.stderr).toBe('');
    const [config] = printedJobs(run.stdout);
    expect(config?.model?.arch).toBe('resnet50');
    expect(config?.trainer?.max_epochs).toBe(9);
    expect(config?.data?.batch_size).toBe(5);
    const chosen = await runCliInProcess(['train', '--cfg', 'job', 'model=resnet18'], project);
    expect(printedJobs(chosen.stdout)[0]?.model?.arch).toBe('resnet18');
  });

  it('reads the "cls" key of package.json', async () => {
    const project = mkdtempSync(join(tmpdir(), 'cls-project-'));
    writeFileSync(join(project, 'package.json'), '{"name": "p", "cls": {"seed": 777}}');
    const run = await runCliInProcess(['train', '--cfg', 'job'], project);
    expect(printedJobs(run.stdout)[0]?.seed).toBe(777);
  });
});

describe('cls --help', () => {
  it('lists the config groups and their options', async () => {
    const help = await runCliInProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Config groups (group=option):');
    expect(help.stdout).toMatch(/\n {2}model +resnet18, resnet34, resnet50, resnet101, resnet152\n/);
    expect(help.stdout).toMatch(/\n {2}experiment +jersey_synth, mnist, t4_resnet18, t4_resnet50\n/);
    expect(help.stdout).toContain('-m, --multirun');
  });
});
