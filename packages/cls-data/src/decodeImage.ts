import { extname } from 'node:path';
import sharp from 'sharp';
import { ClsError, toImageSize, type ImageSize, type RawImage } from '@nextplay/cls-core';
import { decodeBmpFile } from './decodeBmp.js';
import { decodeNetpbmFile, isNetpbm, isNetpbmFile } from './decodeNetpbm.js';
import { assertPngInflateBound, decodePngAtSize } from './decodePng.js';
import { fitToSize } from './fitToSize.js';
import {
  DECODE_MEMORY_BUDGET_BYTES,
  IMAGE_READ_INTO_MEMORY_MAX_BYTES,
  MAX_IMAGE_PIXELS,
} from './imageLimits.js';
import { MemoryBudget } from './memoryBudget.js';
import {
  assertDecodableHeader,
  decodeMemoryBytes,
  headerFromMetadata,
  type RasterHeader,
} from './rasterHeader.js';
import { readImageFile } from './readImageFile.js';
import { resampleBox } from './transforms/resample.js';

/** Every sharp decode of the process holds its decoded bytes from here, so concurrent ones cannot add up. */
const decodeMemoryBudget = new MemoryBudget(DECODE_MEMORY_BUDGET_BYTES);

/**
 * How an image reaches `size`×`size`: `fill` squashes it (torchvision's `Resize((s, s))`), `center_crop` scales
 * the short side to `size` and crops the centre, `letterbox` fits it inside and pads with black.
 */
export type ResizeMode = 'fill' | 'center_crop' | 'letterbox';

export const RESIZE_MODES: readonly ResizeMode[] = ['fill', 'center_crop', 'letterbox'];

const FIT: Readonly<Record<ResizeMode, keyof sharp.FitEnum>> = {
  fill: 'fill',
  center_crop: 'cover',
  letterbox: 'contain',
};

/**
 * Decodes an image file to `size`×`size` (or `[height, width]`) 8-bit RGB (HWC) from the pixels `decodeImagePixels`
 * gives at the file's own resolution. sharp works on libuv's thread pool; plain PNGs already at the target size are
 * decoded directly (see `decodePngAtSize`). Sources up to 400 × 400 pixels are resized as torchvision resizes a PIL
 * image (`resizeInScript`), larger ones by libvips.
 * Throws `DATA_IMAGE_UNREADABLE` naming the file when it cannot be decoded, is empty or not a regular file,
 * declares more than `MAX_IMAGE_PIXELS` pixels or more than `DECODED_BYTES_MAX` decoded bytes, holds image data
 * beyond what its header declares (a PNG inflate bomb), or is not a raster format of `RASTER_FORMATS`, BMP or
 * Netpbm (PGM, PPM) (an SVG named `.png` is not rendered).
 */
export async function decodeImage(
  path: string,
  size: number | ImageSize,
  resize: ResizeMode = 'fill',
): Promise<RawImage> {
  const [height, width] = toImageSize(size);
  return decodeFile(path, { height, width, resize });
}

/**
 * Decodes an image file at its own resolution to 8-bit RGB (HWC), pixel for pixel as torchvision's ImageFolder
 * loader with the EXIF orientation applied: PIL's `ImageOps.exif_transpose(Image.open(p)).convert('RGB')`.
 * So, as PIL: alpha is dropped without compositing, embedded colour profiles are ignored, CMYK becomes RGB by
 * PIL's formula (`(255 - c)(255 - k) / 255`), 16-bit samples keep their high byte except 16-bit grey, which PIL
 * reads as 32-bit integers and clips to 255; palette, grey and bi-level images are expanded; animations give
 * their first frame. The format is found from the file's first bytes, not its name.
 */
export async function decodeImagePixels(path: string): Promise<RawImage> {
  return decodeFile(path, undefined);
}

/**
 * Decodes an image file to 8-bit RGB (HWC) with its aspect ratio kept, shrunk (never enlarged) so that its short
 * side is at most `shortSide`: the resolution transforms work from when the source is larger than they need.
 */
export async function decodeImageWithin(path: string, shortSide: number): Promise<RawImage> {
  return decodeFile(path, { height: shortSide, width: shortSide, resize: 'within' });
}

interface Target {
  readonly height: number;
  readonly width: number;
  /** `within`: keep the aspect ratio, the short side at most `size`. */
  readonly resize: ResizeMode | 'within';
}

