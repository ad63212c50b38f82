import { resolve } from 'node:path';
import { ClsError, createLogger } from '@nextplay/cls-core';
import { prepareMnist } from '@nextplay/cls-data';
import type { CliArgs } from '../cliArgs.js';
import type { CliIo } from '../cliIo.js';

const DATASETS = ['mnist'] as const;

/** `cls data prepare mnist [out=DIR | --out DIR]`: writes an embedded dataset as an ImageFolder. */
export async function dataPrepareCommand(args: CliArgs, io: CliIo): Promise<number> {
  const name = args.command[2];
  if (name !== 'mnist') {
    throw new ClsError(
      'USAGE',
      `${name === undefined ? 'no dataset named' : `unknown dataset ${name}`} for cls data prepare; available: ${DATASETS.join(', ')}`,
    );
  }
  const outDir = resolve(io.cwd, outOption(args) ?? 'data/mnist');
  const logger = createLogger({ level: args.verbose ? 4 : 3 });
  const counts = await prepareMnist(outDir, { logger });
  io.stdout(`MNIST ImageFolder at ${outDir}: ${JSON.stringify(counts)}\n`);
  return 0;
}

/** `out=DIR` (as `cls data synth` takes it) or `--out DIR`; any other key=value is refused rather than ignored. */
function outOption(args: CliArgs): string | undefined {
  let out = args.out;
  for (const override of args.overrides) {
    const [key, value] = [
      override.slice(0, override.indexOf('=')),
      override.slice(override.indexOf('=') + 1),
    ];
    if (key !== 'out' || value === '') {
      throw new ClsError('USAGE', `unknown option ${override} of cls data prepare (options: out=<dir>)`);
    }
    out = value;
  }
  return out;
}
