import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ClsError, escapeTerminalText, type SplitName } from '@nextplay/cls-core';
import { IMAGE_EXTENSIONS, isImageFileName } from './imageFiles.js';
import { parseCsv } from './parseCsv.js';
import { readLabelsCsvText } from './readLabelsCsvText.js';
import { compareCodePoints, sortClassNames } from './sortClassNames.js';

export interface ImageEntry {
  readonly path: string;
  /** Index into `ImageFolderScan.classes`. */
  readonly label: number;
}

/** `class_folders`: one folder per class. `classes_csv`: flat images plus Roboflow's one-hot `_classes.csv`. */
export type SplitLayout = 'class_folders' | 'classes_csv';

export interface ScannedSplit {
  readonly name: SplitName;
  /** Absolute path of the split folder (`train/`, `valid/`, `val/` or `test/`). */
  readonly dir: string;
  readonly layout: SplitLayout;
  /** Every image, ordered by class index, then path. */
  readonly images: readonly ImageEntry[];
  /** Image paths by class name, for every class of the dataset. */
  readonly files: Readonly<Record<string, readonly string[]>>;
  /** Image counts indexed like `ImageFolderScan.classes`. */
  readonly classCounts: readonly number[];
}

export interface ScanOptions {
  /**
   * The index→class map to label with (a checkpoint's `classes`) instead of the sorted class names of `train/`;
   * a split holding a class outside it is an error. `source` names the map in that error.
   */
  readonly classes?: { readonly names: readonly string[]; readonly source: string };
  /**
   * Val and test may hold classes that train lacks (a digit-aware `model.head` reads them): the classes are those
   * of every split, after `classes` when it is given.
   */
  readonly unseenClasses?: boolean;
}

export interface ImageFolderScan {
  readonly root: string;
  /** Class names from `train/` (or `ScanOptions.classes`), in label order. */
  readonly classes: readonly string[];
  readonly train: ScannedSplit;
  readonly val: ScannedSplit | undefined;
  readonly test: ScannedSplit | undefined;
  /** What was ignored or chosen along the way, worth a log line each. */
  readonly warnings: readonly string[];
}

/** Folder names accepted for each split, in order of preference (compared case-insensitively). */
export const SPLIT_FOLDER_NAMES: Readonly<Record<SplitName, readonly string[]>> = {
  train: ['train'],
  val: ['valid', 'val', 'validation'],
  test: ['test'],
};

export const CLASSES_CSV = '_classes.csv';

