// The ONNX messages the exporter writes, as protobuf bytes. Field numbers from
// onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
// TensorProto, ValueInfoProto, TypeProto, TensorShapeProto).
import { ProtoWriter } from './protobuf';

/** ONNX IR version written (ONNX 1.10+ readers). */
export const IR_VERSION = 8;
/** The default-domain opset the graphs use. */
export const OPSET = 13;

/** TensorProto.DataType values used here. */
export const FLOAT = 1;
export const INT64 = 7;

/** A node attribute: an int, a float, a list of ints or a string. */
export type Attribute = number | number[] | string | { float: number };

/** One graph node (an operator call). */
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, Attribute>;
}

/** A constant tensor (weights): float32 or int64. */
export interface OnnxTensor {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

/** A graph input or output: name, element type, shape (null = symbolic dimension `N`). */
export interface OnnxValue {
  name: string;
  shape: (number | null)[];
}

/** A whole model: one graph. */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  /** Written as ModelProto.metadata_props (string key/value pairs). */
  metadata?: Record<string, string>;
}

function attribute(name: string, value: Attribute): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  // AttributeProto: name 1, f 2, i 3, s 4, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, INTS 7)
  if (typeof value === 'number') return w.int(3, value).int(20, 2);
  if (typeof value === 'string') return w.string(4, value).int(20, 3);
  if (Array.isArray(value)) return w.packedInts(8, value).int(20, 7);
  return w.float(2, value.float).int(20, 1);
}

function node(n: OnnxNode): ProtoWriter {
  // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.op);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, attribute(k, v));
  return w;
}

function tensor(t: OnnxTensor): ProtoWriter {
  // TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian)
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return new ProtoWriter()
    .packedInts(1, t.dims)
    .int(2, t.data instanceof Float32Array ? FLOAT : INT64)
    .string(8, t.name)
    .bytes(9, Uint8Array.from(raw));
}

function valueInfo(v: OnnxValue): ProtoWriter {
  // ValueInfoProto{name 1, type 2}; TypeProto{tensor_type 1}; Tensor{elem_type 1, shape 2};
  // TensorShapeProto{dim 1}; Dimension{dim_value 1, dim_param 2}
  const shape = new ProtoWriter();
  for (const d of v.shape) {
    shape.message(1, d === null ? new ProtoWriter().string(2, 'N') : new ProtoWriter().int(1, d));
  }
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

/** The ModelProto bytes of `g` (a `.onnx` file's whole content). */
export function encodeModel(g: OnnxGraph, producer = '@ssl/trainer'): Uint8Array {
  // GraphProto: node 1, name 2, initializer 5, input 11, output 12
  const graph = new ProtoWriter();
  for (const n of g.nodes) graph.message(1, node(n));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, tensor(t));
  for (const i of g.inputs) graph.message(11, valueInfo(i));
  for (const o of g.outputs) graph.message(12, valueInfo(o));
  // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8, metadata_props 14
  const model = new ProtoWriter().int(1, IR_VERSION).string(2, producer).message(7, graph);
  model.message(8, new ProtoWriter().string(1, '').int(2, OPSET));
  for (const [k, v] of Object.entries(g.metadata ?? {})) {
    model.message(14, new ProtoWriter().string(1, k).string(2, v));
  }
  return model.finish();
}
