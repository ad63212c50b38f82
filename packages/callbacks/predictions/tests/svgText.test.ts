import { describe, expect, it } from 'vitest';
import { ellipsize, escapeXml } from '../src/index.js';

describe('escapeXml', () => {
  it('escapes markup and replaces characters XML cannot hold', () => {
    expect(escapeXml(`a <&"> 'b'`)).toBe('a &lt;&amp;&quot;&gt; &apos;b&apos;');
    expect(escapeXml('bell\u0007 tab\t')).toBe('bell\ufffd tab\t');
  });
});

describe('ellipsize', () => {
  it('keeps what fits and cuts the rest with an ellipsis, by characters, not UTF-16 units', () => {
    expect(ellipsize('short', 5)).toBe('short');
    expect(ellipsize('shorter', 5)).toBe('shor…');
    expect(ellipsize('🐈🐈🐈', 2)).toBe('🐈…');
    expect(ellipsize('abc', 0)).toBe('');
  });
});
