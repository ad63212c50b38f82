import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The one source of truth for the keys every run config has. Plugin nodes (`data`, `model`, `optimizer`,
 * `scheduler`, each `callbacks.<name>` and each step of `transforms.train|eval|batch`) accept further keys, which are checked against
 * the chosen plugin's own options schema by the config package.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Lightning's `limit_*_batches`: an integer ≥ 1 of batches, a fraction in (0, 1) of the split, or null = all. */
const BatchLimit = Nullable(
  Type.Union([Type.Integer({ minimum: 1 }), Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })]),
);

/** One side of `data.image_size`. */
export const ImageSide = Type.Integer({ minimum: 8 });

export const DataConfigSchema = Type.Object(
  {
    name: Type.String({ description: 'Dataset plugin name.' }),
    root: Nullable(Type.String({ minLength: 1 })),
    batch_size: Type.Integer({ minimum: 1 }),
    image_size: Type.Union([ImageSide, Type.Array(ImageSide, { minItems: 2, maxItems: 2 })], {
      description: 'Model input in pixels: s for s×s, or [height, width].',
    }),
    num_workers: Type.Integer({
      minimum: 0,
      description: 'Images decoded concurrently by the input pipeline.',
    }),
    mean: Type.Array(Type.Number(), { minItems: 3, maxItems: 3 }),
    std: Type.Array(Type.Number({ exclusiveMinimum: 0 }), { minItems: 3, maxItems: 3 }),
  },
  { additionalProperties: true },
);

/** One step of a transform list: `{<transform plugin name>: {options}}`; null options take the defaults. */
const TransformStep = Type.Record(Type.String(), Nullable(Type.Record(Type.String(), Type.Unknown())), {
  minProperties: 1,
  maxProperties: 1,
});

const TransformList = (description: string) => Type.Optional(Type.Array(TransformStep, { description }));

/** The `transforms` group (`configs/transforms/*.yaml`): ordered lists, like torchvision's `Compose`. */
export const TransformsConfigSchema = Type.Object(
  {
    train: TransformList('Applied in order to each training image, at source resolution.'),
    eval: TransformList(
      'Applied in order to each evaluated image (val, test); empty = resize to image_size.',
    ),
    batch: TransformList('Batch-level mixing after the images are normalized (mixup, cutmix).'),
  },
  { additionalProperties: false },
);

export const ModelConfigSchema = Type.Object(
  {
    arch: Type.String({ description: 'Model plugin name.' }),
    num_classes: Nullable(Type.Integer({ minimum: 2 })),
    pretrained: Nullable(Type.String({ minLength: 1 })),
    head: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Head plugin: linear (one logit per class) | digits (tens + units) | sequence (CTC over feature columns).',
      }),
    ),
    digit_mix: Type.Optional(
      Nullable(
        Type.Number({
          minimum: 0,
          maximum: 1,
          description:
            'Digit heads: share of two-digit training samples whose right half (units digit) comes from another sample, teaching numbers no folder holds; null = 0.5 for a digit head, 0 otherwise.',
        }),
      ),
    ),
    class_weights: Type.Optional(
      Nullable(
        Type.Union([Type.Literal('auto'), Type.Array(Type.Number({ minimum: 0 }), { minItems: 1 })], {
          description:
            'Training loss weight per class (torch CrossEntropyLoss(weight=…)): auto = n_samples / (n_classes · count), a list = one per class; null = unweighted.',
        }),
      ),
    ),
  },
  { additionalProperties: true },
);

export const OptimizerConfigSchema = Type.Object(
  {
    name: Type.String({ description: 'Optimizer plugin name.' }),
    lr: Type.Number({ exclusiveMinimum: 0 }),
    weight_decay: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: true },
);

export const SchedulerConfigSchema = Type.Object(
  {
    name: Type.String({ description: 'LR scheduler plugin name.' }),
  },
  { additionalProperties: true },
);

export const AcceleratorSchema = Type.Union([Type.Literal('auto'), Type.Literal('gpu'), Type.Literal('cpu')]);
/**
 * Lightning's precision values, its short forms included (`32` is `32-true`, `16` is `16-mixed`, `bf16` is
 * `bf16-mixed`, `64` is `64-true`): `16-mixed` runs where the backend computes in float16; others fall back to
 * `32-true` with a warning.
 */
export const PrecisionSchema = Type.Union([
  Type.Literal('32-true'),
  Type.Literal('32'),
  Type.Literal(32),
  Type.Literal('16-mixed'),
  Type.Literal('16'),
  Type.Literal(16),
  Type.Literal('bf16-mixed'),
  Type.Literal('bf16'),
  Type.Literal('16-true'),
  Type.Literal('bf16-true'),
  Type.Literal('64-true'),
  Type.Literal('64'),
  Type.Literal(64),
]);

