import { ClsError, type RawImage } from '@nextplay/cls-core';
import type { ConcurrencyLimiter } from './concurrencyLimiter.js';
import type { ImageEntry, ScannedSplit } from './scanImageFolder.js';

/** An image of a split that could not be decoded, and why. */
export interface UnreadableImage {
  readonly entry: ImageEntry;
  /** The decoder's reason, on one line, without the path. */
  readonly reason: string;
}

export interface CheckedSplit {
  /** The split without its unreadable images: same order, counts recounted. */
  readonly split: ScannedSplit;
  /** The decoded pixels of `split.images`, index for index, where `keep` kept them. */
  readonly decoded: readonly (RawImage | undefined)[] | undefined;
  /** Unreadable images in the split's (class, path) order. */
  readonly unreadable: readonly UnreadableImage[];
}

export interface CheckImagesOptions {
  readonly decode: (path: string) => Promise<RawImage>;
  /** Bounds the images decoding at once. */
  readonly decoder: ConcurrencyLimiter;
  /** Whether to keep an image's decoded pixels (for the split's cache) instead of dropping them once checked. */
  readonly keep: ((image: RawImage) => boolean) | undefined;
}

/**
 * Decodes every image of `split` once, before training, and leaves out those that cannot be decoded. Which
 * images are left out depends on the files alone, never on timing or order, so the batches of a run stay a
 * function of seed and epoch. With `keep`, this is the decode that fills the cache: training reads no file again.
 */
export async function checkImages(split: ScannedSplit, options: CheckImagesOptions): Promise<CheckedSplit> {
  const results = await Promise.all(
    split.images.map((entry) =>
      options.decoder.run(async () => {
        try {
          const image = await options.decode(entry.path);
          return options.keep?.(image) === true ? image : true;
        } catch (error) {
          return { reason: unreadableReason(error, entry.path) };
        }
      }),
    ),
  );
  const images: ImageEntry[] = [];
  const decoded: (RawImage | undefined)[] = [];
  const unreadable: UnreadableImage[] = [];
  for (const [index, result] of results.entries()) {
    const entry = split.images[index];
    if (entry === undefined) continue;
    if (typeof result === 'object' && 'reason' in result) {
      unreadable.push({ entry, reason: await ownReason(entry.path, result.reason, options.decode) });
      continue;
    }
    images.push(entry);
    decoded.push(result === true ? undefined : result);
  }
  if (unreadable.length === 0) {
    return { split, decoded: options.keep === undefined ? undefined : decoded, unreadable };
  }
  const left = new Set(unreadable.map((image) => image.entry.path));
  const files: Record<string, readonly string[]> = {};
  for (const [name, paths] of Object.entries(split.files)) files[name] = paths.filter((p) => !left.has(p));
  const classCounts = split.classCounts.map(() => 0);
  for (const entry of images) classCounts[entry.label] = (classCounts[entry.label] ?? 0) + 1;
  return {
    split: { ...split, images, files, classCounts },
    decoded: options.keep === undefined ? undefined : decoded,
    unreadable,
  };
}

/**
 * Why `path` cannot be decoded, from a decode of it alone. libvips keeps one error log for the whole process, so a
 * decode that fails while others run may report another image's message (lovell/sharp#902): `concurrentReason`,
 * what the checking pass saw, stands only if this decode succeeds. Unreadable images are few, so this costs little.
 */
async function ownReason(
  path: string,
  concurrentReason: string,
  decode: (path: string) => Promise<RawImage>,
): Promise<string> {
  try {
    await decode(path);
    return concurrentReason;
  } catch (error) {
    return unreadableReason(error, path);
  }
}

/** The decoder's message without its `cannot read image <path>: ` prefix, on one line. */
function unreadableReason(error: unknown, path: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = `cannot read image ${path}: `;
  const reason = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  return reason.replace(/\s*[\r\n]+\s*/g, ' ').trim() || 'unreadable';
}

/** The error `data.on_bad_image=fail` stops the run with: the first unreadable image of the split. */
export function unreadableImageError(image: UnreadableImage): ClsError {
  return new ClsError('DATA_IMAGE_UNREADABLE', `cannot read image ${image.entry.path}: ${image.reason}`, {
    hint: 'data.on_bad_image=skip leaves unreadable images out of the run and lists them in skipped_images.csv',
  });
}
