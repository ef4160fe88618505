import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose, randomArray } from '@ssl/test-utils';
import { barlowTwinsLoss } from './barlow-twins';
import {
  rows,
  pairLossValue,
  pairGradients,
  expectPairGradientsMatch,
  expectPairLossNoLeak,
  expectRejects,
} from './test-helpers';

/** Barlow Twins eq. 1-2 as a float64 loop (BatchNorm-style standardization, biased variance). */
function naiveBarlow(z1: number[][], z2: number[][], lambda = 5e-3, eps = 1e-5): number {
  const n = z1.length;
  const d = z1[0].length;
  const standardize = (z: number[][]) => {
    const out = z.map((r) => r.slice());
    for (let j = 0; j < d; j++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += z[i][j] / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (z[i][j] - mean) ** 2 / n;
      for (let i = 0; i < n; i++) out[i][j] = (z[i][j] - mean) / Math.sqrt(v + eps);
    }
    return out;
  };
  const a = standardize(z1);
  const b = standardize(z2);
  let loss = 0;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let c = 0;
      for (let k = 0; k < n; k++) c += (a[k][i] * b[k][j]) / n;
      loss += i === j ? (1 - c) ** 2 : lambda * c * c;
    }
  return loss;
}

function loss(a: Float32Array, b: Float32Array, n: number, d: number, opts = {}) {
  return pairLossValue((z1, z2) => barlowTwinsLoss(z1, z2, opts), a, b, n, d);
}

describeBackends('barlowTwinsLoss', () => {
  let seed = 1300;
  for (const n of [2, 4, 8])
    for (const d of [3, 16, 64])
      for (const lambda of [5e-3, 1]) {
        const s = seed++;
        it(`matches a naive float64 loop, N=${n} D=${d} lambda=${lambda}`, () => {
          const a = randomArray(n * d, s);
          const b = randomArray(n * d, s + 1000);
          const expected = naiveBarlow(rows(a, n, d), rows(b, n, d), lambda);
          expectAllClose(loss(a, b, n, d, { lambda }), expected, { atol: 1e-4, rtol: 2e-4 });
        });
      }

  it('defaults to lambda 5e-3 and eps 1e-5', () => {
    const a = randomArray(20, 1);
    const b = randomArray(20, 2);
    expectAllClose(loss(a, b, 5, 4), naiveBarlow(rows(a, 5, 4), rows(b, 5, 4)), { atol: 1e-5 });
    expectAllClose(
      loss(a, b, 5, 4, { eps: 0.5 }),
      naiveBarlow(rows(a, 5, 4), rows(b, 5, 4), 5e-3, 0.5),
      { atol: 1e-5 },
    );
  });

  it('is ~0 for identical, standardized, perfectly decorrelated inputs', () => {
    // Columns of a 4x2 Hadamard design: mean 0, variance 1, orthogonal, so C = I/(1+eps).
    const z = Float32Array.from([1, 1, 1, -1, -1, 1, -1, -1]);
    const expected = 2 * (1 - 1 / (1 + 1e-5)) ** 2; // ≈ 2e-10
    expectAllClose(loss(z, z, 4, 2), expected, { atol: 1e-7 });
    // Shifting and scaling a dimension changes nothing after standardization.
    const shifted = z.map((x, i) => (i % 2 === 0 ? 3 * x + 7 : 0.5 * x - 2));
    expectAllClose(loss(shifted, z, 4, 2), expected, { atol: 1e-6 });
  });

  it('is D when every dimension of z1 is uncorrelated with every dimension of z2 (C = 0)', () => {
    // z2 columns orthogonal to both z1 columns: C = 0.
    const z1 = Float32Array.from([1, 1, 1, -1, -1, 1, -1, -1]);
    const z2 = Float32Array.from([1, 1, -1, -1, -1, -1, 1, 1]);
    expectAllClose(loss(z1, z2, 4, 2), 2, { atol: 1e-5 });
  });

  it('stays finite for zero and constant inputs (they standardize to 0)', () => {
    const zero = new Float32Array(4 * 64);
    expectAllClose(loss(zero, zero, 4, 64), 64); // C = 0: Σ(1-0)²
    const g = pairGradients(barlowTwinsLoss, zero, randomArray(256, 3), 4, 64);
    expect(g.every(Number.isFinite)).toBe(true);
  });

  it('has gradients matching finite differences of the naive loop', () => {
    const n = 4;
    const d = 3;
    const a = randomArray(n * d, 4);
    const b = randomArray(n * d, 5);
    expectPairGradientsMatch(
      (z1, z2) => barlowTwinsLoss(z1, z2, { lambda: 0.5 }),
      (z1, z2) => naiveBarlow(z1, z2, 0.5),
      a,
      b,
      n,
      d,
    );
  });

  it('rejects bad input with a message naming function, argument, expected and actual', () => {
    const z = tf.zeros([4, 3]) as tf.Tensor2D;
    expectRejects(
      () => barlowTwinsLoss(z, tf.zeros([2, 4, 3]) as unknown as tf.Tensor2D),
      /barlowTwinsLoss: z2 must be a 2-D tensor \[N, D\], got shape \[2,4,3\]/,
    );
    expectRejects(
      () => barlowTwinsLoss(z, tf.zeros([4, 5]) as tf.Tensor2D),
      /barlowTwinsLoss: z1 and z2 must have the same shape, got \[4,3\] and \[4,5\]/,
    );
    expectRejects(
      () => barlowTwinsLoss(tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 3]) as tf.Tensor2D),
      /barlowTwinsLoss: z1 must have a batch size N >= 2 .*got N = 1/,
    );
    expectRejects(
      () => barlowTwinsLoss(z, z, { lambda: -1 }),
      /barlowTwinsLoss: opts.lambda must be a finite number >= 0, got -1/,
    );
    expectRejects(
      () => barlowTwinsLoss(z, z, { lambda: NaN }),
      /barlowTwinsLoss: opts.lambda must be a finite number >= 0, got NaN/,
    );
    expectRejects(
      () => barlowTwinsLoss(z, z, { eps: 0 }),
      /barlowTwinsLoss: opts.eps must be a finite number > 0, got 0/,
    );
    expectRejects(
      () => barlowTwinsLoss(z, tf.zeros([4, 3], 'bool') as tf.Tensor2D),
      /z2 must have dtype float32, got bool/,
    );
    tf.dispose(z);
  });

  it('leaks no tensors (forward, gradient, and rejected calls)', async () => {
    const a = tf.tensor2d(randomArray(24, 6), [4, 6]);
    const b = tf.tensor2d(randomArray(24, 7), [4, 6]);
    await expectPairLossNoLeak(barlowTwinsLoss, a, b, () => barlowTwinsLoss(a, b, { eps: -1 }));
    tf.dispose([a, b]);
  });
});
