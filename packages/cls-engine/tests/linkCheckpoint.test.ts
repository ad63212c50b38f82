import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkCheckpoint } from '../src/index.js';

describe('linkCheckpoint', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'cls-link-checkpoint-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function checkpoint(name: string, content: string): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir);
    for (const file of ['model.json', 'weights.bin', 'trainer_state.json']) {
      await writeFile(join(dir, file), `${file}:${content}`);
    }
    return dir;
  }

  it('replaces the target with hard links to the source, which outlive the source', async () => {
    const source = await checkpoint('epoch=1-step=20', 'new');
    const target = await checkpoint('best', 'old');
    await linkCheckpoint(source, target);
    expect((await readdir(target)).sort()).toEqual(['model.json', 'trainer_state.json', 'weights.bin']);
    expect((await stat(join(target, 'weights.bin'))).ino).toBe((await stat(join(source, 'weights.bin'))).ino);
    await rm(source, { recursive: true });
    expect(await readFile(join(target, 'weights.bin'), 'utf8')).toBe('weights.bin:new');
    expect(await readdir(root)).toEqual(['best']);
  });

  it('creates a missing target', async () => {
    const source = await checkpoint('epoch=0-step=10', 'x');
    await linkCheckpoint(source, join(root, 'last'));
    expect(await readFile(join(root, 'last', 'model.json'), 'utf8')).toBe('model.json:x');
  });
});
