import type { ClsConfig } from '@nextplay/cls-core';

/** A complete run config for the synthetic dataset and tiny model; override what a test needs. */
export function runConfig(overrides: {
  readonly data?: Record<string, unknown>;
  readonly model?: Record<string, unknown>;
  readonly trainer?: Partial<ClsConfig['trainer']>;
  readonly callbacks?: ClsConfig['callbacks'];
  readonly optimizer?: Record<string, unknown>;
  readonly scheduler?: Record<string, unknown>;
  readonly ckpt_path?: string | null;
}): ClsConfig {
  return {
    task_name: 'engine-test',
    seed: 42,
    plugins: [],
    data: {
      name: 'quadrants',
      root: null,
      batch_size: 16,
      image_size: 8,
      num_workers: 0,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      ...overrides.data,
    },
    model: { arch: 'tiny_cnn', num_classes: null, pretrained: null, ...overrides.model },
    optimizer: { name: 'adamw', lr: 0.01, weight_decay: 0.01, ...overrides.optimizer },
    scheduler: {
      name: 'cosine',
      warmup_epochs: 0.5,
      warmup_start_factor: 0.1,
      min_lr: 0,
      ...overrides.scheduler,
    } as ClsConfig['scheduler'],
    trainer: {
      max_epochs: 3,
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
    callbacks: overrides.callbacks ?? {},
    ckpt_path: overrides.ckpt_path ?? null,
    hydra: { run: { dir: 'unused' }, verbose: false },
  };
}
