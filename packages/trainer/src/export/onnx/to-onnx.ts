// tfjs Layers model -> ONNX graph (opset 13), written without any ONNX package.
//
// The graph takes the model's own NHWC input and gives its own output; inside,
// 4-D tensors are NCHW (ONNX's layout): a Transpose after the input, and one
// before a 4-D output or a Flatten. Nested models (an encoder inside a
// classifier) are inlined.
import type * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { encodeModel, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx-proto';

const FN = 'toOnnx';

/** The layer classes {@link toOnnx} converts. */
export const ONNX_LAYERS = [
  'InputLayer',
  'Conv2D',
  'BatchNormalization',
  'ReLU',
  'Activation',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Dense',
  'Add',
  'Flatten',
  'Dropout',
  'Softmax',
  "SslStandardize (a linear probe's feature scaling)",
  'Functional / Model / Sequential (inlined)',
] as const;

/** A value in the graph: its ONNX name and its rank (4 = NCHW inside the graph). */
interface Value {
  name: string;
  rank: number;
}

/** Options of {@link toOnnx}. */
export interface ToOnnxOptions {
  /** Name of the graph input. Default `'input'` (NHWC float32, batch dimension `N`). */
  inputName?: string;
  /** Name of the graph output. Default `'output'`. */
  outputName?: string;
  /** Key/value strings stored as the model's metadata_props. */
  metadata?: Record<string, string>;
}

/** Builds the ONNX graph of `model` (see the module comment); throws naming any layer it cannot convert. */
export function onnxGraph(model: tfl.LayersModel, options: ToOnnxOptions = {}): OnnxGraph {
  const { inputName = 'input', outputName = 'output' } = options;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(
      `${FN}: the model must have one input and one output, got ${model.inputs.length} and ${model.outputs.length}`,
    );
  }
  const b = new GraphBuilder();
  const inShape = model.inputs[0].shape;
  let x: Value = { name: inputName, rank: inShape.length };
  if (x.rank === 4) x = b.transpose(x, [0, 3, 1, 2], 'input_nchw'); // NHWC -> NCHW
  let y = b.model(model, [x]);
  if (y.rank === 4) y = b.transpose(y, [0, 2, 3, 1], 'output_nhwc'); // NCHW -> NHWC
  b.nodes.push({ op: 'Identity', inputs: [y.name], outputs: [outputName], name: 'output' });
  return {
    name: model.name,
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: [{ name: inputName, shape: inShape.map((d) => d ?? null) }],
    outputs: [{ name: outputName, shape: model.outputs[0].shape.map((d) => d ?? null) }],
    metadata: options.metadata,
  };
}

/** The `.onnx` file bytes of `model` (see {@link onnxGraph}). */
export function toOnnx(model: tfl.LayersModel, options: ToOnnxOptions = {}): Uint8Array {
  return encodeModel(onnxGraph(model, options));
}

type AnyLayer = tfl.layers.Layer & { getConfig(): Record<string, unknown> };
type Container = tfl.LayersModel & {
  containerNodes: Set<string>;
  inputLayers: tfl.layers.Layer[];
  inputLayersNodeIndices: number[];
  outputLayers: tfl.layers.Layer[];
  outputLayersNodeIndices: number[];
  outputLayersTensorIndices: number[];
  model?: tfl.LayersModel; // Sequential's inner model
};
interface LayerNode {
  inboundLayers: tfl.layers.Layer[];
  nodeIndices: number[];
  tensorIndices: number[];
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private names = new Set<string>();

  private unique(base: string): string {
    let n = base.replace(/[^A-Za-z0-9_./-]/g, '_');
    for (let i = 1; this.names.has(n); i++) n = `${base}_${i}`;
    this.names.add(n);
    return n;
  }

  op(
    op: string,
    inputs: string[],
    name: string,
    attributes?: OnnxNode['attributes'],
    rank = 4,
  ): Value {
    const out = this.unique(name);
    this.nodes.push({ op, inputs, outputs: [out], name: out, attributes });
    return { name: out, rank };
  }

  constant(name: string, dims: number[], data: Float32Array | BigInt64Array): string {
    const n = this.unique(name);
    this.initializers.push({ name: n, dims, data });
    return n;
  }

  transpose(x: Value, perm: number[], name: string): Value {
    return this.op('Transpose', [x.name], name, { perm }, x.rank);
  }

