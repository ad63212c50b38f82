import { definePlugin, PluginRegistry, type JsonSchema, type PluginKind } from '@nextplay/cls-core';

// Small, real plugin definitions with option schemas; composition and validation never create them.
const PACKAGE = '@nextplay/cls-config-tests';

function notUsed(): never {
  throw new Error('not used in this test');
}

function options(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', properties, additionalProperties: false };
}

function plugin<K extends PluginKind>(kind: K, name: string, optionsSchema: JsonSchema) {
  return definePlugin({
    kind,
    name,
    package: PACKAGE,
    description: `${name} (test)`,
    optionsSchema,
    create: notUsed,
  });
}

const monitor = { type: 'string', minLength: 1, default: 'val/loss' };
const mode = { enum: ['min', 'max'], default: 'min' };
const pair = (low: number, high: number): JsonSchema => ({
  type: 'array',
  items: { type: 'number', exclusiveMinimum: 0 },
  minItems: 2,
  maxItems: 2,
  default: [low, high],
});
const betas = pair(0.9, 0.999);

export function createTestRegistry(): PluginRegistry {
  const resnet = options({
    dropout: { type: 'number', minimum: 0, maximum: 1, default: 0 },
    zero_init_residual: { type: 'boolean', default: true },
    seed: { type: ['integer', 'null'], default: null },
  });
  // The keys the shipped data configs set for unreadable images, resizing and caching (cls-data's imagefolder and
  // mnist take them).
  const badImages = {
    resize: { enum: ['fill', 'center_crop', 'letterbox'], default: 'fill' },
    cache: { enum: ['auto', true, false], default: 'auto' },
    cache_max_mb: { type: 'number', minimum: 0, default: 2048 },
    prefetch_batches: { type: 'integer', minimum: 0, default: 2 },
    on_bad_image: { enum: ['skip', 'fail'], default: 'skip' },
    max_bad_fraction: { type: 'number', minimum: 0, maximum: 1, default: 0.01 },
    sampler: { enum: ['sequential', 'random', 'balanced'], default: 'random' },
  };
  return new PluginRegistry().register(
    plugin('model', 'resnet18', resnet),
    plugin('model', 'resnet50', resnet),
    // model.head names one of these (cls-engine's linear, cls-models' digit heads); heads take no options.
    plugin('head', 'linear', options({})),
    plugin('head', 'digits', options({})),
    plugin('head', 'sequence', options({})),
    plugin(
      'dataset',
      'imagefolder',
      options({
        cache_decoded: { type: 'boolean', default: false },
        // data.synthetic (cls-data mixes `cls data synth` crops into train); its own keys are cls-data's to check.
        synthetic: { type: 'object', default: { root: null, fraction: null, balance: false } },
        ...badImages,
      }),
    ),
    plugin(
      'dataset',
      'mnist',
      options({ train_limit: { type: ['integer', 'null'], minimum: 1, default: null }, ...badImages }),
    ),
    plugin(
      'optimizer',
      'adam',
      options({
        betas,
        eps: { type: 'number', exclusiveMinimum: 0, default: 1e-8 },
        amsgrad: { type: 'boolean', default: false },
      }),
    ),
    plugin(
      'optimizer',
      'adamw',
      options({ betas, eps: { type: 'number', exclusiveMinimum: 0, default: 1e-8 } }),
    ),
    plugin(
      'optimizer',
      'sgd',
      options({
        momentum: { type: 'number', minimum: 0, default: 0 },
        nesterov: { type: 'boolean', default: false },
      }),
    ),
    plugin('scheduler', 'constant', options({})),
    plugin(
      'scheduler',
      'cosine',
      options({
        warmup_epochs: { type: 'number', minimum: 0, default: 0 },
        warmup_start_factor: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.01 },
        min_lr: { type: 'number', minimum: 0, default: 0 },
      }),
    ),
    plugin(
      'callback',
      'model_checkpoint',
      options({
        monitor,
        mode,
        save_last: { type: 'boolean', default: true },
        save_top_k: { type: 'integer', minimum: -1, default: 1 },
      }),
    ),
    plugin(
      'callback',
      'early_stopping',
      options({
        monitor,
        mode,
        patience: { type: 'integer', minimum: 0, default: 3 },
        min_delta: { type: 'number', minimum: 0, default: 0 },
      }),
    ),
    plugin(
      'callback',
      'lr_monitor',
      options({ logging_interval: { enum: ['epoch', 'step'], default: 'epoch' } }),
    ),
    plugin(
      'callback',
      'confusion_matrix',
      options({
        monitor: { type: 'string', minLength: 1, default: 'val/acc' },
        mode,
        top_pairs: { type: 'integer', minimum: 0, maximum: 200, default: 20 },
        plots: { type: 'boolean', default: true },
      }),
    ),
    plugin('callback', 'history', options({ loss_scale: { enum: ['linear', 'log'], default: 'linear' } })),
    plugin(
      'callback',
      'dataset_stats',
      options({
        max_header_reads: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 2000 },
        plots: { type: 'boolean', default: true },
      }),
    ),
    plugin(
      'callback',
      'model_info',
      options({
        benchmark: { type: 'boolean', default: true },
        benchmark_seconds: { type: 'number', exclusiveMinimum: 0, default: 0.25 },
      }),
    ),
    plugin(
      'callback',
      'predictions',
      options({
        count: { type: 'integer', minimum: 1, maximum: 1024, default: 32 },
        columns: { type: 'integer', minimum: 1, maximum: 64, default: 8 },
        tile_size: { type: 'integer', minimum: 16, maximum: 512, default: 112 },
        most_confident_wrong: { type: 'integer', minimum: 0, default: 8 },
        least_confident_correct: { type: 'integer', minimum: 0, default: 8 },
        seed: { type: 'integer', minimum: 0, default: 0 },
      }),
    ),
    plugin(
      'callback',
      'report',
      options({
        every_n_epochs: { type: 'integer', minimum: 1, default: 1 },
        max_inline_image_mb: { type: 'number', exclusiveMinimum: 0, default: 20 },
      }),
    ),
    plugin(
      'callback',
      'onnx_export',
      options({
        best: { type: 'boolean', default: true },
        last: { type: 'boolean', default: true },
        opset: { type: 'integer', minimum: 13, maximum: 17, default: 17 },
        compare_images: { type: 'integer', minimum: 1, maximum: 256, default: 16 },
      }),
    ),
    plugin(
      'callback',
      'progress_bar',
      options({ refresh_rate: { type: 'integer', minimum: 0, default: 1 } }),
    ),
    plugin(
      'transform',
      'random_resized_crop',
      options({
        size: { type: ['integer', 'null'], default: null },
        scale: pair(0.08, 1),
        ratio: pair(0.75, 1.3333),
      }),
    ),
    plugin(
      'transform',
      'random_affine',
      options({
        degrees: { type: 'number', minimum: 0, default: 0 },
        translate: { type: ['array', 'null'], default: null },
        scale: { type: ['array', 'null'], default: null },
        shear: { type: ['number', 'null'], default: null },
        interpolation: { enum: ['nearest', 'bilinear'], default: 'nearest' },
      }),
    ),
    plugin(
      'transform',
      'random_perspective',
      options({
        distortion_scale: { type: 'number', minimum: 0, maximum: 1, default: 0.5 },
        p: { type: 'number', minimum: 0, maximum: 1, default: 0.5 },
      }),
    ),
    plugin(
      'transform',
      'gaussian_blur',
      options({ kernel_size: { type: 'integer', default: 3 }, sigma: pair(0.1, 2) }),
    ),
    plugin(
      'transform',
      'random_erasing',
      options({
        p: { type: 'number', minimum: 0, maximum: 1, default: 0.5 },
        scale: pair(0.02, 0.33),
        ratio: pair(0.3, 3.3),
      }),
    ),
    plugin(
      'transform',
      'horizontal_flip',
      options({ p: { type: 'number', minimum: 0, maximum: 1, default: 0.5 } }),
    ),
    plugin(
      'transform',
      'random_rotation',
      options({
        degrees: { type: 'number', minimum: 0, default: 10 },
        interpolation: { enum: ['nearest', 'bilinear'], default: 'nearest' },
      }),
    ),
    plugin(
      'transform',
      'color_jitter',
      options({
        brightness: { type: 'number', minimum: 0, default: 0 },
        contrast: { type: 'number', minimum: 0, default: 0 },
        saturation: { type: 'number', minimum: 0, default: 0 },
        hue: { type: 'number', minimum: 0, maximum: 0.5, default: 0 },
      }),
    ),
  );
}
