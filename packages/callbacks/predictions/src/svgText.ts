/** Characters XML 1.0 cannot hold at all (C0 controls other than tab and newlines, lone surrogates, U+FFFE/F). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/gu;

/** `text` safe inside an SVG element or attribute: markup characters escaped, characters XML forbids replaced. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `text` cut to at most `maxChars` characters (code points), its end replaced by `…` when cut. */
export function ellipsize(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  if (maxChars <= 0) return '';
  return `${chars.slice(0, maxChars - 1).join('')}…`;
}
