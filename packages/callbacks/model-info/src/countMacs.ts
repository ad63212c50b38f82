import type { serialization } from '@tensorflow/tfjs-core';
import { LayersModel } from '@tensorflow/tfjs-layers';
import { applications, firstShape, type Layer, type Shape } from './layerGraph.js';

/**
 * Multiply-accumulates for one image, counted over convolutions (grouped, depthwise, separable, transposed) and
 * dense layers only, as torchvision's "GFLOPS" column counts them (resnet18 at 224 px: 1.814e9): a conv output
 * element costs kernel area × input channels / groups, a dense output element costs its input features. Read from
 * each layer's config and the shapes it was applied to; nested models are opened, a shared layer counts at every
 * application. Undefined when a counted layer's shape is not fixed (a model built for any image size).
 */
export function countMacs(model: LayersModel): number | undefined {
  let total = 0;
  for (const layer of model.layers) {
    const nodes = applications(layer);
    if (layer instanceof LayersModel) {
      const inner = countMacs(layer);
      if (inner === undefined) return undefined;
      total += inner * Math.max(1, nodes.length);
      continue;
    }
    for (const node of nodes) {
      const macs = layerMacs(layer, firstShape(node.inputShapes), firstShape(node.outputShapes));
      if (macs === undefined) return undefined;
      total += macs;
    }
  }
  return total;
}

/** One application's multiply-accumulates per image; 0 for layers that are not counted. */
function layerMacs(layer: Layer, input: Shape, output: Shape): number | undefined {
  const config = layer.getConfig();
  switch (layer.getClassName()) {
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D': {
      const perPosition =
        kernelArea(layer, config) * channelsOf(input, config) * number(layer, config, 'filters');
      return times(positionsOf(output, config), perPosition / groupsOf(layer, config));
    }
    case 'Conv2DTranspose':
    case 'Conv3DTranspose': {
      // Each input position scatters a kernel into the output (fvcore's and torch profiler's count).
      const perPosition =
        kernelArea(layer, config) * channelsOf(input, config) * number(layer, config, 'filters');
      return times(positionsOf(input, config), perPosition);
    }
    case 'DepthwiseConv2D': {
      const outChannels = channelsOf(input, config) * number(layer, config, 'depthMultiplier');
      return times(positionsOf(output, config), kernelArea(layer, config) * outChannels);
    }
    case 'SeparableConv1D':
    case 'SeparableConv2D': {
      const depthwiseChannels = channelsOf(input, config) * number(layer, config, 'depthMultiplier');
      const pointwise = depthwiseChannels * number(layer, config, 'filters');
      return times(positionsOf(output, config), kernelArea(layer, config) * depthwiseChannels + pointwise);
    }
    case 'Dense': {
      const inFeatures = input.at(-1);
      if (inFeatures == null) return undefined;
      return times(product(output.slice(1, -1)), inFeatures * number(layer, config, 'units'));
    }
    default:
      return 0;
  }
}

function times(count: number | undefined, factor: number): number | undefined {
  return count === undefined ? undefined : count * factor;
}

function product(dims: Shape): number | undefined {
  let result = 1;
  for (const dim of dims) {
    if (dim == null) return undefined;
    result *= dim;
  }
  return result;
}

function isChannelsFirst(config: serialization.ConfigDict): boolean {
  return config.dataFormat === 'channelsFirst';
}

/** Spatial positions of an NHWC (or NCHW) shape, batch left out. */
function positionsOf(shape: Shape, config: serialization.ConfigDict): number | undefined {
  return product(isChannelsFirst(config) ? shape.slice(2) : shape.slice(1, -1));
}

function channelsOf(shape: Shape, config: serialization.ConfigDict): number {
  const channels = isChannelsFirst(config) ? shape[1] : shape.at(-1);
  // Keras layers need a known channel dimension to build their kernel, so it is always fixed here.
  return channels ?? NaN;
}

function kernelArea(layer: Layer, config: serialization.ConfigDict): number {
  const kernel = config.kernelSize;
  if (typeof kernel === 'number') return kernel;
  if (Array.isArray(kernel) && kernel.every((side): side is number => typeof side === 'number')) {
    return kernel.reduce((area, side) => area * side, 1);
  }
  throw new Error(`layer ${layer.name} (${layer.getClassName()}) has no kernelSize in its config`);
}

function groupsOf(layer: Layer, config: serialization.ConfigDict): number {
  return config.groups === undefined ? 1 : number(layer, config, 'groups');
}

function number(layer: Layer, config: serialization.ConfigDict, key: string): number {
  // tfjs 4.22's SeparableConv getConfig() leaves out depthMultiplier; the layer itself has it.
  const value = config[key] ?? (layer as unknown as Readonly<Record<string, unknown>>)[key];
  if (typeof value !== 'number') {
    throw new Error(`layer ${layer.name} (${layer.getClassName()}) has no numeric ${key}`);
  }
  return value;
}
