import { createLogger, type ClsConfig, type PluginRegistry } from '@nextplay/cls-core';
import { resolveImageFolderSettings, scanImageFolder } from '@nextplay/cls-data';

/**
 * Checks the dataset's files before a run writes anything or chooses a backend: for the built-in `imagefolder`
 * dataset, that `data.root` is given, exists and holds a train split with images (a missing or wrong root would
 * otherwise leave an empty run directory behind). Other datasets check their own files when they are built.
 */
export async function checkDataPaths(config: ClsConfig, registry: PluginRegistry): Promise<void> {
  if (config.data.name !== 'imagefolder') return;
  const settings = resolveImageFolderSettings(config.data);
  // A digit-aware head reads numbers that train lacks: val and test may hold them.
  const head = await registry.create(
    'head',
    config.model.head ?? 'linear',
    {},
    { logger: createLogger({ level: 0 }) },
  );
  await scanImageFolder(settings.root, head.readsUnseenClasses ? { unseenClasses: true } : {});
}
