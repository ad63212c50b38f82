import { tensor, type Tensor, type serialization } from '@tensorflow/tfjs-core';
import { LayersModel, Sequential, model as functionalModel } from '@tensorflow/tfjs-layers';

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

/** A BatchNormalization layer and the Conv2D it folds into. */
interface Fold {
  readonly conv: string;
  readonly bn: string;
}

/**
 * Folds every BatchNormalization that directly follows a Conv2D into that conv, as PyTorch's `torch.fx` fusion and
 * ONNX Runtime do for inference: per output channel c, with scale = gamma[c] / sqrt(moving_var[c] + epsilon), the
 * kernel becomes kernel[..., c] * scale and the bias beta[c] + (bias[c] - moving_mean[c]) * scale. A BN folds only
 * when its conv has no activation, is called once and feeds nothing but the BN, and the BN normalizes the channel
 * axis; any other BN is kept. Returns a NEW model for inference only (its BNs no longer learn); `model` is left
 * unchanged and may keep training. Unchanged layers share their weight buffers with `model` until either writes.
 */
export function foldBatchNorm(model: LayersModel): LayersModel {
  // A Sequential model's config is a plain layer list; its functional twin over the same layers has the graph form.
  const source =
    model instanceof Sequential
      ? functionalModel({ name: model.name, inputs: model.inputs, outputs: model.outputs })
      : model;
  const config = JSON.parse(JSON.stringify(source.getConfig())) as FunctionalConfig;
  if (!Array.isArray(config.layers) || !Array.isArray(config.outputLayers)) {
    throw new Error(`foldBatchNorm: model ${model.name} has no functional graph config`);
  }
  const folds = findFolds(config);
  rewriteConfig(config, folds);
  const folded = LayersModel.fromConfig<LayersModel>(
    LayersModel,
    config as unknown as serialization.ConfigDict,
    {},
    // Zero-initializes the new weights: every one is overwritten below.
    true,
  );
  try {
    copyWeights(source, folded, folds);
  } catch (error) {
    folded.dispose();
    throw error;
  }
  return folded;
}

function findFolds(config: FunctionalConfig): Fold[] {
  const entries = new Map(config.layers.map((entry) => [entry.name, entry]));
  // How many times each layer's output is consumed, by layer calls or as a model output.
  const uses = new Map<string, number>();
  const countUse = (ref: InboundRef): void => {
    uses.set(ref[0], (uses.get(ref[0]) ?? 0) + 1);
  };
  for (const entry of config.layers) for (const node of entry.inboundNodes) node.forEach(countUse);
  config.outputLayers.forEach(countUse);

  const folds: Fold[] = [];
  for (const bn of config.layers) {
    if (bn.className !== 'BatchNormalization') continue;
    const [node, ...otherNodes] = bn.inboundNodes;
    if (node?.length !== 1 || otherNodes.length > 0) continue;
    const [ref] = node;
    if (ref === undefined) continue;
    const conv = entries.get(ref[0]);
    if (conv === undefined || !foldableConv(conv, bn) || uses.get(conv.name) !== 1) continue;
    folds.push({ conv: conv.name, bn: bn.name });
  }
  return folds;
}

function foldableConv(conv: LayerEntry, bn: LayerEntry): boolean {
  if (conv.className !== 'Conv2D' || conv.inboundNodes.length !== 1) return false;
  const activation = conv.config.activation;
  if (activation !== undefined && activation !== null && activation !== 'linear') return false;
  const channelsFirst = conv.config.dataFormat === 'channelsFirst';
  const axis = bn.config.axis;
  return channelsFirst ? axis === 1 : axis === -1 || axis === 3;
}

/** Drops each folded BN, points its consumers and model outputs at its conv and gives the conv a bias. */
function rewriteConfig(config: FunctionalConfig, folds: readonly Fold[]): void {
  const convOf = new Map(folds.map((fold) => [fold.bn, fold.conv]));
  const redirect = (ref: InboundRef): void => {
    const conv = convOf.get(ref[0]);
    if (conv !== undefined) {
      ref[0] = conv;
      ref[1] = 0;
      ref[2] = 0;
    }
  };
  config.layers = config.layers.filter((entry) => !convOf.has(entry.name));
  for (const entry of config.layers) {
    for (const node of entry.inboundNodes) node.forEach(redirect);
    if (folds.some((fold) => fold.conv === entry.name)) entry.config.useBias = true;
  }
  config.outputLayers.forEach(redirect);
}

function copyWeights(source: LayersModel, folded: LayersModel, folds: readonly Fold[]): void {
  const bnOf = new Map(folds.map((fold) => [fold.conv, fold.bn]));
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
  if (kernel?.rank !== 4) throw new Error(`foldBatchNorm: conv ${conv.name} has no rank-4 kernel`);
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
    throw new Error(`foldBatchNorm: ${bn.name} does not have the weights its config names`);
  }
  if (typeof epsilon !== 'number') throw new Error(`foldBatchNorm: ${bn.name} has no numeric epsilon`);
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
