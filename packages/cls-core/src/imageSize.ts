/** An image size as `[height, width]` in pixels (torchvision's `Resize((h, w))` order). */
export type ImageSize = readonly [height: number, width: number];

/** `data.image_size` as configured: `s` for s×s, or `[height, width]`. */
export type ImageSizeSetting = number | readonly number[];

/** `[height, width]` of a `data.image_size` setting: `s` is `[s, s]`. */
export function toImageSize(setting: ImageSizeSetting): ImageSize {
  if (typeof setting === 'number') return [setting, setting];
  const [height = Number.NaN, width = Number.NaN] = setting;
  return [height, width];
}

/** The setting that records `size`: a number when it is square (as configs and checkpoints always had), else `[h, w]`. */
export function imageSizeSetting(size: ImageSize): number | [number, number] {
  const [height, width] = size;
  return height === width ? height : [height, width];
}

/** `HxW`, as logs and messages print a size. */
export function formatImageSize(size: ImageSize): string {
  return `${size[0]}x${size[1]}`;
}
