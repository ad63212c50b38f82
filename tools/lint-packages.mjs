#!/usr/bin/env node
// What consumers of each publishable package see: `publint --strict` and `attw` (are the types wrong?) on the
// exact tarball `npm pack` makes. The packages are ESM-only on purpose, so attw runs with its esm-only profile
// (a CommonJS `require` of them is not supported). Build first (`npm ci` does). Exit 0 = all clean.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { cleanNpmEnv, publishableWorkspaces, repoRoot } from './lib/workspaces.mjs';

const tarballDir = mkdtempSync(join(tmpdir(), 'cls-lint-packages-'));
const attw = join(repoRoot, 'node_modules', '.bin', 'attw');
const failures = [];

for (const workspace of publishableWorkspaces()) {
  const packed = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballDir], {
    cwd: workspace.dir,
    env: cleanNpmEnv(),
    encoding: 'utf8',
  });
  if (packed.status !== 0) {
    failures.push(`${workspace.name}: npm pack failed\n${packed.stderr}`);
    continue;
  }
  const tarball = join(tarballDir, JSON.parse(packed.stdout)[0].filename);

  const bytes = readFileSync(tarball);
  const { messages } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    strict: true,
  });
  for (const message of messages) {
    failures.push(
      `${workspace.name}: publint ${message.type}: ${formatMessage(message, workspace.manifest)}`,
    );
  }

  const types = spawnSync(attw, [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color'], {
    encoding: 'utf8',
  });
  if (types.status !== 0) failures.push(`${workspace.name}: attw\n${types.stdout}${types.stderr}`);

  const clean = messages.length === 0 && types.status === 0;
  console.log(
    `${clean ? '✓' : '✗'} ${workspace.name}: publint --strict ${messages.length} messages, attw ${types.status === 0 ? 'ok' : 'problems'}`,
  );
}

rmSync(tarballDir, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`\n${failures.join('\n')}`);
  process.exit(1);
}
console.log('\nevery package passes publint --strict and attw (esm-only)');
