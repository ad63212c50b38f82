import { tensor, type Tensor, type serialization } from '@tensorflow/tfjs-core';
import { LayersModel, Sequential, model as functionalModel } from '@tensorflow/tfjs-layers';
import { readWeightsToHost } from '@nextplay/cls-core';
import { PaddedConv2D } from './paddedConv2D.js';

/** tfjs-layers does not export its `Layer` class from the package root. */
type Layer = ReturnType<LayersModel['getLayer']>;

/** One input of a layer call in a functional model's config: layer name, node index, tensor index, kwargs. */
type InboundRef = [string, number, number, ...unknown[]];

/** The parts of a functional model's `getConfig()` that folding reads and rewrites. */
interface LayerEntry {
  name: string;
  className: string;
  config: Record<string, unknown>;
  inboundNodes: InboundRef[][];
}

interface FunctionalConfig {
  name: string;
  layers: LayerEntry[];
  inputLayers: InboundRef[];
  outputLayers: InboundRef[];
}

/**
 * A layer folded into a Conv2D: a BatchNormalization or a ReLU that the conv feeds, or a ZeroPadding2D that feeds
 * the conv.
 */
interface Fold {
  readonly conv: string;
  readonly folded: string;
}

/**
 * An inference copy of `model` with fewer layers, as PyTorch's `torch.fx` fusion and ONNX Runtime make for
 * inference. First every BatchNormalization that directly follows a Conv2D folds into that conv: per output
 * channel c, with scale = gamma[c] / sqrt(moving_var[c] + epsilon), the kernel becomes kernel[..., c] * scale and
 * the bias beta[c] + (bias[c] - moving_mean[c]) * scale. Then a ReLU (without `maxValue`) that directly follows a
 * Conv2D, with or without its BN before, becomes the conv's activation. A layer folds only when its conv has no
 * activation, is called once and feeds nothing but that layer, and (a BN) normalizes the channel axis. Last, a
 * channels-last ZeroPadding2D that feeds nothing but a 'valid' channels-last Conv2D becomes that conv's own
 * padding (a `PaddedConv2D`). Any other layer is kept. Each folded layer saves a pass over its activations (on a
 * GPU, a dispatch). The weights are read to the host first (a GPU backend reads only asynchronously). Resolves to
 * a NEW model for inference only (its BNs no longer learn); `model` is left unchanged and may keep training.
 * Unchanged layers share their weight buffers with `model` until either writes.
 */
export async function foldForInference(model: LayersModel): Promise<LayersModel> {
  // A Sequential model's config is a plain layer list; its functional twin over the same layers has the graph form.
  const source =
    model instanceof Sequential
      ? functionalModel({ name: model.name, inputs: model.inputs, outputs: model.outputs })
      : model;
  await readWeightsToHost(source);
  const config = JSON.parse(JSON.stringify(source.getConfig())) as FunctionalConfig;
  if (!Array.isArray(config.layers) || !Array.isArray(config.outputLayers)) {
    throw new Error(`foldForInference: model ${model.name} has no functional graph config`);
  }
  const batchNormFolds = findFolds(config, foldableBatchNorm);
  rewriteConfig(config, batchNormFolds);
  for (const fold of batchNormFolds) layerEntry(config, fold.conv).config.useBias = true;
  const reluFolds = findFolds(config, foldableReLU);
  rewriteConfig(config, reluFolds);
  for (const fold of reluFolds) layerEntry(config, fold.conv).config.activation = 'relu';
  foldPadding(config);
  const folded = LayersModel.fromConfig<LayersModel>(
    LayersModel,
    config as unknown as serialization.ConfigDict,
    {},
    // Zero-initializes the new weights: every one is overwritten below.
    true,
  );
  try {
    copyWeights(source, folded, batchNormFolds);
  } catch (error) {
    folded.dispose();
    throw error;
  }
  return folded;
}

function layerEntry(config: FunctionalConfig, name: string): LayerEntry {
  const entry = config.layers.find((layer) => layer.name === name);
  if (entry === undefined) throw new Error(`foldForInference: no layer ${name}`);
  return entry;
}

/**
 * Each layer's consumers: the layers whose calls take its output, once per input, and `'output'` where it is a model
 * output.
 */
function consumersOf(config: FunctionalConfig): Map<string, (LayerEntry | 'output')[]> {
  const consumers = new Map<string, (LayerEntry | 'output')[]>();
  const add = (ref: InboundRef, consumer: LayerEntry | 'output'): void => {
    consumers.set(ref[0], [...(consumers.get(ref[0]) ?? []), consumer]);
  };
  for (const entry of config.layers) {
    for (const node of entry.inboundNodes) for (const ref of node) add(ref, entry);
  }
  for (const ref of config.outputLayers) add(ref, 'output');
  return consumers;
}

/** The layers that `foldable` accepts, each with the conv whose only consumer it is. */
function findFolds(
  config: FunctionalConfig,
  foldable: (layer: LayerEntry, conv: LayerEntry) => boolean,
): Fold[] {
  const entries = new Map(config.layers.map((entry) => [entry.name, entry]));
  const consumers = consumersOf(config);
  const folds: Fold[] = [];
  for (const layer of config.layers) {
    const [node, ...otherNodes] = layer.inboundNodes;
    if (node?.length !== 1 || otherNodes.length > 0) continue;
    const [ref] = node;
    if (ref === undefined) continue;
    const conv = entries.get(ref[0]);
    if (conv === undefined || !linearConv(conv) || consumers.get(conv.name)?.length !== 1) continue;
    if (foldable(layer, conv)) folds.push({ conv: conv.name, folded: layer.name });
  }
  return folds;
}

