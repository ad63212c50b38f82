/** Markup that is already safe to place in a page: only `markup` and `rawHtml` make one. */
export class SafeHtml {
  readonly #text: string;

  private constructor(text: string) {
    this.#text = text;
  }

  toString(): string {
    return this.#text;
  }

  /** @internal Only for `markup` and `rawHtml`. */
  static of(text: string): SafeHtml {
    return new SafeHtml(text);
  }
}

/** What `markup` accepts in a hole: markup, text (escaped), numbers, nothing, or a list of them. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML that shows it literally, safe in element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/**
 * A template for markup: every interpolated value is escaped unless it is itself `SafeHtml`, so text read from
 * run files (class names, paths, config values) can never become markup.
 */
export function markup(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let text = strings[0] ?? '';
  for (const [index, value] of values.entries()) text += render(value) + (strings[index + 1] ?? '');
  return SafeHtml.of(text);
}

/** Trusted markup written by this package (the style sheet), never text from a file. */
export function rawHtml(text: string): SafeHtml {
  return SafeHtml.of(text);
}
