import { execFileSync } from 'node:child_process';
import { open, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClsError } from '@nextplay/cls-core';
import { scanImageFolder } from '@nextplay/cls-data';
import { removeTempDirs, tempDir, writeSolidImage } from './helpers/fixtures.js';
import { MIB, measureInChild } from './helpers/measureInChild.js';

// Roboflow's `_classes.csv` comes with a dataset from anyone: it is read only when it is a regular file of a sane
// size, and parsed in memory about its own size. The memory cases run against the build (build cls-data first).

afterAll(removeTempDirs);

async function datasetWithCsv(): Promise<{ root: string; csv: string }> {
  const root = await tempDir('cls-csv-');
  await writeSolidImage(join(root, 'train', 'a.jpg'), { width: 4, height: 4, color: [1, 2, 3] });
  return { root, csv: join(root, 'train', '_classes.csv') };
}

async function scanError(root: string): Promise<ClsError> {
  const error = await scanImageFolder(root).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClsError);
  return error as ClsError;
}

const SCAN_IN_CHILD = `
  const { scanImageFolder } = await import('@nextplay/cls-data');
  const scan = await scanImageFolder(args[0]);
  return scan.classes.length;
`;

describe('a hostile _classes.csv', () => {
  it.skipIf(process.platform === 'win32')(
    'is refused when it is a device or a FIFO, naming the file and the rule',
    { timeout: 10_000 },
    async () => {
      const { root, csv } = await datasetWithCsv();
      await symlink('/dev/zero', csv);
      const zero = await scanError(root);
      expect(zero.code).toBe('DATA_LABELS_INVALID');
      expect(zero.message).toBe(`${csv}: it must be a regular file (not a FIFO, a device or a directory)`);
      const other = await datasetWithCsv();
      execFileSync('mkfifo', [other.csv]);
      expect((await scanError(other.root)).message).toBe(
        `${other.csv}: it must be a regular file (not a FIFO, a device or a directory)`,
      );
    },
  );

  it('is refused when it is larger than 64 MiB, without reading it', async () => {
    const { root, csv } = await datasetWithCsv();
    const file = await open(csv, 'w');
    await file.truncate(64 * MIB + 1); // sparse: costs no disk
    await file.close();
    const error = await scanError(root);
    expect(error.message).toBe(`${csv}: larger than the 64 MiB a labels CSV may have`);
  });

  it('names a dangling link instead of failing with a stack', async () => {
    const { root, csv } = await datasetWithCsv();
    await symlink(join(root, 'nowhere.csv'), csv);
    expect((await scanError(root)).message).toBe(`${csv}: cannot read it (ENOENT)`);
  });

  it('with a header of too many classes is refused at once, and a long row is cut in the message', async () => {
    const { root, csv } = await datasetWithCsv();
    const names = Array.from({ length: 100_001 }, (_, i) => `c${i}`);
    await writeFile(csv, `filename,${names.join(',')}\n`);
    expect((await scanError(root)).message).toBe(
      `${csv}: the header has more than 100000 class columns, more than any classification dataset`,
    );
    // 100,000 distinct names are not compared pairwise (that took minutes); one repeated name is found.
    names.splice(-2, 2, 'c5');
    await writeFile(csv, `filename,${names.join(',')}\n`);
    expect((await scanError(root)).message).toBe(`${csv}: class "c5" is a column twice`);
    await writeFile(csv, `filename,a,b\n${'x'.repeat(1000)}.jpg,${'0,'.repeat(200_000)}1\n`);
    expect((await scanError(root)).message).toBe(
      `${csv}: row 2 (${'x'.repeat(100)}…) has more than 100000 class values; the header has 2 classes`,
    );
  });

  const ROW_2 = ['DATA_LABELS_INVALID', ': row 2 ('] as const;
  it.each([
    ['one 60 MiB cell', () => `filename,a\n${'x'.repeat(60 * MIB)}\n`, ROW_2],
    ['one 60 MiB quoted cell of doubled quotes', () => `filename,a\n"${'""'.repeat(30 * MIB)}"\n`, ROW_2],
    [
      'a 60 MiB class name',
      () => `filename,${'x'.repeat(60 * MIB)}\n`,
      ['DATA_LABELS_INVALID', ': column 2 of the header is longer than 4096 characters'],
    ],
    // A row of empty cells is a blank line.
    [
      'millions of empty cells',
      () => `filename,a\n${','.repeat(60 * MIB)}\n`,
      ['DATA_SPLIT_EMPTY', ' has no images'],
    ],
    ['millions of short rows', () => `filename,a\n${'f,0\n'.repeat(15 * MIB)}`, ROW_2],
  ] as const)('of %s is parsed in memory about its size, and refused', async (_, text, [code, after]) => {
    const { root, csv } = await datasetWithCsv();
    await writeFile(csv, text());
    const measured = await measureInChild(SCAN_IN_CHILD, [root]);
    expect(measured.code).toBe(code);
    expect(measured.message?.startsWith(`${csv}${after}`), measured.message?.slice(0, 200)).toBe(true);
    // Before: one 60 MiB cell built a character at a time took 2.3 GB, and a quoted one 2.1 GB.
    expect(measured.maxRssBytes).toBeLessThan(500 * MIB);
    expect(measured.cpuMs).toBeLessThan(20_000);
  });
});

describe('_classes.csv parsing', () => {
  it('reads quoted names with commas and doubled quotes, quotes inside a name and CR-LF lines', async () => {
    const { root, csv } = await datasetWithCsv();
    for (const name of ['b, "c".jpg', 'say "hi".jpg']) {
      await writeSolidImage(join(root, 'train', name), { width: 4, height: 4, color: [1, 2, 3] });
    }
    await writeFile(
      csv,
      'filename, "x, y", z\r\na.jpg, 1, 0\r\n\r\n "b, ""c"".jpg" , 0, 1\r\nsay "hi".jpg,0,"1"',
    );
    const scan = await scanImageFolder(root);
    expect(scan.classes).toEqual(['x, y', 'z']);
    expect(scan.train.files).toEqual({
      'x, y': [join(root, 'train', 'a.jpg')],
      z: [join(root, 'train', 'b, "c".jpg'), join(root, 'train', 'say "hi".jpg')],
    });
  });
});
