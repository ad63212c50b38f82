import { ClsError } from '@nextplay/cls-core';
import { parseDocument } from 'yaml';

/**
 * How many aliases one value may expand to: a "billion laughs" file (aliases of aliases of lists) fails fast
 * instead of growing exponentially. Hand-written configs use a handful.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

/**
 * Parses a YAML (or JSON) config file with YAML 1.2 merge keys and bounded alias expansion. A syntax error is one
 * `CONFIG_PARSE` line: `<file>:<line>:<col>: <what is wrong>`.
 */
export function parseYaml(text: string, file: string): unknown {
  const document = parseDocument(text, { merge: true, prettyErrors: true });
  const [error] = document.errors;
  if (error !== undefined) {
    const where = error.linePos === undefined ? '' : `:${error.linePos[0].line}:${error.linePos[0].col}`;
    const firstLine = (error.message.split('\n')[0] ?? error.message).replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    throw new ClsError('CONFIG_PARSE', `${file}${where}: ${firstLine}`);
  }
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new ClsError(
      'CONFIG_PARSE',
      `${file}: aliases expand past ${MAX_YAML_ALIAS_COUNT} copies (${error.message}); write the values out or use fewer nested aliases`,
      { cause: error },
    );
  }
}
