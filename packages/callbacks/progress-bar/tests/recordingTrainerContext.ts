import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger, type Logger, type Stage, type TrainerContext } from '@nextplay/cls-core';

export interface LoggedMessage {
  readonly type: string;
  readonly text: string;
}

export interface LoggedMetric {
  readonly epoch: number;
  readonly name: string;
  readonly value: number;
}

/**
 * The engine's side of the callback contract, for driving a callback through epochs in tests: metrics are a
 * plain map, `saveCheckpoint` writes a small JSON file into the checkpoint directory (replacing it atomically,
 * as the engine does), and log messages are recorded.
 */
export class RecordingTrainerContext implements TrainerContext {
  stage: Stage = 'fit';
  epoch = 0;
  maxEpochs = 10;
  globalStep = 0;
  stepsPerEpoch = 100;
  batchesInLoop = 100;
  lr = 1e-3;
  metrics: Record<string, number> = {};
  readonly classes = ['cat', 'dog'] as const;
  readonly runDir: string;
  readonly logger: Logger;
  readonly messages: LoggedMessage[] = [];
  readonly logged: LoggedMetric[] = [];
  readonly saved: string[] = [];
  stopReasons: string[] = [];
  #saves = 0;

  constructor(runDir: string) {
    this.runDir = runDir;
    this.logger = createLogger({ console: false });
    this.logger.addReporter({
      log: (entry) => {
        this.messages.push({ type: entry.type, text: entry.args.map(String).join(' ') });
      },
    });
  }

  get model(): TrainerContext['model'] {
    throw new Error('the callback under test must not touch the model');
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
    await mkdir(staging, { recursive: true });
    await writeFile(
      join(staging, 'checkpoint.json'),
      JSON.stringify({ epoch: this.epoch, step: this.globalStep }),
    );
    await rm(path, { recursive: true, force: true });
    await rename(staging, path);
    this.saved.push(path);
  }

  warnings(): string[] {
    return this.messages.filter((m) => m.type === 'warn').map((m) => m.text);
  }
}
