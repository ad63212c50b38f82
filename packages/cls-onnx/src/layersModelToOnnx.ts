import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ClsError } from '@nextplay/cls-core';
import { OnnxGraph } from './onnxGraph.js';
import { encodeOnnxModel, type OnnxAttribute } from './onnxProto.js';

export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'logits';
export const DEFAULT_OPSET = 17;
const MIN_OPSET = 13;
const MAX_OPSET = 17;

/** What an exported model tells its users, stored as ONNX `metadata_props`. */
export interface OnnxExportMetadata {
  readonly classNames?: readonly string[];
  /** `data.image_size`: `s` (square) or `[height, width]`, stored as JSON (`64`, `[48,32]`). */
  readonly imageSize?: number | readonly number[];
  readonly mean?: readonly number[];
  readonly std?: readonly number[];
  /** `model.head` and how its outputs are read (`ModelHead.decoding`), for a model that is not a plain classifier. */
  readonly head?: string;
  readonly decode?: unknown;
}

export interface OnnxConversionOptions {
  /** 13–17; default 17. */
  readonly opset?: number;
  /**
   * The graph's output names, one per model output in order (a head's `outputNames`: `tens`, `units`). Default:
   * `logits` for a model with one output, each output layer's name for more.
   */
  readonly outputNames?: readonly string[];
  readonly metadata?: OnnxExportMetadata;
  readonly producerVersion?: string;
}

type Layer = LayersModel['layers'][number];
type Config = Record<string, unknown>;

/**
 * Converts a tfjs-layers image classifier (NHWC, e.g. a `@nextplay/cls-models` ResNet) to an ONNX model taking
 * `input` float32 NCHW `[N, C, H, W]` and returning `logits` (or a head's named outputs: `tens` and `units`
 * `[N, classes]`, `columns` `[N, W, classes]`), with a dynamic batch axis. The graph is NCHW
 * throughout: conv kernels are transposed HWIO → OIHW, TensorFlow's 'same' padding becomes explicit pads, a zero
 * padding in front of a conv is folded into its pads, BatchNormalization stays one op.
 */
export function layersModelToOnnx(model: LayersModel, options: OnnxConversionOptions = {}): Uint8Array {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ClsError(
      'CONFIG_INVALID',
      `export.opset=${opset}: must be an integer from ${MIN_OPSET} to ${MAX_OPSET}`,
    );
  }
  const [input] = model.inputs;
  if (model.inputs.length !== 1 || input === undefined || model.outputs.length === 0) {
    throw new ClsError(
      'CONFIG_INVALID',
      `cannot export ${model.name}: ONNX export needs one input and at least one output`,
    );
  }
  const outputNames = options.outputNames ?? defaultOutputNames(model);
  if (outputNames.length !== model.outputs.length || new Set(outputNames).size !== outputNames.length) {
    throw new ClsError(
      'CONFIG_INVALID',
      `cannot export ${model.name}: ${model.outputs.length} outputs need as many distinct names, got [${outputNames.join(', ')}]`,
    );
  }
  const [, height, width, channels] = input.shape;
  if (input.shape.length !== 4 || height == null || width == null || channels == null) {
    throw new ClsError(
      'CONFIG_INVALID',
      `cannot export ${model.name}: expected an NHWC image input with fixed size`,
    );
  }
  const outputs = model.outputs.map((output, i) => {
    const dims = output.shape.slice(1);
    if (dims.length < 1 || dims.length > 2 || dims.some((d) => d == null)) {
      throw new ClsError(
        'CONFIG_INVALID',
        `cannot export ${model.name}: output ${outputNames[i]} must be [N, classes] or [N, steps, classes]`,
      );
    }
    return { tensor: output, name: outputNames[i] ?? OUTPUT_NAME, dims: dims as number[] };
  });

  const converter = new Converter(model, input, outputs);
  // The converter reads weights through temporaries (transposed kernels, default batch-norm scales); tidy frees
  // them. Nothing tensor-valued is returned, so tidy has nothing to walk.
  tf.tidy(() => {
    converter.convert();
  });
  return encodeOnnxModel({
    opset,
    irVersion: opset <= 14 ? 7 : 8,
    producerName: '@nextplay/cls-onnx',
    producerVersion: options.producerVersion ?? '0.1.0',
    graphName: model.name,
    nodes: converter.graph.nodes,
    initializers: converter.graph.initializers,
    inputs: [{ name: INPUT_NAME, shape: ['batch', channels, height, width] }],
    outputs: outputs.map((output) => ({ name: output.name, shape: ['batch', ...output.dims] })),
    metadata: metadataProps(options.metadata ?? {}, outputNames),
  });
}

