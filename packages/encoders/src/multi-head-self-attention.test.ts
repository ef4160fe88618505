import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  describeBackends,
  expectAllClose,
  expectNoLeak,
  numericGradient,
  randomArray,
} from '@ssl/test-utils';
import { MultiHeadSelfAttention } from './multi-head-self-attention';
import { disposeLayerWeights, saveAndLoad } from './testing/round-trip';

const B = 2;
const T = 3;
const D = 4;
const H = 2;

/** Known weights: four [D, D] kernels (query, key, value, output) and four [D] biases. */
const kernels = [0, 1, 2, 3].map((i) => randomArray(D * D, 100 + i));
const biases = [0, 1, 2, 3].map((i) => randomArray(D, 200 + i, -0.3, 0.3));
const MASK = [1, 1, 1, 1, 1, 0]; // batch row 1 has its last position padded

/**
 * Naive scaled dot-product attention, one number at a time, in float64:
 * the reference the layer is checked against.
 */
function naiveAttention(x: ArrayLike<number>, mask: number[] | null): number[] {
  const dh = D / H;
  const linear = (row: number[], w: ArrayLike<number>, b: ArrayLike<number>) => {
    const out: number[] = [];
    for (let j = 0; j < D; j++) {
      let s = b[j];
      for (let i = 0; i < D; i++) s += row[i] * w[i * D + j];
      out.push(s);
    }
    return out;
  };
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    const rows = [...Array(T).keys()].map((t) =>
      Array.from({ length: D }, (_, i) => x[(b * T + t) * D + i]),
    );
    const q = rows.map((r) => linear(r, kernels[0], biases[0]));
    const k = rows.map((r) => linear(r, kernels[1], biases[1]));
    const v = rows.map((r) => linear(r, kernels[2], biases[2]));
    for (let t = 0; t < T; t++) {
      const concat: number[] = [];
      for (let h = 0; h < H; h++) {
        const scores: number[] = [];
        for (let s = 0; s < T; s++) {
          let dot = 0;
          for (let i = 0; i < dh; i++) dot += q[t][h * dh + i] * k[s][h * dh + i];
          scores.push(dot / Math.sqrt(dh));
        }
        // Padded keys are excluded from the softmax.
        const keep = scores.map((_, s) => mask == null || mask[b * T + s] === 1);
        const max = Math.max(...scores.filter((_, s) => keep[s]));
        const e = scores.map((sc, s) => (keep[s] ? Math.exp(sc - max) : 0));
        const z = e.reduce((a, c) => a + c, 0);
        for (let i = 0; i < dh; i++) {
          let acc = 0;
          for (let s = 0; s < T; s++) acc += (e[s] / z) * v[s][h * dh + i];
          concat.push(acc);
        }
      }
      out.push(...linear(concat, kernels[3], biases[3]));
    }
  }
  return out;
}

function knownLayer(): MultiHeadSelfAttention {
  const layer = new MultiHeadSelfAttention({ numHeads: H, seed: 1 });
  layer.build([
    [B, T, D],
    [B, T],
  ]);
  const values = [
    ...kernels.map((k) => tf.tensor2d(k, [D, D])),
    ...biases.map((b) => tf.tensor1d(b)),
  ];
  layer.setWeights(values);
  tf.dispose(values);
  return layer;
}

