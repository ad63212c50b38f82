import { keyValueTable } from '../jsonTables.js';
import { isRecord } from '../runData.js';
import { SECTION_ORDER, type ReportBlock, type ReportSection } from '../reportSection.js';
import type { SectionInput } from './sectionInput.js';

/** The facts of `model_info.json` shown, in this order. */
export const MODEL_INFO_KEYS = [
  'arch',
  'input_size',
  'num_classes',
  'params_total',
  'params_trainable',
  'macs_per_image',
  'gmacs',
  'weights_mb',
  'layers',
  'backend',
  'throughput_img_s',
  'onnx_latency_ms_batch_1',
] as const;

/** `model_info.json` from the model-info callback: size, cost and measured speed of the model. */
export async function modelSection({ files }: SectionInput): Promise<ReportSection | undefined> {
  const read = await files.json('model_info.json');
  if (read === undefined) return undefined;
  const blocks: ReportBlock[] = [];
  if ('error' in read) blocks.push({ kind: 'text', text: read.error });
  else if (!isRecord(read.value))
    blocks.push({ kind: 'text', text: 'model_info.json does not hold a JSON object' });
  else {
    const info = read.value;
    const benchmark = isRecord(info.benchmark) ? info.benchmark : {};
    blocks.push({
      kind: 'table',
      table: keyValueTable({ ...info, benchmark_status: benchmark.status }, [
        ...MODEL_INFO_KEYS,
        'benchmark_status',
      ]),
    });
  }
  return {
    id: 'model',
    title: 'Model',
    order: SECTION_ORDER.model,
    description: 'From model_info.json.',
    blocks,
  };
}