/** `logits` for a classifier's one output; each output layer's name (`tens`, `units`) for more. */
function defaultOutputNames(model: LayersModel): string[] {
  return model.outputs.length === 1 ? [OUTPUT_NAME] : model.outputs.map((output) => output.sourceLayer.name);
}

function metadataProps(metadata: OnnxExportMetadata, outputNames: readonly string[]): Record<string, string> {
  const props: Record<string, string> = { layout: 'NCHW', input: INPUT_NAME, output: outputNames.join(',') };
  if (metadata.classNames !== undefined) props.class_names = JSON.stringify(metadata.classNames);
  if (metadata.imageSize !== undefined) props.image_size = JSON.stringify(metadata.imageSize);
  if (metadata.mean !== undefined) props.mean = JSON.stringify(metadata.mean);
  if (metadata.std !== undefined) props.std = JSON.stringify(metadata.std);
  if (metadata.head !== undefined) props.head = metadata.head;
  if (metadata.decode !== undefined) props.decode = JSON.stringify(metadata.decode);
  return props;
}

class Converter {
  readonly graph = new OnnxGraph();
  /** ONNX value name of each symbolic tensor, by its id. */
  readonly #names = new Map<number, string>();
  /** Zero paddings folded into the conv that consumes them: pads [top, left, bottom, right] by tensor id. */
  readonly #pendingPads = new Map<number, { source: SymbolicTensor; pads: number[] }>();
  readonly #consumers = new Map<number, Layer[]>();
  /** The graph output name of each model output, by tensor id. */
  readonly #outputs: Map<number, string>;

  constructor(
    private readonly model: LayersModel,
    private readonly input: SymbolicTensor,
    outputs: readonly { readonly tensor: SymbolicTensor; readonly name: string }[],
  ) {
    this.#names.set(input.id, this.graph.reserve(INPUT_NAME));
    this.#outputs = new Map(outputs.map((output) => [output.tensor.id, this.graph.reserve(output.name)]));
    for (const layer of model.layers) {
      for (const tensor of inputsOf(layer)) {
        this.#consumers.set(tensor.id, [...(this.#consumers.get(tensor.id) ?? []), layer]);
      }
    }
  }

