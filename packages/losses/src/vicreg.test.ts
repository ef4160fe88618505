import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose, randomArray } from '@ssl/test-utils';
import { vicregLoss, type VICRegOptions } from './vicreg';
import {
  rows,
  pairLossValue,
  pairGradients,
  expectPairGradientsMatch,
  expectPairLossNoLeak,
  expectRejects,
} from './test-helpers';

/**
 * VICReg as a float64 loop: eq. 1-6, with the two variance terms averaged as in
 * the authors' code (`std_loss = mean(relu(1 - std_x)) / 2 + mean(relu(1 - std_y)) / 2`)
 * unless `varianceReduction: 'sum'` (eq. 6 as printed).
 */
function naiveVICReg(
  z1: number[][],
  z2: number[][],
  {
    simWeight = 25,
    varWeight = 25,
    covWeight = 1,
    eps = 1e-4,
    varianceReduction = 'mean',
  }: VICRegOptions = {},
): number {
  const perBranchVar = varianceReduction === 'sum' ? varWeight : varWeight / 2;
  const n = z1.length;
  const d = z1[0].length;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) s += (z1[i][j] - z2[i][j]) ** 2;
  s /= n * d;
  const terms = (z: number[][]) => {
    const mean = new Array(d).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += z[i][j] / n;
    let v = 0;
    let c = 0;
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) {
        let cov = 0;
        for (let i = 0; i < n; i++) cov += ((z[i][a] - mean[a]) * (z[i][b] - mean[b])) / (n - 1);
        if (a === b) v += Math.max(0, 1 - Math.sqrt(cov + eps)) / d;
        else c += (cov * cov) / d;
      }
    return v * perBranchVar + c * covWeight;
  };
  return simWeight * s + terms(z1) + terms(z2);
}

function loss(a: Float32Array, b: Float32Array, n: number, d: number, opts: VICRegOptions = {}) {
  return pairLossValue((z1, z2) => vicregLoss(z1, z2, opts), a, b, n, d);
}

