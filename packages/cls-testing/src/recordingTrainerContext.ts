import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  type ClsConfig,
  type DataModuleInfo,
  type Logger,
  type RawImage,
  type SplitName,
  type SplitPredictions,
  type Stage,
  type TrainerContext,
} from '@nextplay/cls-core';

/** A message the callback under test wrote through `context.logger`. */
export interface LoggedMessage {
  /** The logger level: `info`, `warn`, `error`, `debug`, … */
  readonly type: string;
  readonly text: string;
}

/** A metric the callback under test recorded with `context.log`. */
export interface LoggedMetric {
  readonly epoch: number;
  readonly name: string;
  readonly value: number;
}

/** What `saveCheckpoint` writes to `<path>/checkpoint.json` (the engine writes weights and this trainer state). */
export interface RecordedCheckpoint {
  readonly epoch: number;
  readonly global_step: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface RecordingTrainerContextOptions {
  /** The run directory callbacks write under (e.g. `<runDir>/checkpoints`). */
  readonly runDir: string;
  /** `dispose()` deletes `runDir` (set by `createRecordingTrainerContext` for the temporary directory it makes). */
  readonly ownsRunDir?: boolean;
  /** The model `context.model` returns; without one, reading `context.model` throws. */
  readonly model?: TrainerContext['model'];
  readonly classes?: readonly string[];
  /**
   * What `context.data` shows: class names, image size, and each split's size, counts and files. Default: the
   * `classes`, 32 px RGB, an empty train split and no val or test split.
   */
  readonly data?: DataModuleInfo;
  /** What `context.config` returns; without one, reading `context.config` throws. */
  readonly config?: ClsConfig;
  /**
   * What `loadImages(split, indices)` reads each image from; without it, `loadImages` resolves with undefined
   * (a split that holds no images).
   */
  readonly loadImage?: (split: SplitName, index: number) => RawImage | Promise<RawImage>;
  /** What `loadModel(path)` builds; without it, `loadModel` throws. */
  readonly loadModel?: TrainerContext['loadModel'];
  /** Default 10. */
  readonly maxEpochs?: number;
  /** Default 100; also the default `batchesInLoop`. */
  readonly stepsPerEpoch?: number;
  /** Default 1e-3. */
  readonly lr?: number;
  /**
   * What `validate(prefix)` resolves with: the engine's metric names (`<prefix>/loss`, `<prefix>/acc`, …) for
   * the current weights. Default: no val split (undefined).
   */
  readonly validation?: (
    prefix: string,
    context: RecordingTrainerContext,
  ) => Record<string, number> | undefined;
}

/**
 * The engine's side of the callback contract, for driving a callback through a run in tests. Every field the
 * engine advances (`stage`, `epoch`, `globalStep`, `lr`, `metrics`, …) is a plain writable property; what the
 * callback does through the context is recorded: metrics it logs (`logged`), logger messages (`messages`),
 * stop requests (`stopReasons`) and checkpoints it saves (`saved`). `saveCheckpoint` writes a small
 * `checkpoint.json` instead of weights, replacing the directory atomically as the engine does.
 */
export class RecordingTrainerContext implements TrainerContext {
  stage: Stage = 'fit';
  epoch = 0;
  maxEpochs: number;
  globalStep = 0;
  stepsPerEpoch: number;
  batchesInLoop: number;
  lr: number;
  metrics: Record<string, number> = {};
  /** Set it (or pass `predictionsAt` to `runEpochs`) before `onValidationEnd`, as the engine does. */
  validationPredictions: SplitPredictions | undefined;
  /** Set it before `onTestEnd`, as the engine does. */
  testPredictions: SplitPredictions | undefined;
  readonly classes: readonly string[];
  readonly data: DataModuleInfo;
  readonly runDir: string;
  readonly logger: Logger;
  readonly messages: LoggedMessage[] = [];
  readonly logged: LoggedMetric[] = [];
  /** Paths passed to `saveCheckpoint`, in order. */
  readonly saved: string[] = [];
  /** `[source, target]` of each `linkCheckpoint`, in order. */
  readonly linked: [string, string][] = [];
  /** Prefixes passed to `validate`, in order. */
  readonly validations: string[] = [];
  /** Reasons passed to `requestStop`, in order; clear it to let a run go on. */
  stopReasons: string[] = [];
  /** Set it to drive a callback through an interrupted run's `onFitEnd`. */
  interrupted = false;
  /** Set it as a checkpoint callback would have. */
  bestModelPath: string | undefined;
  /** The latest path given to `saveCheckpoint` or `linkCheckpoint` (as target), as the engine tracks it. */
  lastCheckpointPath: string | undefined;
  readonly #model: TrainerContext['model'] | undefined;
  readonly #config: ClsConfig | undefined;
  readonly #loadImage: RecordingTrainerContextOptions['loadImage'];
  readonly #loadModel: RecordingTrainerContextOptions['loadModel'];
  readonly #ownsRunDir: boolean;
  readonly #validation: RecordingTrainerContextOptions['validation'];
  #saves = 0;

