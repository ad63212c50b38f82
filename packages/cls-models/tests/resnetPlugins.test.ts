import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClsError, PluginRegistry, createLogger, type ModelContext } from '@nextplay/cls-core';
import {
  PACKAGE_NAME,
  countParameters,
  modelPlugins,
  resnet18Plugin,
  resnet50Plugin,
  resnetComplexity,
  type ResNetArchName,
  type ResNetModelOptions,
} from '../src/index.js';

const context: ModelContext = {
  numClasses: 5,
  imageSize: [32, 32],
  channels: 1,
  logger: createLogger({ console: false }),
};

function node(arch: string, extra: Partial<ResNetModelOptions> = {}): ResNetModelOptions {
  return { arch, num_classes: null, pretrained: null, ...extra };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ResNet model plugins', () => {
  it('defines resnet18…resnet152 as model plugins of this package', () => {
    expect(modelPlugins.map((p) => p.name)).toEqual([
      'resnet18',
      'resnet34',
      'resnet50',
      'resnet101',
      'resnet152',
    ]);
    for (const plugin of modelPlugins) {
      expect(plugin.kind).toBe('model');
      expect(plugin.package).toBe(PACKAGE_NAME);
      expect(plugin.description.length).toBeGreaterThan(0);
    }
    expect(PACKAGE_NAME).toBe('@nextplay/cls-models');
    const registry = new PluginRegistry().register(...modelPlugins);
    expect(registry.names('model')).toEqual(['resnet101', 'resnet152', 'resnet18', 'resnet34', 'resnet50']);
  });

  it('describes only its own options, each with a default', () => {
    const schema = resnet18Plugin.optionsSchema as {
      additionalProperties: boolean;
      properties: Record<string, { default?: unknown }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties).sort()).toEqual(['dropout', 'seed', 'zero_init_residual']);
    for (const property of Object.values(schema.properties)) expect(property).toHaveProperty('default');
  });

  // resnet101/152 build the same way; their architectures are checked against torchvision in resnetComplexity.test.
  it.each(modelPlugins.slice(0, 3).map((p) => [p.name, p] as const))(
    '%s builds from the context: input [N, size, size, channels], logits [N, numClasses]',
    async (name, plugin) => {
      const model = await plugin.create(node(name), context);
      expect(model.name).toBe(name);
      expect(model.inputs[0]?.shape).toEqual([null, 32, 32, 1]);
      expect(model.outputs[0]?.shape).toEqual([null, 5]);
      expect(countParameters(model)).toBe(resnetComplexity(name as ResNetArchName, 32, 5, 1).params);
      model.dispose();
    },
  );

  it('applies zero_init_residual, dropout and seed from the options', async () => {
    const model = await resnet50Plugin.create(
      node('resnet50', { zero_init_residual: true, dropout: 0.2, seed: 3 }),
      context,
    );
    expect(
      model
        .getLayer('layer1.0.bn3')
        .getWeights()[0]
        ?.dataSync()
        .every((v) => v === 0),
    ).toBe(true);
    expect(
      model
        .getLayer('layer1.0.bn2')
        .getWeights()[0]
        ?.dataSync()
        .every((v) => v === 1),
    ).toBe(true);
    expect(model.getLayer('dropout').getConfig().rate).toBe(0.2);
    model.dispose();

    const seeded = [];
    for (const seed of [3, 3, 4])
      seeded.push(await resnet18Plugin.create(node('resnet18', { seed }), context));
    const [a, b, c] = seeded.map((m) => Array.from(m.getLayer('fc').getWeights()[0]?.dataSync() ?? []));
    expect(a).toHaveLength(512 * 5);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    for (const m of seeded) m.dispose();
  });

  it('falls back to the defaults when plugin keys are missing', async () => {
    const model = await resnet18Plugin.create(node('resnet18'), context);
    expect(model.layers.map((l) => l.name)).not.toContain('dropout');
    expect(
      model
        .getLayer('layer1.0.bn2')
        .getWeights()[0]
        ?.dataSync()
        .every((v) => v === 1),
    ).toBe(true);
    model.dispose();
  });

  it('fails with a user error, instead of training from scratch silently, when pretrained weights are missing', async () => {
    const error: unknown = await Promise.resolve(
      resnet18Plugin.create(node('resnet18', { pretrained: 'missing-weights.pth' }), context),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClsError);
    expect((error as ClsError).code).toBe('CHECKPOINT_NOT_FOUND');
    expect((error as ClsError).message).toMatch(/model\.pretrained=missing-weights\.pth: no such file/);
  });
});
