import type { JsonSchema } from '@nextplay/cls-core';

/** `callbacks.report` options. */
export interface ReportOptions {
  /** Rebuild `report.html` at the end of every n-th epoch (it is always rebuilt at fit end and test end). */
  readonly every_n_epochs?: number;
  /** Images larger than this (MiB) are linked instead of embedded, so the page stays quick to open. */
  readonly max_inline_image_mb?: number;
}

export type ResolvedReportOptions = { readonly [K in keyof ReportOptions]-?: ReportOptions[K] };

export const REPORT_DEFAULTS: ResolvedReportOptions = { every_n_epochs: 1, max_inline_image_mb: 20 };

export const reportOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    every_n_epochs: {
      type: 'integer',
      minimum: 1,
      default: REPORT_DEFAULTS.every_n_epochs,
      description: 'Rebuild report.html every n-th epoch end (always at fit end and test end).',
    },
    max_inline_image_mb: {
      type: 'number',
      exclusiveMinimum: 0,
      default: REPORT_DEFAULTS.max_inline_image_mb,
      description: 'Images larger than this (MiB) are linked instead of embedded in report.html.',
    },
  },
  additionalProperties: false,
};