async function decodeFile(path: string, target: Target | undefined): Promise<RawImage> {
  try {
    // Large files go to sharp by path, which reads them as it decodes.
    const file = await readImageFile(path, IMAGE_READ_INTO_MEMORY_MAX_BYTES);
    if (file?.length === 0) throw new ClsError('DATA_IMAGE_UNREADABLE', 'empty file');
    if (file === undefined ? extname(path).toLowerCase() === '.bmp' : isBmp(file)) {
      return await decodeBmpFile(path, (image) =>
        target === undefined ? Promise.resolve(image) : resizeRaw(image, target),
      );
    }
    if (file === undefined ? await isNetpbmFile(path) : isNetpbm(file)) {
      return await decodeNetpbmFile(file ?? path, (image) =>
        target === undefined ? Promise.resolve(image) : resizeRaw(image, target),
      );
    }
    if (target !== undefined && target.resize !== 'within' && file !== undefined) {
      const direct = decodePngAtSize(file, target.height, target.width);
      if (direct !== undefined) return direct;
    }
    if (file !== undefined) assertPngInflateBound(file);
    const input = file ?? path;
    const layout = file === undefined ? await layoutFromMetadata(path) : await pixelLayout(file);
    assertDecodableHeader(layout.header);
    const { width, height } = layout.header;
    const inScript = target !== undefined && resizesInScript(width, height, target);
    const image = await decodeMemoryBudget.run(decodeMemoryBytes(layout.header), () =>
      decodeWithSharp(input, layout, inScript ? undefined : target),
    );
    return inScript ? resizeInScript(image, target) : image;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ClsError('DATA_IMAGE_UNREADABLE', `cannot read image ${path}: ${reason}`, { cause: error });
  }
}

async function decodeWithSharp(
  input: Uint8Array | string,
  { kind, resizeInPipeline }: PixelLayout,
  target: Target | undefined,
): Promise<RawImage> {
  if (kind === 'plain' && (target === undefined || resizeInPipeline)) {
    const pipeline = openSharp(input).removeAlpha().toColourspace('srgb');
    return toRgb(target === undefined ? pipeline : resizeTo(pipeline, target));
  }
  const image =
    kind === 'cmyk'
      ? await cmykToRgb(input)
      : kind === 'grey16'
        ? await grey16ToRgb(input)
        : await toRgb(openSharp(input).removeAlpha().toColourspace('srgb'));
  return target === undefined ? image : resizeRaw(image, target);
}

/**
 * How the pixels reach RGB as PIL has them: `plain` through sharp's sRGB conversion (the same values for RGB,
 * grey, palette and alpha images at 8 or 16 bits), `cmyk` and `grey16` by PIL's own conversions.
 */
type PixelKind = 'plain' | 'cmyk' | 'grey16';

interface PixelLayout {
  readonly kind: PixelKind;
  /**
   * Whether sharp may resize in the decoding pipeline (and shrink a JPEG on load). Not with an alpha channel,
   * which sharp's resize would premultiply (PIL drops alpha first), nor with an EXIF orientation, which sharp
   * applies after resizing, sampling other pixels than resizing the upright image does.
   */
  readonly resizeInPipeline: boolean;
  /** What the header declares, checked before decoding. */
  readonly header: RasterHeader;
}

/** Samples per pixel of a PNG colour type as sharp decodes it (a palette to RGB, with alpha at most). */
const PNG_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 4, 4: 2, 6: 4 };

/**
 * The pixel layout from the header bytes of a JPEG or PNG; libvips is asked about the others (it parses the
 * header and decodes nothing).
 */
