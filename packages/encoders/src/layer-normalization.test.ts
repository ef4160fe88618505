import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  describeBackends,
  expectAllClose,
  expectNoLeak,
  numericGradient,
  randomArray,
} from '@ssl/test-utils';
import { LayerNormalization } from './layer-normalization';
import { disposeLayerWeights, saveAndLoad } from './testing/round-trip';

/**
 * The reference: a deliberately naive loop over the rows of a row-major
 * [rows, D] array, in double precision.
 */
function naiveLayerNorm(
  x: ArrayLike<number>,
  d: number,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  eps: number,
): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / d; r++) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[r * d + j];
    mean /= d;
    let variance = 0;
    for (let j = 0; j < d; j++) variance += (x[r * d + j] - mean) ** 2;
    variance /= d;
    for (let j = 0; j < d; j++) {
      out.push((gamma[j] * (x[r * d + j] - mean)) / Math.sqrt(variance + eps) + beta[j]);
    }
  }
  return out;
}

function knownLayer(d: number, eps: number, seed: number) {
  const gamma = randomArray(d, seed, 0.5, 1.5);
  const beta = randomArray(d, seed + 1, -0.5, 0.5);
  const layer = new LayerNormalization({ epsilon: eps, name: 'ln' });
  layer.build([null, d]);
  const w = [tf.tensor1d(gamma), tf.tensor1d(beta)];
  layer.setWeights(w);
  tf.dispose(w);
  return { layer, gamma, beta };
}

describeBackends('LayerNormalization', () => {
  it.each([
    [[2, 3, 5], 1e-3],
    [[4, 7], 1e-12],
    [[1, 2, 2, 6], 1e-5],
  ])('input %j, epsilon %p: equals a naive per-row loop', (shape, eps) => {
    const d = shape[shape.length - 1];
    const { layer, gamma, beta } = knownLayer(d, eps, 3);
    const n = shape.reduce((a, b) => a * b, 1);
    // Rows with an offset and a scale, so that centring and scaling both matter.
    const x = randomArray(n, 5).map((v, i) => 3 * v + (i % 3));
    const y = layer.apply(tf.tensor(x, shape)) as tf.Tensor;
    expect(y.shape).toEqual(shape);
    expectAllClose(y.dataSync(), naiveLayerNorm(x, d, gamma, beta, eps), { atol: 1e-5 });
    y.dispose();
    disposeLayerWeights(layer);
  });

  it('a constant row gives beta (no NaN, even with epsilon 1e-12)', () => {
    const { layer, beta } = knownLayer(4, 1e-12, 8);
    const y = layer.apply(tf.fill([2, 4], 7)) as tf.Tensor;
    expectAllClose(y.dataSync(), [...beta, ...beta], { atol: 1e-6 });
    y.dispose();
    disposeLayerWeights(layer);
  });

  it('starts as gamma = 1, beta = 0: rows with mean 0 and variance 1', () => {
    const layer = new LayerNormalization();
    expect(layer.epsilon).toBe(1e-3);
    const y = layer.apply(tf.tensor2d(randomArray(3 * 8, 2, -4, 9), [3, 8])) as tf.Tensor;
    expect(layer.weights.map((w) => [w.name.split('/').pop(), w.shape])).toEqual([
      ['gamma', [8]],
      ['beta', [8]],
    ]);
    const { mean, variance } = tf.moments(y, -1);
    expectAllClose(mean.dataSync(), [0, 0, 0], { atol: 1e-5 });
    // variance / (variance + eps) with eps = 1e-3 relative to the row's variance (~7).
    Array.from(variance.dataSync()).forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(1e-3));
    tf.dispose([y, mean, variance]);
    disposeLayerWeights(layer);
  });

  it('rejects a bad epsilon and an input without a known last axis', () => {
    expect(() => new LayerNormalization({ epsilon: 0 })).toThrow(
      /LayerNormalization: epsilon must be a finite number > 0, got 0/,
    );
    expect(() => new LayerNormalization().build([null, null])).toThrow(
      /LayerNormalization: input must be \[\.\.\., D\] \(rank >= 2\) with a known D, got \[,\]/,
    );
    expect(() => new LayerNormalization().build([5])).toThrow(/rank >= 2/);
  });

  it('forward and backward leak no tensors', async () => {
    const { layer } = knownLayer(5, 1e-3, 4);
    const x = tf.tensor3d(randomArray(2 * 3 * 5, 6), [2, 3, 5]);
    await expectNoLeak(() => layer.apply(x));
    await expectNoLeak(() =>
      tf.grads((a: tf.Tensor) => tf.sum(tf.square(layer.apply(a) as tf.Tensor)))([x]),
    );
    x.dispose();
    disposeLayerWeights(layer);
  });

  it('save -> load of a model holding the layer keeps gamma, beta and epsilon', async () => {
    const input = tfl.input({ shape: [null, 6] });
    const layer = new LayerNormalization({ epsilon: 1e-7, name: 'norm' });
    const model = tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
    const gamma = randomArray(6, 11, 0.5, 1.5);
    const beta = randomArray(6, 12);
    const w = [tf.tensor1d(gamma), tf.tensor1d(beta)];
    layer.setWeights(w);
    const loaded = await saveAndLoad(model);
    const restored = loaded.getLayer('norm') as LayerNormalization;
    expect(restored).toBeInstanceOf(LayerNormalization);
    expect(restored.getClassName()).toBe('SslLayerNormalization');
    expect(restored.epsilon).toBe(1e-7);
    const [g, b] = restored.getWeights();
    expectAllClose(g.dataSync(), gamma, { atol: 0, rtol: 0 });
    expectAllClose(b.dataSync(), beta, { atol: 0, rtol: 0 });
    const x = tf.tensor3d(randomArray(2 * 3 * 6, 13), [2, 3, 6]);
    const y = loaded.predict(x) as tf.Tensor;
    expectAllClose(y.dataSync(), naiveLayerNorm(x.dataSync(), 6, gamma, beta, 1e-7), {
      atol: 1e-5,
    });
    tf.dispose([...w, x, y]);
    model.dispose();
    loaded.dispose();
  });
});

