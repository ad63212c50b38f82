import type { AnyPluginDefinition } from '@nextplay/cls-core';
import { linearHeadPlugin } from './heads/linearHead.js';
import { adamPlugin, adamwPlugin } from './optimizers/adam.js';
import { sgdPlugin } from './optimizers/sgd.js';
import { constantPlugin } from './schedulers/constant.js';
import { cosinePlugin } from './schedulers/cosine.js';
import { oneCyclePlugin } from './schedulers/oneCycle.js';
import { reduceOnPlateauPlugin } from './schedulers/reduceOnPlateau.js';
import { multistepPlugin, stepPlugin } from './schedulers/stepDecay.js';

/** Every plugin the engine provides: the linear head, optimizers and LR schedulers (backends are packages of their own). */
export const enginePlugins: AnyPluginDefinition[] = [
  linearHeadPlugin,
  sgdPlugin,
  adamPlugin,
  adamwPlugin,
  cosinePlugin,
  constantPlugin,
  stepPlugin,
  multistepPlugin,
  oneCyclePlugin,
  reduceOnPlateauPlugin,
] as AnyPluginDefinition[];
