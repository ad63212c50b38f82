import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';

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
    let handle;
    try {
      // Non-blocking, so a FIFO cannot hang the report; checked on the open handle, so nothing swapped in is read.
      handle = await open(this.path(relative), constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      const info = await handle.stat();
      if (info.isDirectory()) return undefined;
      const refusal = !info.isFile()
        ? 'not a regular file (a FIFO or a device)'
        : info.size > this.maxBytes
          ? `${info.size} bytes, more than the ${this.maxBytes} the report reads`
          : undefined;
      if (refusal !== undefined) {
        this.refused.set(relative, refusal);
        return undefined;
      }
      const bytes = Buffer.alloc(info.size + 1);
      let filled = 0;
      for (let read = -1; read !== 0 && filled < bytes.length; filled += read) {
        ({ bytesRead: read } = await handle.read(bytes, filled, bytes.length - filled, filled));
      }
      if (filled > info.size) {
        this.refused.set(relative, 'it grew while it was read');
        return undefined;
      }
      return bytes.subarray(0, filled);
    } finally {
      await handle.close();
    }
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

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
