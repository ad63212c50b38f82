/**
 * Class order: torchvision's `ImageFolder`, which sorts the folder names with Python's `sorted`, by code point
 * (so folders 2, 9, 10, 23 are classes 10, 2, 23, 9), for names that are numbers too: a checkpoint's outputs
 * then line up with a PyTorch run on the same folders.
 */
export function sortClassNames(names: Iterable<string>): string[] {
  return [...new Set(names)].sort(compareCodePoints);
}

/**
 * Python's string order: by Unicode code point. JavaScript's `<` compares UTF-16 code units, which puts a
 * character above U+FFFF (a surrogate pair, 0xD800–0xDBFF first) before one in U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
    // At a first surrogate both sides read whole code points; at a second one both share the first.
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}
