/** One crafted file: how cls loads it, the file its one-line error must name, and the rule it breaks. */
export interface HostileCase {
  readonly name: string;
  /** `checkpoint`: `cls export ckpt_path=<path>`; `pretrained`: `model.pretrained=<path>`. */
  readonly kind: 'checkpoint' | 'pretrained';
  readonly path: string;
  readonly names: string;
  /** A regular expression for the rule the file breaks. */
  readonly rule: string;
}

export interface HostileFiles {
  /** A file outside every checkpoint whose bytes must never reach an output. */
  readonly secret: string;
  /** A valid checkpoint directory, the one the hostile ones are made from. */
  readonly valid: string;
  readonly cases: readonly HostileCase[];
}

export const SECRET_MARKER: string;

export function generateHostileFiles(out: string): HostileFiles;