async function pixelLayout(file: Uint8Array): Promise<PixelLayout> {
  if (file[0] === 0xff && file[1] === 0xd8) {
    const jpeg = readJpegHeader(file);
    // A frame without its size (a DNL marker) or none found: libvips reads the header.
    if (jpeg.width === 0 || jpeg.height === 0) return layoutFromMetadata(file);
    const header: RasterHeader = {
      format: 'jpeg',
      width: jpeg.width,
      height: jpeg.height,
      channels: jpeg.components,
      bytesPerSample: jpeg.precision > 8 ? 2 : 1,
    };
    if (jpeg.components === 4) return { kind: 'cmyk', resizeInPipeline: false, header };
    return { kind: 'plain', resizeInPipeline: jpeg.orientation <= 1, header };
  }
  if (file[0] === 0x89 && file[1] === 0x50 && file.length >= 26) {
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const [bitDepth = 0, colourType = 0] = [file[24], file[25]];
    const header: RasterHeader = {
      format: 'png',
      width: view.getUint32(16),
      height: view.getUint32(20),
      channels: PNG_CHANNELS[colourType] ?? 4,
      bytesPerSample: bitDepth === 16 ? 2 : 1,
    };
    if (bitDepth === 16 && colourType === 0) return { kind: 'grey16', resizeInPipeline: false, header };
    // 16-bit samples would be resized before they are cut to 8 bits, rounding otherwise.
    const alphaOrExif = colourType === 4 || colourType === 6 || hasPngChunkBeforeData(file, ['tRNS', 'eXIf']);
    return { kind: 'plain', resizeInPipeline: bitDepth === 8 && !alphaOrExif, header };
  }
  const layout = await layoutFromMetadata(file);
  // WebP and GIF are resized after decoding, as before the header was read.
  return layout.header.format === 'tiff' ? layout : { ...layout, resizeInPipeline: false };
}

async function layoutFromMetadata(input: Uint8Array | string): Promise<PixelLayout> {
  const metadata = await sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
  const header = headerFromMetadata(metadata);
  if (metadata.space === 'cmyk') return { kind: 'cmyk', resizeInPipeline: false, header };
  if (metadata.depth === 'ushort' && (metadata.channels === 1 || metadata.channels === 2)) {
    return { kind: 'grey16', resizeInPipeline: false, header };
  }
  const upright = (metadata.orientation ?? 1) <= 1;
  return {
    kind: 'plain',
    resizeInPipeline: metadata.depth === 'uchar' && !metadata.hasAlpha && upright,
    header,
  };
}

/** True when one of the chunks `types` comes before the first IDAT of a PNG. */
function hasPngChunkBeforeData(file: Uint8Array, types: readonly string[]): boolean {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let at = 8; at + 8 <= file.length;) {
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    if (types.includes(type)) return true;
    if (type === 'IDAT') return false;
    at += 12 + view.getUint32(at);
  }
  return false;
}

interface JpegHeader {
  /** Components of the frame (4: CMYK or YCCK), 0 when no frame header was found. */
  readonly components: number;
  /** Bits per sample, and the size: 0 when no frame header was found. */
  readonly precision: number;
  readonly width: number;
  readonly height: number;
  /** The EXIF orientation, 1 (upright) when there is none. */
  readonly orientation: number;
}

/** Walks a JPEG's markers up to its frame header (SOF0…SOF15 but DHT, JPG and DAC), reading APP1 EXIF on the way. */
function readJpegHeader(file: Uint8Array): JpegHeader {
  let orientation = 1;
  let at = 2;
  while (at + 4 <= file.length) {
    if (file[at] !== 0xff) break;
    const marker = file[at + 1] ?? 0;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    const length = ((file[at + 2] ?? 0) << 8) | (file[at + 3] ?? 0);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      return {
        components: file[at + 9] ?? 0,
        precision: file[at + 4] ?? 0,
        height: ((file[at + 5] ?? 0) << 8) | (file[at + 6] ?? 0),
        width: ((file[at + 7] ?? 0) << 8) | (file[at + 8] ?? 0),
        orientation,
      };
    }
    if (marker === 0xe1) orientation = exifOrientation(file.subarray(at + 4, at + 2 + length)) ?? orientation;
    if (marker === 0xda || marker === 0xd9) break;
    at += 2 + length;
  }
  return { components: 0, precision: 0, width: 0, height: 0, orientation };
}

/** The orientation tag (0x0112) of IFD0 in an APP1 segment's `Exif\0\0` TIFF data, if there is one. */
function exifOrientation(segment: Uint8Array): number | undefined {
  if (segment.length < 14 || String.fromCharCode(...segment.subarray(0, 4)) !== 'Exif') return undefined;
  const tiff = segment.subarray(6);
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const little = tiff[0] === 0x49;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return undefined;
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (view.getUint16(entry, little) === 0x0112) return view.getUint16(entry + 8, little);
  }
  return undefined;
}

function isBmp(file: Uint8Array): boolean {
  return file[0] === 0x42 && file[1] === 0x4d;
}

