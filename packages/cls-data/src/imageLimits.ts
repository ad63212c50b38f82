/**
 * The most pixels (width × height, as the file declares them) an image may have: sharp's own default
 * `limitInputPixels`, 16383², applied to every decoder of cls-data (sharp, and the BMP, Netpbm and PNG paths
 * written here) before any pixel memory is allocated.
 */
export const MAX_IMAGE_PIXELS = 0x3fff * 0x3fff;

/**
 * Image files up to this size are read into memory (for the direct PNG path and the BMP and Netpbm decoders);
 * larger ones are read as they decode: by sharp from their path, or by those decoders in strips.
 */
export const IMAGE_READ_INTO_MEMORY_MAX_BYTES = 32 * 1024 ** 2;

/**
 * The most bytes one image may decode to: width × height × channels × bytes per sample, as its header declares
 * them, or 3 bytes a pixel (the 8-bit RGB it becomes) when that is more. 256 MiB is what Pillow's
 * `MAX_IMAGE_PIXELS` allows an 8-bit RGB image (89.5 megapixels, 10000×8900) before it warns of a decompression
 * bomb. The pixel limit alone lets an 18 KB TIFF of 16383² float RGBA samples decode to 4 GiB.
 */
export const DECODED_BYTES_MAX = 256 * 1024 ** 2;

/**
 * The decoded bytes all decodes in flight may hold together (`decodeMemoryBudget`): with the process's own few
 * hundred MB it keeps a folder of images near `DECODED_BYTES_MAX`, decoded concurrently, under about 1.2 GB.
 */
export const DECODE_MEMORY_BUDGET_BYTES = 640 * 1024 ** 2;