  /** Inlines `model` applied to `inputs`; returns its output value. */
  model(m: tfl.LayersModel, inputs: Value[]): Value {
    const c = m as Container;
    if (m.getClassName() === 'Sequential') {
      if (!c.model) (m as unknown as { build(): void }).build(); // built on first use
      return this.model(c.model!, inputs);
    }
    const values = new Map<string, Value>();
    const key = (layer: tfl.layers.Layer, node: number, tensor: number) =>
      `${layer.name}:${node}:${tensor}`;
    c.inputLayers.forEach((l, i) => values.set(key(l, c.inputLayersNodeIndices[i], 0), inputs[i]));
    for (const layer of m.layers) {
      const inbound = (layer as unknown as { inboundNodes: LayerNode[] }).inboundNodes;
      inbound.forEach((node, ni) => {
        if (!c.containerNodes.has(`${layer.name}_ib-${ni}`)) return;
        if (layer.getClassName() === 'InputLayer') return;
        const ins = node.inboundLayers.map((l, j) => {
          const v = values.get(key(l, node.nodeIndices[j], node.tensorIndices[j]));
          if (!v) throw new Error(`${FN}: layer '${layer.name}' reads a value not computed yet`);
          return v;
        });
        values.set(key(layer, ni, 0), this.layer(layer as AnyLayer, ins));
      });
    }
    const out = values.get(
      key(c.outputLayers[0], c.outputLayersNodeIndices[0], c.outputLayersTensorIndices[0]),
    );
    if (!out) throw new Error(`${FN}: model '${m.name}' has no computed output`);
    return out;
  }

  private weights(layer: tfl.layers.Layer): Map<string, tf.Tensor> {
    const map = new Map<string, tf.Tensor>();
    layer.weights.forEach((w, i) => {
      const short = w.originalName.split('/').pop() ?? w.originalName;
      map.set(short, layer.getWeights()[i]);
    });
    return map;
  }

  private activation(x: Value, act: unknown, name: string): Value {
    const a = typeof act === 'string' ? act : 'linear';
    if (a === 'linear') return x;
    if (a === 'relu') return this.op('Relu', [x.name], `${name}_relu`, undefined, x.rank);
    if (a === 'sigmoid') return this.op('Sigmoid', [x.name], `${name}_sigmoid`, undefined, x.rank);
    if (a === 'tanh') return this.op('Tanh', [x.name], `${name}_tanh`, undefined, x.rank);
    if (a === 'softmax') {
      if (x.rank !== 2) throw new Error(`${FN}: softmax of a ${x.rank}-D value in '${name}'`);
      return this.op('Softmax', [x.name], `${name}_softmax`, { axis: 1 }, 2);
    }
    throw new Error(`${FN}: activation '${a}' of layer '${name}' is not supported`);
  }

