import { describe, expect, it } from 'vitest';
import { RESNET_ARCHITECTURES, convOutputSize, resnetComplexity } from '../src/index.js';

describe('resnetComplexity', () => {
  // torchvision: sum(p.numel() for p in resnetXX().parameters()) and the GFLOPS in its model docs.
  it.each([
    ['resnet18', 11_689_512, 1.814],
    ['resnet34', 21_797_672, 3.664],
    ['resnet50', 25_557_032, 4.089],
    ['resnet101', 44_549_160, 7.801],
    ['resnet152', 60_192_808, 11.514],
  ] as const)('%s at 224 px, 1000 classes has %i params and %f GFLOPs', (arch, params, gflops) => {
    const complexity = resnetComplexity(arch, 224, 1000);
    expect(complexity.params).toBe(params);
    expect(Math.round(complexity.flops / 1e6) / 1e3).toBe(gflops);
  });

  it('scales the classifier with numClasses and the convolutions with the input channels', () => {
    const base = resnetComplexity('resnet18', 32, 10);
    expect(resnetComplexity('resnet18', 32, 11).params - base.params).toBe(512 + 1);
    expect(resnetComplexity('resnet18', 32, 10, 1).params - base.params).toBe(-2 * 7 * 7 * 64);
    expect(resnetComplexity(RESNET_ARCHITECTURES.resnet18, 32, 10)).toEqual(base);
  });

  it('uses torch floor-mode output sizes', () => {
    expect(convOutputSize(33, 7, 2, 3)).toBe(17);
    expect(convOutputSize(17, 3, 2, 1)).toBe(9);
    expect(convOutputSize(1, 3, 2, 1)).toBe(1);
  });
});
