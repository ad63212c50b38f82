import * as tfl from '@tensorflow/tfjs-layers';
import { definePlugin, type ModelOptions } from '@nextplay/cls-core';

/** logits = flatten(x)·W + b with W = 0 and b = 0: softmax starts uniform, so gradients are easy to write down. */
export const linearModelPlugin = definePlugin<'model', ModelOptions>({
  kind: 'model',
  name: 'zero_linear',
  package: 'engine-tests',
  description: 'A zero-initialised linear classifier.',
  optionsSchema: { type: 'object', properties: {}, additionalProperties: true },
  create: (_options, context) => {
    const input = tfl.input({ shape: [...context.imageSize, context.channels] });
    const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
    const logits = tfl.layers
      .dense({ units: context.numClasses, kernelInitializer: 'zeros', biasInitializer: 'zeros' })
      .apply(flat) as tfl.SymbolicTensor;
    return tfl.model({ inputs: input, outputs: logits });
  },
});
