import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkFileAtomic, writeFileAtomic } from '@nextplay/cls-core';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cls-core-atomic-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the content of an existing file, text or bytes', async () => {
    const path = join(dir, 'metrics.json');
    await writeFile(path, 'old content that is longer than the new one');
    await writeFileAtomic(path, '{"a":1}\n');
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n');
    await writeFileAtomic(path, new Uint8Array([0, 1, 2, 255]));
    expect([...(await readFile(path))]).toEqual([0, 1, 2, 255]);
    expect(await readdir(dir)).toEqual(['metrics.json']);
  });

  it('creates missing parent directories', async () => {
    const path = join(dir, 'plots', 'epochs', 'epoch_003.svg');
    await writeFileAtomic(path, '<svg/>');
    expect(await readFile(path, 'utf8')).toBe('<svg/>');
    expect(await readdir(join(dir, 'plots', 'epochs'))).toEqual(['epoch_003.svg']);
  });

  it('leaves no staging file and the target untouched when the rename fails', async () => {
    const path = join(dir, 'report.html');
    await mkdir(path);
    await writeFile(join(path, 'inside.txt'), 'kept');
    await expect(writeFileAtomic(path, 'never lands')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['report.html']);
    expect(await readFile(join(path, 'inside.txt'), 'utf8')).toBe('kept');
  });

  it('ends concurrent writes to one path with exactly one of the contents, whole', async () => {
    const path = join(dir, 'predictions.json');
    const contents = Array.from({ length: 16 }, (_, i) => new Uint8Array(256 * 1024).fill(i + 1));
    await Promise.all(contents.map((content) => writeFileAtomic(path, content)));
    const written = await readFile(path);
    expect(written.length).toBe(256 * 1024);
    const first = written[0] ?? 0;
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThanOrEqual(16);
    expect(written.every((byte) => byte === first)).toBe(true);
    expect(await readdir(dir)).toEqual(['predictions.json']);
  });
  it('never shows a reader a partly written file', async () => {
    const path = join(dir, 'history.json');
    const size = 4 * 1024 * 1024;
    await writeFileAtomic(path, new Uint8Array(size).fill(1));
    const progress = { writing: true };
    const writes = (async () => {
      try {
        for (let i = 2; i <= 9; i += 1) await writeFileAtomic(path, new Uint8Array(size).fill(i));
      } finally {
        progress.writing = false;
      }
    })();
    const seen: { length: number; whole: boolean }[] = [];
    while (progress.writing) {
      const read = await readFile(path);
      seen.push({ length: read.length, whole: read.every((byte) => byte === read[0]) });
    }
    await writes;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter(({ length, whole }) => length !== size || !whole)).toEqual([]);
    expect((await readFile(path))[0]).toBe(9);
  });
});

describe('linkFileAtomic', () => {
  it('replaces the target with a hard link to the source', async () => {
    const source = join(dir, 'best.onnx');
    const path = join(dir, 'last.onnx');
    await writeFile(source, 'model bytes');
    await writeFile(path, 'stale');
    await linkFileAtomic(source, path, 'model bytes');
    expect(await readFile(path, 'utf8')).toBe('model bytes');
    expect((await stat(path)).ino).toBe((await stat(source)).ino);
    expect((await readdir(dir)).sort()).toEqual(['best.onnx', 'last.onnx']);
  });

  it('writes the fallback content where the link cannot be made', async () => {
    const path = join(dir, 'exports', 'last.onnx');
    await linkFileAtomic(join(dir, 'missing.onnx'), path, new Uint8Array([7, 8, 9]));
    expect([...(await readFile(path))]).toEqual([7, 8, 9]);
    expect((await stat(path)).nlink).toBe(1);
    expect(await readdir(join(dir, 'exports'))).toEqual(['last.onnx']);
  });
});
