/** A string split into literal text and `${...}` interpolations (bodies without the braces). */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'interpolation'; readonly body: string };

export function hasInterpolation(text: string): boolean {
  return text.includes('${');
}

/**
 * Splits `a/${b.c}/${now:%Y}` into parts. `\${` is a literal `${`, as in OmegaConf. Returns `undefined` when a
 * `${` is never closed.
 */
export function parseTemplate(text: string): TemplatePart[] | undefined {
  const parts: TemplatePart[] = [];
  let literal = '';
  let index = 0;
  while (index < text.length) {
    if (text.startsWith('\\\\${', index)) {
      literal += '\\';
      index += 2;
    } else if (text.startsWith('\\${', index)) {
      literal += '${';
      index += 3;
    } else if (text.startsWith('${', index)) {
      const close = closingBrace(text, index + 2);
      if (close === undefined) return undefined;
      if (literal !== '') parts.push({ kind: 'text', text: literal });
      literal = '';
      parts.push({ kind: 'interpolation', body: text.slice(index + 2, close) });
      index = close + 1;
    } else {
      literal += text[index] ?? '';
      index++;
    }
  }
  if (literal !== '') parts.push({ kind: 'text', text: literal });
  return parts;
}

/** `oc.env:HOME,/tmp` → `{ name: 'oc.env', args: ['HOME', '/tmp'] }`; a key path → `undefined`. */
export function parseResolverCall(body: string): { name: string; args: string[] } | undefined {
  const match = /^\s*([A-Za-z_][\w.-]*)\s*:([\s\S]*)$/.exec(body);
  if (match === null) return undefined;
  return { name: match[1] ?? '', args: splitArguments(match[2] ?? '') };
}

/** Unquotes `'text'` / `"text"`; `undefined` when the argument is not quoted. */
export function unquote(argument: string): string | undefined {
  const quote = argument[0];
  if ((quote !== "'" && quote !== '"') || argument.length < 2 || !argument.endsWith(quote)) return undefined;
  return argument.slice(1, -1).replaceAll(`\\${quote}`, quote);
}

function splitArguments(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let depth = 0;
  let quote: string | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? '';
    if (quote !== undefined) {
      if (char === '\\' && text[index + 1] === quote) {
        current += char + quote;
        index++;
        continue;
      }
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '$' && text[index + 1] === '{') {
      depth++;
    } else if (char === '}' && depth > 0) {
      depth--;
    } else if (char === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (current.trim() !== '' || args.length > 0) args.push(current.trim());
  return args;
}

function closingBrace(text: string, start: number): number | undefined {
  let depth = 1;
  let quote: string | undefined;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (quote !== undefined) {
      if (char === '\\') index++;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '$' && text[index + 1] === '{') {
      depth++;
      index++;
    } else if (char === '}') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return undefined;
}
