import { describe, expect, it } from 'vitest';
import { isClsError } from '@nextplay/cls-core';
import { parseCheckpointFilename } from '../src/index.js';

describe('parseCheckpointFilename', () => {
  it('formats epoch, step and metrics with Python-style specs', () => {
    const filename = parseCheckpointFilename('epoch={epoch:d}-step={step}-acc={val/acc:.4f}-lr={lr:.1e}');
    expect(filename.placeholders).toEqual(['epoch', 'step', 'val/acc', 'lr']);
    expect(filename.format({ epoch: 3, step: 800, 'val/acc': 0.98123, lr: 0.001 })).toBe(
      'epoch=3-step=800-acc=0.9812-lr=1.0e-3',
    );
  });

  it('keeps a file name one path segment and renders missing values as NaN', () => {
    expect(parseCheckpointFilename('val/acc={val/acc}').format({})).toBe('val_acc=NaN');
  });

  it.each([
    ['epoch={epoch', 'unbalanced brace'],
    ['epoch=}{epoch}', 'unbalanced brace'],
    ['{val/acc:.4g}', 'unsupported format ":.4g"'],
    ['  ', 'must not be empty'],
  ])('rejects %j', (template, message) => {
    try {
      parseCheckpointFilename(template);
      expect.unreachable();
    } catch (error) {
      expect(isClsError(error) && error.code).toBe('CONFIG_INVALID');
      expect(String(error)).toContain(message);
    }
  });
});