describeBackends('MultiHeadSelfAttention', () => {
  const xData = randomArray(B * T * D, 7);

  it('matches a naive loop of scaled dot-product attention, with and without a mask', () => {
    const layer = knownLayer();
    const x = tf.tensor3d(xData, [B, T, D]);
    const masked = layer.apply([x, tf.tensor2d(MASK, [B, T])]) as tf.Tensor;
    expect(masked.shape).toEqual([B, T, D]);
    expectAllClose(masked.dataSync(), naiveAttention(xData, MASK), { atol: 1e-5 });
    const plain = layer.apply(x) as tf.Tensor;
    expectAllClose(plain.dataSync(), naiveAttention(xData, null), { atol: 1e-5 });
    // The mask matters for the padded row: the two results differ there.
    const diff = Math.abs(masked.dataSync()[(T + 0) * D] - plain.dataSync()[(T + 0) * D]);
    expect(diff).toBeGreaterThan(1e-4);
    // An int32 mask gives the same result as a float32 one.
    const intMasked = layer.apply([x, tf.tensor2d(MASK, [B, T], 'int32')]) as tf.Tensor;
    expectAllClose(intMasked.dataSync(), masked.dataSync(), { atol: 1e-6 });
    tf.dispose([x, masked, plain, intMasked]);
    disposeLayerWeights(layer);
  });

  it('forward pass leaks no tensors', async () => {
    const layer = knownLayer();
    const x = tf.tensor3d(xData, [B, T, D]);
    const mask = tf.tensor2d(MASK, [B, T]);
    await expectNoLeak(() => layer.apply([x, mask]));
    tf.dispose([x, mask]);
    disposeLayerWeights(layer);
  });

  it('rejects a width not divisible by numHeads, and a mask of the wrong shape', () => {
    const layer = new MultiHeadSelfAttention({ numHeads: 3 });
    expect(() => layer.build([null, 5, 8])).toThrow(
      /MultiHeadSelfAttention: model width D \(8\) must be divisible by numHeads \(3\)/,
    );
    expect(() => new MultiHeadSelfAttention({ numHeads: 0 })).toThrow(
      /MultiHeadSelfAttention: numHeads must be an integer >= 1, got 0/,
    );
    const ok = knownLayer();
    expect(() => ok.apply([tf.zeros([B, T, D]), tf.ones([B, T + 1])])).toThrow(
      /attention mask must be \[B, T\] = \[2,3\], got \[2,4\]/,
    );
    disposeLayerWeights(ok);
  });

  it('save -> load of a model holding the layer gives identical outputs', async () => {
    const x = tfl.input({ shape: [null, D] });
    const mask = tfl.input({ shape: [null] });
    const layer = new MultiHeadSelfAttention({ numHeads: H, maskValue: -1e4, name: 'mhsa' });
    const model = tfl.model({
      inputs: [x, mask],
      outputs: layer.apply([x, mask]) as tfl.SymbolicTensor,
    });
    const known = knownLayer();
    layer.setWeights(known.getWeights());
    const loaded = await saveAndLoad(model);
    const restored = loaded.getLayer('mhsa') as MultiHeadSelfAttention;
    expect(restored).toBeInstanceOf(MultiHeadSelfAttention);
    expect(restored.numHeads).toBe(H);
    expect(restored.maskValue).toBe(-1e4);
    const inputs = [tf.tensor3d(xData, [B, T, D]), tf.tensor2d(MASK, [B, T])];
    const a = model.predict(inputs) as tf.Tensor;
    const b = loaded.predict(inputs) as tf.Tensor;
    expectAllClose(b.dataSync(), a.dataSync(), { atol: 1e-6, rtol: 0 });
    expectAllClose(a.dataSync(), naiveAttention(xData, MASK), { atol: 1e-5 });
    tf.dispose([...inputs, a, b]);
    model.dispose();
    loaded.dispose();
    disposeLayerWeights(known);
  });
});

describeBackends(
  'MultiHeadSelfAttention gradient',
  () => {
    it('d/dx of sum(out * r) matches finite differences of the naive loop', () => {
      const layer = knownLayer();
      const xData = randomArray(B * T * D, 17);
      const r = randomArray(B * T * D, 18);
      const objective = (y: ArrayLike<number>) => {
        let s = 0;
        for (let i = 0; i < y.length; i++) s += y[i] * r[i];
        return s;
      };
      const expected = numericGradient((v) => objective(naiveAttention(v, MASK)), xData);
      const mask = tf.tensor2d(MASK, [B, T]);
      const rT = tf.tensor3d(r, [B, T, D]);
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(layer.apply([x, mask]) as tf.Tensor, rT)))(
        tf.tensor3d(xData, [B, T, D]),
      );
      expectAllClose(g.dataSync(), expected, { atol: 2e-4, rtol: 1e-3 });
      tf.dispose([mask, rT, g]);
      disposeLayerWeights(layer);
    });
  },
  ['cpu'],
);
