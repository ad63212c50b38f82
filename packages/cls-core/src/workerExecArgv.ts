/**
 * This process's `execArgv` less what does not fit a worker thread running a compiled script: export conditions
 * (the one tests use points packages at their TypeScript sources) and `--input-type` (only for `-e` code).
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] ?? '';
    if (arg === '--conditions' || arg === '-C' || arg === '--input-type') i++;
    else if (!/^(--conditions|-C|--input-type)=/.test(arg)) kept.push(arg);
  }
  return kept;
}
