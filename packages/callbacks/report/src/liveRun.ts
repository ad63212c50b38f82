/**
 * What the report callback knows that the run's files do not say yet: while the run goes on (and at its end,
 * before `results.json` is written) its status and latest metrics come from the trainer.
 */
export interface LiveRun {
  /** `training` during fit, `testing` between fit and test, `interrupted` after Ctrl-C, `finished` after test. */
  readonly status: 'training' | 'testing' | 'interrupted' | 'finished';
  /** The 0-based epoch the trainer is at: the one just finished at an epoch end, the one cut short by Ctrl-C. */
  readonly epoch: number;
  readonly maxEpochs: number;
  /** The trainer's latest value of every logged metric (`train/loss`, `val/acc`, `test/acc`, …). */
  readonly metrics: Readonly<Record<string, number>>;
}
