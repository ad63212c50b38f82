import type { ClsConfig } from '@nextplay/cls-core';

/** A complete run config; the callback reads `model.arch` and `data.{image_size,mean,std,resize}`. */
export function runConfig(imageSize: number, resize?: string): ClsConfig {
  return {
    task_name: 'onnx-export-test',
    seed: 42,
    plugins: [],
    data: {
      name: 'synthetic',
      root: null,
      batch_size: 4,
      image_size: imageSize,
      num_workers: 0,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      augment: {},
      ...(resize === undefined ? {} : { resize }),
    },
    model: { arch: 'tiny_resnet', num_classes: 3, pretrained: null },
    optimizer: { name: 'adamw', lr: 0.01, weight_decay: 0.01 },
    scheduler: { name: 'cosine' },
    trainer: {
      max_epochs: 2,
      accelerator: 'cpu',
      num_threads: 1,
      precision: '32-true',
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
    },
    callbacks: {},
    ckpt_path: null,
    hydra: { run: { dir: 'unused' }, verbose: false },
  };
}