export const TrainerConfigSchema = Type.Object(
  {
    max_epochs: Type.Integer({ minimum: 1 }),
    accelerator: AcceleratorSchema,
    num_threads: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      default: null,
      description: 'CPU threads for the wasm backend (torch.set_num_threads); null = every core.',
    }),
    precision: PrecisionSchema,
    benchmark: Type.Boolean({
      default: false,
      description:
        "As Lightning's Trainer(benchmark): on a GPU backend, time each convolution's candidate kernels per shape and keep the fastest.",
    }),
    limit_train_batches: BatchLimit,
    limit_val_batches: BatchLimit,
    limit_test_batches: BatchLimit,
    check_val_every_n_epoch: Type.Integer({ minimum: 1 }),
    val_check_interval: Type.Union(
      [Type.Number({ exclusiveMinimum: 0, maximum: 1 }), Type.Integer({ minimum: 1 })],
      {
        default: 1,
        description:
          'Validate this often within a training epoch: a fraction in (0, 1] of the epoch, or an integer > 1 of batches.',
      },
    ),
    log_every_n_steps: Type.Integer({ minimum: 1 }),
    gradient_clip_val: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      default: null,
      description: 'Clip gradients before each optimizer step (Lightning); null or 0 = no clipping.',
    }),
    gradient_clip_algorithm: Type.Union([Type.Literal('norm'), Type.Literal('value')], {
      default: 'norm',
      description:
        'norm: scale all gradients by their global L2 norm; value: clamp each to ±gradient_clip_val.',
    }),
    accumulate_grad_batches: Type.Integer({
      minimum: 1,
      default: 1,
      description: 'Batches whose gradients are averaged into one optimizer step.',
    }),
    label_smoothing: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0,
      description: 'Training targets become (1 - ε)·one_hot + ε/num_classes (torch CrossEntropyLoss).',
    }),
  },
  { additionalProperties: false },
);

/** `cls export`'s node (`configs/export/default.yaml`); absent from training runs. */
export const ExportConfigSchema = Type.Object(
  {
    output: Nullable(
      Type.String({ minLength: 1, description: 'The .onnx file, or the tfjs model directory.' }),
    ),
    format: Type.Union([Type.Literal('onnx'), Type.Literal('tfjs')]),
    opset: Type.Integer({ minimum: 13, maximum: 17 }),
    class_names: Nullable(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

/** `cls predict`'s node (`configs/predict/default.yaml`); absent from training runs. */
export const PredictConfigSchema = Type.Object(
  {
    input: Nullable(
      Type.String({
        minLength: 1,
        description: 'An image file, or a folder searched recursively for images.',
      }),
    ),
    output: Nullable(
      Type.String({
        minLength: 1,
        description: 'The predictions CSV; null = predictions.csv in the run directory.',
      }),
    ),
    top_k: Type.Integer({ minimum: 1, description: 'Classes written per image, most confident first.' }),
  },
  { additionalProperties: false },
);

export const HydraConfigSchema = Type.Object(
  {
    run: Type.Object({ dir: Type.String({ minLength: 1 }) }, { additionalProperties: true }),
    verbose: Type.Boolean(),
  },
  { additionalProperties: true },
);

export const ClsConfigSchema = Type.Object(
  {
    task_name: Type.String(),
    // Beyond 2^53 a YAML integer is no longer exact, so distinct seeds would silently train alike.
    seed: Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }),
    plugins: Type.Array(Type.String({ minLength: 1 }), {
      description: 'npm packages or paths whose plugins are registered before the run.',
    }),
    tags: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number()]))),
    data: DataConfigSchema,
    transforms: Type.Optional(TransformsConfigSchema),
    model: ModelConfigSchema,
    optimizer: OptimizerConfigSchema,
    scheduler: SchedulerConfigSchema,
    trainer: TrainerConfigSchema,
    callbacks: Type.Record(Type.String(), Nullable(Type.Record(Type.String(), Type.Unknown()))),
    ckpt_path: Nullable(
      Type.String({
        minLength: 1,
        description:
          'Resume from a checkpoint: last | best (of this run directory) | a checkpoint directory.',
      }),
    ),
    export: Type.Optional(ExportConfigSchema),
    predict: Type.Optional(PredictConfigSchema),
    paths: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    hydra: HydraConfigSchema,
  },
  { additionalProperties: false },
);

export type DataConfig = Static<typeof DataConfigSchema>;
export type TransformsConfig = Static<typeof TransformsConfigSchema>;
export type ModelConfig = Static<typeof ModelConfigSchema>;
export type OptimizerConfig = Static<typeof OptimizerConfigSchema>;
export type SchedulerConfig = Static<typeof SchedulerConfigSchema>;
export type TrainerConfig = Static<typeof TrainerConfigSchema>;
export type ExportConfig = Static<typeof ExportConfigSchema>;
export type PredictConfig = Static<typeof PredictConfigSchema>;
export type Accelerator = Static<typeof AcceleratorSchema>;
export type Precision = Static<typeof PrecisionSchema>;
export type ClsConfig = Static<typeof ClsConfigSchema>;
