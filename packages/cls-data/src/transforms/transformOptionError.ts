import { ClsError } from '@nextplay/cls-core';

/**
 * A transform option that breaks a rule, as `random_rotation.degrees: must be …`. It names the option from the
 * plugin down; the pipeline that builds `transforms.train` puts the list and index in front
 * (`transforms.train.1.random_rotation.degrees: …`), as the schema errors read.
 */
export class TransformOptionError extends ClsError {
  /** `<transform>.<option>`, e.g. `random_rotation.degrees`. */
  readonly option: string;
  /** What is wrong, without the option: `must be [min, max], got [10,5]`. */
  readonly rule: string;

  constructor(option: string, rule: string) {
    super('CONFIG_INVALID', `${option}: ${rule}`);
    this.option = option;
    this.rule = rule;
  }
}
