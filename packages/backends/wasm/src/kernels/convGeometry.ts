import { backend_util, type Conv2DBackpropInputAttrs } from '@tensorflow/tfjs-core';

type PadAttr = Conv2DBackpropInputAttrs['pad'];

/** Forward-convolution geometry shared by the convolution kernels; NHWC only, like the wasm Conv2D kernel. */
export function forwardConvInfo(
  kernelName: string,
  inputShape: readonly [number, number, number, number],
  filterShape: readonly [number, number, number, number],
  strides: number | [number, number],
  pad: PadAttr,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  dataFormat: 'NHWC' | 'NCHW' | undefined,
  dilations: number | [number, number] = 1,
): backend_util.Conv2DInfo {
  if (dataFormat === 'NCHW') {
    throw new Error(
      `wasm ${kernelName} supports dataFormat 'NHWC' only, got 'NCHW'; use channelsLast layers`,
    );
  }
  return backend_util.computeConv2DInfo(
    [...inputShape],
    [...filterShape],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}
