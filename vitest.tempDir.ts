import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest global setup: every temporary file a package's tests make (their own `mkdtemp`s, the CLI runs they spawn,
 * the browser profiles they open) goes under one fresh folder, removed when the run ends, pass or fail. Runs leave
 * hundreds of MB each (datasets, checkpoints, ONNX files), which filled the disk of machines that test often.
 */
export function setup(): () => void {
  const previous = process.env.TMPDIR;
  const folder = mkdtempSync(join(tmpdir(), 'cls-tests-'));
  // os.tmpdir() reads TMPDIR at each call; test workers and the processes they spawn inherit it.
  process.env.TMPDIR = folder;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(folder, { recursive: true, force: true });
  };
}
