import {
  ClsError,
  createRandom,
  deriveSeed,
  type ImageSize,
  type ImageTransform,
  type RawImage,
} from '@nextplay/cls-core';
import type { ResizeMode } from './decodeImage.js';
import { fitToSize } from './fitToSize.js';

/** What one image goes through after decoding, wherever it runs (this thread or a transform worker). */
export interface ImageSteps {
  readonly steps: readonly ImageTransform[];
  readonly imageSize: ImageSize;
  readonly resize: ResizeMode;
}

/**
 * `steps` on the decoded image of `draw`, then brought to image_size. The random stream is the image's own,
 * seeded by (seed, epoch, draw) whatever the batch, thread or worker count: resuming mid-epoch or changing
 * data.num_workers gives the same pixels.
 */
export async function applyImageSteps(
  decoded: RawImage,
  draw: number,
  seed: number,
  epoch: number,
  { steps, imageSize, resize }: ImageSteps,
): Promise<RawImage> {
  let image = decoded;
  if (steps.length > 0) {
    const random = createRandom(deriveSeed(seed, epoch, draw));
    for (const step of steps) {
      image = await step.apply(image, random);
      if (
        image.channels !== decoded.channels ||
        image.data.length !== image.width * image.height * image.channels
      ) {
        throw new ClsError(
          'PLUGIN_FAILED',
          `transform "${step.name}" returned ${image.data.length} values for a ${image.width}×${image.height}×${image.channels} image; expected ${decoded.channels} channels`,
        );
      }
    }
  }
  return fitToSize(image, imageSize, resize);
}
