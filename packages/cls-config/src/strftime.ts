import { ClsError } from '@nextplay/cls-core';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

const DIRECTIVES: Record<string, (date: Date) => string> = {
  Y: (date) => pad(date.getFullYear(), 4),
  m: (date) => pad(date.getMonth() + 1),
  d: (date) => pad(date.getDate()),
  H: (date) => pad(date.getHours()),
  M: (date) => pad(date.getMinutes()),
  S: (date) => pad(date.getSeconds()),
  '%': () => '%',
};

/** Python's strftime for %Y %m %d %H %M %S and %%, in local time as Hydra's `${now:...}` uses. */
export function strftime(date: Date, format: string, where: string): string {
  return format.replace(/%(.?)/g, (_match, directive: string) => {
    const format = DIRECTIVES[directive];
    if (format === undefined) {
      throw new ClsError(
        'CONFIG_INVALID',
        `${where}: \${now:...} does not support %${directive}; use %Y %m %d %H %M %S or %%`,
      );
    }
    return format(date);
  });
}