  convert(): void {
    for (const layer of this.model.layers) {
      if (layer.inboundNodes.length > 1) this.#unsupported(layer, 'it is applied more than once');
      this.#layer(layer);
    }
    for (const output of this.model.outputs) {
      const name = this.#outputs.get(output.id) ?? OUTPUT_NAME;
      if (this.#names.get(output.id) !== name) {
        this.graph.node('Identity', `output.${name}`, [this.#name(output)], name);
      }
    }
  }

  #layer(layer: Layer): void {
    const className = layer.getClassName();
    const config = layer.getConfig() as Config;
    const inputs = inputsOf(layer);
    const x = inputs[0];
    const out = layer.output as SymbolicTensor;
    if (className === 'InputLayer') return;
    if (x === undefined) this.#unsupported(layer, 'it has no input');
    switch (className) {
      case 'ZeroPadding2D': {
        const [[top, bottom], [left, right]] = config.padding as [[number, number], [number, number]];
        const consumers = this.#consumers.get(out.id) ?? [];
        if (consumers.length > 0 && consumers.every((c) => c.getClassName() === 'Conv2D')) {
          this.#pendingPads.set(out.id, { source: x, pads: [top, left, bottom, right] });
          return;
        }
        const pads = this.graph.int64Tensor(`${layer.name}.pads`, [0, 0, top, left, 0, 0, bottom, right]);
        this.#emit(out, 'Pad', layer.name, [this.#name(x), pads], [{ name: 'mode', value: 'constant' }]);
        return;
      }
      case 'Conv2D':
        this.#conv(layer, config, x, out);
        return;
      case 'BatchNormalization':
        this.#batchNorm(layer, config, x, out);
        return;
      case 'ReLU':
        if (config.maxValue != null) this.#unsupported(layer, 'maxValue is set');
        this.#emit(out, 'Relu', layer.name, [this.#name(x)]);
        return;
      case 'Activation':
        this.#activation(layer, String(config.activation), this.#name(x), out);
        return;
      case 'Add': {
        let sum = this.#name(x);
        inputs.slice(1).forEach((other, i) => {
          const target = i === inputs.length - 2 ? undefined : this.graph.unique(`${layer.name}:${i}`);
          const name = target ?? this.#outputName(out, layer.name);
          sum = this.graph.node('Add', layer.name, [sum, this.#name(other)], name);
        });
        this.#names.set(out.id, sum);
        return;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        this.#pool(layer, config, x, out, className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool');
        return;
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        const op = className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool';
        const pooled = this.graph.node(
          op,
          layer.name,
          [this.#name(x)],
          this.graph.unique(`${layer.name}:pooled`),
        );
        this.#emit(out, 'Flatten', `${layer.name}.flatten`, [pooled], [{ name: 'axis', value: 1 }]);
        return;
      }
      case 'Flatten': {
        let source = this.#name(x);
        if (x.shape.length === 4) {
          // tfjs flattens NHWC order; the ONNX graph holds NCHW.
          const nhwc = this.graph.unique(`${layer.name}:nhwc`);
          source = this.graph.node('Transpose', `${layer.name}.nhwc`, [source], nhwc, [
            { name: 'perm', value: [0, 2, 3, 1] },
          ]);
        }
        this.#emit(out, 'Flatten', layer.name, [source], [{ name: 'axis', value: 1 }]);
        return;
      }
      case 'Dropout':
      case 'SpatialDropout2D':
      case 'GaussianNoise':
      case 'GaussianDropout':
        this.#emit(out, 'Identity', layer.name, [this.#name(x)]);
        return;
      case 'Dense':
        this.#dense(layer, config, x, out);
        return;
      case 'Reshape':
        this.#columns(layer, config, x, out);
        return;
      default:
        this.#unsupported(layer, `layer class ${className} has no ONNX conversion`);
    }
  }

  #conv(layer: Layer, config: Config, x: SymbolicTensor, out: SymbolicTensor): void {
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast')
      this.#unsupported(layer, 'channelsFirst');
    const [kernel, bias] = layer.getWeights();
    if (kernel === undefined) this.#unsupported(layer, 'it has no kernel');
    const [kh = 1, kw = 1] = kernel.shape;
    const strides = pair(config.strides);
    const dilations = pair(config.dilationRate);
    const pending = this.#pendingPads.get(x.id);
    const source = pending?.source ?? x;
    let pads = pending?.pads ?? [0, 0, 0, 0];
    if (config.padding === 'same') {
      const [h, w] = spatialSize(source);
      const same = samePads([h, w], [kh, kw], strides, dilations);
      pads = pads.map((p, i) => p + (same[i] ?? 0));
    } else if (config.padding !== 'valid') {
      this.#unsupported(layer, `padding ${String(config.padding)}`);
    }
    const weight = this.graph.floatTensor(
      `${layer.name}.weight`,
      [kernel.shape[3] ?? 0, kernel.shape[2] ?? 0, kh, kw],
      hwioToOihw(kernel.dataSync() as Float32Array, kernel.shape),
    );
    const inputs = [this.#name(source), weight];
    if (bias !== undefined) inputs.push(this.#float(`${layer.name}.bias`, bias));
    const attributes: OnnxAttribute[] = [
      { name: 'kernel_shape', value: [kh, kw] },
      { name: 'strides', value: strides },
      { name: 'dilations', value: dilations },
      { name: 'pads', value: pads },
      { name: 'group', value: 1 },
    ];
    this.#withActivation(layer, config, 'Conv', inputs, attributes, out);
  }

  #batchNorm(layer: Layer, config: Config, x: SymbolicTensor, out: SymbolicTensor): void {
    const axis = config.axis;
    const rank = x.shape.length;
    if (!(
      axis === -1 ||
      axis === rank - 1 ||
      (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === rank - 1))
    )) {
      this.#unsupported(layer, `axis ${JSON.stringify(axis)} is not the channel axis`);
    }
    const weights = [...layer.getWeights()];
    const channels = weights[weights.length - 1]?.shape[0] ?? 0;
    const gamma = config.scale === false ? tf.ones([channels]) : weights.shift();
    const beta = config.center === false ? tf.zeros([channels]) : weights.shift();
    const [mean, variance] = weights;
    if (gamma === undefined || beta === undefined || mean === undefined || variance === undefined) {
      this.#unsupported(layer, 'its weights are incomplete');
    }
    const inputs = [
      this.#name(x),
      this.#float(`${layer.name}.weight`, gamma),
      this.#float(`${layer.name}.bias`, beta),
      this.#float(`${layer.name}.running_mean`, mean),
      this.#float(`${layer.name}.running_var`, variance),
    ];
    this.#emit(out, 'BatchNormalization', layer.name, inputs, [
      { name: 'epsilon', value: Number(config.epsilon ?? 1e-3), float: true },
    ]);
  }

  #pool(layer: Layer, config: Config, x: SymbolicTensor, out: SymbolicTensor, op: string): void {
    const kernel = pair(config.poolSize);
    const strides = pair(config.strides ?? config.poolSize);
    let pads = [0, 0, 0, 0];
    if (config.padding === 'same') {
      const [h, w] = spatialSize(x);
      pads = samePads([h, w], kernel, strides, [1, 1]);
    }
    this.#emit(
      out,
      op,
      layer.name,
      [this.#name(x)],
      [
        { name: 'kernel_shape', value: kernel },
        { name: 'strides', value: strides },
        { name: 'pads', value: pads },
      ],
    );
  }

