import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ClsError, isClsError, type ClsConfig } from '@nextplay/cls-core';
import {
  MNIST_MARKER,
  readMnistMarker,
  resolveImageFolderSettings,
  scanImageFolder,
} from '@nextplay/cls-data';

/**
 * Checks the dataset's folders before a run writes anything or chooses a backend (issue #18), as the built-in
 * datasets will read them: `imagefolder` needs `data.root` to hold a train split with images; `mnist` and
 * `jersey_synth` need it to be theirs already, or empty or absent (they write it on first use: a folder of other
 * files would be refused only later); `data.synthetic.root`, when given, must hold a train split too. Datasets of
 * other plugins check their own files when they are built.
 */
export async function checkDataPaths(config: ClsConfig): Promise<void> {
  const data = config.data;
  if (data.name === 'imagefolder') await scanTrainSplit(resolveImageFolderSettings(data).root, 'data.root');
  if (data.name === 'mnist') await checkMnistRoot(resolveImageFolderSettings(data).root);
  if (data.name === 'jersey_synth') {
    const root = resolveImageFolderSettings(data).root;
    // An empty or absent folder is rendered on first use; one with files is read as an ImageFolder.
    if ((await folderEntries(root, 'data.root')).length > 0) await scanTrainSplit(root, 'data.root');
  }
  const synthetic = (data as { readonly synthetic?: { readonly root?: unknown } }).synthetic?.root;
  if (typeof synthetic === 'string' && synthetic !== '')
    await scanTrainSplit(synthetic, 'data.synthetic.root');
}

/** An ImageFolder with a train split; errors name `key` (cls-data's say `data.root`). */
async function scanTrainSplit(root: string, key: string): Promise<void> {
  const dir = resolve(root);
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) throw new ClsError('DATA_ROOT_MISSING', `${key} ${dir} does not exist`);
  if (!info.isDirectory()) throw new ClsError('DATA_ROOT_MISSING', `${key} ${dir} is not a folder`);
  try {
    // Val and test may hold classes that train lacks, as training accepts them (test/acc_unseen).
    await scanImageFolder(dir, { unseenClasses: true });
  } catch (error) {
    if (!isClsError(error) || key === 'data.root' || !error.message.startsWith('data.root ')) throw error;
    throw new ClsError(error.code, `${key} ${error.message.slice('data.root '.length)}`, { cause: error });
  }
}

/** What `data=mnist` accepts at `data.root`: a prepared MNIST folder, or one it can prepare (empty or absent). */
async function checkMnistRoot(root: string): Promise<void> {
  const dir = resolve(root);
  if ((await readMnistMarker(dir)) !== undefined) return;
  if ((await folderEntries(dir, 'data.root')).length > 0) {
    throw new ClsError(
      'CONFIG_INVALID',
      `data.root ${dir} is not a prepared MNIST folder (no ${MNIST_MARKER}) and is not empty, so data=mnist cannot prepare it there`,
      {
        hint: 'point data.root at a new or empty folder, or use data=imagefolder for an ImageFolder of your own',
      },
    );
  }
}

/** The names in a folder; none when it does not exist; a `key` error when it is a file or unreadable. */
async function folderEntries(dir: string, key: string): Promise<string[]> {
  try {
    return await readdir(resolve(dir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ClsError('DATA_ROOT_MISSING', `${key} ${resolve(dir)} is not a readable folder`, {
      cause: error,
    });
  }
}
