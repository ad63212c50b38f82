import { posix } from 'node:path';
import { formatBytes } from '../format.js';
import { jsonCell } from '../jsonTables.js';
import type { RunFiles } from '../runFiles.js';
import { isRecord } from '../runData.js';
import { SECTION_ORDER, type ReportBlock, type ReportCell, type ReportSection } from '../reportSection.js';
import type { SectionInput } from './sectionInput.js';

/** Facts of an ONNX export's sidecar `onnx/<name>.json` shown beside it. */
export const ONNX_SIDECAR_KEYS = [
  'weights',
  'epoch',
  'opset',
  'input_size',
  'max_abs_diff',
  'argmax_agreement',
  'images_compared',
] as const;

/** The checkpoints (`checkpoints/*`) and ONNX exports (`onnx/*.onnx` with their sidecar's key facts). */
export async function exportsSection({ files, run }: SectionInput): Promise<ReportSection | undefined> {
  const blocks: ReportBlock[] = [];
  const checkpoints = await files.list('checkpoints');
  if (checkpoints.length > 0) {
    const best = relativeName(run.results?.best_model_path, files.runDir);
    const rows: ReportCell[][] = [];
    for (const entry of checkpoints) {
      const path = `checkpoints/${entry.name}`;
      const size = await totalSize(files, path);
      rows.push([{ file: path }, path === best ? 'best (tested)' : '', formatBytes(size)]);
    }
    blocks.push({ kind: 'table', table: { caption: 'checkpoints', columns: ['path', '', 'size'], rows } });
  }
  const onnx = (await files.list('onnx')).filter(
    (entry) => !entry.isDirectory && entry.name.endsWith('.onnx'),
  );
  if (onnx.length > 0) {
    const rows: ReportCell[][] = [];
    for (const entry of onnx) {
      const path = `onnx/${entry.name}`;
      const sidecarPath = path.replace(/\.onnx$/, '.json');
      const sidecar = await files.json(sidecarPath);
      const facts =
        sidecar !== undefined && 'value' in sidecar && isRecord(sidecar.value) ? sidecar.value : {};
      const size = (await files.stat(path))?.size ?? 0;
      rows.push([
        { file: path },
        sidecar === undefined ? '(no sidecar)' : { file: sidecarPath },
        formatBytes(size),
        ...ONNX_SIDECAR_KEYS.map((key) => jsonCell(facts[key] ?? null)),
      ]);
    }
    blocks.push({
      kind: 'table',
      table: { caption: 'ONNX exports', columns: ['path', 'sidecar', 'size', ...ONNX_SIDECAR_KEYS], rows },
    });
  }
  if (blocks.length === 0) return undefined;
  return { id: 'exports', title: 'Checkpoints and exports', order: SECTION_ORDER.exports, blocks };
}

/** `best_model_path` relative to the run directory, when inside it. */
function relativeName(path: unknown, runDir: string): string | undefined {
  if (typeof path !== 'string') return undefined;
  const relative = posix.relative(runDir, path);
  return relative.startsWith('..') ? undefined : relative;
}

async function totalSize(files: RunFiles, path: string): Promise<number> {
  const info = await files.stat(path);
  if (info === undefined) return 0;
  if (!info.isDirectory) return info.size;
  let sum = 0;
  for (const file of await files.filesUnder(path)) sum += (await files.stat(file))?.size ?? 0;
  return sum;
}
