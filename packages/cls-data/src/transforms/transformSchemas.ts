/** JSON Schemas of options several transforms share. */

export const interpolationSchema = (fallback: 'nearest' | 'bilinear'): Record<string, unknown> => ({
  enum: ['nearest', 'bilinear'],
  default: fallback,
  description: 'How source pixels are sampled (torchvision InterpolationMode).',
});

export const probabilitySchema = (fallback: number, what: string): Record<string, unknown> => ({
  type: 'number',
  minimum: 0,
  maximum: 1,
  default: fallback,
  description: `Probability of ${what}.`,
});

export const nullablePairSchema = (description: string): Record<string, unknown> => ({
  anyOf: [{ type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 }, { type: 'null' }],
  default: null,
  description,
});