  private layer(layer: AnyLayer, ins: Value[]): Value {
    const cls = layer.getClassName();
    const cfg = layer.getConfig();
    const n = layer.name;
    const x = ins[0];
    const need4 = () => {
      if (x.rank !== 4) throw new Error(`${FN}: layer '${n}' (${cls}) needs a 4-D input`);
    };
    if ('layers' in layer && typeof (layer as unknown as tfl.LayersModel).predict === 'function') {
      return this.model(layer as unknown as tfl.LayersModel, ins);
    }
    switch (cls) {
      case 'Conv2D': {
        need4();
        if (cfg.dataFormat === 'channelsFirst') throw new Error(`${FN}: '${n}' is channelsFirst`);
        const w = this.weights(layer);
        const k = w.get('kernel')!; // [kh, kw, in, out]
        const kernel = tf.tidy(() => tf.transpose(k, [3, 2, 0, 1])); // [out, in, kh, kw]
        const inputs = [
          x.name,
          this.constant(`${n}_W`, kernel.shape, kernel.dataSync() as Float32Array),
        ];
        kernel.dispose();
        const bias = w.get('bias');
        if (bias) inputs.push(this.constant(`${n}_B`, bias.shape, bias.dataSync() as Float32Array));
        const ks = cfg.kernelSize as number[];
        const y = this.op('Conv', inputs, n, {
          kernel_shape: ks,
          strides: cfg.strides as number[],
          dilations: cfg.dilationRate as number[],
          auto_pad: cfg.padding === 'same' ? 'SAME_UPPER' : 'VALID',
        });
        return this.activation(y, cfg.activation, n);
      }
      case 'BatchNormalization': {
        const w = this.weights(layer);
        const c = w.get('moving_mean')!.shape[0];
        const axis = cfg.axis as number;
        if (!(axis === -1 || axis === x.rank - 1))
          throw new Error(
            `${FN}: '${n}' normalises axis ${axis}; only the channel axis is supported`,
          );
        const ones = new Float32Array(c).fill(1);
        const get = (k: string, dflt: Float32Array) =>
          w.has(k) ? (w.get(k)!.dataSync() as Float32Array) : dflt;
        const ins2 = [
          x.name,
          this.constant(`${n}_scale`, [c], get('gamma', ones)),
          this.constant(`${n}_bias`, [c], get('beta', new Float32Array(c))),
          this.constant(`${n}_mean`, [c], get('moving_mean', new Float32Array(c))),
          this.constant(`${n}_var`, [c], get('moving_variance', ones)),
        ];
        return this.op(
          'BatchNormalization',
          ins2,
          n,
          { epsilon: { float: cfg.epsilon as number } },
          x.rank,
        );
      }
      case 'ReLU': {
        if (cfg.maxValue != null) {
          const lo = this.constant(`${n}_min`, [], new Float32Array([0]));
          const hi = this.constant(`${n}_max`, [], new Float32Array([cfg.maxValue as number]));
          return this.op('Clip', [x.name, lo, hi], n, undefined, x.rank);
        }
        return this.op('Relu', [x.name], n, undefined, x.rank);
      }
      case 'Activation':
        return this.activation(x, cfg.activation, n);
      case 'Softmax':
        return this.activation(x, 'softmax', n);
      case 'Dropout':
        return x;
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        need4();
        const attrs: OnnxNode['attributes'] = {
          kernel_shape: cfg.poolSize as number[],
          strides: (cfg.strides as number[] | null) ?? (cfg.poolSize as number[]),
          auto_pad: cfg.padding === 'same' ? 'SAME_UPPER' : 'VALID',
        };
        if (cls === 'AveragePooling2D') {
          if (cfg.padding === 'same')
            throw new Error(`${FN}: '${n}': AveragePooling2D with padding 'same' is not supported`);
          return this.op('AveragePool', [x.name], n, attrs);
        }
        return this.op('MaxPool', [x.name], n, attrs);
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        need4();
        const op = cls === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool';
        const p = this.op(op, [x.name], `${n}_pool`); // [N, C, 1, 1]
        return this.op('Flatten', [p.name], n, { axis: 1 }, 2); // [N, C]
      }
      case 'Flatten': {
        // tfjs flattens NHWC order: back to NHWC first
        const src = x.rank === 4 ? this.transpose(x, [0, 2, 3, 1], `${n}_nhwc`) : x;
        return this.op('Flatten', [src.name], n, { axis: 1 }, 2);
      }
      case 'Dense': {
        if (x.rank !== 2) throw new Error(`${FN}: Dense '${n}' on a ${x.rank}-D value`);
        const w = this.weights(layer);
        const k = w.get('kernel')!; // [in, out]
        const units = k.shape[1]!;
        const bias = w.get('bias');
        const y = this.op(
          'Gemm',
          [
            x.name,
            this.constant(`${n}_W`, k.shape, k.dataSync() as Float32Array),
            this.constant(
              `${n}_B`,
              [units],
              bias ? (bias.dataSync() as Float32Array) : new Float32Array(units),
            ),
          ],
          n,
          undefined,
          2,
        );
        return this.activation(y, cfg.activation, n);
      }
      case 'Add': {
        let acc = x;
        for (let i = 1; i < ins.length; i++) {
          acc = this.op('Add', [acc.name, ins[i].name], n, undefined, x.rank);
        }
        return acc;
      }
      case 'SslStandardize': {
        // (x - mean) / std, per feature
        const w = this.weights(layer);
        const mean = w.get('mean')!;
        const std = w.get('std')!;
        const m = this.constant(`${n}_mean`, mean.shape, mean.dataSync() as Float32Array);
        const sd = this.constant(`${n}_std`, std.shape, std.dataSync() as Float32Array);
        const centred = this.op('Sub', [x.name, m], `${n}_sub`, undefined, x.rank);
        return this.op('Div', [centred.name, sd], n, undefined, x.rank);
      }
      default:
        throw new Error(
          `${FN}: layer '${n}' (${cls}) has no ONNX conversion; supported: ${ONNX_LAYERS.join(', ')}`,
        );
    }
  }
}
