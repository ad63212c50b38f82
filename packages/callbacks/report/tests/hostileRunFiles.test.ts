import { execFileSync } from 'node:child_process';
import { readFile, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_FILE_MAX_BYTES, RunFiles } from '../src/runFiles.js';
import { writeRunReport } from '../src/index.js';
import { writeSyntheticRun } from './syntheticRun.js';

/** A run folder from someone else (issue #17) whose files are devices, FIFOs or huge. */
let runDir: string;

beforeEach(async () => {
  runDir = await writeSyntheticRun();
});

afterEach(async () => {
  await rm(runDir, { recursive: true, force: true });
});

describe('cls report on hostile run files', () => {
  it('leaves out metrics.csv linked to /dev/zero with a note, and still writes the report', async () => {
    await unlink(join(runDir, 'metrics.csv'));
    await symlink('/dev/zero', join(runDir, 'metrics.csv'));
    const page = await readFile(await writeRunReport(runDir), 'utf8');
    expect(page).toContain('metrics.csv: not read, not a regular file (a FIFO or a device)');
  });

  it('leaves out a FIFO without waiting for a writer', async () => {
    await unlink(join(runDir, 'metrics.csv'));
    execFileSync('mkfifo', [join(runDir, 'metrics.csv')]);
    const page = await readFile(await writeRunReport(runDir), 'utf8');
    expect(page).toContain('metrics.csv: not read, not a regular file (a FIFO or a device)');
  }, 10_000);

  it('leaves out a file over the size limit without reading it', async () => {
    await truncate(join(runDir, 'metrics.csv'), RUN_FILE_MAX_BYTES + 1);
    const page = await readFile(await writeRunReport(runDir), 'utf8');
    expect(page).toContain(
      `metrics.csv: not read, ${RUN_FILE_MAX_BYTES + 1} bytes, more than the ${RUN_FILE_MAX_BYTES} the report reads`,
    );
  });

  it('reads regular files as they are', async () => {
    await writeFile(join(runDir, 'note.txt'), 'hello');
    const files = new RunFiles(runDir, 5);
    expect(await files.text('note.txt')).toBe('hello');
    await writeFile(join(runDir, 'note.txt'), 'hello!');
    expect(await files.text('note.txt')).toBeUndefined();
    expect(files.refusedNotes()).toEqual(['note.txt: not read, 6 bytes, more than the 5 the report reads']);
  });
});
