import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, randomArray } from '@ssl/test-utils';
import { registerWasmTrainingKernels } from '../wasm-kernels/register';
import { batchNormGradConfig } from './batch-norm';
import { registerFastGradients } from './register';

registerWasmTrainingKernels();
registerFastGradients();

/**
 * Gradients of L = sum(y * w), y = batchNorm(x, mean, variance, offset, scale, eps),
 * by naive loops over x [n, c] (channels last) from the closed forms of dy/d(each input).
 */
type Values = ArrayLike<number>;

function naiveGrads(
  x: Values,
  c: number,
  mean: Values,
  variance: Values,
  scale: Values,
  w: Values,
  eps: number,
): { x: number[]; mean: number[]; variance: number[]; scale: number[]; offset: number[] } {
  const out = {
    x: new Array<number>(x.length).fill(0),
    mean: new Array<number>(c).fill(0),
    variance: new Array<number>(c).fill(0),
    scale: new Array<number>(c).fill(0),
    offset: new Array<number>(c).fill(0),
  };
  for (let i = 0; i < x.length; i++) {
    const k = i % c;
    const r = 1 / Math.sqrt(variance[k] + eps);
    const centred = x[i] - mean[k];
    out.x[i] = w[i] * r * scale[k];
    out.mean[k] -= w[i] * r * scale[k];
    out.variance[k] += w[i] * centred * scale[k] * -0.5 * r * r * r;
    out.scale[k] += w[i] * centred * r;
    out.offset[k] += w[i];
  }
  return out;
}

describe.each(['cpu', 'wasm'])('the FusedBatchNorm gradient without Tile [%s]', (backend) => {
  const shape = [2, 3, 5, 4]; // [N, H, W, C]
  const c = 4;
  const size = 2 * 3 * 5 * 4;
  const x = Array.from(randomArray(size, 1), (v) => 3 * v + 0.5);
  const mean = Array.from(randomArray(c, 2));
  const variance = Array.from(randomArray(c, 3), (v) => v * v + 0.2);
  const scale = Array.from(randomArray(c, 4), (v) => v + 1.5);
  const offset = Array.from(randomArray(c, 5));
  const w = Array.from(randomArray(size, 6));
  const eps = 1e-3;

  it('matches the closed form for x, mean, variance, scale and offset, leaking nothing', async () => {
    await tf.setBackend(backend);
    expect(tf.getGradient(tf.FusedBatchNorm)).toBe(batchNormGradConfig);
    const before = tf.memory().numTensors;
    const inputs = [
      tf.tensor4d(x, shape as [number, number, number, number]),
      tf.tensor1d(mean),
      tf.tensor1d(variance),
      tf.tensor1d(offset),
      tf.tensor1d(scale),
    ];
    const wT = tf.tensor4d(w, shape as [number, number, number, number]);
    const grads = tf.grads((xi, m, v, o, s) =>
      tf.sum(tf.mul(tf.batchNorm(xi as tf.Tensor4D, m, v, o, s, eps), wT)),
    )(inputs);
    const want = naiveGrads(x, c, mean, variance, scale, w, eps);
    const got = grads.map((g) => Array.from(g.dataSync()));
    expectAllClose(got[0], want.x, { atol: 1e-5, rtol: 1e-4 });
    expectAllClose(got[1], want.mean, { atol: 1e-4, rtol: 1e-4 });
    expectAllClose(got[2], want.variance, { atol: 1e-4, rtol: 1e-4 });
    expectAllClose(got[3], want.offset, { atol: 1e-4, rtol: 1e-4 });
    expectAllClose(got[4], want.scale, { atol: 1e-4, rtol: 1e-4 });
    tf.dispose([...grads, ...inputs, wT]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs no Tile, and batch norm through tf.moments no full-size Fill either', async () => {
    await tf.setBackend(backend);
    const xT = tf.tensor4d(x, shape as [number, number, number, number]);
    const [o, s] = [tf.tensor1d(offset), tf.tensor1d(scale)]; // tfjs saves scale: it must be given
    const info = await tf.profile(() =>
      tf.tidy(() =>
        tf.grad((xi: tf.Tensor) => {
          const { mean: m, variance: v } = tf.moments(xi, [0, 1, 2]);
          return tf.sum(tf.square(tf.batchNorm(xi as tf.Tensor4D, m, v, o, s, eps)));
        })(xT),
      ),
    );
    const kernels = info.kernels.map((k) => k.name);
    expect(kernels).toContain('FusedBatchNorm');
    expect(kernels).not.toContain('Fill'); // tfjs-core's Mean gradient fills ones(x.shape)
    // the only Tile left is the broadcast of the Mean gradient ([1,1,1,C] -> x's shape)
    const tiles = info.kernels.filter((k) => k.name === 'Tile');
    expect(tiles.every((k) => k.inputShapes[0]?.slice(0, 3).every((d) => d === 1))).toBe(true);
    tf.dispose([xT, o, s]);
  });
});
