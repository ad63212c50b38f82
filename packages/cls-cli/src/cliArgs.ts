import { parseArgs } from 'node:util';
import { ClsError } from '@nextplay/cls-core';
import { isOverride } from './strayWords.js';

export interface CliArgs {
  /** The positional words that are not overrides: the command (`train`, `data synth`) and its arguments. */
  readonly command: string[];
  /** Every positional word, overrides included, in the order given. */
  readonly positionals: readonly string[];
  readonly overrides: string[];
  readonly cfg: 'job' | 'hydra' | 'all' | undefined;
  readonly resolve: boolean;
  readonly configDir: string | undefined;
  /** `--config-path`/`-cp`: the project's config folder, in place of `./configs`. */
  readonly configPath: string | undefined;
  /** `--config-name`/`-cn`, without a `.yaml` extension (Hydra accepts either). */
  readonly configName: string;
  readonly info: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
  readonly version: boolean;
  readonly out: string | undefined;
  /** `--json`: print one JSON object instead of text (cls data bench). */
  readonly json: boolean;
  /** `--epochs N` (cls data bench). */
  readonly epochs: number | undefined;
  /** `-m`/`--multirun`: run one job per combination of the sweeps in the overrides. */
  readonly multirun: boolean;
}

const CFG_VALUES = ['job', 'hydra', 'all'] as const;

/** Splits argv into the command words, flags and Hydra overrides (anything containing `=` or starting with `~`/`+`). */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.map(hydraShortOption),
      allowPositionals: true,
      strict: true,
      options: {
        cfg: { type: 'string', short: 'c' },
        resolve: { type: 'boolean', default: false },
        'config-dir': { type: 'string' },
        'config-path': { type: 'string' },
        'config-name': { type: 'string', default: 'train' },
        info: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
        multirun: { type: 'boolean', short: 'm', default: false },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        epochs: { type: 'string' },
      },
    });
  } catch (error) {
    throw new ClsError('USAGE', error instanceof Error ? error.message : String(error), {
      hint: 'see cls --help',
    });
  }
  const { values, positionals } = parsed;
  const cfg = values.cfg;
  if (cfg !== undefined && !(CFG_VALUES as readonly string[]).includes(cfg)) {
    throw new ClsError('USAGE', `--cfg ${cfg}: expected one of ${CFG_VALUES.join(', ')}`);
  }
  return {
    command: positionals.filter((arg) => !isOverride(arg)),
    positionals,
    overrides: positionals.filter(isOverride),
    cfg: cfg as CliArgs['cfg'],
    resolve: values.resolve,
    configDir: values['config-dir'],
    configPath: values['config-path'],
    configName: values['config-name'].replace(/\.yaml$/, ''),
    info: values.info,
    verbose: values.verbose,
    help: values.help,
    version: values.version,
    out: values.out,
    json: values.json,
    epochs: parseEpochs(values.epochs),
    multirun: values.multirun,
  };
}

/** Hydra's two-letter short options, which node's parser cannot declare: `-cn x`, `-cn=x` → `--config-name x`. */
const HYDRA_SHORT_OPTIONS: Readonly<Record<string, string>> = {
  '-cn': '--config-name',
  '-cp': '--config-path',
  '-cd': '--config-dir',
};

function hydraShortOption(arg: string): string {
  const [flag = '', ...value] = arg.split('=');
  const long = Object.hasOwn(HYDRA_SHORT_OPTIONS, flag) ? HYDRA_SHORT_OPTIONS[flag] : undefined;
  return long === undefined ? arg : [long, ...value].join('=');
}

function parseEpochs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const epochs = Number(value);
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new ClsError('USAGE', `--epochs ${value}: expected a whole number of epochs ≥ 1`);
  }
  return epochs;
}
