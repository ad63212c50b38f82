const INTEGER = /^\d+$/;

/**
 * Class order: numeric when every name is an integer (so `2` comes before `10`; `0` and `00` stay distinct, the
 * shorter first), otherwise by code point like Python's `sorted`, which torchvision's ImageFolder uses.
 */
export function sortClassNames(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  if (list.length > 0 && list.every((name) => INTEGER.test(name))) {
    return list.sort((a, b) => {
      const byValue = Number(a) - Number(b);
      if (byValue !== 0) return byValue;
      return a.length - b.length || compareCodePoints(a, b);
    });
  }
  return list.sort(compareCodePoints);
}

export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
