import * as tfl from '@tensorflow/tfjs-layers';
import { definePlugin, type ModelOptions } from '@nextplay/cls-core';

/** A small conv net with the layer kinds our ResNets use (zero padding, strided valid conv, batch norm). */
export const tinyConvModelPlugin = definePlugin<'model', ModelOptions>({
  kind: 'model',
  name: 'tiny_cnn',
  package: 'engine-tests',
  description: 'A strided and a same-padded convolution, batch norm, flatten, dense.',
  optionsSchema: { type: 'object', properties: {}, additionalProperties: true },
  create: (_options, context) => {
    let seed = 7;
    const init = () => tfl.initializers.heNormal({ seed: seed++ });
    const input = tfl.input({ shape: [...context.imageSize, context.channels] });
    let x = tfl.layers.zeroPadding2d({ padding: 1 }).apply(input) as tfl.SymbolicTensor;
    x = tfl.layers
      .conv2d({
        filters: 8,
        kernelSize: 3,
        strides: 2,
        padding: 'valid',
        useBias: false,
        kernelInitializer: init(),
      })
      .apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.activation({ activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers
      .conv2d({ filters: 8, kernelSize: 3, strides: 1, padding: 'same', kernelInitializer: init() })
      .apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.activation({ activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
    const logits = tfl.layers
      .dense({ units: context.numClasses, kernelInitializer: init() })
      .apply(x) as tfl.SymbolicTensor;
    return tfl.model({ inputs: input, outputs: logits });
  },
});