  #dense(layer: Layer, config: Config, x: SymbolicTensor, out: SymbolicTensor): void {
    if (x.shape.length !== 2 && x.shape.length !== 3) {
      this.#unsupported(layer, 'its input is not [N, features] or [N, steps, features]');
    }
    const [kernel, bias] = layer.getWeights();
    if (kernel === undefined) this.#unsupported(layer, 'it has no kernel');
    const inputs = [this.#name(x), this.#float(`${layer.name}.weight`, kernel)];
    if (x.shape.length === 2) {
      if (bias !== undefined) inputs.push(this.#float(`${layer.name}.bias`, bias));
      this.#withActivation(layer, config, 'Gemm', inputs, [], out);
      return;
    }
    // A dense layer over each step of a sequence (a sequence head's columns): MatMul broadcasts over N and steps.
    if (bias === undefined) {
      this.#withActivation(layer, config, 'MatMul', inputs, [], out);
      return;
    }
    const product = this.graph.node('MatMul', layer.name, inputs, this.graph.unique(`${layer.name}:matmul`));
    const biased = [product, this.#float(`${layer.name}.bias`, bias)];
    this.#withActivation(layer, config, 'Add', biased, [], out);
  }

  /**
   * The one reshape a sequence head makes: NHWC `[N, 1, W, C]` (the height-pooled feature map) to `[N, W, C]`,
   * its columns left to right. The graph holds `[N, C, 1, W]`: squeeze the height, then put channels last.
   */
  #columns(layer: Layer, config: Config, x: SymbolicTensor, out: SymbolicTensor): void {
    const [, height, width, channels] = x.shape;
    const target = config.targetShape;
    if (
      x.shape.length !== 4 ||
      height !== 1 ||
      !Array.isArray(target) ||
      target.length !== 2 ||
      target[0] !== width ||
      target[1] !== channels
    ) {
      this.#unsupported(layer, 'only a reshape of [N, 1, W, C] features to [N, W, C] columns converts');
    }
    const axes = this.graph.int64Tensor(`${layer.name}.axes`, [2]);
    const squeezed = this.graph.node(
      'Squeeze',
      `${layer.name}.squeeze`,
      [this.#name(x), axes],
      this.graph.unique(`${layer.name}:squeezed`),
    );
    this.#emit(out, 'Transpose', layer.name, [squeezed], [{ name: 'perm', value: [0, 2, 1] }]);
  }

  /** Emits `op`, then the layer's fused activation (`relu`, `softmax`, …) if it has one. */
  #withActivation(
    layer: Layer,
    config: Config,
    op: string,
    inputs: string[],
    attributes: OnnxAttribute[],
    out: SymbolicTensor,
  ): void {
    const activation = typeof config.activation === 'string' ? config.activation : 'linear';
    if (activation === 'linear') {
      this.#emit(out, op, layer.name, inputs, attributes);
      return;
    }
    const pre = this.graph.node(op, layer.name, inputs, this.graph.unique(`${layer.name}:pre`), attributes);
    this.#activation(layer, activation, pre, out);
  }

  #activation(layer: Layer, activation: string, x: string, out: SymbolicTensor): void {
    const ops: Record<string, string> = {
      relu: 'Relu',
      sigmoid: 'Sigmoid',
      tanh: 'Tanh',
      linear: 'Identity',
      softmax: 'Softmax',
    };
    const op = ops[activation];
    if (op === undefined) this.#unsupported(layer, `activation ${activation}`);
    this.#emit(
      out,
      op,
      `${layer.name}.${activation}`,
      [x],
      op === 'Softmax' ? [{ name: 'axis', value: -1 }] : [],
    );
  }

  #emit(
    out: SymbolicTensor,
    op: string,
    name: string,
    inputs: readonly string[],
    attributes: OnnxAttribute[] = [],
  ): void {
    this.#names.set(out.id, this.graph.node(op, name, inputs, this.#outputName(out, name), attributes));
  }

  #outputName(out: SymbolicTensor, base: string): string {
    return this.#outputs.get(out.id) ?? this.graph.unique(`${base}:out`);
  }

  #name(tensor: SymbolicTensor): string {
    const name = this.#names.get(tensor.id);
    if (name === undefined) {
      throw new ClsError(
        'CONFIG_INVALID',
        `cannot export ${this.model.name}: tensor ${tensor.name} is used before it is computed`,
      );
    }
    return name;
  }

  /** The tensor's values as an initializer; read synchronously, so GPU-held weights must be on the host first. */
  #float(name: string, tensor: tf.Tensor): string {
    return this.graph.floatTensor(name, tensor.shape, tensor.dataSync() as Float32Array);
  }

  #unsupported(layer: Layer, reason: string): never {
    throw new ClsError(
      'CONFIG_INVALID',
      `cannot export layer ${layer.name} of ${this.model.name} to ONNX: ${reason}`,
    );
  }
}

