/**
 * The most pixels (width × height, as the file declares them) an image may have: sharp's own default
 * `limitInputPixels`, 16383², applied to every decoder of cls-data (sharp, and the BMP and PNG paths written
 * here) before any pixel memory is allocated.
 */
export const MAX_IMAGE_PIXELS = 0x3fff * 0x3fff;

/**
 * Image files up to this size are read into memory (for the direct PNG path and the BMP decoder's header);
 * larger ones are handed to sharp by path, which reads them as it decodes.
 */
export const IMAGE_READ_INTO_MEMORY_MAX_BYTES = 32 * 1024 ** 2;
