import * as tf from '@tensorflow/tfjs-core';
import {
  describeBackends,
  expectAllClose,
  expectNoLeak,
  numericGradient,
  randomArray,
} from '@ssl/test-utils';
import { negativeCosineSimilarity } from './negative-cosine';
import { rows, cosine, pairLossValue, expectPairLossNoLeak } from './test-helpers';

/** SimSiam eq. 1 as a float64 loop: -(1/N) Σ_i cos(p_i, z_i). */
function naiveNegCos(p: number[][], z: number[][]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += cosine(p[i], z[i]);
  return -s / p.length;
}

function loss(p: Float32Array, z: Float32Array, n: number, d: number): number {
  return pairLossValue(negativeCosineSimilarity, p, z, n, d);
}

describeBackends('negativeCosineSimilarity', () => {
  let seed = 900;
  for (const n of [1, 2, 4, 8])
    for (const d of [3, 16, 64]) {
      const s = seed++;
      it(`matches a naive float64 loop, N=${n} D=${d}`, () => {
        const p = randomArray(n * d, s);
        const z = randomArray(n * d, s + 1000);
        expectAllClose(loss(p, z, n, d), naiveNegCos(rows(p, n, d), rows(z, n, d)), {
          atol: 1e-6,
        });
      });
    }

  it('is -1 for identical vectors, +1 for opposite, 0 for orthogonal, invariant to scale', () => {
    const p = randomArray(32, 1);
    expectAllClose(loss(p, p, 4, 8), -1, { atol: 1e-6 });
    expectAllClose(
      loss(
        p,
        p.map((x) => -3 * x),
        4,
        8,
      ),
      1,
      { atol: 1e-6 },
    );
    expectAllClose(loss(Float32Array.from([1, 0, 0, 2]), Float32Array.from([0, 5, 7, 0]), 2, 2), 0);
    const z = randomArray(32, 2);
    expectAllClose(
      loss(
        p.map((x) => x * 1e-3),
        z.map((x) => x * 50),
        4,
        8,
      ),
      loss(p, z, 4, 8),
      {
        atol: 1e-6,
      },
    );
  });

  it('is finite (cosine 0) for zero vectors', () => {
    const p = randomArray(16, 3);
    p.fill(0, 0, 8);
    const z = new Float32Array(16);
    z.set(randomArray(8, 4), 8);
    z.fill(0, 8, 12);
    const got = loss(p, z, 2, 8);
    expect(Number.isFinite(got)).toBe(true);
    expectAllClose(got, naiveNegCos(rows(p, 2, 8), rows(z, 2, 8)), { atol: 1e-6 });
  });

  it('sends no gradient to z (exactly zero) and the finite-difference gradient to p', () => {
    const n = 3;
    const d = 5;
    const pv = randomArray(n * d, 5);
    const zv = randomArray(n * d, 6);
    const p = tf.tensor2d(pv, [n, d]);
    const z = tf.tensor2d(zv, [n, d]);
    const [gp, gz] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      negativeCosineSimilarity(a as tf.Tensor2D, b as tf.Tensor2D),
    )([p, z]);
    expect(Array.from(gz.dataSync())).toEqual(new Array(n * d).fill(0));
    const expected = numericGradient((x) => naiveNegCos(rows(x, n, d), rows(zv, n, d)), pv);
    expectAllClose(gp.dataSync(), expected, { atol: 1e-5, rtol: 1e-3 });
    // The naive loss does depend on z: a gradient there would be visible.
    const zGrad = numericGradient((x) => naiveNegCos(rows(pv, n, d), rows(x, n, d)), zv);
    expect(Math.max(...Array.from(zGrad, Math.abs))).toBeGreaterThan(1e-2);
    tf.dispose([p, z, gp, gz]);
  });

  it('rejects bad input with a message naming function, argument, expected and actual', () => {
    const z = tf.zeros([4, 3]) as tf.Tensor2D;
    expect(() => negativeCosineSimilarity(tf.zeros([4]) as unknown as tf.Tensor2D, z)).toThrow(
      /negativeCosineSimilarity: p must be a 2-D tensor \[N, D\], got shape \[4\]/,
    );
    expect(() => negativeCosineSimilarity(z, tf.zeros([4, 2]) as tf.Tensor2D)).toThrow(
      /negativeCosineSimilarity: p and z must have the same shape, got \[4,3\] and \[4,2\]/,
    );
    expect(() => negativeCosineSimilarity(z, tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(
      /same shape, got \[4,3\] and \[2,3\]/,
    );
    expect(() => negativeCosineSimilarity(z, undefined as unknown as tf.Tensor2D)).toThrow(
      /negativeCosineSimilarity: z must be a 2-D tensor \[N, D\], got undefined/,
    );
    expect(() => negativeCosineSimilarity(tf.zeros([4, 3], 'int32') as tf.Tensor2D, z)).toThrow(
      /p must have dtype float32, got int32/,
    );
    tf.dispose(z);
  });

  it('leaks no tensors (forward, gradient, and rejected calls)', async () => {
    const p = tf.tensor2d(randomArray(12, 7), [3, 4]);
    const z = tf.tensor2d(randomArray(12, 8), [3, 4]);
    await expectPairLossNoLeak(negativeCosineSimilarity, p, z);
    const wrong = tf.zeros([4, 3]) as tf.Tensor2D;
    await expectNoLeak(() =>
      expect(() => negativeCosineSimilarity(p, wrong)).toThrow(/same shape/),
    );
    tf.dispose([p, z, wrong]);
  });
});
