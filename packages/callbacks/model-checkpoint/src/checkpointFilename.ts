import { ClsError } from '@nextplay/cls-core';

/** A parsed `filename` template such as `epoch={epoch}-step={step}-{val/acc:.4f}`. */
export interface CheckpointFilename {
  readonly template: string;
  /** Placeholder names in order of appearance (`epoch`, `step` or metric names). */
  readonly placeholders: readonly string[];
  /** The file name for these values; placeholders without a value render as `NaN`. */
  format(values: Readonly<Record<string, number>>): string;
}

type Segment = { readonly text: string } | { readonly name: string; readonly spec: NumberSpec | undefined };

interface NumberSpec {
  readonly kind: 'f' | 'e' | 'd';
  readonly digits: number;
}

const PLACEHOLDER = /\{([^{}:]+)(?::([^{}]*))?\}/g;
const SPEC = /^(?:\.(\d{1,2})([fe])|d)$/;

/**
 * Parses a checkpoint file-name template. `{name}` inserts a value as is, `{name:.4f}` with fixed decimals,
 * `{name:.2e}` in exponent notation and `{name:d}` rounded to an integer, as in Python format specs.
 */
export function parseCheckpointFilename(template: string): CheckpointFilename {
  const segments: Segment[] = [];
  let position = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index > position)
      segments.push({ text: literal(template, template.slice(position, match.index)) });
    const name = (match[1] ?? '').trim();
    segments.push({ name, spec: match[2] === undefined ? undefined : parseSpec(template, match[2]) });
    position = match.index + match[0].length;
  }
  if (position < template.length) segments.push({ text: literal(template, template.slice(position)) });
  if (template.trim() === '') {
    throw new ClsError('CONFIG_INVALID', 'callbacks.model_checkpoint.filename must not be empty');
  }
  const placeholders = segments.flatMap((segment) => ('name' in segment ? [segment.name] : []));
  return {
    template,
    placeholders,
    format(values) {
      const name = segments
        .map((segment) =>
          'text' in segment ? segment.text : formatValue(values[segment.name], segment.spec),
        )
        .join('');
      // A metric name such as `val/acc` must not turn the file name into a sub-directory.
      return name.replace(/[/\\]/g, '_');
    },
  };
}

function literal(template: string, text: string): string {
  if (text.includes('{') || text.includes('}')) {
    throw new ClsError(
      'CONFIG_INVALID',
      `callbacks.model_checkpoint.filename "${template}" has an unbalanced brace; placeholders look like {epoch} or {val/acc:.4f}`,
    );
  }
  return text;
}

function parseSpec(template: string, spec: string): NumberSpec {
  const match = SPEC.exec(spec);
  if (match === null) {
    throw new ClsError(
      'CONFIG_INVALID',
      `callbacks.model_checkpoint.filename "${template}" has an unsupported format ":${spec}"; use :.Nf, :.Ne or :d`,
    );
  }
  if (match[2] === undefined) return { kind: 'd', digits: 0 };
  return { kind: match[2] === 'e' ? 'e' : 'f', digits: Number(match[1]) };
}

function formatValue(value: number | undefined, spec: NumberSpec | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return String(value ?? Number.NaN);
  if (spec === undefined) return String(value);
  switch (spec.kind) {
    case 'f':
      return value.toFixed(spec.digits);
    case 'e':
      return value.toExponential(spec.digits);
    case 'd':
      return String(Math.round(value));
  }
}
