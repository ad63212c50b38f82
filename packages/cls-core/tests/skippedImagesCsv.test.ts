import { describe, expect, it } from 'vitest';
import { parseSkippedImagesCsv, skippedImagesCsv, type SkippedImage } from '../src/index.js';

describe('skipped_images.csv', () => {
  it('reads back what skippedImagesCsv wrote: commas, quotes, line breaks and formula guards', () => {
    const images: SkippedImage[] = [
      { split: 'train', path: 'cat/a,b.png', reason: 'truncated "IDAT"' },
      { split: 'val', path: '=cmd|calc.jpg', reason: 'empty file' },
      { split: 'test', path: 'dog/two\nlines.jpg', reason: '-1 bytes' },
    ];
    expect(parseSkippedImagesCsv(skippedImagesCsv(images))).toEqual(images);
    expect(parseSkippedImagesCsv(skippedImagesCsv([]))).toEqual([]);
  });

  it('names the file and the rule when the text is not its shape', () => {
    expect(() => parseSkippedImagesCsv('path,reason\n')).toThrow(
      'skipped_images.csv: the header must be split,path,reason, got path,reason',
    );
    expect(() => parseSkippedImagesCsv('split,path,reason\nvalid,a.png,empty\n')).toThrow(
      'skipped_images.csv: row 1: split must be train, val or test, got valid',
    );
    expect(() => parseSkippedImagesCsv('split,path,reason\n"train,a.png\n')).toThrow(
      'skipped_images.csv: a quoted field is never closed',
    );
  });
});