describeBackends('LayerNormalization gradient', () => {
  it('d/dx, d/dgamma, d/dbeta of sum(w * y) match finite differences of the naive loop', () => {
    const [rows, d, eps] = [6, 5, 1e-5];
    const { layer, gamma, beta } = knownLayer(d, eps, 21);
    const x0 = randomArray(rows * d, 22).map((v, i) => 2 * v + (i % 4));
    const w0 = randomArray(rows * d, 23, -1, 1);
    const wT = tf.tensor2d(w0, [rows, d]);
    const xT = tf.variable(tf.tensor2d(x0, [rows, d]));
    const [gammaV, betaV] = layer.weights.map((v) => v.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(wT, layer.apply(xT) as tf.Tensor)) as tf.Scalar,
      [xT, gammaV, betaV],
    );
    const loss = (x: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>) =>
      naiveLayerNorm(x, d, g, b, eps).reduce((s, y, i) => s + w0[i] * y, 0);
    const opts = { atol: 2e-3, rtol: 2e-3 };
    expectAllClose(
      grads[xT.name].dataSync(),
      numericGradient((x) => loss(x, gamma, beta), x0),
      opts,
    );
    expectAllClose(
      grads[gammaV.name].dataSync(),
      numericGradient((g) => loss(x0, g, beta), gamma),
      opts,
    );
    expectAllClose(
      grads[betaV.name].dataSync(),
      numericGradient((b) => loss(x0, gamma, b), beta),
      opts,
    );
    // Falsifiable: the input gradient is not trivially zero.
    expect(tf.max(tf.abs(grads[xT.name])).dataSync()[0]).toBeGreaterThan(0.1);
    tf.dispose([wT, xT, ...Object.values(grads)]);
    disposeLayerWeights(layer);
  });

  it('the backward pass runs the same number of kernels whatever the batch and sequence sizes', async () => {
    // tf.layers.layerNormalization's gradient runs one Slice + Add per position (B·T);
    // this layer's must not grow with B·T.
    const { layer } = knownLayer(8, 1e-3, 31);
    const kernels = async (b: number, t: number) => {
      const x = tf.tensor3d(randomArray(b * t * 8, b + t), [b, t, 8]);
      const vars = layer.weights.map((v) => v.read() as tf.Variable);
      const info = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar,
          vars,
        );
        tf.dispose([value, ...Object.values(grads)]);
      });
      x.dispose();
      return info.kernels.length;
    };
    const small = await kernels(1, 2);
    expect(await kernels(8, 16)).toBe(small);
    expect(small).toBeLessThan(60);
    disposeLayerWeights(layer);
  });
});
