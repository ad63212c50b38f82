import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClsError } from '@nextplay/cls-core';
import { scanImageFolder, sortClassNames } from '@nextplay/cls-data';
import { tempDir, writeBytes, writeSolidImage, removeTempDirs } from './helpers/fixtures.js';

afterAll(removeTempDirs);

const png = (path: string) => writeSolidImage(path, { width: 4, height: 4, color: [1, 2, 3] });

async function caught(promise: Promise<unknown>): Promise<ClsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClsError);
  return error as ClsError;
}

describe('sortClassNames', () => {
  it('sorts numbers as text, like torchvision (Python sorted)', () => {
    expect(sortClassNames(['2', '9', '10', '23'])).toEqual(['10', '2', '23', '9']);
    expect(sortClassNames(['7', '07', '1', '00', '0', '10'])).toEqual(['0', '00', '07', '1', '10', '7']);
  });

  it('compares code points, not UTF-16 units', () => {
    // U+1F600 is a surrogate pair (0xD83D …) in UTF-16, yet above U+FF21 in Python's order.
    expect(sortClassNames(['\u{1F600}', '\uFF21'])).toEqual(['\uFF21', '\u{1F600}']);
  });

  it('sorts anything else by code point, like Python', () => {
    expect(sortClassNames(['dog', 'Cat', '10', 'apple', '2'])).toEqual(['10', '2', 'Cat', 'apple', 'dog']);
  });
});