interface FoundSplit {
  readonly name: SplitName;
  readonly dir: string;
  readonly layout: SplitLayout;
  /** What the user should look at when the split is empty: the folder or its CSV. */
  readonly source: string;
  readonly byClass: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads an ImageFolder root (Roboflow's classification export): `train/` (required), `valid/` or `val/`, `test/`,
 * each with one folder per class, or flat images plus `_classes.csv`. Checks what a run needs and throws a
 * `ClsError` naming the problem: a missing root or train split, an empty split, a class absent from train.
 */
export async function scanImageFolder(root: string, options: ScanOptions = {}): Promise<ImageFolderScan> {
  const rootDir = resolve(root);
  await assertDirectory(rootDir);
  const warnings: string[] = [];
  const entries = await listDirectory(rootDir);
  const splitDirs = new Map<SplitName, string>();
  for (const split of ['train', 'val', 'test'] as const) {
    const candidates = SPLIT_FOLDER_NAMES[split].flatMap((folder) =>
      entries
        .filter((entry) => entry.isDirectory && entry.name.toLowerCase() === folder)
        .map((entry) => entry.name),
    );
    const [chosen, ...ignored] = candidates;
    if (chosen === undefined) continue;
    if (ignored.length > 0) {
      warnings.push(
        `using ${chosen}/ as the ${split} split and ignoring ${ignored.map((n) => `${n}/`).join(', ')}`,
      );
    }
    splitDirs.set(split, join(rootDir, chosen));
  }

  const trainDir = splitDirs.get('train');
  if (trainDir === undefined) throw await missingTrainError(rootDir, entries);

  const train = await readSplit('train', trainDir, warnings);
  const others: Partial<Record<SplitName, FoundSplit>> = {};
  for (const split of ['val', 'test'] as const) {
    const dir = splitDirs.get(split);
    if (dir !== undefined) others[split] = await readSplit(split, dir, warnings);
  }
  let classes = options.classes?.names ?? sortClassNames(train.byClass.keys());
  if (options.unseenClasses === true) {
    const known = new Set(classes);
    const added = [train, others.val, others.test].flatMap((found) =>
      [...(found?.byClass ?? [])]
        .filter(([name, files]) => files.length > 0 && !known.has(name))
        .map(([n]) => n),
    );
    // A checkpoint's classes keep their indices; a dataset's own are sorted together.
    classes =
      options.classes === undefined
        ? sortClassNames(new Set([...classes, ...added]))
        : [...classes, ...sortClassNames(new Set(added))];
  }
  const classIndex = new Map(classes.map((name, index) => [name, index]));

  for (const found of [train, others.val, others.test]) {
    if (found === undefined) continue;
    let total = 0;
    for (const files of found.byClass.values()) total += files.length;
    if (total === 0) {
      const expected =
        found.layout === 'classes_csv'
          ? `it lists no labelled image that exists in ${found.dir}`
          : `expected one folder per class holding ${IMAGE_EXTENSIONS.join('/')} files`;
      throw new ClsError('DATA_SPLIT_EMPTY', `${found.source} has no images: ${expected}`);
    }
  }
  // With a given map (cls test), the test split is named first.
  const checked =
    options.classes === undefined ? [others.val, others.test] : [others.test, others.val, train];
  for (const found of checked) {
    if (found === undefined) continue;
    const unknown = [...found.byClass].filter(([name, files]) => files.length > 0 && !classIndex.has(name));
    if (unknown.length > 0 && options.classes !== undefined) {
      const names = sortClassNames(unknown.map(([name]) => name));
      throw new ClsError(
        'CONFIG_INVALID',
        `${found.source} has class${names.length > 1 ? 'es' : ''} ${names.map((n) => `"${escapeTerminalText(n)}"`).join(', ')} that ${options.classes.source} lacks (it has ${classList(classes)})`,
        { hint: 'the model can only be evaluated on the classes it was trained on, matched by name' },
      );
    }
    if (unknown.length > 0) {
      const names = sortClassNames(unknown.map(([name]) => name));
      throw new ClsError(
        'DATA_SPLIT_MISSING',
        `${found.dir} has class${names.length > 1 ? 'es' : ''} ${names.map((n) => `"${n}"`).join(', ')} that ${basename(trainDir)}/ lacks; a class needs training images`,
        {
          hint: `add images under ${join(trainDir, names[0] ?? '')} or move that folder out of ${basename(found.dir)}/`,
        },
      );
    }
  }

  // Classes without training images: with unseenClasses those val or test holds, and (from a CSV header or a
  // given map) those no split holds.
  const emptyClasses = classes.filter((name) => (train.byClass.get(name)?.length ?? 0) === 0);
  const heldBy = (found: FoundSplit | undefined, name: string) => (found?.byClass.get(name)?.length ?? 0) > 0;
  const unseen =
    options.unseenClasses === true
      ? emptyClasses.filter((name) => heldBy(others.val, name) || heldBy(others.test, name))
      : [];
  if (unseen.length > 0) {
    const where = [others.val, others.test].flatMap((found) =>
      found !== undefined && unseen.some((name) => heldBy(found, name)) ? [`${basename(found.dir)}/`] : [],
    );
    warnings.push(
      `${unseen.length} class${unseen.length > 1 ? 'es' : ''} without training images (only in ${where.join(' or ')}): ${classList(unseen)}`,
    );
  }
  const unused = emptyClasses.filter((name) => !unseen.includes(name));
  if (unused.length > 0 && options.classes === undefined) {
    warnings.push(
      `class${unused.length > 1 ? 'es' : ''} ${classList(unused)} ha${unused.length > 1 ? 've' : 's'} no images in ${basename(trainDir)}/`,
    );
  }

  return {
    root: rootDir,
    classes,
    train: toScannedSplit(train, classes),
    val: others.val && toScannedSplit(others.val, classes),
    test: others.test && toScannedSplit(others.test, classes),
    warnings,
  };
}

/** `[a, b, c]`, cut after ten names. */
function classList(classes: readonly string[]): string {
  const shown = classes
    .slice(0, 10)
    .map((name) => escapeTerminalText(name))
    .join(', ');
  return classes.length > 10 ? `[${shown}, … (${classes.length} classes)]` : `[${shown}]`;
}

function toScannedSplit(found: FoundSplit, classes: readonly string[]): ScannedSplit {
  const images: ImageEntry[] = [];
  const files: Record<string, readonly string[]> = {};
  const classCounts = classes.map((name, label) => {
    const paths = found.byClass.get(name) ?? [];
    files[name] = paths;
    for (const path of paths) images.push({ path, label });
    return paths.length;
  });
  return { name: found.name, dir: found.dir, layout: found.layout, images, files, classCounts };
}

async function readSplit(name: SplitName, dir: string, warnings: string[]): Promise<FoundSplit> {
  const entries = await listDirectory(dir);
  const csv = entries.find((entry) => !entry.isDirectory && entry.name.toLowerCase() === CLASSES_CSV);
  if (csv !== undefined) {
    const source = join(dir, csv.name);
    return {
      name,
      dir,
      layout: 'classes_csv',
      source,
      byClass: await readClassesCsv(dir, source, entries, warnings),
    };
  }
  const byClass = new Map<string, readonly string[]>();
  let stray = 0;
  for (const entry of entries) {
    if (entry.isDirectory) byClass.set(entry.name, await listImagesRecursively(join(dir, entry.name)));
    else if (isImageFileName(entry.name)) stray++;
  }
  if (stray > 0) {
    warnings.push(`${stray} image${stray > 1 ? 's' : ''} directly in ${dir} (not in a class folder) ignored`);
  }
  // torchvision refuses a class folder without images; it is left out here (no class, no model output).
  const empty = [...byClass].filter(([, files]) => files.length === 0).map(([className]) => className);
  for (const className of empty) byClass.delete(className);
  if (empty.length > 0) {
    warnings.push(
      `${dir} has empty class folder${empty.length > 1 ? 's' : ''} ${empty.map((n) => escapeTerminalText(n)).join(', ')} (ignored)`,
    );
  }
  return { name, dir, layout: 'class_folders', source: dir, byClass };
}

/**
 * Roboflow's multiclass CSV: a `filename, classA, classB, …` header (Roboflow puts a space after each comma) and
 * one row per image of the folder with exactly one 1. Single-label classification: any other row, a file it
 * names that is not in the folder, or a file named twice stops with the line at fault. Images of the folder the
 * CSV does not list are left out with a warning; whether each listed image can be decoded is checked later,
 * with the other splits' images (`data.on_bad_image`).
 */
async function readClassesCsv(
  dir: string,
  csvPath: string,
  entries: readonly DirectoryEntry[],
  warnings: string[],
): Promise<Map<string, readonly string[]>> {
  const rows = parseCsv(await readLabelsCsvText(csvPath), {
    maxCells: MAX_CLASSES + 1,
    maxCellLength: MAX_CELL_LENGTH,
  });
  const header = rows.next();
  const classNames: string[] = header.done === true ? [] : header.value.slice(1);
  const invalid = (message: string) => new ClsError('DATA_LABELS_INVALID', `${csvPath}: ${message}`);
  if (classNames.length === 0) {
    throw new ClsError(
      'DATA_SPLIT_EMPTY',
      `${csvPath} has no class columns (expected "filename, <class>, <class>, …")`,
    );
  }
  if (classNames.length > MAX_CLASSES) {
    throw invalid(
      `the header has more than ${MAX_CLASSES} class columns, more than any classification dataset`,
    );
  }
  const blank = classNames.findIndex((name) => name === '');
  if (blank >= 0) throw invalid(`column ${blank + 2} of the header has no class name`);
  const long = classNames.findIndex((name) => name.length > MAX_CELL_LENGTH);
  if (long >= 0) {
    throw invalid(`column ${long + 2} of the header is longer than ${MAX_CELL_LENGTH} characters`);
  }
  const seen = new Set<string>();
  const repeated = classNames.find((name) => seen.size === seen.add(name).size);
  if (repeated !== undefined) throw invalid(`class "${cellText(repeated)}" is a column twice`);
  const present = new Set(
    entries.filter((e) => !e.isDirectory && isImageFileName(e.name)).map((e) => e.name),
  );
  const byClass = new Map<string, string[]>(classNames.map((name) => [name, []]));
  const listed = new Set<string>();
  // parseCsv drops blank lines, so a row's line is only its position among the rows (header = 1).
  let rowNumber = 1;
  for (const [file = '', ...values] of rows) {
    rowNumber++;
    const row = `row ${rowNumber} (${cellText(file)})`;
    if (values.length !== classNames.length) {
      const count = values.length > MAX_CLASSES ? `more than ${MAX_CLASSES}` : `${values.length}`;
      throw invalid(`${row} has ${count} class values; the header has ${classNames.length} classes`);
    }
    const odd = values.find((value) => value === '' || (Number(value) !== 0 && Number(value) !== 1));
    if (odd !== undefined) throw invalid(`${row} has the value "${cellText(odd)}"; expected 0 or 1`);
    const hot = values.flatMap((value, column) => (Number(value) === 1 ? [classNames[column] ?? ''] : []));
    if (hot.length !== 1) {
      throw invalid(
        hot.length === 0
          ? `${row} has no class (every column 0); single-label classification needs exactly one 1 per row`
          : `${row} has ${hot.length} classes (${hot.slice(0, 10).map(cellText).join(', ')}${hot.length > 10 ? ', …' : ''}); single-label classification needs exactly one 1 per row`,
      );
    }
    if (listed.has(file)) throw invalid(`${row} lists the file a second time`);
    listed.add(file);
    if (!present.has(file)) throw invalid(`${row} names a file that is not an image in ${dir}`);
    byClass.get(hot[0] ?? '')?.push(join(dir, file));
  }
  for (const files of byClass.values()) files.sort(compareCodePoints);
  const unlisted = [...present].filter((name) => !listed.has(name));
  if (unlisted.length > 0) {
    warnings.push(
      `${unlisted.length} image${unlisted.length > 1 ? 's' : ''} in ${dir} not listed in ${basename(csvPath)} ignored (the first: ${cellText(unlisted[0] ?? '')})`,
    );
  }
  return byClass;
}

/**
 * The most class columns a `_classes.csv` may have: far more than any classification dataset (ImageNet-21k has
 * 21,841 classes), and it bounds the cells of one row, which is held whole while it is checked.
 */
const MAX_CLASSES = 100_000;

/** The longest class or file name a `_classes.csv` may hold: a file name has at most 255 bytes on most systems. */
const MAX_CELL_LENGTH = 4096;

/** A CSV cell for a one-line message: terminal controls escaped, cut after 100 characters. */
function cellText(cell: string): string {
  return escapeTerminalText(cell.length > 100 ? `${cell.slice(0, 100)}…` : cell);
}

interface DirectoryEntry {
  readonly name: string;
  readonly isDirectory: boolean;
}

/** Visible entries, sorted, with symbolic links resolved (like torchvision, links to folders are followed). */
async function listDirectory(dir: string): Promise<DirectoryEntry[]> {
  const dirents = await readdir(dir, { withFileTypes: true });
  const visible = dirents
    .filter((d) => !d.name.startsWith('.'))
    .sort((a, b) => compareCodePoints(a.name, b.name));
  return Promise.all(
    visible.map(async (d) => ({ name: d.name, isDirectory: await isDirectoryEntry(dir, d) })),
  );
}

async function isDirectoryEntry(dir: string, dirent: Dirent): Promise<boolean> {
  if (!dirent.isSymbolicLink()) return dirent.isDirectory();
  try {
    return (await stat(join(dir, dirent.name))).isDirectory();
  } catch {
    return false; // a dangling link
  }
}

async function listImagesRecursively(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await listDirectory(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...(await listImagesRecursively(path)));
    else if (isImageFileName(entry.name)) files.push(path);
  }
  return files;
}

async function assertDirectory(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch {
    throw new ClsError('DATA_ROOT_MISSING', `data.root ${dir} does not exist`);
  }
  if (!isDirectory) throw new ClsError('DATA_ROOT_MISSING', `data.root ${dir} is not a folder`);
}

async function missingTrainError(root: string, entries: readonly DirectoryEntry[]): Promise<ClsError> {
  const shown = entries.slice(0, 12).map((e) => (e.isDirectory ? `${e.name}/` : e.name));
  if (entries.length > shown.length) shown.push(`… ${entries.length - shown.length} more`);
  const found = shown.length > 0 ? `found: ${shown.join(', ')}` : 'the folder is empty';
  const message = `no train/ folder in ${root} (${found})`;
  const lowerName = basename(root).toLowerCase();
  if (Object.values(SPLIT_FOLDER_NAMES).some((names) => names.includes(lowerName))) {
    return new ClsError('DATA_SPLIT_MISSING', message, {
      hint: `data.root is the folder that holds train/, valid/ and test/: try data.root=${dirname(root)}`,
    });
  }
  for (const entry of entries) {
    if (!entry.isDirectory) continue;
    const inner = await readdir(join(root, entry.name)).catch(() => [] as string[]);
    if (inner.some((name) => name.toLowerCase() === 'train')) {
      return new ClsError('DATA_SPLIT_MISSING', message, {
        hint: `did you mean data.root=${join(root, entry.name)}?`,
      });
    }
  }
  return new ClsError('DATA_SPLIT_MISSING', message, {
    hint: 'expected train/ (and optionally valid/ or val/, test/) with one folder per class',
  });
}
