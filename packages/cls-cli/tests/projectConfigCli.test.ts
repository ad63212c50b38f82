import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCliInProcess } from './runCliInProcess.js';

const bin = fileURLToPath(new URL('../bin/cls.js', import.meta.url));

function project(configText: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cls-project-cli-'));
  writeFileSync(join(dir, 'package.json'), '{"name": "p", "private": true}');
  writeFileSync(join(dir, 'cls.config.yaml'), configText);
  return { dir, file: join(dir, 'cls.config.yaml') };
}

describe('cls.config.yaml', () => {
  it('says it was applied: a log line when running, a YAML comment with --cfg', async () => {
    const { dir, file } = project('trainer:\n  max_epochs: 7\n');
    const printed = await runCliInProcess(['train', '--cfg', 'job'], dir);
    expect(printed.code).toBe(0);
    expect(printed.stdout.split('\n')[0]).toBe(
      `# project config ${file} applied (under the command-line overrides)`,
    );
    expect((parse(printed.stdout) as { trainer: { max_epochs: number } }).trainer.max_epochs).toBe(7);

    // A real run logs the line before anything else fails (here: no data.root).
    const run = spawnSync(process.execPath, [bin, 'train'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    expect(run.stdout + run.stderr).toContain(`project config ${file} applied`);
    expect(run.status).toBe(1);
  });

  it("accepts Hydra's `defaults: [override /model: resnet50]`", async () => {
    const { dir } = project('defaults:\n  - override /model: resnet50\n');
    const printed = await runCliInProcess(['train', '--cfg', 'job'], dir);
    expect(printed.stderr).toBe('');
    expect((parse(printed.stdout) as { model: { arch: string } }).model.arch).toBe('resnet50');
  });

  it('names the file in an error its values cause', async () => {
    const { dir, file } = project('trainer:\n  max_epochs: abc\n');
    const run = await runCliInProcess(['train', '--cfg', 'job'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`cls: trainer.max_epochs: must be integer (got "abc") (set in ${file})\n`);
  });

  it('reports a YAML error as one line with file:line:col', async () => {
    const { dir, file } = project('trainer:\n  max_epochs: 3\n   seed: [1, 2\n');
    const run = await runCliInProcess(['train', '--cfg', 'job'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^cls: ${file}:2:15: [^\\n]+\\n$`));
  });

  it('fails fast with one line on nested aliases (billion laughs)', async () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) {
      const prev = 'abcdefgh'[i] ?? 'a';
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${prev}`).join(', ')}]`);
    }
    const { dir, file } = project(`${levels.join('\n')}\n`);
    const started = Date.now();
    const run = await runCliInProcess(['train', '--cfg', 'job'], dir);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^cls: ${file}: aliases expand past 100 copies[^\\n]+\\n$`));
  });
});
