import type { ClsConfig } from '@nextplay/cls-core';
import { resolveImageFolderSettings, scanImageFolder } from '@nextplay/cls-data';

/**
 * Checks the dataset's files before a run writes anything or chooses a backend: for the built-in `imagefolder`
 * dataset, that `data.root` is given, exists and holds a train split with images (a missing or wrong root would
 * otherwise leave an empty run directory behind). Other datasets check their own files when they are built.
 */
export async function checkDataPaths(config: ClsConfig): Promise<void> {
  if (config.data.name !== 'imagefolder') return;
  const settings = resolveImageFolderSettings(config.data);
  // Val and test may hold classes that train lacks, as training accepts them (test/acc_unseen).
  await scanImageFolder(settings.root, { unseenClasses: true });
}
