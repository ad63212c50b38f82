import {
  RESNET_ARCHITECTURES,
  STAGE_PLANES,
  blockExpansion,
  convOutputSize,
  type ResNetArchName,
  type ResNetArchitecture,
} from './resnetArchitectures.js';

export interface ResNetComplexity {
  /** Parameters as torch counts them (BN running statistics excluded). */
  readonly params: number;
  /**
   * Multiply-accumulates of the convolutions and the classifier for one image, the convention behind
   * torchvision's published GFLOPS (1.81 for resnet18 at 224 px).
   */
  readonly flops: number;
}

/** Parameter and FLOP count of a ResNet computed from its architecture, without building it. */
export function resnetComplexity(
  arch: ResNetArchName | ResNetArchitecture,
  imageSize: number,
  numClasses: number,
  channels = 3,
): ResNetComplexity {
  const { block, layers } = typeof arch === 'string' ? RESNET_ARCHITECTURES[arch] : arch;
  let params = 0;
  let flops = 0;
  let size = imageSize;
  const conv = (inChannels: number, outChannels: number, kernel: number, stride: number): void => {
    size = convOutputSize(size, kernel, stride, (kernel - 1) / 2);
    params += kernel * kernel * inChannels * outChannels + 2 * outChannels; // conv + BN gamma/beta
    flops += kernel * kernel * inChannels * outChannels * size * size;
  };

  conv(channels, 64, 7, 2);
  size = convOutputSize(size, 3, 2, 1); // max pool
  const expansion = blockExpansion(block);
  let inChannels = 64;
  STAGE_PLANES.forEach((planes, stage) => {
    for (let i = 0; i < (layers[stage] ?? 0); i++) {
      const stride = i === 0 && stage > 0 ? 2 : 1;
      const outChannels = planes * expansion;
      const inSize = size;
      if (block === 'basic') {
        conv(inChannels, planes, 3, stride);
        conv(planes, planes, 3, 1);
      } else {
        conv(inChannels, planes, 1, 1);
        conv(planes, planes, 3, stride);
        conv(planes, outChannels, 1, 1);
      }
      if (stride !== 1 || inChannels !== outChannels) {
        const outSize = size;
        size = inSize;
        conv(inChannels, outChannels, 1, stride);
        size = outSize;
      }
      inChannels = outChannels;
    }
  });
  params += inChannels * numClasses + numClasses;
  flops += inChannels * numClasses;
  return { params, flops };
}
