import { composeConfig, listConfigGroups } from '@nextplay/cls-config';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../src/builtinPlugins.js';
import { builtinConfigDir } from '../src/configDirs.js';
import { runCliInProcess } from './runCliInProcess.js';

const configDirs = [builtinConfigDir()];
const compose = (overrides: string[]) => composeConfig({ configDirs, configName: 'train', overrides }).config;
/** The config but its model node, and the record of the overrides that made it (hydra.job.override_dirname). */
const withoutModel = (config: Record<string, unknown>) => {
  const { model: _model, hydra, ...rest } = config;
  const { job, ...hydraRest } = hydra as Record<string, unknown>;
  const { override_dirname: _overrides, ...jobRest } = job as Record<string, unknown>;
  return { ...rest, hydra: { ...hydraRest, job: jobRest } };
};

describe('model configs', () => {
  it('ship one option for every registered architecture', () => {
    const archs = createBuiltinRegistry().names('model');
    expect(archs.length).toBeGreaterThanOrEqual(5);
    expect([...(listConfigGroups(configDirs).model ?? [])].sort()).toEqual([...archs].sort());
    for (const arch of archs) {
      expect((compose([`model=${arch}`]).model as { arch: string }).arch).toBe(arch);
    }
  });

  it('change only the model node: data, optimizer and scheduler stay the user’s', () => {
    for (const arch of createBuiltinRegistry().names('model')) {
      for (const base of [[], ['optimizer=sgd'], ['data=basketball_jersey_numbers', 'optimizer=adam']]) {
        expect(withoutModel(compose([...base, `model=${arch}`]))).toEqual(withoutModel(compose(base)));
      }
    }
    const sgd = compose(['optimizer=sgd', 'model=resnet50']).optimizer as {
      lr: number;
      weight_decay: number;
    };
    expect(sgd).toMatchObject({ lr: 0.1, weight_decay: 0.0001 });
  });

  it('keep the tuned GPU combinations in experiments', () => {
    const t4 = compose(['experiment=t4_resnet50']);
    expect((t4.model as { arch: string }).arch).toBe('resnet50');
    expect((t4.data as { batch_size: number }).batch_size).toBe(64);
  });

  it('default data=imagefolder to a size the wasm backend trains at (224 px, batch 32)', () => {
    const data = compose(['data=imagefolder', 'model=resnet18']).data as Record<string, unknown>;
    expect(data).toMatchObject({ image_size: 224, batch_size: 32 });
  });

  it('model=resnet34 composes and validates as a run would', async () => {
    const run = await runCliInProcess(['train', '--cfg', 'job', 'model=resnet34']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
