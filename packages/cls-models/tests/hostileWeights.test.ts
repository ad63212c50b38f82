import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isClsError } from '@nextplay/cls-core';
import { afterAll, describe, expect, it } from 'vitest';
import { generateHostileFiles } from '../../../tools/hostile-files.mjs';
import { readStateDictFile } from '../src/index.js';

// The .pth and .safetensors files of tools/make-hostile-files.mjs (issue #17), read in this process: each is
// refused with a CHECKPOINT_INVALID ClsError naming the file and the rule. The CLI suite (cls-cli's
// hostileFiles.test.ts) runs the same files in a child process with time and memory bounds.

const root = mkdtempSync(join(tmpdir(), 'cls-hostile-weights-'));
const { cases } = generateHostileFiles(root);
const weightCases = cases.filter((c) => c.kind === 'pretrained');

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readStateDictFile on hostile weight files', () => {
  it('has cases for tensor views, zips, pickles, safetensors and special files', () => {
    const names = weightCases.map((c) => c.name);
    for (const expected of [
      'stride-0-65536x65536.pth',
      'zip-overlapping-entries.pth',
      'zip-deflate-bomb-many-entries.pth',
      'pickle-binstring-negative-length.pth',
      'pickle-cyclic.pth',
      'offsets-overlap.safetensors',
      'fifo.pth',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it.each(weightCases.map((c) => [c.name, c] as const))('refuses %s', async (_name, hostile) => {
    let error: unknown;
    try {
      await readStateDictFile(hostile.path);
    } catch (e) {
      error = e;
    }
    expect(isClsError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'CHECKPOINT_INVALID' });
    const message = (error as Error).message;
    expect(message).toContain(hostile.names);
    expect(message).toMatch(new RegExp(hostile.rule));
    expect(message).not.toContain('\n');
  });

  it('still reads the real torch.save and safetensors fixtures', async () => {
    const fixtures = join(import.meta.dirname, 'fixtures');
    const pth = await readStateDictFile(join(fixtures, 'tiny_basic.pth'));
    const safetensors = await readStateDictFile(join(fixtures, 'tiny_basic.safetensors'));
    expect([...pth.keys()]).toEqual([...safetensors.keys()]);
    for (const [key, tensor] of pth) expect(safetensors.get(key)?.values).toEqual(tensor.values);
  });
});
