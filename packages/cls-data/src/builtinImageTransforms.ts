import {
  definePlugin,
  type ImageTransform,
  type PluginDefinition,
  type TransformContext,
} from '@nextplay/cls-core';
import { autoAugmentTransform } from './transforms/autoAugment.js';
import { centerCropTransform } from './transforms/centerCrop.js';
import { colorJitterTransform } from './transforms/colorJitter.js';
import { gaussianBlurTransform } from './transforms/gaussianBlur.js';
import { horizontalFlipTransform } from './transforms/horizontalFlip.js';
import { randAugmentTransform } from './transforms/randAugment.js';
import { randomAffineTransform } from './transforms/randomAffine.js';
import { randomCropTransform } from './transforms/randomCrop.js';
import { randomErasingTransform } from './transforms/randomErasing.js';
import { randomGrayscaleTransform } from './transforms/randomGrayscale.js';
import { randomPerspectiveTransform } from './transforms/randomPerspective.js';
import { randomResizedCropTransform } from './transforms/randomResizedCrop.js';
import { randomRotationTransform } from './transforms/randomRotation.js';
import { resizeTransform } from './transforms/resize.js';
import { trivialAugmentWideTransform } from './transforms/trivialAugmentWide.js';

/** A step of `transforms.train` or `.eval` as config names it: enough to build it again in a worker thread. */
export interface StepRecipe {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each plugin has its own options type
type AnyTransformPlugin = PluginDefinition<'transform', any>;

/** This package's per-image transform plugins. */
export const IMAGE_TRANSFORM_PLUGINS: readonly AnyTransformPlugin[] = [
  randomResizedCropTransform,
  horizontalFlipTransform,
  randomRotationTransform,
  colorJitterTransform,
  randomErasingTransform,
  resizeTransform,
  centerCropTransform,
  randomCropTransform,
  randomAffineTransform,
  randomPerspectiveTransform,
  randomGrayscaleTransform,
  gaussianBlurTransform,
  randAugmentTransform,
  trivialAugmentWideTransform,
  autoAugmentTransform,
];

/** The same plugins by config name: the ones a transform worker can build. */
const BUILTIN_IMAGE_TRANSFORMS: ReadonlyMap<string, AnyTransformPlugin> = new Map(
  IMAGE_TRANSFORM_PLUGINS.map((plugin) => [plugin.name, plugin]),
);

/** Steps made by this package's own plugins, which a worker can build again from their recipes. */
const workerBuildable = new WeakSet<object>();

/** `plugin`, its products marked as steps a worker can build again (what the registry gets from `dataPlugins`). */
export function buildableInWorkers(plugin: AnyTransformPlugin): AnyTransformPlugin {
  return definePlugin<'transform', Record<string, unknown>>({
    ...plugin,
    create: async (options, context) => {
      const transform = await plugin.create(options, context);
      workerBuildable.add(transform);
      return transform;
    },
  });
}

/** Whether a worker thread can build `transform` again: one of this package's steps, as its plugin made it. */
export function isBuildableInWorkers(transform: object): boolean {
  return workerBuildable.has(transform);
}

/** Builds a step from its recipe, as the registry built it on the main thread. */
export async function buildImageTransform(
  recipe: StepRecipe,
  context: TransformContext,
): Promise<ImageTransform> {
  const plugin = BUILTIN_IMAGE_TRANSFORMS.get(recipe.name);
  if (plugin === undefined) throw new RangeError(`transform "${recipe.name}" is not built into cls-data`);
  return (await plugin.create(recipe.options, context)) as ImageTransform;
}
