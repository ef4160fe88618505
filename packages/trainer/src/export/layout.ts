/**
 * tfjs (Keras, channels-last) weights <-> PyTorch names and layouts, per layer
 * class. A tfjs weight `<layer>/<short>` becomes the PyTorch tensor
 * `<role>.<layer>.<torch name>`:
 *
 * | tfjs class | tfjs weight | PyTorch | layout change |
 * |---|---|---|---|
 * | Conv2D | kernel [kh,kw,in,out], bias | weight [out,in,kh,kw], bias | permute (3,2,0,1) |
 * | DepthwiseConv2D | depthwise_kernel [kh,kw,in,m], bias | weight [in*m,1,kh,kw], bias | permute (2,3,0,1), reshape |
 * | Dense | kernel [in,out], bias | weight [out,in], bias | transpose |
 * | BatchNormalization | gamma, beta, moving_mean, moving_variance | weight, bias, running_mean, running_var | none |
 * | SslLayerNormalization, LayerNormalization | gamma, beta | weight, bias | none |
 * | Embedding, PositionEmbedding | embeddings [n,D] | weight [n,D] | none |
 * | MultiHeadSelfAttention | {query,key,value,output}_kernel [D,D], _bias | {query,key,value,output}.weight [D,D] (transposed), .bias | transpose |
 * | SslVitEmbedding | class_token [D], positions [1+L,D] | cls_token [D], pos_embed [1+L,D] | none |
 */

/** A row-major tensor: its shape and values. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

interface Rule {
  /** The PyTorch name inside the layer's module. */
  torch: string;
  /** tfjs layout -> PyTorch layout. */
  toTorch: (t: HostTensor) => HostTensor;
  /** PyTorch layout -> tfjs layout; `tfShape` is the tfjs weight's shape. */
  fromTorch: (t: HostTensor, tfShape: number[]) => HostTensor;
}

/** Permutes the axes of a row-major tensor: output axis i is input axis `perm[i]` (numpy's transpose). */
export function permute(t: HostTensor, perm: number[]): HostTensor {
  const rank = t.shape.length;
  if (perm.length !== rank) {
    throw new Error(`permute: perm [${perm}] does not match rank ${rank} of [${t.shape}]`);
  }
  const shape = perm.map((p) => t.shape[p]);
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= t.shape[i];
  }
  const strides = perm.map((p) => inStrides[p]); // input stride of each output axis
  const out = new Float32Array(t.data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += idx[i] * strides[i];
    out[o] = t.data[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return { shape, data: out };
}

const inverse = (perm: number[]) => perm.map((_, i) => perm.indexOf(i));
const same = (torch: string): Rule => ({ torch, toTorch: (t) => t, fromTorch: (t) => t });
const permuted = (torch: string, perm: number[]): Rule => ({
  torch,
  toTorch: (t) => permute(t, perm),
  fromTorch: (t) => permute(t, inverse(perm)),
});
const depthwise: Rule = {
  torch: 'weight',
  // [kh,kw,in,m] -> [in,m,kh,kw] -> [in*m,1,kh,kw]: PyTorch's output channel c*m+j is tfjs's (c, j)
  toTorch: (t) => {
    const p = permute(t, [2, 3, 0, 1]);
    return { shape: [p.shape[0] * p.shape[1], 1, p.shape[2], p.shape[3]], data: p.data };
  },
  fromTorch: (t, tfShape) => {
    const [kh, kw, cin, m] = tfShape;
    return permute({ shape: [cin, m, kh, kw], data: t.data }, [2, 3, 0, 1]);
  },
};

const LAYER_NORM = { gamma: same('weight'), beta: same('bias') };

/** The rules per tfjs layer class; a class not listed here must have no weights. */
export const LAYOUT_RULES: Record<string, Record<string, Rule>> = {
  Conv2D: { kernel: permuted('weight', [3, 2, 0, 1]), bias: same('bias') },
  DepthwiseConv2D: { depthwise_kernel: depthwise, bias: same('bias') },
  Dense: { kernel: permuted('weight', [1, 0]), bias: same('bias') },
  BatchNormalization: {
    gamma: same('weight'),
    beta: same('bias'),
    moving_mean: same('running_mean'),
    moving_variance: same('running_var'),
  },
  SslLayerNormalization: LAYER_NORM,
  LayerNormalization: LAYER_NORM,
  Embedding: { embeddings: same('weight') },
  PositionEmbedding: { embeddings: same('weight') },
  SslVitEmbedding: { class_token: same('cls_token'), positions: same('pos_embed') },
  MultiHeadSelfAttention: Object.fromEntries(
    ['query', 'key', 'value', 'output'].flatMap((p) => [
      [`${p}_kernel`, permuted(`${p}.weight`, [1, 0])],
      [`${p}_bias`, same(`${p}.bias`)],
    ]),
  ),
};

/** The rule of weight `short` (e.g. 'kernel') of a layer of class `className`, or a clear error. */
export function layoutRule(fn: string, className: string, layerName: string, short: string): Rule {
  const rules = LAYOUT_RULES[className];
  const rule = rules?.[short];
  if (!rule) {
    throw new Error(
      `${fn}: layer '${layerName}' (${className}) has a weight '${short}' with no PyTorch mapping; ` +
        `supported classes: ${Object.keys(LAYOUT_RULES).join(', ')}`,
    );
  }
  return rule;
}