function openSharp(input: Uint8Array | string): sharp.Sharp {
  // PIL ignores embedded colour profiles; so does the pixel data here.
  return sharp(input, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS, ignoreIcc: true }).autoOrient();
}

/** PIL's CMYK → RGB: each of r, g, b = (255 − k) − (255 − k)·c/255, rounded as its `MULDIV255`. */
async function cmykToRgb(input: Uint8Array | string): Promise<RawImage> {
  const { data, info } = await openSharp(input)
    .pipelineColourspace('cmyk')
    .toColourspace('cmyk')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`CMYK image decoded to ${info.channels} channels instead of 4`);
  const pixels = info.width * info.height;
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const nk = 255 - (data[p * 4 + 3] ?? 0);
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = nk - mulDiv255(data[p * 4 + c] ?? 0, nk);
  }
  return { data: rgb, width: info.width, height: info.height, channels: 3 };
}

function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/** PIL reads 16-bit grey as 32-bit integers ("I") and `convert('RGB')` clips them to 0…255. */
async function grey16ToRgb(input: Uint8Array | string): Promise<RawImage> {
  const { data, info } = await openSharp(input)
    .removeAlpha()
    .toColourspace('grey16')
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1)
    throw new Error(`16-bit grey image decoded to ${info.channels} channels instead of 1`);
  const samples = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  const rgb = new Uint8Array(samples.length * 3);
  for (let p = 0; p < samples.length; p++) {
    const value = Math.min(255, samples[p] ?? 0);
    rgb[p * 3] = value;
    rgb[p * 3 + 1] = value;
    rgb[p * 3 + 2] = value;
  }
  return { data: rgb, width: info.width, height: info.height, channels: 3 };
}

function resizeTo(input: sharp.Sharp, target: Target): sharp.Sharp {
  if (target.resize === 'within') {
    return input.resize(target.width, target.height, {
      fit: 'outside',
      withoutEnlargement: true,
      kernel: 'linear',
    });
  }
  return input.resize(target.width, target.height, {
    fit: FIT[target.resize],
    kernel: 'linear',
    background: { r: 0, g: 0, b: 0 },
  });
}

/** RGB pixels in memory resized to the target. */
function resizeRaw(image: RawImage, target: Target): Promise<RawImage> {
  if (resizesInScript(image.width, image.height, target))
    return Promise.resolve(resizeInScript(image, target));
  const raw = { width: image.width, height: image.height, channels: 3 } as const;
  return toRgb(resizeTo(sharp(image.data, { raw }), target));
}

/**
 * Sources up to this many pixels (400 × 400) are decoded whole and resized by `resizeInScript`: libvips's resize
 * costs such small images about twice their decode, the WebAssembly passes a tenth of it. Past it, a JPEG's shrink
 * on load makes libvips the faster, and it works off the main thread (as it does for outputs past it).
 */
const RESIZE_IN_SCRIPT_MAX_PIXELS = 160_000;

/** Whether a `width`×`height` source is resized to `target` by `resizeInScript` rather than by libvips. */
function resizesInScript(width: number, height: number, target: Target): boolean {
  return (
    width * height <= RESIZE_IN_SCRIPT_MAX_PIXELS &&
    (target.resize === 'within' || target.width * target.height <= RESIZE_IN_SCRIPT_MAX_PIXELS)
  );
}

/**
 * The resize `resizeTo` asks of libvips, done by the transforms' antialiased bilinear passes: torchvision's own
 * (PIL's bilinear resize, within 1), where libvips's upscaling samples elsewhere.
 */
function resizeInScript(image: RawImage, target: Target): RawImage {
  const { width, height } = image;
  if (target.resize !== 'within') return fitToSize(image, [target.height, target.width], target.resize);
  const short = Math.min(width, height);
  if (short <= target.width) return image;
  // As libvips's `outside` fit: the short side to the target, the long one rounded.
  const outWidth = Math.round((width * target.width) / short);
  const outHeight = Math.round((height * target.width) / short);
  return resampleBox(image, { x: 0, y: 0, width, height }, outWidth, outHeight);
}

/** sharp's pipeline to 8-bit RGB. */
async function toRgb(input: sharp.Sharp): Promise<RawImage> {
  const { data, info } = await input.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels instead of 3`);
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { data: pixels, width: info.width, height: info.height, channels: 3 };
}
