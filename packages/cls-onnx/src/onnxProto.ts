import protobuf from 'protobufjs/minimal.js';

/** ONNX `TensorProto.DataType` values used here. */
export const OnnxDataType = { FLOAT: 1, INT64: 7 } as const;

export type OnnxAttributeValue = number | readonly number[] | string;

/** An attribute: `int` for integers, `float` for other numbers; arrays become `ints`/`floats`. */
export interface OnnxAttribute {
  readonly name: string;
  readonly value: OnnxAttributeValue;
  /** Forces FLOAT/FLOATS for values that happen to be integers (e.g. `epsilon`). */
  readonly float?: boolean;
}

export interface OnnxNode {
  readonly opType: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: readonly OnnxAttribute[];
}

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: (typeof OnnxDataType)[keyof typeof OnnxDataType];
  /** Little-endian raw bytes. */
  readonly raw: Uint8Array;
}

/** A graph input/output: float32 with fixed dims, or a symbolic name for a dynamic axis. */
export interface OnnxValueInfo {
  readonly name: string;
  readonly shape: readonly (number | string)[];
}

export interface OnnxModel {
  readonly opset: number;
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly graphName: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly metadata: Readonly<Record<string, string>>;
}

type Writer = protobuf.Writer;

const VARINT = 0;
const FIXED32 = 5;
const BYTES = 2;

function tag(writer: Writer, field: number, wireType: number): Writer {
  return writer.uint32((field << 3) | wireType);
}

function message(writer: Writer, field: number, write: (inner: Writer) => void): void {
  tag(writer, field, BYTES).fork();
  write(writer);
  writer.ldelim();
}

function string(writer: Writer, field: number, value: string): void {
  tag(writer, field, BYTES).string(value);
}

function int64(writer: Writer, field: number, value: number): void {
  tag(writer, field, VARINT).int64(value);
}

function writeAttribute(w: Writer, attribute: OnnxAttribute): void {
  // AttributeProto: name=1, f=2, i=3, s=4, floats=7, ints=8, type=20.
  string(w, 1, attribute.name);
  const { value } = attribute;
  if (typeof value === 'string') {
    tag(w, 4, BYTES).bytes(new TextEncoder().encode(value));
    int64(w, 20, 3);
  } else if (typeof value === 'number') {
    if (attribute.float === true || !Number.isInteger(value)) {
      tag(w, 2, FIXED32).float(value);
      int64(w, 20, 1);
    } else {
      int64(w, 3, value);
      int64(w, 20, 2);
    }
  } else if (attribute.float === true) {
    for (const v of value) tag(w, 7, FIXED32).float(v);
    int64(w, 20, 6);
  } else {
    for (const v of value) int64(w, 8, v);
    int64(w, 20, 7);
  }
}

function writeNode(w: Writer, node: OnnxNode): void {
  // NodeProto: input=1, output=2, name=3, op_type=4, attribute=5.
  for (const input of node.inputs) string(w, 1, input);
  for (const output of node.outputs) string(w, 2, output);
  string(w, 3, node.name);
  string(w, 4, node.opType);
  for (const attribute of node.attributes ?? [])
    message(w, 5, (inner) => {
      writeAttribute(inner, attribute);
    });
}

function writeTensor(w: Writer, tensor: OnnxTensor): void {
  // TensorProto: dims=1, data_type=2, name=8, raw_data=9.
  for (const dim of tensor.dims) int64(w, 1, dim);
  tag(w, 2, VARINT).int32(tensor.dataType);
  string(w, 8, tensor.name);
  tag(w, 9, BYTES).bytes(tensor.raw);
}

function writeValueInfo(w: Writer, info: OnnxValueInfo): void {
  // ValueInfoProto: name=1, type=2 → TypeProto.tensor_type=1 → elem_type=1, shape=2 → dim=1 → value=1 | param=2.
  string(w, 1, info.name);
  message(w, 2, (type) => {
    message(type, 1, (tensorType) => {
      int64(tensorType, 1, OnnxDataType.FLOAT);
      message(tensorType, 2, (shape) => {
        for (const dim of info.shape) {
          message(shape, 1, (d) => {
            if (typeof dim === 'number') int64(d, 1, dim);
            else string(d, 2, dim);
          });
        }
      });
    });
  });
}

/** Serializes an ONNX `ModelProto` (field numbers from onnx.proto). */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = protobuf.Writer.create();
  // ModelProto: ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8, metadata_props=14.
  int64(w, 1, model.irVersion);
  string(w, 2, model.producerName);
  string(w, 3, model.producerVersion);
  message(w, 7, (graph) => {
    // GraphProto: node=1, name=2, initializer=5, input=11, output=12.
    for (const node of model.nodes)
      message(graph, 1, (inner) => {
        writeNode(inner, node);
      });
    string(graph, 2, model.graphName);
    for (const tensor of model.initializers)
      message(graph, 5, (inner) => {
        writeTensor(inner, tensor);
      });
    for (const input of model.inputs)
      message(graph, 11, (inner) => {
        writeValueInfo(inner, input);
      });
    for (const output of model.outputs)
      message(graph, 12, (inner) => {
        writeValueInfo(inner, output);
      });
  });
  message(w, 8, (opset) => {
    string(opset, 1, '');
    int64(opset, 2, model.opset);
  });
  for (const [key, value] of Object.entries(model.metadata)) {
    message(w, 14, (entry) => {
      string(entry, 1, key);
      string(entry, 2, value);
    });
  }
  return w.finish();
}
