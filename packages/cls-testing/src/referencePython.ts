import { spawnSync } from 'node:child_process';

/**
 * Reference implementations (PyTorch, torchvision, onnx) are Python; tests that compare against them use these.
 *
 * A Python interpreter that can import all of `modules` (PyTorch is optional here: Debian's python3-torch lives in
 * /usr/bin/python3, which may not be the `python3` on PATH), or undefined when there is none.
 */
export function findPython(modules: readonly string[]): string | undefined {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(
    (c): c is string => c !== undefined && c !== '',
  );
  return candidates.find(
    (python) =>
      spawnSync(python, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore', timeout: 60_000 })
        .status === 0,
  );
}

/** Runs a Python script and returns its stdout; throws with stderr on failure. */
export function runPython(python: string, args: readonly string[]): string {
  const result = spawnSync(python, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${python} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}
