import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_MARKER, generateHostileFiles, type HostileCase } from '../../../tools/hostile-files.mjs';

// The hostile-input suite of issue #17: every file tools/make-hostile-files.mjs crafts is given to the built `cls`
// in a child process, which must refuse it with exit 1 and one `cls:` line naming the file and the rule, within a
// time and a peak-memory bound, and without a byte of a file outside the checkpoint directory in any output. The
// cases run one after another in one child process (tests/fixtures/hostileCaseRunner.mjs): its peak RSS only grows,
// so the bound read after each case holds for every case before it.

const RUNNER = fileURLToPath(new URL('./fixtures/hostileCaseRunner.mjs', import.meta.url));
/** Two markers in a row: a single one could occur in a weight file by chance. */
const SECRET = SECRET_MARKER.repeat(2);
const MAX_SECONDS = 30;
const MAX_RSS_BYTES = 1.5 * 1024 ** 3;

interface MeasuredRun {
  readonly name: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly maxRssBytes: number;
}

// Generated when the file is collected, so that each case is a test of its own; big files live in `root`.
const root = mkdtempSync(join(tmpdir(), 'cls-hostile-'));
mkdirSync(join(root, 'work'));
const generated = generateHostileFiles(join(root, 'files'));

/**
 * Runs the named `cls` commands in one child process, in order; resolves with each one's measured run. A command
 * that kills the process (or a hang past `killAfterMs`) leaves it and every later one without a report.
 */
async function runClsCommands(
  commands: readonly { name: string; argv: readonly string[] }[],
  killAfterMs: number,
): Promise<Map<string, MeasuredRun>> {
  const plan = join(root, `plan-${String(commands.length)}-${commands[0]?.name ?? ''}.json`);
  writeFileSync(plan, JSON.stringify({ cwd: join(root, 'work'), commands }));
  const child = spawn(process.execPath, [RUNNER, plan], {
    cwd: join(root, 'work'),
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await new Promise((done) => child.on('close', done));
  clearTimeout(timer);
  const runs = out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as MeasuredRun);
  return new Map(runs.map((run) => [run.name, run]));
}

function commandFor(hostile: HostileCase, output: string): string[] {
  return hostile.kind === 'checkpoint'
    ? ['export', `ckpt_path=${hostile.path}`, `export.output=${output}`]
    : [
        'export',
        'model=resnet18',
        'model.num_classes=3',
        'data.image_size=32',
        `model.pretrained=${hostile.path}`,
        `export.output=${output}`,
      ];
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('hostile checkpoints and weight files', () => {
  let runs: Map<string, MeasuredRun>;

  beforeAll(async () => {
    const commands = [
      {
        name: 'valid',
        argv: ['export', `ckpt_path=${generated.valid}`, `export.output=${join(root, 'out', 'valid.onnx')}`],
      },
      ...generated.cases.map((hostile) => ({
        name: hostile.name,
        argv: commandFor(hostile, join(root, 'out', `${hostile.name}.onnx`)),
      })),
    ];
    runs = await runClsCommands(commands, (commands.length + 1) * MAX_SECONDS * 1000);
  }, 900_000);

  function measured(name: string): MeasuredRun {
    const run = runs.get(name);
    if (run === undefined) throw new Error(`${name}: the runner died or hung before reporting it`);
    return run;
  }

  it('exports the valid checkpoint they are made from (the harness can pass)', () => {
    const run = measured('valid');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(root, 'out', 'valid.onnx'))).toBe(true);
    expect(run.maxRssBytes).toBeLessThan(MAX_RSS_BYTES);
  });

  it('generates one case per rule, for checkpoints and for pretrained weights', () => {
    expect(generated.cases.filter((c) => c.kind === 'checkpoint').length).toBeGreaterThanOrEqual(25);
    expect(generated.cases.filter((c) => c.kind === 'pretrained').length).toBeGreaterThanOrEqual(25);
    expect(readFileSync(generated.secret, 'latin1')).toContain(SECRET);
  });

  it.each(generated.cases.map((hostile) => [hostile.name, hostile] as const))(
    'refuses %s: exit 1, one cls: line naming the file and the rule, in time and memory',
    (_name, hostile) => {
      const run = measured(hostile.name);
      console.log(
        `${hostile.name}: exit ${String(run.code)}, ${run.seconds.toFixed(1)} s, ` +
          `peak RSS so far ${(run.maxRssBytes / 1024 ** 2).toFixed(0)} MB`,
      );
      const lines = run.stderr.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^cls: /);
      expect(lines[0]).toContain(hostile.names);
      expect(lines[0]).toMatch(new RegExp(hostile.rule));
      expect(run.code).toBe(1);
      expect(run.seconds).toBeLessThan(MAX_SECONDS);
      expect(run.maxRssBytes).toBeLessThan(MAX_RSS_BYTES);
      expect(existsSync(join(root, 'out', `${hostile.name}.onnx`))).toBe(false);
      expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
    },
  );

  it('lets no byte of the file outside the checkpoints reach any output', () => {
    const outputs = filesUnder(root).filter((file) => !file.startsWith(join(root, 'files')));
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.filter((file) => readFileSync(file, 'latin1').includes(SECRET))).toEqual([]);
  });
});
