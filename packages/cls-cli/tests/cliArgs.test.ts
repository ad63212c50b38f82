import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './runCliInProcess.js';

describe('cls argument handling', () => {
  it('prints help and the version', async () => {
    const help = await runCliInProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: cls <command>');
    const version = await runCliInProcess(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('rejects an unknown command and an unknown flag with one line and exit 2', async () => {
    const unknown = await runCliInProcess(['fly']);
    expect(unknown).toMatchObject({
      code: 2,
      stderr:
        'cls: unknown command fly (commands: train, test, predict, export, report, data prepare, data bench, data synth, help; see cls --help)\n',
    });
    const flag = await runCliInProcess(['train', '--fast']);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split('\n')).toHaveLength(1);
    expect(flag.stderr).toContain("'--fast'");
  });

  it('lists config groups and plugins with --info', async () => {
    const info = await runCliInProcess(['--info']);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/model: .*resnet18.*resnet50/);
    expect(info.stdout).toMatch(/experiment: .*mnist/);
    expect(info.stdout).toMatch(
      /callback: .*early_stopping.*ema.*lr_monitor.*model_checkpoint.*progress_bar/,
    );
  });
});
