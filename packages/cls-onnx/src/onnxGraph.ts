import { OnnxDataType, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './onnxProto.js';

/** Collects the nodes and initializers of an ONNX graph, with unique names. */
export class OnnxGraph {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  readonly #names = new Set<string>();

  /** A name not used yet, derived from `base`. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.#names.has(name); i++) name = `${base}_${i}`;
    this.#names.add(name);
    return name;
  }

  reserve(name: string): string {
    this.#names.add(name);
    return name;
  }

  /** Adds a node; returns its single output's name. */
  node(
    opType: string,
    name: string,
    inputs: readonly string[],
    output: string,
    attributes: readonly OnnxAttribute[] = [],
  ): string {
    this.nodes.push({ opType, name: this.unique(name), inputs, outputs: [output], attributes });
    return output;
  }

  floatTensor(name: string, dims: readonly number[], values: Float32Array): string {
    const unique = this.unique(name);
    // Not copied: the graph is encoded before the caller can change `values` (a copy of a ResNet's weights costs
    // ~0.1–0.25 s, a sizeable part of an export).
    this.initializers.push({
      name: unique,
      dims,
      dataType: OnnxDataType.FLOAT,
      raw: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    });
    return unique;
  }

  int64Tensor(name: string, values: readonly number[]): string {
    const unique = this.unique(name);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({
      name: unique,
      dims: [values.length],
      dataType: OnnxDataType.INT64,
      raw: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return unique;
  }
}
