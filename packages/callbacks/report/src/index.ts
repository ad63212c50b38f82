import { reportPlugin } from './reportPlugin.js';

export { reportPlugin, reportPlugins } from './reportPlugin.js';
export { ReportCallback } from './reportCallback.js';
export { REPORT_DEFAULTS, reportOptionsSchema } from './reportOptions.js';
export type { ReportOptions, ResolvedReportOptions } from './reportOptions.js';
export { REPORT_HTML, buildRunReport, runReportSections } from './buildRunReport.js';
export type { RunReportOptions } from './buildRunReport.js';
export type { LiveRun } from './liveRun.js';
export { RUN_DIR_MARKERS, isRunDir, writeRunReport } from './writeRunReport.js';
export { MULTIRUN_YAML, findSweepRuns, isSweepDir, writeSweepReport } from './sweepReport.js';
export { summarizeRun } from './runSummary.js';
export type { RunSummary } from './runSummary.js';
export { SECTION_ORDER } from './reportSection.js';
export type { ReportBlock, ReportCell, ReportLink, ReportSection, ReportTable } from './reportSection.js';
export { MANIFEST_NAME, REPORT_MANIFEST_DIR, checkSectionManifest } from './sectionManifest.js';
export type { ReportSectionManifest } from './sectionManifest.js';
export { writeReportSection } from './writeReportSection.js';
export { escapeHtml } from './html.js';

export default reportPlugin;
