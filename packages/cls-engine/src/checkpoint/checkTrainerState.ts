import { ClsError } from '@nextplay/cls-core';
import { CHECKPOINT_LIMITS } from './checkpointLimits.js';
import { checkWeightSpecs } from './checkWeightSpecs.js';
import type { TrainerState } from './saveCheckpoint.js';

/**
 * Checks a parsed `trainer_state.json` (at `path`, named in errors) field by field before anything sizes a tensor
 * or a loop from it: image size and class count within the ranges config allows (`CHECKPOINT_LIMITS`), class names
 * as strings, three-channel mean and std, counters as non-negative integers, a resume state's loss scale as a
 * positive number, and its tensor specs as `checkWeightSpecs` checks them.
 */
export function checkTrainerState(value: unknown, path: string): TrainerState {
  const refuse = (rule: string): never => {
    throw new ClsError('CHECKPOINT_INVALID', `checkpoint file ${path}: ${rule}`);
  };
  if (!isRecord(value)) return refuse('not a JSON object');
  const limits = CHECKPOINT_LIMITS;
  const { epoch, global_step, metrics, classes, model, image_size, mean, std, resize, resume } = value;
  const trainClassCounts = value.train_class_counts;
  if (!isCount(epoch)) refuse('epoch is not a non-negative integer');
  if (!isCount(global_step)) refuse('global_step is not a non-negative integer');
  if (!isRecord(metrics)) refuse('metrics is not an object');
  if (!isRecord(model)) refuse('model is not an object');
  const isSide = (side: unknown): boolean =>
    isCount(side) && side >= limits.minImageSize && side <= limits.maxImageSize;
  if (!(
    isSide(image_size) ||
    (Array.isArray(image_size) && image_size.length === 2 && image_size.every(isSide))
  )) {
    refuse(
      `image_size ${JSON.stringify(image_size)} is not an integer from ${limits.minImageSize} to ${limits.maxImageSize} ` +
        'or [height, width] of such integers',
    );
  }
  if (
    !Array.isArray(classes) ||
    classes.length < limits.minClasses ||
    classes.length > limits.maxClasses ||
    !classes.every((name) => typeof name === 'string' && name.length <= limits.maxClassNameLength)
  ) {
    refuse(
      `classes is not a list of ${limits.minClasses} to ${limits.maxClasses} class names ` +
        `(strings of at most ${limits.maxClassNameLength} characters)`,
    );
  }
  if (
    trainClassCounts !== undefined &&
    !(
      Array.isArray(trainClassCounts) &&
      Array.isArray(classes) &&
      trainClassCounts.length === classes.length &&
      trainClassCounts.every(isCount)
    )
  ) {
    refuse('train_class_counts is not a list of one image count per class');
  }
  if (!isChannelValues(mean, () => true)) refuse('mean is not a list of 3 numbers');
  if (!isChannelValues(std, (v) => v > 0)) refuse('std is not a list of 3 positive numbers');
  if (resize !== undefined && (typeof resize !== 'string' || resize.length > 64))
    refuse('resize is not a mode name');
  if (resume !== undefined) checkResume(resume, refuse);
  return value as unknown as TrainerState;
}

/** The resume state: what `resumeRun` reads from it to continue training. */
function checkResume(resume: unknown, refuse: (rule: string) => never): void {
  if (!isRecord(resume)) return refuse('resume is not an object');
  if (resume.format !== 1) return;
  for (const key of ['epoch', 'batches_done']) {
    if (!isCount(resume[key])) refuse(`resume.${key} is not a non-negative integer`);
  }
  // Numbers JSON may have written as null (NaN) are left to the trainer; none of them sizes anything.
  const totals = resume.epoch_totals;
  if (!isRecord(totals)) refuse('resume.epoch_totals is not an object');
  if (!isRecord(resume.epoch_row)) refuse('resume.epoch_row is not an object');
  const { maxMetricRows, maxMetricsPerRow, maxMetricNameLength } = CHECKPOINT_LIMITS;
  if (
    !Array.isArray(resume.csv_rows) ||
    resume.csv_rows.length > maxMetricRows ||
    !resume.csv_rows.every(isMetricRow)
  ) {
    refuse(
      `resume.csv_rows is not a list of at most ${maxMetricRows} rows of at most ${maxMetricsPerRow} metrics, ` +
        `each a name (1 to ${maxMetricNameLength} characters, no control characters, not starting with = + - @) ` +
        'and a number',
    );
  }
  if (!isRecord(resume.callbacks)) refuse('resume.callbacks is not an object');
  const scaler = resume.grad_scaler;
  if (
    scaler !== undefined &&
    !(
      isRecord(scaler) &&
      typeof scaler.scale === 'number' &&
      Number.isFinite(scaler.scale) &&
      scaler.scale > 0 &&
      isCount(scaler.growth_tracker) &&
      isCount(scaler.skipped_steps)
    )
  ) {
    refuse(
      'resume.grad_scaler is not a positive scale with non-negative integer growth_tracker and skipped_steps',
    );
  }
  try {
    checkWeightSpecs(resume.tensors, 'resume.tensors');
  } catch (error) {
    refuse(error instanceof Error ? error.message : String(error));
  }
}

function isChannelValues(value: unknown, valid: (v: number) => boolean): boolean {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v) && valid(v))
  );
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * A row of `metrics.csv` as a checkpoint may carry it: names become the file's header, so none may hold control
 * characters (terminal escapes) or start as a spreadsheet formula.
 */
function isMetricRow(row: unknown): boolean {
  if (!isRecord(row)) return false;
  const entries = Object.entries(row);
  return (
    entries.length <= CHECKPOINT_LIMITS.maxMetricsPerRow &&
    entries.every(
      ([name, value]) =>
        name.length > 0 &&
        name.length <= CHECKPOINT_LIMITS.maxMetricNameLength &&
        !/\p{Cc}/u.test(name) &&
        !/^[=+\-@]/.test(name) &&
        (typeof value === 'number' || value === null),
    )
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