  constructor(options: RecordingTrainerContextOptions) {
    this.runDir = options.runDir;
    this.#ownsRunDir = options.ownsRunDir ?? false;
    this.#model = options.model;
    this.#config = options.config;
    this.#loadImage = options.loadImage;
    this.#loadModel = options.loadModel;
    this.#validation = options.validation;
    this.classes = options.data?.classes ?? options.classes ?? ['cat', 'dog'];
    this.data = options.data ?? {
      classes: this.classes,
      imageSize: [32, 32],
      channels: 3,
      train: { name: 'train', size: 0, classCounts: this.classes.map(() => 0) },
      val: undefined,
      test: undefined,
    };
    this.maxEpochs = options.maxEpochs ?? 10;
    this.stepsPerEpoch = options.stepsPerEpoch ?? 100;
    this.batchesInLoop = this.stepsPerEpoch;
    this.lr = options.lr ?? 1e-3;
    this.logger = createLogger({ console: false });
    this.logger.addReporter({
      log: (entry) => {
        this.messages.push({ type: entry.type, text: entry.args.map(String).join(' ') });
      },
    });
  }

  get model(): TrainerContext['model'] {
    if (this.#model === undefined) {
      throw new Error(
        'RecordingTrainerContext has no model: pass { model } when creating it to test a callback that uses context.model',
      );
    }
    return this.#model;
  }

  get config(): ClsConfig {
    if (this.#config === undefined) {
      throw new Error(
        'RecordingTrainerContext has no config: pass { config } when creating it to test a callback that uses context.config',
      );
    }
    return this.#config;
  }

  async loadImages(split: SplitName, indices: readonly number[]): Promise<readonly RawImage[] | undefined> {
    const loadImage = this.#loadImage;
    if (loadImage === undefined) return undefined;
    return Promise.all(indices.map(async (index) => loadImage(split, index)));
  }

  loadModel(path: string): ReturnType<TrainerContext['loadModel']> {
    if (this.#loadModel === undefined) {
      throw new Error(
        'RecordingTrainerContext cannot load models: pass { loadModel } when creating it to test a callback that uses context.loadModel',
      );
    }
    return this.#loadModel(path);
  }

  get stopRequested(): boolean {
    return this.stopReasons.length > 0;
  }

  log(name: string, value: number): void {
    this.metrics[name] = value;
    this.logged.push({ epoch: this.epoch, name, value });
  }

  requestStop(reason: string): void {
    this.stopReasons.push(reason);
  }

  async saveCheckpoint(path: string): Promise<void> {
    const staging = `${path}.saving-${++this.#saves}`;
    const state: RecordedCheckpoint = {
      epoch: this.epoch,
      global_step: this.globalStep,
      metrics: { ...this.metrics },
    };
    await mkdir(staging, { recursive: true });
    await writeFile(join(staging, 'checkpoint.json'), JSON.stringify(state));
    await rm(path, { recursive: true, force: true });
    await rename(staging, path);
    this.saved.push(path);
    this.lastCheckpointPath = path;
  }

  /** Logs and resolves with the metrics the `validation` option gives for `prefix`, as the engine does. */
  validate(prefix: string): Promise<Readonly<Record<string, number>> | undefined> {
    this.validations.push(prefix);
    const metrics = this.#validation?.(prefix, this);
    for (const [name, value] of Object.entries(metrics ?? {})) this.log(name, value);
    return Promise.resolve(metrics);
  }

  /** Copies checkpoint `source` to `target` (replacing it) and records the pair in `linked`, as the engine links. */
  async linkCheckpoint(source: string, target: string): Promise<void> {
    const staging = `${target}.linking-${++this.#saves}`;
    await cp(source, staging, { recursive: true });
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    this.linked.push([source, target]);
    this.lastCheckpointPath = target;
  }

  /** Texts of the `warn` messages, in order. */
  warnings(): string[] {
    return this.messages.filter((m) => m.type === 'warn').map((m) => m.text);
  }

  /** Deletes the run directory if this context made it; otherwise does nothing. */
  async dispose(): Promise<void> {
    if (this.#ownsRunDir) await rm(this.runDir, { recursive: true, force: true });
  }
}

/**
 * A `RecordingTrainerContext` in a fresh temporary run directory (removed by `dispose()`), or in `runDir` when
 * given (left in place).
 */
export async function createRecordingTrainerContext(
  options: Partial<RecordingTrainerContextOptions> = {},
): Promise<RecordingTrainerContext> {
  if (options.runDir !== undefined)
    return new RecordingTrainerContext({ ...options, runDir: options.runDir });
  const runDir = await mkdtemp(join(tmpdir(), 'cls-testing-run-'));
  return new RecordingTrainerContext({ ...options, runDir, ownsRunDir: true });
}

/** Reads the state a `RecordingTrainerContext` saved at `path`. */
export async function readRecordedCheckpoint(path: string): Promise<RecordedCheckpoint> {
  return JSON.parse(await readFile(join(path, 'checkpoint.json'), 'utf8')) as RecordedCheckpoint;
}
