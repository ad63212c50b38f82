import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RegularFileRefusal,
  readRegularFile,
  readRegularFileSync,
  type RegularFileReadOptions,
} from '@nextplay/cls-core';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cls-core-regular-file-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a read ended in: its bytes, or what it threw. */
async function outcome(promise: Promise<Uint8Array>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    return error;
  }
}

const reads = {
  readRegularFile: (path: string, options: RegularFileReadOptions) => outcome(readRegularFile(path, options)),
  readRegularFileSync: (path: string, options: RegularFileReadOptions) =>
    outcome(Promise.resolve().then(() => readRegularFileSync(path, options))),
};

describe.each(Object.entries(reads))('%s', (_name, read) => {
  it('reads a regular file whole, up to exactly maxBytes', async () => {
    const path = join(dir, 'weights.bin');
    await writeFile(path, new Uint8Array([1, 2, 3, 250]));
    const bytes = await read(path, { maxBytes: 4 });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...(bytes as Uint8Array)]).toEqual([1, 2, 3, 250]);
  });

  it('reads an empty file', async () => {
    const path = join(dir, 'empty');
    await writeFile(path, '');
    expect(await read(path, { maxBytes: 0 })).toEqual(new Uint8Array(0));
  });

  it('refuses a file over maxBytes, with its size', async () => {
    const path = join(dir, 'big.txt');
    await writeFile(path, 'hello!');
    const error = await read(path, { maxBytes: 5 });
    expect(error).toBeInstanceOf(RegularFileRefusal);
    expect(error).toMatchObject({ path, reason: 'too-large', size: 6, maxBytes: 5 });
    expect((error as Error).message).toBe(`${path}: 6 bytes is more than the 5 it may have`);
  });

  it('refuses a directory', async () => {
    const path = join(dir, 'weights.bin');
    await mkdir(path);
    expect(await read(path, { maxBytes: 1024 })).toMatchObject({
      name: 'RegularFileRefusal',
      reason: 'directory',
    });
  });

  it.runIf(process.platform === 'linux')('refuses /dev/zero', async () => {
    const path = join(dir, 'metrics.csv');
    await symlink('/dev/zero', path);
    const error = await read(path, { maxBytes: 1024 });
    expect(error).toBeInstanceOf(RegularFileRefusal);
    expect(error).toMatchObject({ reason: 'not-regular' });
  });

  it.skipIf(process.platform === 'win32')('refuses a FIFO without waiting for a writer', async () => {
    const path = join(dir, 'config.yaml');
    execFileSync('mkfifo', [path]);
    // Should the open wait for a writer, this one comes after 2 s, so a broken read fails the test, not hangs it.
    const writer = spawn('timeout', ['5', 'sh', '-c', 'sleep 2 && : > "$1"', 'sh', path], {
      stdio: 'ignore',
    });
    try {
      const started = performance.now();
      const error = await read(path, { maxBytes: 1024 });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toBeInstanceOf(RegularFileRefusal);
      expect(error).toMatchObject({ reason: 'not-regular' });
    } finally {
      writer.kill();
    }
  });

  it('lets the error of a missing file through, with its code', async () => {
    const error = await read(join(dir, 'missing.bin'), { maxBytes: 1024 });
    expect(error).not.toBeInstanceOf(RegularFileRefusal);
    expect(error).toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a file whose size is not the one expected', async () => {
    const path = join(dir, 'weights.bin');
    await writeFile(path, 'abcd');
    expect(await read(path, { maxBytes: 1024, expectedSize: 3 })).toMatchObject({
      reason: 'changed',
      size: 4,
    });
    expect([...((await read(path, { maxBytes: 1024, expectedSize: 4 })) as Uint8Array)]).toEqual([
      97, 98, 99, 100,
    ]);
  });

  it.runIf(process.platform === 'linux')('refuses a file that holds more than its size said', async () => {
    // A /proc file says it is 0 bytes and holds more: the same as one that grew while it was read.
    const error = await read('/proc/self/status', { maxBytes: 1024 });
    expect(error).toBeInstanceOf(RegularFileRefusal);
    expect(error).toMatchObject({ reason: 'changed', size: 0, bytesRead: 1 });
  });

  it("reads into the caller's array, which must be exactly the file's size", async () => {
    const path = join(dir, 'weights.bin');
    await writeFile(path, 'abcd');
    const into = new Uint8Array(4);
    expect(await read(path, { maxBytes: 4, into })).toBe(into);
    expect([...into]).toEqual([97, 98, 99, 100]);
    expect(await read(path, { maxBytes: 1024, into: new Uint8Array(5) })).toMatchObject({
      reason: 'changed',
    });
  });

  it.skipIf(process.platform === 'win32')(
    'with noFollow, lets ELOOP of a symbolic link through',
    async () => {
      const target = join(dir, 'target.bin');
      const link = join(dir, 'link.bin');
      await writeFile(target, 'abc');
      await symlink(target, link);
      expect(await read(link, { maxBytes: 1024, noFollow: true })).toMatchObject({ code: 'ELOOP' });
      expect(await read(link, { maxBytes: 1024 })).toEqual(new Uint8Array([97, 98, 99]));
    },
  );
});
