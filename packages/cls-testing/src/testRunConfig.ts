import type { ClsConfig } from '@nextplay/cls-core';

/** What a test changes of `testRunConfig`'s defaults, node by node. */
export interface TestRunConfigOverrides {
  readonly data?: Record<string, unknown>;
  readonly model?: Record<string, unknown>;
  readonly trainer?: Partial<ClsConfig['trainer']>;
}

/** A complete, valid run config for `context.config` in callback tests; override what the callback reads. */
export function testRunConfig(overrides: TestRunConfigOverrides = {}): ClsConfig {
  return {
    task_name: 'callback-test',
    seed: 42,
    plugins: [],
    data: {
      name: 'synthetic',
      root: null,
      batch_size: 4,
      image_size: 16,
      num_workers: 0,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      ...overrides.data,
    },
    model: { arch: 'tiny_resnet', num_classes: 3, pretrained: null, ...overrides.model },
    optimizer: { name: 'adamw', lr: 0.01, weight_decay: 0.01 },
    scheduler: { name: 'cosine' },
    trainer: {
      max_epochs: 1,
      accelerator: 'cpu',
      num_threads: 1,
      precision: '32-true',
      benchmark: false,
      limit_train_batches: null,
      limit_val_batches: null,
      limit_test_batches: null,
      check_val_every_n_epoch: 1,
      val_check_interval: 1,
      log_every_n_steps: 5,
      gradient_clip_val: null,
      gradient_clip_algorithm: 'norm',
      accumulate_grad_batches: 1,
      label_smoothing: 0,
      ...overrides.trainer,
    },
    callbacks: {},
    ckpt_path: null,
    hydra: { run: { dir: 'unused' }, verbose: false },
  };
}
