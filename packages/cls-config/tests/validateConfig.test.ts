import { describe, expect, it } from 'vitest';
import { checkConfig, composeConfig, resolveConfig, resolveRunDir, validateConfig } from '../src/index.js';
import { CONFIGS, errorOf } from './helpers.js';
import { createTestRegistry } from './testRegistry.js';

const registry = createTestRegistry();
const NOW = new Date(2024, 2, 5, 7, 8, 9);

function resolved(...overrides: string[]): Record<string, unknown> {
  const { config } = composeConfig({ configDirs: [CONFIGS], configName: 'train', overrides });
  const runDir = resolveRunDir(config, { now: NOW });
  return resolveConfig(config, { outputDir: `/abs/${runDir}`, cwd: '/work', now: NOW });
}

const problemsOf = (...overrides: string[]) =>
  errorOf(() => validateConfig(resolved(...overrides), registry));

describe('validateConfig', () => {
  it('accepts the shipped config and fills plugin defaults', () => {
    const config = validateConfig(resolved('data.root=/data/jerseys'), registry);
    expect(config.model).toEqual({
      arch: 'resnet18',
      num_classes: null,
      head: 'linear',
      digit_mix: null,
      pretrained: null,
      class_weights: null,
      seed: 42,
      dropout: 0,
      zero_init_residual: true,
    });
    expect(config.optimizer).toEqual({
      name: 'adamw',
      lr: 0.001,
      weight_decay: 0.05,
      betas: [0.9, 0.999],
      eps: 1e-8,
    });
    expect(config.scheduler).toEqual({
      name: 'cosine',
      warmup_epochs: 1,
      warmup_start_factor: 0.01,
      min_lr: 0,
    });
    expect(config.transforms).toEqual({
      train: [
        { random_resized_crop: { size: null, scale: [0.6, 1.0], ratio: [0.75, 1.3333] } },
        { horizontal_flip: { p: 0.5 } },
      ],
      eval: [],
      batch: [],
    });
    expect(config.data).toMatchObject({ root: '/data/jerseys', cache_decoded: false });
    expect(config.callbacks.lr_monitor).toEqual({ logging_interval: 'epoch' });
  });

  it('accepts experiment=mnist, skipping the callback it disables', () => {
    const config = validateConfig(resolved('experiment=mnist', 'callbacks.progress_bar={}'), registry);
    expect(config.callbacks.early_stopping).toBeNull();
    expect(config.callbacks.progress_bar).toEqual({ refresh_rate: 1 });
    expect(config.data).toMatchObject({ name: 'mnist', root: './data/mnist', train_limit: null });
    expect(config.tags).toEqual(['mnist', 'resnet18']);
  });

  it('returns a deeply frozen copy and leaves its input alone', () => {
    const input = resolved();
    const config = validateConfig(input, registry);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.trainer)).toBe(true);
    expect(Object.isFrozen(config.data.mean)).toBe(true);
    expect(Object.isFrozen(config.callbacks.model_checkpoint)).toBe(true);
    expect(() => {
      (config.trainer as { max_epochs: number }).max_epochs = 1;
    }).toThrow(TypeError);
    expect(input.model).not.toHaveProperty('dropout');
    expect(Object.isFrozen(input)).toBe(false);
  });

  it('reports wrong types and values', () => {
    expect(problemsOf('trainer.max_epochs=abc')).toEqual({
      code: 'CONFIG_INVALID',
      message: 'trainer.max_epochs: must be integer (got "abc")',
    });
    expect(problemsOf('trainer.max_epochs=0').message).toBe('trainer.max_epochs: must be >= 1 (got 0)');
    expect(problemsOf('trainer.accelerator=tpu').message).toBe(
      'trainer.accelerator: must be one of "auto", "gpu", "cpu" (got "tpu")',
    );
    expect(problemsOf('model.num_classes=abc').message).toBe(
      'model.num_classes: must be integer or null (got "abc")',
    );
    expect(problemsOf('model.num_classes=1').message).toBe('model.num_classes: must be >= 2 (got 1)');
    expect(problemsOf('data.mean=[0.5,0.5]').message).toBe(
      'data.mean: must NOT have fewer than 3 items (got [0.5,0.5])',
    );
    expect(problemsOf('+tags=[a,true]').message).toBe('tags.1: must be string or number (got true)');
  });

  it("checks Lightning's batch limits, validation interval, precision forms and exact seeds", () => {
    expect(problemsOf('trainer.limit_train_batches=1.5').message).toBe(
      'trainer.limit_train_batches: must be < 1 (got 1.5)',
    );
    expect(problemsOf('trainer.limit_val_batches=0').message).toMatch(/^trainer\.limit_val_batches: /);
    expect(problemsOf('trainer.val_check_interval=1.5').message).toBe(
      'trainer.val_check_interval: must be <= 1 (got 1.5)',
    );
    expect(problemsOf('seed=1e300').message).toBe('seed: must be <= 9007199254740991 (got 1e+300)');
    for (const valid of [
      'trainer.limit_train_batches=0.25',
      'trainer.limit_train_batches=3',
      'trainer.val_check_interval=0.5',
      'trainer.val_check_interval=20',
      'trainer.precision=32',
      'trainer.precision=16',
      'trainer.precision=bf16',
      'seed=-9007199254740991',
    ]) {
      expect(() => validateConfig(resolved(valid), registry), valid).not.toThrow();
    }
  });

  it('takes data.image_size as s or [height, width], and names it when it is neither', () => {
    const imageSize = (...overrides: string[]) =>
      validateConfig(resolved('data.root=/data', ...overrides), registry).data.image_size;
    expect(imageSize('data.image_size=64')).toBe(64);
    expect(imageSize('data.image_size=[48,32]')).toEqual([48, 32]);
    expect(problemsOf('data.image_size=[0,32]').message).toBe('data.image_size.0: must be >= 8 (got 0)');
    expect(problemsOf('data.image_size=[32]').message).toBe(
      'data.image_size: must NOT have fewer than 2 items (got [32])',
    );
    expect(problemsOf('data.image_size=[32,32,32]').message).toBe(
      'data.image_size: must NOT have more than 2 items (got [32,32,32])',
    );
    expect(problemsOf('data.image_size=abc').message).toBe(
      'data.image_size: must be integer or array (got "abc")',
    );
    expect(problemsOf('data.image_size=4').message).toBe('data.image_size: must be >= 8 (got 4)');
  });

  it('reports unknown and missing keys with did-you-mean', () => {
    expect(problemsOf('+trainer.max_epoch=3').message).toBe(
      'trainer.max_epoch: unknown key, set to 3 (did you mean max_epochs?)',
    );
    expect(problemsOf('+seeds=1').message).toBe('seeds: unknown key, set to 1 (did you mean seed?)');
    expect(problemsOf('~trainer.max_epochs').message).toBe('trainer.max_epochs: missing required key');
    expect(problemsOf('+model.dropuot=0.1').message).toBe(
      'model.dropuot: unknown key, set to 0.1 (did you mean dropout?)',
    );
    expect(problemsOf('+callbacks.lr_monitor.interval=step').message).toBe(
      'callbacks.lr_monitor.interval: unknown key, set to "step" (expected one of logging_interval)',
    );
  });

  it('reports unknown plugin names with the registered ones', () => {
    expect(problemsOf('model.arch=resnet51')).toEqual({
      code: 'CONFIG_INVALID',
      message:
        'model.arch: no model plugin named "resnet51" (did you mean resnet50? available: resnet18, resnet50)',
    });
    expect(problemsOf('+callbacks.early_stoping={patience: 1}').message).toBe(
      'callbacks.early_stoping: no callback plugin named "early_stoping" (did you mean early_stopping? available: confusion_matrix, dataset_stats, early_stopping, history, lr_monitor, model_checkpoint, model_info, onnx_export, predictions, progress_bar, report)',
    );
    expect(problemsOf('+transforms.train=[{blur: {}}]').message).toBe(
      'transforms.train.0.blur: no transform plugin named "blur" (available: color_jitter, gaussian_blur, horizontal_flip, random_affine, random_erasing, random_perspective, random_resized_crop, random_rotation)',
    );
    expect(problemsOf('transforms.train=[{random_rotaton: {degrees: 5}}]').message).toBe(
      'transforms.train.0.random_rotaton: no transform plugin named "random_rotaton" (did you mean random_rotation? available: color_jitter, gaussian_blur, horizontal_flip, random_affine, random_erasing, random_perspective, random_resized_crop, random_rotation)',
    );
    expect(problemsOf('model.head=digit').message).toBe(
      'model.head: no head plugin named "digit" (did you mean digits? available: digits, linear, sequence)',
    );
    expect(problemsOf('optimizer.name=rmsprop').message).toBe(
      'optimizer.name: no optimizer plugin named "rmsprop" (available: adam, adamw, sgd)',
    );
  });

  it('checks plugin options against the plugin schema', () => {
    expect(problemsOf('+model.dropout=2').message).toBe('model.dropout: must be <= 1 (got 2)');
    expect(problemsOf('callbacks.early_stopping.mode=maximum').message).toBe(
      'callbacks.early_stopping.mode: must be one of "min", "max" (got "maximum")',
    );
    expect(problemsOf('transforms.train.1.horizontal_flip.p=yes').message).toBe(
      'transforms.train.1.horizontal_flip.p: must be number (got "yes")',
    );
    expect(problemsOf('+transforms.train.0.random_resized_crop.scales=[0.5,1]').message).toBe(
      'transforms.train.0.random_resized_crop.scales: unknown key, set to [0.5,1] (did you mean scale?)',
    );
  });

  it('collects every problem in one error, one per line', () => {
    const { message } = problemsOf(
      'trainer.max_epochs=abc',
      '+trainer.max_epoch=3',
      'model.arch=resnet51',
      '+model.x=1',
    );
    expect(message.split('; ')).toEqual([
      'trainer.max_epoch: unknown key, set to 3 (did you mean max_epochs?)',
      'trainer.max_epochs: must be integer (got "abc")',
      'model.arch: no model plugin named "resnet51" (did you mean resnet50? available: resnet18, resnet50)',
    ]);
    const checked = checkConfig(resolved('trainer.max_epochs=abc', '+model.widht=1'), registry);
    expect(checked.config).toBeUndefined();
    expect(checked.errors).toEqual([
      { path: 'trainer.max_epochs', message: 'must be integer (got "abc")' },
      {
        path: 'model.widht',
        message:
          'unknown key, set to 1 (expected one of arch, num_classes, pretrained, head, digit_mix, class_weights, dropout, zero_init_residual, seed)',
      },
    ]);
    expect(checkConfig(resolved(), registry)).toMatchObject({ errors: [], config: { seed: 42 } });
    expect(checkConfig(5, registry).errors).toEqual([{ path: '', message: 'must be object (got 5)' }]);
  });
});
