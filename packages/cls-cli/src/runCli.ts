import { readFileSync } from 'node:fs';
import { ClsError, escapeTerminalText, isClsError, suggest } from '@nextplay/cls-core';
import { parseCliArgs, type CliArgs } from './cliArgs.js';
import { processIo, type CliIo } from './cliIo.js';
import { dataBenchCommand } from './commands/dataBench.js';
import { dataPrepareCommand } from './commands/dataPrepare.js';
import { dataSynthCommand } from './commands/dataSynth.js';
import { exportCommand } from './commands/export.js';
import { infoCommand } from './commands/info.js';
import { predictCommand } from './commands/predict.js';
import { reportCommand } from './commands/report.js';
import { testCommand } from './commands/test.js';
import { trainCommand } from './commands/train.js';
import { configSearchPath } from './configDirs.js';
import { refuseStrayWords } from './strayWords.js';
import { verboseStack } from './verboseStack.js';
import { usageText } from './usage.js';

export const EXIT_USER_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL_ERROR = 70;

/**
 * Runs `cls` and returns the exit code. A user error prints one line (`cls: <message>`), a stack only with
 * --verbose; anything else is a bug and prints the stack with a request to report it.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let args: CliArgs | undefined;
  try {
    args = parseCliArgs(argv);
    return await dispatch(args, io);
  } catch (error) {
    const verbose = args?.verbose ?? argv.includes('--verbose');
    if (isClsError(error)) {
      // Messages quote paths and class names from files: escaped, so they cannot drive the terminal.
      io.stderr(`cls: ${escapeTerminalText(oneLine(error.message))}\n`);
      if (verbose) io.stderr(`${verboseStack(error)}\n`);
      return error.code === 'USAGE' ? EXIT_USAGE : EXIT_USER_ERROR;
    }
    const stack = verboseStack(error);
    io.stderr(
      `cls: internal error: ${stack}\nThis is a bug in @nextplay/cls; please report it with the command you ran.\n`,
    );
    return EXIT_INTERNAL_ERROR;
  }
}

async function dispatch(args: CliArgs, io: CliIo): Promise<number> {
  if (args.version) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  if (args.info) return infoCommand(args, io);
  const [command, sub] = args.command;
  if (args.help || command === undefined || command === 'help') {
    io.stdout(`${usageText(configSearchPath(io.cwd, args.configDir, args.configPath))}\n`);
    return command === undefined && !args.help ? EXIT_USAGE : 0;
  }
  const run = DISPATCH.get(command === 'data' ? `data ${sub ?? ''}` : command);
  if (run !== undefined) {
    // `cls report DIR` and `cls data prepare NAME` take one word more; the rest take only overrides.
    if (command !== 'report') refuseStrayWords(args, command === 'data' ? (sub === 'prepare' ? 3 : 2) : 1);
    return run(args, io);
  }
  const given = args.command.join(' ');
  const [close] = suggest(command === 'data' ? args.command.slice(0, 2).join(' ') : command, COMMANDS, 2);
  throw new ClsError(
    'USAGE',
    `unknown command ${given}${close === undefined ? '' : `; did you mean ${close}?`}`,
    { hint: `commands: ${COMMANDS.join(', ')}; see cls --help` },
  );
}

const DISPATCH: ReadonlyMap<string, (args: CliArgs, io: CliIo) => Promise<number>> = new Map([
  ['train', trainCommand],
  ['test', testCommand],
  ['predict', predictCommand],
  ['export', exportCommand],
  ['report', reportCommand],
  ['data prepare', dataPrepareCommand],
  ['data bench', dataBenchCommand],
  ['data synth', dataSynthCommand],
]);

/** What `cls <command>` accepts, for "did you mean". */
const COMMANDS = [
  'train',
  'test',
  'predict',
  'export',
  'report',
  'data prepare',
  'data bench',
  'data synth',
  'help',
];

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, '; ');
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
