import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';

/** A run-relative path that stays inside the run directory (`a/b.svg`), or undefined for one that does not. */
export function insideRunPath(path: string): string | undefined {
  if (path === '' || path.includes('\0') || path.includes('\\') || isAbsolute(path)) return undefined;
  const normal = posix.normalize(path);
  return normal === '..' || normal.startsWith('../') || normal === '.' ? undefined : normal;
}

/** JSON read from a run file: its value, or why it could not be read. */
export type JsonRead = { readonly value: unknown } | { readonly error: string };

/** Reads a run directory's files by run-relative path; a missing file is undefined, never an error. */
export class RunFiles {
  constructor(readonly runDir: string) {}

  path(relative: string): string {
    return join(this.runDir, relative);
  }

  async bytes(relative: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(relative));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
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
