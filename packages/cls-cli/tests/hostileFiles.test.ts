import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The hostile-input suite of issue #17: every file tools/make-hostile-files.mjs crafts is given to the built `cls`
// in a child process, which must refuse it with exit 1 and one `cls:` line naming the file and the rule, within a
// time and a peak-memory bound, and without a byte of a file outside the checkpoint directory in any output.

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(REPO, 'packages', 'cls-cli', 'bin', 'cls.js');
const GENERATOR = join(REPO, 'tools', 'make-hostile-files.mjs');
const SECRET_MARKER = 'KEY!KEY!';
const MAX_SECONDS = 30;
const MAX_RSS_BYTES = 1.5 * 1024 ** 3;
const KILL_AFTER_MS = 60_000;

/**
 * Preloaded (through NODE_OPTIONS, so also in the process `cls` forks for the command) to write each process's
 * peak RSS (kB, from getrusage) to `$CLS_MAX_RSS_DIR/<pid>` on exit.
 */
const REPORT_MAX_RSS = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs'; import { join } from 'node:path';" +
    "process.on('exit', () => writeFileSync(join(process.env.CLS_MAX_RSS_DIR, String(process.pid)), " +
    'String(process.resourceUsage().maxRSS)));',
)}`;

interface HostileCase {
  readonly name: string;
  readonly kind: 'checkpoint' | 'pretrained';
  readonly path: string;
  readonly names: string;
  readonly rule: string;
}

interface Generated {
  readonly secret: string;
  readonly valid: string;
  readonly cases: readonly HostileCase[];
}

interface MeasuredRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly maxRssBytes: number;
}

// Generated when the file is collected, so that each case is a test of its own; big files live in `root`.
const root = mkdtempSync(join(tmpdir(), 'cls-hostile-'));
mkdirSync(join(root, 'work'));
execFileSync(process.execPath, [GENERATOR, join(root, 'files')], { cwd: REPO, stdio: 'ignore' });
const generated = JSON.parse(readFileSync(join(root, 'files', 'cases.json'), 'utf8')) as Generated;

/**
 * Runs `cls <args>` in a child process, killed after a minute, with its wall time and the peak RSS of its
 * processes (Infinity when one of them did not exit normally and so did not report it).
 */
async function runCls(args: readonly string[], label: string): Promise<MeasuredRun> {
  const rssDir = join(root, 'rss', label);
  mkdirSync(rssDir, { recursive: true });
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: join(root, 'work'),
    env: {
      ...process.env,
      NODE_OPTIONS: `--import=${REPORT_MAX_RSS}`,
      CLS_MAX_RSS_DIR: rssDir,
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  const reports = readdirSync(rssDir).map((pid) => Number(readFileSync(join(rssDir, pid), 'utf8')) * 1024);
  // The supervisor and the command process: fewer reports means one of them was killed.
  const maxRssBytes = reports.length >= 2 ? Math.max(...reports) : Infinity;
  return { code, stdout, stderr, seconds, maxRssBytes };
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
  it('exports the valid checkpoint they are made from (the harness can pass)', async () => {
    const output = join(root, 'out', 'valid.onnx');
    const run = await runCls(['export', `ckpt_path=${generated.valid}`, `export.output=${output}`], 'valid');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(output)).toBe(true);
    expect(run.maxRssBytes).toBeLessThan(MAX_RSS_BYTES);
  });

  it('generates one case per rule, for checkpoints and for pretrained weights', () => {
    expect(generated.cases.filter((c) => c.kind === 'checkpoint').length).toBeGreaterThanOrEqual(25);
    expect(generated.cases.filter((c) => c.kind === 'pretrained').length).toBeGreaterThanOrEqual(25);
    expect(readFileSync(generated.secret, 'latin1')).toContain(SECRET_MARKER);
  });

  it.each(generated.cases.map((hostile) => [hostile.name, hostile] as const))(
    'refuses %s: exit 1, one cls: line naming the file and the rule, in time and memory',
    async (_name, hostile) => {
      const output = join(root, 'out', `${hostile.name}.onnx`);
      const run = await runCls(commandFor(hostile, output), hostile.name);
      console.log(
        `${hostile.name}: exit ${String(run.code)}, ${run.seconds.toFixed(1)} s, ` +
          `peak RSS ${(run.maxRssBytes / 1024 ** 2).toFixed(0)} MB`,
      );
      const lines = run.stderr.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^cls: /);
      expect(lines[0]).toContain(hostile.names);
      expect(lines[0]).toMatch(new RegExp(hostile.rule));
      expect(run.code).toBe(1);
      expect(run.seconds).toBeLessThan(MAX_SECONDS);
      expect(run.maxRssBytes).toBeLessThan(MAX_RSS_BYTES);
      expect(existsSync(output)).toBe(false);
      expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET_MARKER);
    },
    90_000,
  );

  it('lets no byte of the file outside the checkpoints reach any output', () => {
    const outputs = filesUnder(root).filter((file) => !file.startsWith(join(root, 'files')));
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.filter((file) => readFileSync(file, 'latin1').includes(SECRET_MARKER))).toEqual([]);
  });
});
