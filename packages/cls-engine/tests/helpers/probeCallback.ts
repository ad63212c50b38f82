import { definePlugin, type Callback, type TrainerContext } from '@nextplay/cls-core';

export interface ProbeOptions {
  /** Called after each training batch, e.g. to abort the run. */
  readonly on_batch_end?: (index: number) => void;
}

/** Records the step counter, learning rate and hooks the engine shows it, and the weights when fit ends. */
export class Probe implements Callback {
  readonly name = 'probe';
  readonly globalSteps: number[] = [];
  readonly lrs: number[] = [];
  readonly hooks: string[] = [];
  stepsPerEpoch = 0;
  /** Every model weight, flattened, at `onFitEnd`. */
  weights: number[][] = [];
  readonly #options: ProbeOptions;

  constructor(options: ProbeOptions) {
    this.#options = options;
  }

  onTrainBatchEnd(context: TrainerContext, batch: { readonly index: number }): void {
    this.globalSteps.push(context.globalStep);
    this.lrs.push(context.lr);
    this.stepsPerEpoch = context.stepsPerEpoch;
    this.#options.on_batch_end?.(batch.index);
  }
  onFitEnd(context: TrainerContext): void {
    this.hooks.push('onFitEnd');
    this.weights = context.model.getWeights().map((w) => Array.from(w.dataSync()));
  }
  onTestStart(): void {
    this.hooks.push('onTestStart');
  }
}

/** The plugin hands out the instance in `probes` so tests can inspect it. */
export function probePlugin(probes: Probe[]) {
  return definePlugin<'callback', ProbeOptions>({
    kind: 'callback',
    name: 'probe',
    package: 'engine-tests',
    description: 'Records what the trainer shows callbacks.',
    optionsSchema: { type: 'object', properties: {}, additionalProperties: true },
    create: (options) => {
      const probe = new Probe(options);
      probes.push(probe);
      return probe;
    },
  });
}
