import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose, randomArray } from '@ssl/test-utils';
import { ntXentLoss } from './ntxent';
import {
  rows,
  cosine,
  logSumExp,
  pairLossValue,
  pairGradients,
  expectPairGradientsMatch,
  expectPairLossNoLeak,
  expectRejects,
} from './test-helpers';

/** SimCLR eq. 1 as a literal float64 loop over the 2N anchors. */
function naiveNTXent(z1: number[][], z2: number[][], t: number): number {
  const n = z1.length;
  const z = [...z1, ...z2];
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const pos = (i + n) % (2 * n);
    const others: number[] = [];
    for (let j = 0; j < 2 * n; j++) if (j !== i) others.push(cosine(z[i], z[j]) / t);
    total += -cosine(z[i], z[pos]) / t + logSumExp(others);
  }
  return total / (2 * n);
}

function loss(a: Float32Array, b: Float32Array, n: number, d: number, temperature?: number) {
  return pairLossValue((z1, z2) => ntXentLoss(z1, z2, { temperature }), a, b, n, d);
}

describeBackends('ntXentLoss', () => {
  describe('matches a naive float64 loop of SimCLR eq. 1', () => {
    let seed = 100;
    for (const n of [2, 4, 8])
      for (const d of [3, 16, 64])
        for (const t of [0.05, 0.1, 0.5, 1]) {
          const s = seed++;
          it(`N=${n} D=${d} t=${t}`, () => {
            const a = randomArray(n * d, s);
            const b = randomArray(n * d, s + 1000);
            const expected = naiveNTXent(rows(a, n, d), rows(b, n, d), t);
            expectAllClose(loss(a, b, n, d, t), expected, { atol: 2e-4, rtol: 1e-4 });
          });
        }
  });

  it('defaults to temperature 0.5', () => {
    const a = randomArray(12, 1);
    const b = randomArray(12, 2);
    expectAllClose(loss(a, b, 4, 3), naiveNTXent(rows(a, 4, 3), rows(b, 4, 3), 0.5));
  });

  it('is symmetric under swapping z1 and z2', () => {
    const a = randomArray(40, 3);
    const b = randomArray(40, 4);
    expectAllClose(loss(a, b, 5, 8, 0.2), loss(b, a, 5, 8, 0.2), { atol: 1e-5 });
  });

  it('is invariant to scaling the embeddings', () => {
    const a = randomArray(40, 5);
    const b = randomArray(40, 6);
    const base = loss(a, b, 5, 8, 0.1);
    expectAllClose(
      loss(
        a.map((x) => x * 37),
        b.map((x) => x * 1e-3),
        5,
        8,
        0.1,
      ),
      base,
      {
        atol: 1e-4,
      },
    );
  });

  it('equals log(2N-1) when all 2N embeddings are identical', () => {
    for (const n of [2, 3, 8]) {
      const row = randomArray(16, 7 + n);
      const a = new Float32Array(n * 16);
      for (let i = 0; i < n; i++) a.set(row, i * 16);
      for (const t of [0.05, 1]) expectAllClose(loss(a, a, n, 16, t), Math.log(2 * n - 1));
    }
  });

  it('stays finite and matches the reference for zero vectors', () => {
    const n = 4;
    const d = 8;
    const a = new Float32Array(n * d); // all zero
    const b = randomArray(n * d, 8);
    b.fill(0, 0, d); // first row of z2 zero too
    const expected = naiveNTXent(rows(a, n, d), rows(b, n, d), 0.05);
    const got = loss(a, b, n, d, 0.05);
    expect(Number.isFinite(got)).toBe(true);
    expectAllClose(got, expected, { atol: 1e-4 });
    const g = pairGradients((z1, z2) => ntXentLoss(z1, z2, { temperature: 0.05 }), a, b, n, d);
    expect(g.every(Number.isFinite)).toBe(true);
  });

  it('stays accurate at a tiny temperature (1e-3) where exp(1/t) overflows', () => {
    const a = randomArray(4 * 64, 9);
    const b = randomArray(4 * 64, 10);
    const expected = naiveNTXent(rows(a, 4, 64), rows(b, 4, 64), 1e-3);
    expectAllClose(loss(a, b, 4, 64, 1e-3), expected, { atol: 5e-3, rtol: 1e-4 });
  });

  it('has gradients matching finite differences of the naive loop', () => {
    const n = 3;
    const d = 4;
    for (const t of [0.1, 0.5]) {
      const a = randomArray(n * d, 11);
      const b = randomArray(n * d, 12);
      expectPairGradientsMatch(
        (z1, z2) => ntXentLoss(z1, z2, { temperature: t }),
        (z1, z2) => naiveNTXent(z1, z2, t),
        a,
        b,
        n,
        d,
      );
    }
  });

  it('rejects bad input with a message naming function, argument, expected and actual', () => {
    const z = tf.zeros([4, 3]) as tf.Tensor2D;
    expectRejects(
      () => ntXentLoss(tf.zeros([4, 5, 6]) as unknown as tf.Tensor2D, z),
      /ntXentLoss: z1 must be a 2-D tensor \[N, D\], got shape \[4,5,6\]/,
    );
    expectRejects(
      () => ntXentLoss(z, tf.zeros([4]) as unknown as tf.Tensor2D),
      /ntXentLoss: z2 .*\[4\]/,
    );
    expectRejects(
      () => ntXentLoss(z, tf.zeros([5, 3]) as tf.Tensor2D),
      /ntXentLoss: z1 and z2 must have the same shape, got \[4,3\] and \[5,3\]/,
    );
    expectRejects(() => ntXentLoss(z, tf.zeros([4, 2]) as tf.Tensor2D), /same shape.*\[4,2\]/);
    expectRejects(
      () => ntXentLoss(tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 3]) as tf.Tensor2D),
      /ntXentLoss: z1 must have a batch size N >= 2.*got N = 1/,
    );
    expectRejects(
      () => ntXentLoss(tf.zeros([0, 3]) as tf.Tensor2D, tf.zeros([0, 3]) as tf.Tensor2D),
      /empty/,
    );
    for (const t of [0, -1, NaN, Infinity])
      expectRejects(
        () => ntXentLoss(z, z, { temperature: t }),
        new RegExp(`ntXentLoss: opts.temperature must be a finite number >= 1e-6, got ${t}`),
      );
    expectRejects(
      () => ntXentLoss(tf.zeros([4, 3], 'int32') as tf.Tensor2D, z),
      /ntXentLoss: z1 must have dtype float32, got int32/,
    );
    expectRejects(
      () => ntXentLoss([[1]] as unknown as tf.Tensor2D, z),
      /z1 must be a 2-D tensor.*an array/,
    );
    tf.dispose(z);
  });

  it('leaks no tensors (forward, gradient, and rejected calls)', async () => {
    const a = tf.tensor2d(randomArray(24, 13), [4, 6]);
    const b = tf.tensor2d(randomArray(24, 14), [4, 6]);
    await expectPairLossNoLeak(ntXentLoss, a, b, () => ntXentLoss(a, b, { temperature: 0 }));
    tf.dispose([a, b]);
  });
});