function linearConv(conv: LayerEntry): boolean {
  if (conv.className !== 'Conv2D' || conv.inboundNodes.length !== 1) return false;
  const activation = conv.config.activation;
  return activation === undefined || activation === null || activation === 'linear';
}

function foldableBatchNorm(bn: LayerEntry, conv: LayerEntry): boolean {
  if (bn.className !== 'BatchNormalization') return false;
  const channelsFirst = conv.config.dataFormat === 'channelsFirst';
  const axis = bn.config.axis;
  return channelsFirst ? axis === 1 : axis === -1 || axis === 3;
}

function foldableReLU(relu: LayerEntry): boolean {
  if (relu.className === 'ReLU') return relu.config.maxValue === undefined || relu.config.maxValue === null;
  return relu.className === 'Activation' && relu.config.activation === 'relu';
}

/** Makes each ZeroPadding2D that feeds only a 'valid' Conv2D that conv's padding, and drops it. */
function foldPadding(config: FunctionalConfig): void {
  const consumers = consumersOf(config);
  const dropped = new Set<string>();
  for (const pad of config.layers) {
    if (pad.className !== 'ZeroPadding2D' || pad.config.dataFormat === 'channelsFirst') continue;
    const [node, ...otherNodes] = pad.inboundNodes;
    const [conv, ...otherConsumers] = consumers.get(pad.name) ?? [];
    if (node?.length !== 1 || otherNodes.length > 0 || otherConsumers.length > 0) continue;
    if (
      conv === undefined ||
      conv === 'output' ||
      conv.className !== 'Conv2D' ||
      conv.inboundNodes.length !== 1
    )
      continue;
    if (conv.config.padding !== 'valid' || conv.config.dataFormat === 'channelsFirst') continue;
    conv.className = PaddedConv2D.className;
    conv.config.explicitPadding = pad.config.padding;
    conv.inboundNodes = [node];
    dropped.add(pad.name);
  }
  config.layers = config.layers.filter((entry) => !dropped.has(entry.name));
}

/** Drops each folded layer and points its consumers and the model outputs at its conv. */
function rewriteConfig(config: FunctionalConfig, folds: readonly Fold[]): void {
  const convOf = new Map(folds.map((fold) => [fold.folded, fold.conv]));
  const redirect = (ref: InboundRef): void => {
    const conv = convOf.get(ref[0]);
    if (conv !== undefined) {
      ref[0] = conv;
      ref[1] = 0;
      ref[2] = 0;
    }
  };
  config.layers = config.layers.filter((entry) => !convOf.has(entry.name));
  for (const entry of config.layers) for (const node of entry.inboundNodes) node.forEach(redirect);
  config.outputLayers.forEach(redirect);
}

function copyWeights(source: LayersModel, folded: LayersModel, batchNormFolds: readonly Fold[]): void {
  const bnOf = new Map(batchNormFolds.map((fold) => [fold.conv, fold.folded]));
  for (const layer of folded.layers) {
    const original = source.getLayer(layer.name);
    const bn = bnOf.get(layer.name);
    if (bn === undefined) {
      const weights = original.getWeights();
      if (weights.length > 0) layer.setWeights(weights);
      continue;
    }
    const weights = foldedConvWeights(original, source.getLayer(bn));
    try {
      layer.setWeights(weights);
    } finally {
      for (const weight of weights) weight.dispose();
    }
  }
}

/** The folded [kernel, bias] of `conv` followed by `bn`, computed in float64 and rounded once to float32. */
function foldedConvWeights(conv: Layer, bn: Layer): [Tensor, Tensor] {
  const [kernel, bias] = conv.getWeights();
  if (kernel?.rank !== 4) throw new Error(`foldForInference: conv ${conv.name} has no rank-4 kernel`);
  const channels = kernel.shape[3] ?? 0;
  const bnConfig = bn.getConfig();
  const bnWeights = bn.getWeights();
  // BatchNormalization creates its weights in this order, gamma and beta only when `scale` / `center`.
  let next = 0;
  const gamma = bnConfig.scale === false ? null : bnWeights[next++];
  const beta = bnConfig.center === false ? null : bnWeights[next++];
  const mean = bnWeights[next++];
  const variance = bnWeights[next++];
  const epsilon = bnConfig.epsilon;
  if (gamma === undefined || beta === undefined || mean === undefined || variance === undefined) {
    throw new Error(`foldForInference: ${bn.name} does not have the weights its config names`);
  }
  if (typeof epsilon !== 'number') throw new Error(`foldForInference: ${bn.name} has no numeric epsilon`);
  const gammaValues = gamma?.dataSync();
  const betaValues = beta?.dataSync();
  const meanValues = mean.dataSync();
  const varianceValues = variance.dataSync();
  const biasValues = bias?.dataSync();

  const scale = new Float64Array(channels);
  const foldedBias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = (gammaValues?.[c] ?? 1) / Math.sqrt((varianceValues[c] ?? 0) + epsilon);
    scale[c] = s;
    foldedBias[c] = (betaValues?.[c] ?? 0) + ((biasValues?.[c] ?? 0) - (meanValues[c] ?? 0)) * s;
  }
  const kernelValues = kernel.dataSync();
  const foldedKernel = new Float32Array(kernelValues.length);
  // NHWC and NCHW convs alike store the kernel as [height, width, in, out]: the output channel is the last axis.
  for (let i = 0; i < kernelValues.length; i++) {
    foldedKernel[i] = (kernelValues[i] ?? 0) * (scale[i % channels] ?? 1);
  }
  return [tensor(foldedKernel, kernel.shape, 'float32'), tensor(foldedBias, [channels], 'float32')];
}
