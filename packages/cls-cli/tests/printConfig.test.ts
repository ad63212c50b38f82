import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCliInProcess } from './runCliInProcess.js';

describe('cls train --cfg', () => {
  it('prints the composed job config with overrides applied', async () => {
    const run = await runCliInProcess([
      'train',
      '--cfg',
      'job',
      'model=resnet50',
      'trainer.max_epochs=3',
      '+tags=[a,b]',
      '~callbacks.early_stopping',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const config = parse(run.stdout) as Record<string, Record<string, unknown>>;
    expect(config.model?.arch).toBe('resnet50');
    expect(config.trainer?.max_epochs).toBe(3);
    expect(config.tags).toEqual(['a', 'b']);
    expect(config.callbacks).not.toHaveProperty('early_stopping');
    expect(config.callbacks).toHaveProperty('model_checkpoint');
    expect(config).not.toHaveProperty('hydra');
  });

  it('composes the mnist experiment', async () => {
    const run = await runCliInProcess(['train', '--cfg', 'job', '--resolve', 'experiment=mnist']);
    expect(run.code).toBe(0);
    const config = parse(run.stdout) as Record<string, Record<string, unknown>>;
    expect(config.data?.name).toBe('mnist');
    expect(config.data?.root).toMatch(/data\/mnist$/);
    expect(config.model?.arch).toBe('resnet18');
    expect(config.callbacks?.early_stopping).toBeNull();
  });

  it('prints only the hydra node with --cfg hydra', async () => {
    const run = await runCliInProcess(['train', '--cfg', 'hydra', 'hydra.run.dir=/tmp/somewhere']);
    expect(run.code).toBe(0);
    const printed = parse(run.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(printed)).toEqual(['hydra']);
    expect(printed.hydra?.run).toEqual({ dir: '/tmp/somewhere' });
  });
});
