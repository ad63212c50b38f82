import { definePlugin, type ModelOptions, type PluginDefinition } from '@nextplay/cls-core';
import { buildResNet } from './buildResNet.js';
import { loadPretrainedWeights } from './loadPretrainedWeights.js';
import { RESNET_ARCHITECTURES, type ResNetArchName } from './resnetArchitectures.js';

/** The `model` config node a ResNet plugin receives: the base keys plus its own options. */
export interface ResNetModelOptions extends ModelOptions {
  readonly zero_init_residual?: boolean;
  readonly dropout?: number;
  readonly seed?: number | null;
}

export const PACKAGE_NAME = '@nextplay/cls-models';

/** The options every ResNet plugin adds to the `model` node (base keys live in cls-core's configSchema). */
export const resnetOptionsSchema = {
  type: 'object',
  properties: {
    zero_init_residual: {
      type: 'boolean',
      default: false,
      description: "Start each block's last BatchNorm gamma at 0 so residual blocks begin as the identity.",
    },
    dropout: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0,
      description: 'Dropout rate before the classifier; 0 adds no dropout layer.',
    },
    seed: {
      type: ['integer', 'null'],
      default: null,
      description:
        'Seed for weight initialization (e.g. ${seed}); null draws a different initialization each run.',
    },
  },
  additionalProperties: false,
} as const;

function resnetPlugin(
  arch: ResNetArchName,
  description: string,
): PluginDefinition<'model', ResNetModelOptions> {
  return definePlugin<'model', ResNetModelOptions>({
    kind: 'model',
    name: arch,
    package: PACKAGE_NAME,
    description,
    optionsSchema: resnetOptionsSchema,
    async create(options, context) {
      const model = buildResNet({
        ...RESNET_ARCHITECTURES[arch],
        name: arch,
        numClasses: context.numClasses,
        imageSize: context.imageSize,
        channels: context.channels,
        zeroInitResidual: options.zero_init_residual ?? false,
        dropout: options.dropout ?? 0,
        seed: options.seed ?? null,
        head: context.head,
      });
      const pretrained = options.pretrained ?? null;
      if (pretrained !== null) {
        try {
          await loadPretrainedWeights(model, pretrained, { arch, logger: context.logger });
        } catch (error) {
          model.dispose();
          throw error;
        }
      }
      return model;
    },
  });
}

export const resnet18Plugin = resnetPlugin(
  'resnet18',
  'ResNet-18 (torchvision architecture, BasicBlock, NHWC).',
);
export const resnet34Plugin = resnetPlugin(
  'resnet34',
  'ResNet-34 (torchvision architecture, BasicBlock, NHWC).',
);
export const resnet50Plugin = resnetPlugin('resnet50', 'ResNet-50 (torchvision v1.5 Bottleneck, NHWC).');
export const resnet101Plugin = resnetPlugin('resnet101', 'ResNet-101 (torchvision v1.5 Bottleneck, NHWC).');
export const resnet152Plugin = resnetPlugin('resnet152', 'ResNet-152 (torchvision v1.5 Bottleneck, NHWC).');

export const modelPlugins = [
  resnet18Plugin,
  resnet34Plugin,
  resnet50Plugin,
  resnet101Plugin,
  resnet152Plugin,
] as const;
