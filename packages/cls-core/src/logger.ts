import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConsola, type ConsolaInstance, type ConsolaReporter, type LogObject } from 'consola';

export type Logger = ConsolaInstance;

export interface LoggerOptions {
  /** consola level: 0 errors only … 3 info (default) … 4 debug. */
  readonly level?: number;
  /** Every message is also appended to this file, without colours. */
  readonly logFile?: string;
  /** Log to the terminal (default true). */
  readonly console?: boolean;
}

/** The run logger: consola on the terminal, plus a plain-text log file in the run directory. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = createConsola({ level: options.level ?? 3 });
  if (options.console === false) logger.setReporters([]);
  if (options.logFile !== undefined) logger.addReporter(fileReporter(options.logFile));
  return logger;
}

function fileReporter(path: string): ConsolaReporter {
  mkdirSync(dirname(path), { recursive: true });
  return {
    log(entry: LogObject) {
      const text = entry.args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' ');
      appendFileSync(
        path,
        `${entry.date.toISOString()} [${entry.type}] ${entry.tag ? `[${entry.tag}] ` : ''}${text}\n`,
      );
    },
  };
}
