import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';
import { RegularFileRefusal, readRegularFile } from '@nextplay/cls-core';

/** A run-relative path that stays inside the run directory (`a/b.svg`), or undefined for one that does not. */
export function insideRunPath(path: string): string | undefined {
  if (path === '' || path.includes('\0') || path.includes('\\') || isAbsolute(path)) return undefined;
  const normal = posix.normalize(path);
  return normal === '..' || normal.startsWith('../') || normal === '.' ? undefined : normal;
}

/** JSON read from a run file: its value, or why it could not be read. */
export type JsonRead = { readonly value: unknown } | { readonly error: string };

/** The most the report reads of one run file; metrics, logs and plots of real runs are far smaller. */
export const RUN_FILE_MAX_BYTES = 64 * 2 ** 20;

/**
 * Reads a run directory's files by run-relative path; a missing file is undefined, never an error. A run folder
 * may come from someone else: only regular files (not a FIFO, a device such as `/dev/zero`, or a directory) of at
 * most `maxBytes` are read; any other is undefined too, with the reason in `refused`, one note per file.
 */
export class RunFiles {
  /** Files that exist but were not read, by run-relative path, with why. */
  readonly refused = new Map<string, string>();

  constructor(
    readonly runDir: string,
    readonly maxBytes = RUN_FILE_MAX_BYTES,
  ) {}

  path(relative: string): string {
    return join(this.runDir, relative);
  }

  async bytes(relative: string): Promise<Buffer | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await readRegularFile(this.path(relative), { maxBytes: this.maxBytes });
    } catch (error) {
      if (isMissing(error)) return undefined;
      if (!(error instanceof RegularFileRefusal)) throw error;
      if (error.reason !== 'directory') this.refused.set(relative, refusalNote(error));
      return undefined;
    }
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** One line per refused file, for the report's notes. */
  refusedNotes(): string[] {
    return [...this.refused].map(([path, reason]) => `${path}: not read, ${reason}`);
  }

  async text(relative: string): Promise<string | undefined> {
    return (await this.bytes(relative))?.toString('utf8');
  }

  async json(relative: string): Promise<JsonRead | undefined> {
    const text = await this.text(relative);
    if (text === undefined) return undefined;
    try {
      return { value: JSON.parse(text) as unknown };
    } catch (error) {
      return { error: `${relative} is not valid JSON (${(error as Error).message})` };
    }
  }

  /** Size and modification time, or undefined when absent. */
  async stat(relative: string): Promise<{ size: number; mtimeMs: number; isDirectory: boolean } | undefined> {
    try {
      const info = await stat(this.path(relative));
      return { size: info.size, mtimeMs: info.mtimeMs, isDirectory: info.isDirectory() };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Names in a directory, sorted; empty when it is absent. */
  async list(relative: string): Promise<{ name: string; isDirectory: boolean }[]> {
    try {
      const entries = await readdir(this.path(relative), { withFileTypes: true });
      return entries
        .map((entry) => ({ name: entry.name, isDirectory: entry.isDirectory() }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  /** Every file under a directory, as run-relative paths, sorted. */
  async filesUnder(relative: string): Promise<string[]> {
    const files: string[] = [];
    for (const entry of await this.list(relative)) {
      const path = posix.join(relative, entry.name);
      if (entry.isDirectory) files.push(...(await this.filesUnder(path)));
      else files.push(path);
    }
    return files;
  }
}

/** Why a file was not read, for its note. */
function refusalNote(refusal: RegularFileRefusal): string {
  switch (refusal.reason) {
    case 'not-regular':
    case 'directory':
      return 'not a regular file (a FIFO or a device)';
    case 'too-large':
      return `${refusal.size} bytes, more than the ${refusal.maxBytes} the report reads`;
    case 'changed':
      return (refusal.bytesRead ?? 0) > refusal.size
        ? 'it grew while it was read'
        : 'it shrank while it was read';
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
