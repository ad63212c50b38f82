import type { backend_util } from '@tensorflow/tfjs-core';
import type { MatrixProductShader } from './tiledMatrixProduct.js';

/** A convolution's geometry as uniform fields, one list for the forward pass and both gradients. */
export const CONVOLUTION_FIELDS: MatrixProductShader['fields'] = [
  ['inHeight', 'u32'],
  ['inWidth', 'u32'],
  ['inChannels', 'u32'],
  ['outHeight', 'u32'],
  ['outWidth', 'u32'],
  ['outChannels', 'u32'],
  ['filterWidth', 'u32'],
  ['strideHeight', 'u32'],
  ['strideWidth', 'u32'],
  ['dilationHeight', 'u32'],
  ['dilationWidth', 'u32'],
  ['padTop', 'i32'],
  ['padLeft', 'i32'],
];

/** The values of `CONVOLUTION_FIELDS` for `conv`. */
export function convolutionFieldValues(conv: backend_util.Conv2DInfo): number[] {
  return [
    conv.inHeight,
    conv.inWidth,
    conv.inChannels,
    conv.outHeight,
    conv.outWidth,
    conv.outChannels,
    conv.filterWidth,
    conv.strideHeight,
    conv.strideWidth,
    conv.dilationHeight,
    conv.dilationWidth,
    conv.padInfo.top,
    conv.padInfo.left,
  ];
}
