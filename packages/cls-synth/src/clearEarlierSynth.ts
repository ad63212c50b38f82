import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ClsError, readRegularFile } from '@nextplay/cls-core';

/** `synth.json`: the manifest at the root of every output of the generator. */
export const SYNTH_MANIFEST = 'synth.json';

const GENERATOR = '@nextplay/cls-synth';
const SPLITS = ['train', 'valid', 'test'] as const;
/** The class folders the generator writes: jersey numbers of one or two digits. */
const NUMBER_FOLDER = /^\d{1,2}$/;

/**
 * Readies `out` for a new output of the generator: an absent or empty folder as it is; an earlier output (its
 * `synth.json` written by this generator) with every number folder of its train/valid/test removed, so no crops
 * of other numbers, counts or seeds stay behind (other files there are left alone); any other folder with files
 * is refused, as it may hold data of the user's.
 */
export async function clearEarlierSynth(out: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ClsError('USAGE', `out=${out}: not a readable folder`, { cause: error });
  }
  if (entries.length === 0) return;
  if (!(await isEarlierOutput(join(out, SYNTH_MANIFEST)))) {
    throw new ClsError(
      'USAGE',
      `out=${out} holds files and no ${SYNTH_MANIFEST} of an earlier cls data synth`,
      {
        hint: 'pick a new or empty folder: only an earlier synthetic output is replaced',
      },
    );
  }
  for (const split of SPLITS) {
    const dir = join(out, split);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((entry) => NUMBER_FOLDER.test(entry))) {
      await rm(join(dir, name), { recursive: true, force: true });
    }
    await rmdir(dir).catch(() => undefined); // kept when something else is in it
  }
}

/** Whether `path` is a small regular file holding the generator's manifest. */
async function isEarlierOutput(path: string): Promise<boolean> {
  try {
    const bytes = await readRegularFile(path, { maxBytes: 2 ** 20 });
    const manifest = JSON.parse(new TextDecoder().decode(bytes)) as { generator?: unknown } | null;
    return manifest?.generator === GENERATOR;
  } catch {
    return false;
  }
}
