/**
 * Multirun sweeps, as Hydra's override grammar writes them: `a=1,2` and `choice(1,2)` (choice), `range(0,1,0.25)`,
 * `glob(*,exclude=x)` over a config group's options, and `interval(0,1)` (for sampling sweepers only).
 */
export type Sweep = ChoiceSweep | RangeSweep | GlobSweep | IntervalSweep;

export class ChoiceSweep {
  readonly kind = 'choice';
  /** `simple` for the `a,b,c` form, which Hydra keeps apart from `choice(a,b,c)` only in how it prints. */
  constructor(
    readonly values: readonly unknown[],
    readonly simple = false,
  ) {}
}

/** Hydra's range: `r[i] = start + step*i` while `r[i] < stop` (`> stop` for a negative step); ints or floats. */
export class RangeSweep {
  readonly kind = 'range';
  constructor(
    readonly start: number,
    readonly stop: number,
    readonly step: number,
  ) {}

  values(): number[] {
    const { start, stop, step } = this;
    // Decimal digits of the inputs bound those of the outputs: range(0,10,3.3) is 0,3.3,6.6,9.9, not 9.899….
    const digits = Math.min(15, Math.max(decimals(start), decimals(step)));
    const values: number[] = [];
    for (let i = 0; ; i++) {
      const value = Number((start + step * i).toFixed(digits));
      if (step > 0 ? value >= stop : value <= stop) return values;
      values.push(value);
    }
  }
}

/** `glob(include, exclude)`: the options of the override's config group that match, in the group's order. */
export class GlobSweep {
  readonly kind = 'glob';
  constructor(
    readonly include: readonly string[],
    readonly exclude: readonly string[],
  ) {}

  filter(options: readonly string[]): string[] {
    const includes = this.include.map(globPattern);
    const excludes = this.exclude.map(globPattern);
    return options.filter(
      (option) =>
        includes.some((pattern) => pattern.test(option)) && !excludes.some((pattern) => pattern.test(option)),
    );
  }
}

/** A continuous interval `start <= x < end`; only sampling sweepers can use it. */
export class IntervalSweep {
  readonly kind = 'interval';
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}

export function isSweep(value: unknown): value is Sweep {
  return (
    value instanceof ChoiceSweep ||
    value instanceof RangeSweep ||
    value instanceof GlobSweep ||
    value instanceof IntervalSweep
  );
}

/** fnmatch-style: `*` any run, `?` one character, `[abc]` a set; everything else literal. */
function globPattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] ?? '';
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[' && glob.slice(i + 2).includes(']')) {
      const end = glob.indexOf(']', i + 2);
      const body = glob.slice(i + 1, end);
      source += `[${body.startsWith('!') ? `^${escapeClass(body.slice(1))}` : escapeClass(body)}]`;
      i = end;
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function escapeClass(body: string): string {
  return body.replace(/[\\\]^]/g, '\\$&');
}

function decimals(value: number): number {
  const text = String(value);
  const exponent = /e([+-]\d+)$/.exec(text);
  const mantissa = exponent === null ? text : text.slice(0, exponent.index);
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - (exponent === null ? 0 : Number(exponent[1])));
}
