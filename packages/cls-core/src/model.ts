import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ModelConfig } from './configSchema.js';
import type { ModelHead } from './head.js';
import type { ImageSize } from './imageSize.js';
import type { Logger } from './logger.js';

export interface ModelContext {
  readonly numClasses: number;
  /** Input `[height, width]` in pixels. */
  readonly imageSize: ImageSize;
  readonly channels: number;
  readonly logger: Logger;
  /** The output layers to build on the features (`model.head`); absent = the model's own linear classifier. */
  readonly head?: ModelHead;
}

export type ModelOptions = ModelConfig;

/** Models are tfjs-layers models taking normalized NHWC float32 images and returning logits. */
export type ClassifierModel = LayersModel;