describe('scanImageFolder', () => {
  it('reads class folders, skipping hidden and non-image files, extensions in any case', async () => {
    const root = await tempDir();
    await png(join(root, 'train', '10', 'a.png'));
    await png(join(root, 'train', '10', 'b.JPG'));
    await png(join(root, 'train', '2', 'c.PnG'));
    await png(join(root, 'train', '2', 'nested', 'd.png'));
    await png(join(root, 'train', '2', '.hidden.png'));
    await writeBytes(join(root, 'train', '2', 'notes.txt'), 'not an image');
    await png(join(root, 'train', '0', 'e.png'));
    await png(join(root, 'train', '00', 'f.png'));
    await png(join(root, 'train', '.cache', 'g.png'));
    await png(join(root, 'train', 'stray.png'));
    await png(join(root, 'val', '2', 'h.png'));
    await png(join(root, 'test', '0', 'i.png'));

    const scan = await scanImageFolder(root);
    expect(scan.classes).toEqual(['0', '00', '10', '2']);
    expect(scan.train.classCounts).toEqual([1, 1, 2, 2]);
    expect(scan.train.files['2']).toEqual([
      join(root, 'train', '2', 'c.PnG'),
      join(root, 'train', '2', 'nested', 'd.png'),
    ]);
    expect(scan.train.images.map((image) => image.label)).toEqual([0, 1, 2, 2, 3, 3]);
    expect(scan.val?.dir).toBe(join(root, 'val'));
    expect(scan.val?.classCounts).toEqual([0, 0, 0, 1]);
    expect(scan.test?.classCounts).toEqual([1, 0, 0, 0]);
    expect(scan.warnings).toEqual([
      `1 image directly in ${join(root, 'train')} (not in a class folder) ignored`,
    ]);
  });

  it('accepts valid/ or val/, preferring valid/ and saying so when both exist', async () => {
    const root = await tempDir();
    await png(join(root, 'train', 'cat', 'a.png'));
    await png(join(root, 'val', 'cat', 'b.png'));
    expect((await scanImageFolder(root)).val?.dir).toBe(join(root, 'val'));
    await png(join(root, 'valid', 'cat', 'c.png'));
    const scan = await scanImageFolder(root);
    expect(scan.val?.dir).toBe(join(root, 'valid'));
    expect(scan.warnings).toEqual(['using valid/ as the val split and ignoring val/']);
    expect(scan.test).toBeUndefined();
  });

  it('reads Roboflow multiclass CSV splits: header with spaces, BOM, CRLF, quoting; unlisted images ignored', async () => {
    const root = await tempDir();
    for (const name of ['a.jpg', 'b.jpg', 'c.jpg', 'stray.jpg']) await png(join(root, 'train', name));
    await writeFile(
      join(root, 'train', '_classes.csv'),
      '\uFEFFfilename, dog, cat\r\na.jpg, 1, 0\r\nb.jpg, 0, 1\r\n"c.jpg", 0, 1\r\n',
    );
    await png(join(root, 'valid', 'v.jpg'));
    await writeFile(join(root, 'valid', '_classes.csv'), 'filename,cat,dog\nv.jpg,0,1\n');
    const scan = await scanImageFolder(root);
    expect(scan.classes).toEqual(['cat', 'dog']);
    expect(scan.train.layout).toBe('classes_csv');
    expect(scan.train.files).toEqual({
      cat: [join(root, 'train', 'b.jpg'), join(root, 'train', 'c.jpg')],
      dog: [join(root, 'train', 'a.jpg')],
    });
    expect(scan.val?.classCounts).toEqual([0, 1]);
    expect(scan.warnings).toEqual([
      `1 image in ${join(root, 'train')} not listed in _classes.csv ignored (the first: stray.jpg)`,
    ]);
  });

  it.each([
    [
      'd.jpg, 1, 1',
      'row 3 (d.jpg) has 2 classes (dog, cat); single-label classification needs exactly one 1 per row',
    ],
    [
      'd.jpg, 0, 0',
      'row 3 (d.jpg) has no class (every column 0); single-label classification needs exactly one 1 per row',
    ],
    ['d.jpg, 1', 'row 3 (d.jpg) has 1 class values; the header has 2 classes'],
    ['d.jpg, yes, 0', 'row 3 (d.jpg) has the value "yes"; expected 0 or 1'],
    ['e.jpg, 1, 0', `row 3 (e.jpg) names a file that is not an image in {train}`],
    ['a.jpg, 0, 1', 'row 3 (a.jpg) lists the file a second time'],
  ])(
    'stops on a _classes.csv row that is not one listed image with exactly one class: %s',
    async (row, message) => {
      const root = await tempDir();
      for (const name of ['a.jpg', 'd.jpg']) await png(join(root, 'train', name));
      const csv = join(root, 'train', '_classes.csv');
      await writeFile(csv, `filename, dog, cat\na.jpg, 1, 0\n${row}\n`);
      const error = await caught(scanImageFolder(root));
      expect(error.code).toBe('DATA_LABELS_INVALID');
      expect(error.message).toBe(`${csv}: ${message.replace('{train}', join(root, 'train'))}`);
    },
  );

  it('labels with a given class map by name, accepting splits that lack some classes', async () => {
    const root = await tempDir();
    await png(join(root, 'train', 'cat', 'a.png'));
    await png(join(root, 'train', 'dog', 'b.png'));
    await png(join(root, 'test', 'dog', 'c.png'));
    const scan = await scanImageFolder(root, {
      classes: { names: ['dog', 'cat', 'owl'], source: 'checkpoint x' },
    });
    expect(scan.classes).toEqual(['dog', 'cat', 'owl']);
    expect(scan.test?.images).toEqual([{ path: join(root, 'test', 'dog', 'c.png'), label: 0 }]);
    expect(scan.test?.classCounts).toEqual([1, 0, 0]);
    expect(scan.train.images.map((image) => image.label)).toEqual([0, 1]);
    await png(join(root, 'test', 'emu', 'd.png'));
    const error = await caught(
      scanImageFolder(root, { classes: { names: ['dog', 'cat'], source: 'checkpoint x' } }),
    );
    expect(error.message).toBe(
      `${join(root, 'test')} has class "emu" that checkpoint x lacks (it has [dog, cat]) (the model can only be evaluated on the classes it was trained on, matched by name)`,
    );
  });

  it('names a missing root', async () => {
    const root = join(await tempDir(), 'nowhere');
    const error = await caught(scanImageFolder(root));
    expect(error.code).toBe('DATA_ROOT_MISSING');
    expect(error.message).toBe(`data.root ${root} does not exist`);
    const file = join(await tempDir(), 'file.txt');
    await writeBytes(file, 'x');
    expect((await caught(scanImageFolder(file))).message).toBe(`data.root ${file} is not a folder`);
  });

  it('lists what it found when train/ is missing, with a hint', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'images'));
    await writeBytes(join(root, 'README.txt'), 'x');
    const error = await caught(scanImageFolder(root));
    expect(error.code).toBe('DATA_SPLIT_MISSING');
    expect(error.message).toMatch(
      new RegExp(`^no train/ folder in ${root} \\(found: README\\.txt, images/\\)`),
    );

    const outer = await tempDir();
    await png(join(outer, 'Jerseys.v2i.folder', 'train', '1', 'a.png'));
    expect((await caught(scanImageFolder(outer))).message).toContain(
      `did you mean data.root=${join(outer, 'Jerseys.v2i.folder')}?`,
    );
    expect((await caught(scanImageFolder(join(outer, 'Jerseys.v2i.folder', 'train')))).message).toContain(
      `try data.root=${join(outer, 'Jerseys.v2i.folder')}`,
    );
    const empty = await tempDir();
    expect((await caught(scanImageFolder(empty))).message).toContain('(the folder is empty)');
  });

  it('names an empty split folder', async () => {
    const root = await tempDir();
    await png(join(root, 'train', 'cat', 'a.png'));
    await mkdir(join(root, 'valid', 'cat'), { recursive: true });
    await writeBytes(join(root, 'valid', 'cat', 'notes.txt'), 'x');
    const error = await caught(scanImageFolder(root));
    expect(error.code).toBe('DATA_SPLIT_EMPTY');
    expect(error.message).toMatch(new RegExp(`^${join(root, 'valid')} has no images`));

    const noTrainImages = await tempDir();
    await mkdir(join(noTrainImages, 'train', 'cat'), { recursive: true });
    expect((await caught(scanImageFolder(noTrainImages))).message).toContain(
      `${join(noTrainImages, 'train')} has no images`,
    );
  });

  it('rejects a class that only appears outside train/', async () => {
    const root = await tempDir();
    await png(join(root, 'train', '1', 'a.png'));
    await png(join(root, 'test', '1', 'b.png'));
    await png(join(root, 'test', '42', 'c.png'));
    await mkdir(join(root, 'test', '7')); // empty: harmless
    const error = await caught(scanImageFolder(root));
    expect(error.code).toBe('DATA_SPLIT_MISSING');
    expect(error.message).toContain(`${join(root, 'test')} has class "42" that train/ lacks`);
    expect(error.hint).toContain(join(root, 'train', '42'));
  });

  it('takes the classes of every split for a head that reads unseen classes', async () => {
    const root = await tempDir();
    await png(join(root, 'train', '23', 'a.png'));
    await png(join(root, 'train', '7', 'b.png'));
    await png(join(root, 'valid', '47', 'c.png'));
    await png(join(root, 'test', '10', 'd.png'));
    await png(join(root, 'test', '23', 'e.png'));
    const scan = await scanImageFolder(root, { unseenClasses: true });
    expect(scan.classes).toEqual(['10', '23', '47', '7']);
    expect(scan.train.classCounts).toEqual([0, 1, 0, 1]);
    expect(scan.test?.images.map((image) => image.label)).toEqual([0, 1]);
    expect(scan.warnings).toEqual(['2 classes without training images (only in valid/ or test/): [10, 47]']);
    // A checkpoint's classes keep their indices; new ones follow, sorted.
    const given = await scanImageFolder(root, {
      classes: { names: ['23', '7'], source: 'checkpoint x' },
      unseenClasses: true,
    });
    expect(given.classes).toEqual(['23', '7', '10', '47']);
  });

  it('leaves out an empty class folder of train/, as torchvision does not make it a class', async () => {
    const root = await tempDir();
    await png(join(root, 'train', 'a', 'x.png'));
    await mkdir(join(root, 'train', 'b'));
    await mkdir(join(root, 'train', 'c', 'nested'), { recursive: true });
    await png(join(root, 'valid', 'a', 'y.png'));
    for (const options of [{}, { unseenClasses: true }]) {
      const scan = await scanImageFolder(root, options);
      expect(scan.classes).toEqual(['a']);
      expect(scan.train.classCounts).toEqual([1]);
      expect(scan.warnings).toEqual([`${join(root, 'train')} has empty class folders b, c (ignored)`]);
    }
    // A class only val holds is then a class train lacks, as if the empty folder were not there.
    await png(join(root, 'valid', 'b', 'z.png'));
    const error = await caught(scanImageFolder(root));
    expect(error.message).toContain(`${join(root, 'valid')} has class "b" that train/ lacks`);
    const unseen = await scanImageFolder(root, { unseenClasses: true });
    expect(unseen.classes).toEqual(['a', 'b']);
    expect(unseen.warnings).toEqual([
      `${join(root, 'train')} has empty class folders b, c (ignored)`,
      '1 class without training images (only in valid/): [b]',
    ]);
  });

  it('orders the classes of a _classes.csv header as torchvision orders folders', async () => {
    const root = await tempDir();
    for (const name of ['a.jpg', 'b.jpg']) await png(join(root, 'train', name));
    await writeFile(
      join(root, 'train', '_classes.csv'),
      'filename, 9, 10, 2\na.jpg, 0, 1, 0\nb.jpg, 1, 0, 0\n',
    );
    const scan = await scanImageFolder(root);
    expect(scan.classes).toEqual(['10', '2', '9']);
    expect(scan.train.images.map((image) => image.label)).toEqual([0, 2]);
  });
});
