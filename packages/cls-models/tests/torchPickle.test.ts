import { describe, expect, it } from 'vitest';
import { isClsError } from '@nextplay/cls-core';
import { unpickleTorch } from '../src/index.js';

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));

describe('unpickleTorch', () => {
  it("reads Python's protocol-2 dicts, lists, tuples and numbers", () => {
    // pickle.dumps({'a': [1, 2.5, None, True, -300, 2**40], 'b': ('x',)}, protocol=2)
    const bytes = hex(
      '80027d71002858010000006171015d7102284b014740040000000000004e884ad4feffff8a060000000000016558010000006271035801000000787104857105752e',
    );
    expect(unpickleTorch(bytes, 'test.pkl')).toEqual(
      new Map<string, unknown>([
        ['a', [1, 2.5, null, true, -300, 2 ** 40]],
        ['b', ['x']],
      ]),
    );
  });

  it('refuses a protocol-4 STACK_GLOBAL of builtins.eval before anything runs', () => {
    // pickle.dumps(E(), protocol=4) where E.__reduce__ returns (eval, ('1',))
    const bytes = hex('8004951d000000000000008c086275696c74696e73948c046576616c9493948c013194859452942e');
    let error: unknown;
    try {
      unpickleTorch(bytes, 'evil.pkl');
    } catch (e) {
      error = e;
    }
    expect(isClsError(error)).toBe(true);
    expect(String(error)).toMatch(/refusing to load evil\.pkl: pickle global builtins\.eval is not allowed/);
  });

  it('refuses truncated input', () => {
    expect(() => unpickleTorch(hex('80027d71'), 'short.pkl')).toThrow(
      /short\.pkl: the pickle ends unexpectedly/,
    );
  });
});
