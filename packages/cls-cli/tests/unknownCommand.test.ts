import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './runCliInProcess.js';

describe('an unknown command', () => {
  it.each([
    [['trian'], 'train'],
    [['tset', 'ckpt_path=best'], 'test'],
    [['exprot'], 'export'],
    [['data', 'prepre', 'mnist'], 'data prepare'],
  ])('%j suggests %s in one line', async (argv, close) => {
    const run = await runCliInProcess(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `cls: unknown command ${argv.filter((a) => !a.includes('=')).join(' ')}; did you mean ${close}? ` +
        '(commands: train, test, predict, export, report, data prepare, data bench, data synth, help; see cls --help)\n',
    );
  });

  it('lists the commands when nothing is close', async () => {
    const run = await runCliInProcess(['xyzzy']);
    expect(run.stderr).toBe(
      'cls: unknown command xyzzy (commands: train, test, predict, export, report, data prepare, data bench, data synth, help; see cls --help)\n',
    );
  });
});