function inputsOf(layer: Layer): SymbolicTensor[] {
  if (layer.inboundNodes.length === 0) return [];
  const input = layer.input;
  return Array.isArray(input) ? input : [input];
}

function spatialSize(tensor: SymbolicTensor): [number, number] {
  return [tensor.shape[1] ?? 0, tensor.shape[2] ?? 0];
}

function pair(value: unknown): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length >= 2) return [Number(value[0]), Number(value[1])];
  if (Array.isArray(value) && value.length === 1) return [Number(value[0]), Number(value[0])];
  return [1, 1];
}

/** TensorFlow's 'same' padding as explicit [top, left, bottom, right] (the extra pixel goes bottom/right). */
function samePads(
  size: readonly [number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
): number[] {
  const totals = size.map((n, i) => {
    const s = strides[i] ?? 1;
    const k = ((kernel[i] ?? 1) - 1) * (dilations[i] ?? 1) + 1;
    return Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  });
  const begin = totals.map((t) => Math.floor(t / 2));
  return [...begin, ...totals.map((t, i) => t - (begin[i] ?? 0))];
}

/**
 * A Keras conv kernel [height, width, in, out] in ONNX's [out, in, height, width] order, on the host: the weights
 * are already there (`readWeightsToHost`), and a transpose on a GPU backend could not be read back synchronously.
 */
function hwioToOihw(
  values: Float32Array,
  [height, width, channelsIn, channelsOut]: readonly number[],
): Float32Array {
  const h = height ?? 0;
  const w = width ?? 0;
  const ci = channelsIn ?? 0;
  const co = channelsOut ?? 0;
  const out = new Float32Array(values.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let i = 0; i < ci; i++) {
        const from = ((y * w + x) * ci + i) * co;
        for (let o = 0; o < co; o++) out[((o * ci + i) * h + y) * w + x] = values[from + o] ?? 0;
      }
    }
  }
  return out;
}
