import * as tf from '@tensorflow/tfjs-core';
import {
  describeBackends,
  expectAllClose,
  expectNoLeak,
  numericGradient,
  randomArray,
} from '@ssl/test-utils';
import { nnclrLoss } from './nnclr';
import {
  concatFlat,
  cosine,
  dot,
  gradientsFlat,
  logSumExp,
  rows,
  scalarValue,
} from './test-helpers';

const unit = (v: number[]) => {
  const n = Math.sqrt(dot(v, v));
  return v.map((x) => x / n);
};

/** NNCLR's Algorithm 1 as a float64 loop. */
function naiveNnclr(
  z1: number[][],
  z2: number[][],
  support: number[][],
  tau: number,
  symmetric: boolean,
): number {
  const nn = (z: number[]) => {
    let best = 0;
    for (let k = 1; k < support.length; k++)
      if (cosine(z, support[k]) > cosine(z, support[best])) best = k;
    return unit(support[best]);
  };
  const l = (a: number[][], b: number[][]) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const anchor = nn(a[i]);
      const logits = b.map((bj) => dot(anchor, unit(bj)) / tau);
      s += logSumExp(logits) - logits[i];
    }
    return s / a.length;
  };
  return symmetric ? (l(z1, z2) + l(z2, z1)) / 2 : l(z1, z2);
}

describeBackends('nnclrLoss', () => {
  for (const [n, d, k, tau, symmetric] of [
    [4, 3, 6, 0.1, true],
    [8, 16, 32, 0.5, true],
    [3, 8, 5, 0.2, false],
  ] as const) {
    it(`matches a naive float64 loop, N=${n} D=${d} K=${k} τ=${tau} symmetric=${symmetric}`, () => {
      const a = randomArray(n * d, n + d);
      const b = randomArray(n * d, n + d + 1);
      const q = randomArray(k * d, n + d + 2);
      const got = scalarValue(() =>
        tf.tidy(() =>
          nnclrLoss(tf.tensor2d(a, [n, d]), tf.tensor2d(b, [n, d]), tf.tensor2d(q, [k, d]), {
            temperature: tau,
            symmetric,
          }),
        ),
      );
      expectAllClose(got, naiveNnclr(rows(a, n, d), rows(b, n, d), rows(q, k, d), tau, symmetric), {
        atol: 1e-4,
        rtol: 1e-4,
      });
    });
  }

  it('has the gradient of finite differences w.r.t. both views (the neighbour is a constant)', () => {
    const [n, d, k] = [4, 5, 7];
    const a = randomArray(n * d, 41);
    const b = randomArray(n * d, 42);
    const q = randomArray(k * d, 43);
    const got = tf.tidy(() => {
      const support = tf.tensor2d(q, [k, d]);
      return gradientsFlat(
        (x, y) => nnclrLoss(x as tf.Tensor2D, y as tf.Tensor2D, support, { temperature: 0.5 }),
        [tf.tensor2d(a, [n, d]), tf.tensor2d(b, [n, d])],
      );
    });
    const want = numericGradient(
      (x) => naiveNnclr(rows(x, n, d), rows(x.subarray(n * d), n, d), rows(q, k, d), 0.5, true),
      concatFlat(a, b),
    );
    expectAllClose(got, want, { atol: 2e-4, rtol: 1e-3 });
  });

  it('a NaN or infinite row in the support set (or in a view) gives NaN, never a finite loss', () => {
    const [n, d, k] = [4, 3, 6];
    const a = randomArray(n * d, 31);
    const b = randomArray(n * d, 32);
    for (const [where, bad] of [
      ['support', NaN],
      ['support', Infinity],
      ['z1', NaN],
    ] as const) {
      for (const symmetric of [true, false]) {
        const q = randomArray(k * d, 33);
        const z1 = Float32Array.from(a);
        if (where === 'support')
          q.fill(bad, 2 * d, 3 * d); // row 2 of the queue
        else z1[0] = bad;
        const loss = tf.tidy(
          () =>
            nnclrLoss(tf.tensor2d(z1, [n, d]), tf.tensor2d(b, [n, d]), tf.tensor2d(q, [k, d]), {
              symmetric,
            }).dataSync()[0],
        );
        expect([where, bad, symmetric, Number.isNaN(loss)]).toEqual([where, bad, symmetric, true]);
      }
    }
  });

  it('refuses bad input with one clear line and leaks nothing', async () => {
    const z = tf.tensor2d(randomArray(12, 1), [4, 3]);
    const q = tf.tensor2d(randomArray(8, 2), [2, 4]);
    expect(() => nnclrLoss(z, z, q)).toThrow(
      /nnclrLoss: support must have the embedding size D = 3 of z1, got shape \[2,4\]/,
    );
    expect(() => nnclrLoss(z, z, z, { temperature: -1 })).toThrow(/nnclrLoss: opts.temperature/);
    const one = tf.slice(z, [0, 0], [1, 3]) as tf.Tensor2D;
    expect(() => nnclrLoss(one, one, z)).toThrow(/N >= 2/);
    one.dispose();
    expect(() => nnclrLoss(z, z, 'q' as never)).toThrow(/nnclrLoss: support must be a 2-D tensor/);
    await expectNoLeak(() => nnclrLoss(z, z, z));
    await expectNoLeak(() =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) => nnclrLoss(x as tf.Tensor2D, y as tf.Tensor2D, z))([
        z,
        z,
      ]),
    );
    tf.dispose([z, q]);
  });
});