describeBackends('vicregLoss', () => {
  let seed = 1700;
  for (const n of [2, 4, 8])
    for (const d of [3, 16, 64])
      for (const scale of [0.3, 3]) {
        // scale 0.3: std < 1, the variance hinge is active; scale 3: mostly inactive.
        const s = seed++;
        it(`matches a naive float64 loop, N=${n} D=${d} scale=${scale}`, () => {
          const a = randomArray(n * d, s, -scale, scale);
          const b = randomArray(n * d, s + 1000, -scale, scale);
          const opts = { simWeight: 10, varWeight: 20, covWeight: 3 };
          expectAllClose(loss(a, b, n, d, opts), naiveVICReg(rows(a, n, d), rows(b, n, d), opts), {
            atol: 1e-4,
            rtol: 2e-4,
          });
        });
      }

  it('defaults to weights 25, 25, 1, eps 1e-4 and averaged variance terms', () => {
    const a = randomArray(24, 1);
    const b = randomArray(24, 2);
    expectAllClose(loss(a, b, 6, 4), naiveVICReg(rows(a, 6, 4), rows(b, 6, 4)), { atol: 1e-4 });
  });

  it("with varianceReduction 'sum' matches eq. 6 as printed (= 'mean' at twice varWeight)", () => {
    const a = randomArray(24, 11, -0.3, 0.3); // std < 1: the hinge is active
    const b = randomArray(24, 12, -0.3, 0.3);
    const summed = loss(a, b, 6, 4, { varianceReduction: 'sum' });
    expectAllClose(
      summed,
      naiveVICReg(rows(a, 6, 4), rows(b, 6, 4), { varianceReduction: 'sum' }),
      { atol: 1e-4 },
    );
    expectAllClose(summed, loss(a, b, 6, 4, { varWeight: 50 }), { atol: 1e-4 });
    expect(Math.abs(summed - loss(a, b, 6, 4))).toBeGreaterThan(1);
  });

  it('has a zero invariance term for identical inputs', () => {
    const z = randomArray(32, 3);
    expectAllClose(loss(z, z, 8, 4), loss(z, z, 8, 4, { simWeight: 0 }), { atol: 1e-5 });
    expectAllClose(loss(z, z, 8, 4, { varWeight: 0, covWeight: 0 }), 0, { atol: 0 });
  });

  it('is 25·(1 - sqrt(eps)) = 24.75 for a collapsed (constant) batch (49.5 summed)', () => {
    const z = new Float32Array(4 * 16).fill(0.7);
    expectAllClose(loss(z, z, 4, 16), 25 * (1 - Math.sqrt(1e-4)), { atol: 1e-4 });
    expectAllClose(loss(z, z, 4, 16, { varianceReduction: 'sum' }), 49.5, { atol: 1e-4 });
    const zero = new Float32Array(4 * 64); // zero vectors: same closed form, finite
    expectAllClose(loss(zero, zero, 4, 64), 24.75, { atol: 1e-4 });
    const g = pairGradients(vicregLoss, zero, zero, 4, 64);
    expect(g.every(Number.isFinite)).toBe(true);
  });

  it('has no variance or covariance penalty for a whitened batch with std >= 1', () => {
    // 4x2 Hadamard columns scaled by 2: unbiased variance 16/3, zero covariance.
    const z = Float32Array.from([2, 2, 2, -2, -2, 2, -2, -2]);
    expectAllClose(loss(z, z, 4, 2), 0, { atol: 1e-6 });
  });

  it('has gradients matching finite differences of the naive loop', () => {
    const n = 4;
    const d = 3;
    const a = randomArray(n * d, 4, -0.5, 0.5); // std < 1: the hinge passes gradient
    const b = randomArray(n * d, 5, -0.5, 0.5);
    const opts = { simWeight: 2, varWeight: 3, covWeight: 5 };
    expectPairGradientsMatch(
      (z1, z2) => vicregLoss(z1, z2, opts),
      (z1, z2) => naiveVICReg(z1, z2, opts),
      a,
      b,
      n,
      d,
    );
  });

  it('rejects bad input with a message naming function, argument, expected and actual', () => {
    const z = tf.zeros([4, 3]) as tf.Tensor2D;
    expectRejects(
      () => vicregLoss(tf.zeros([12]) as unknown as tf.Tensor2D, z),
      /vicregLoss: z1 must be a 2-D tensor \[N, D\], got shape \[12\]/,
    );
    expectRejects(
      () => vicregLoss(z, tf.zeros([3, 3]) as tf.Tensor2D),
      /vicregLoss: z1 and z2 must have the same shape, got \[4,3\] and \[3,3\]/,
    );
    expectRejects(
      () => vicregLoss(tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 3]) as tf.Tensor2D),
      /vicregLoss: z1 must have a batch size N >= 2 .*got N = 1/,
    );
    for (const k of ['simWeight', 'varWeight', 'covWeight'] as const)
      expectRejects(
        () => vicregLoss(z, z, { [k]: -2 }),
        new RegExp(`vicregLoss: opts.${k} must be a finite number >= 0, got -2`),
      );
    expectRejects(
      () => vicregLoss(z, z, { eps: 0 }),
      /vicregLoss: opts.eps must be a finite number > 0, got 0/,
    );
    expectRejects(
      () => vicregLoss(z, z, { eps: Infinity }),
      /opts.eps must be a finite number > 0, got Infinity/,
    );
    expectRejects(
      () => vicregLoss(z, z, { varianceReduction: 'max' as 'sum' }),
      /vicregLoss: opts.varianceReduction must be 'mean' or 'sum', got "max"/,
    );
    expectRejects(
      () => vicregLoss(z, z, null as unknown as VICRegOptions),
      /vicregLoss: opts must be an object or undefined, got null/,
    );
    tf.dispose(z);
  });

  it('leaks no tensors (forward, gradient, and rejected calls)', async () => {
    const a = tf.tensor2d(randomArray(24, 6), [4, 6]);
    const b = tf.tensor2d(randomArray(24, 7), [4, 6]);
    await expectPairLossNoLeak(vicregLoss, a, b, () => vicregLoss(a, b, { eps: 0 }));
    tf.dispose([a, b]);
  });
});
