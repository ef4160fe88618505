import * as tf from '@tensorflow/tfjs-core';
import {
  describeBackends,
  expectAllClose,
  expectNoLeak,
  numericGradient,
  randomArray,
} from '@ssl/test-utils';
import { infoNCELoss } from './infonce';
import {
  rows,
  dot,
  cosine,
  logSumExp,
  concatFlat,
  scalarValue,
  gradientsFlat,
  expectRejects,
} from './test-helpers';

type Mode = 'in-batch' | 'queue' | 'per-anchor';

/**
 * MoCo eq. 1 as a float64 loop: for query i, -log softmax over [positive, negatives...]
 * picked at the positive. `neg` is null (other rows of k), K rows (a queue) or N lists of K rows.
 */
function naiveInfoNCE(
  q: number[][],
  k: number[][],
  neg: number[][] | number[][][] | null,
  t: number,
  normalize = true,
): number {
  const sim = (a: number[], b: number[]) => (normalize ? cosine(a, b) : dot(a, b)) / t;
  let total = 0;
  for (let i = 0; i < q.length; i++) {
    const positive = sim(q[i], k[i]);
    const logits = [positive];
    if (neg === null) {
      for (let j = 0; j < k.length; j++) if (j !== i) logits.push(sim(q[i], k[j]));
    } else if (Array.isArray(neg[0][0])) {
      for (const x of (neg as number[][][])[i]) logits.push(sim(q[i], x));
    } else {
      for (const x of neg as number[][]) logits.push(sim(q[i], x));
    }
    total += -positive + logSumExp(logits);
  }
  return total / q.length;
}

const K = 5;

function negShape(mode: Mode, n: number, d: number): number[] | null {
  if (mode === 'queue') return [K, d];
  if (mode === 'per-anchor') return [n, 3, d];
  return null;
}

function negRows(flat: ArrayLike<number>, shape: number[] | null) {
  if (shape === null) return null;
  if (shape.length === 2) return rows(flat, shape[0], shape[1]);
  const [n, k, d] = shape;
  return Array.from({ length: n }, (_, i) =>
    rows(Array.from(flat).slice(i * k * d, (i + 1) * k * d), k, d),
  );
}

function loss(
  q: Float32Array,
  k: Float32Array,
  neg: Float32Array | null,
  shape: number[] | null,
  n: number,
  d: number,
  opts: { temperature?: number; normalize?: boolean } = {},
) {
  return scalarValue(() =>
    tf.tidy(() =>
      infoNCELoss(tf.tensor2d(q, [n, d]), tf.tensor2d(k, [n, d]), {
        ...opts,
        negatives:
          neg && shape ? (tf.tensor<tf.Rank>(neg, shape) as tf.Tensor2D | tf.Tensor3D) : undefined,
      }),
    ),
  );
}

describeBackends('infoNCELoss', () => {
  let seed = 500;
  for (const mode of ['in-batch', 'queue', 'per-anchor'] as const) {
    describe(`matches a naive float64 loop (${mode} negatives)`, () => {
      for (const n of [2, 4, 8])
        for (const d of [3, 16, 64])
          for (const t of [0.05, 0.1, 0.5, 1]) {
            const s = seed++;
            it(`N=${n} D=${d} t=${t}`, () => {
              const shape = negShape(mode, n, d);
              const q = randomArray(n * d, s);
              const k = randomArray(n * d, s + 1000);
              const neg = shape
                ? randomArray(
                    shape.reduce((a, b) => a * b),
                    s + 2000,
                  )
                : null;
              const expected = naiveInfoNCE(
                rows(q, n, d),
                rows(k, n, d),
                neg && negRows(neg, shape),
                t,
              );
              expectAllClose(loss(q, k, neg, shape, n, d, { temperature: t }), expected, {
                atol: 2e-4,
                rtol: 1e-4,
              });
            });
          }
      it('normalize: false uses raw dot products', () => {
        const shape = negShape(mode, 4, 6);
        const q = randomArray(24, 1);
        const k = randomArray(24, 2);
        const neg = shape
          ? randomArray(
              shape.reduce((a, b) => a * b),
              3,
            )
          : null;
        const expected = naiveInfoNCE(
          rows(q, 4, 6),
          rows(k, 4, 6),
          neg && negRows(neg, shape),
          0.2,
          false,
        );
        expectAllClose(
          loss(q, k, neg, shape, 4, 6, { temperature: 0.2, normalize: false }),
          expected,
        );
      });
    });
  }

  it('defaults to temperature 0.1 and normalize true', () => {
    const q = randomArray(12, 4).map((x) => x * 5);
    const k = randomArray(12, 5);
    expectAllClose(
      loss(q, k, null, null, 4, 3),
      naiveInfoNCE(rows(q, 4, 3), rows(k, 4, 3), null, 0.1),
    );
  });

  it('per-anchor negatives set to the other rows of positive equal the in-batch form', () => {
    const n = 4;
    const d = 5;
    const q = randomArray(n * d, 6);
    const k = randomArray(n * d, 7);
    const neg = new Float32Array(n * (n - 1) * d);
    let o = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) if (j !== i) neg.set(k.subarray(j * d, (j + 1) * d), o++ * d);
    const perAnchor = loss(q, k, neg, [n, n - 1, d], n, d, { temperature: 0.3 });
    expectAllClose(perAnchor, loss(q, k, null, null, n, d, { temperature: 0.3 }), { atol: 1e-5 });
  });

  it('K=1 per-anchor form is softplus((s_neg - s_pos) / t)', () => {
    // q = e0, positive at 60°, negative at 90°: cos 0.5 and 0.
    const q = Float32Array.from([1, 0, 0, 1, 0, 0]);
    const k = Float32Array.from([0.5, Math.sqrt(3) / 2, 0, 0.5, 0, Math.sqrt(3) / 2]);
    const neg = Float32Array.from([0, 0, 1, 0, 1, 0]);
    const t = 0.25;
    const expected = Math.log(1 + Math.exp((0 - 0.5) / t));
    expectAllClose(loss(q, k, neg, [2, 1, 3], 2, 3, { temperature: t }), expected);
  });

  it('equals log(N) in-batch and log(1+K) with a queue when everything is identical', () => {
    const row = randomArray(8, 8);
    const same = (m: number) => {
      const a = new Float32Array(m * 8);
      for (let i = 0; i < m; i++) a.set(row, i * 8);
      return a;
    };
    expectAllClose(loss(same(6), same(6), null, null, 6, 8, { temperature: 0.05 }), Math.log(6));
    expectAllClose(
      loss(same(3), same(3), same(K), [K, 8], 3, 8, { temperature: 0.05 }),
      Math.log(1 + K),
    );
  });

  it('stays finite for zero vectors at temperature 0.05', () => {
    const q = new Float32Array(4 * 64);
    const k = randomArray(4 * 64, 9);
    const neg = new Float32Array(K * 64);
    const got = loss(q, k, neg, [K, 64], 4, 64, { temperature: 0.05 });
    expectAllClose(got, Math.log(1 + K)); // every logit is 0
  });

  it('has gradients wrt query, positive and negatives matching finite differences', () => {
    const n = 3;
    const d = 4;
    for (const mode of ['in-batch', 'queue', 'per-anchor'] as const) {
      const shape = negShape(mode, n, d);
      const q = randomArray(n * d, 10);
      const k = randomArray(n * d, 11);
      const neg = shape
        ? randomArray(
            shape.reduce((a, b) => a * b),
            12,
          )
        : new Float32Array(0);
      const inputs = [tf.tensor2d(q, [n, d]), tf.tensor2d(k, [n, d])];
      if (shape) inputs.push(tf.tensor<tf.Rank>(neg, shape) as tf.Tensor2D);
      const got = gradientsFlat(
        (a, b, c) =>
          infoNCELoss(a as tf.Tensor2D, b as tf.Tensor2D, {
            temperature: 0.2,
            negatives: c as tf.Tensor2D | tf.Tensor3D | undefined,
          }),
        inputs,
      );
      tf.dispose(inputs);
      const expected = numericGradient(
        (x) =>
          naiveInfoNCE(
            rows(x, n, d),
            rows(x.subarray(n * d), n, d),
            negRows(x.subarray(2 * n * d), shape),
            0.2,
          ),
        concatFlat(q, k, neg),
      );
      expectAllClose(got, expected, { atol: 2e-4, rtol: 1e-3 });
    }
  });

  it('rejects bad input with a message naming function, argument, expected and actual', () => {
    const z = tf.zeros([4, 3]) as tf.Tensor2D;
    expectRejects(
      () => infoNCELoss(tf.zeros([4, 3, 1]) as unknown as tf.Tensor2D, z),
      /infoNCELoss: query must be a 2-D tensor \[N, D\], got shape \[4,3,1\]/,
    );
    expectRejects(
      () => infoNCELoss(z, tf.zeros([3, 3]) as tf.Tensor2D),
      /infoNCELoss: query and positive must have the same shape, got \[4,3\] and \[3,3\]/,
    );
    expectRejects(
      () => infoNCELoss(tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 3]) as tf.Tensor2D),
      /infoNCELoss: query must have a batch size N >= 2 .*got N = 1/,
    );
    expectRejects(
      () => infoNCELoss(z, z, { negatives: tf.zeros([5]) as unknown as tf.Tensor2D }),
      /infoNCELoss: opts.negatives must be a 2-D tensor \[K, D\] or a 3-D tensor \[N, K, D\], got shape \[5\]/,
    );
    expectRejects(
      () => infoNCELoss(z, z, { negatives: tf.zeros([5, 4]) as tf.Tensor2D }),
      /infoNCELoss: opts.negatives must have the embedding size D = 3 .*got shape \[5,4\]/,
    );
    expectRejects(
      () => infoNCELoss(z, z, { negatives: tf.zeros([2, 5, 3]) as tf.Tensor3D }),
      /infoNCELoss: opts.negatives \[N, K, D\] must have the batch size N = 4 .*got shape \[2,5,3\]/,
    );
    expectRejects(
      () => infoNCELoss(z, z, { negatives: tf.zeros([0, 3]) as tf.Tensor2D }),
      /infoNCELoss: opts.negatives must not have an empty axis/,
    );
    for (const t of [0, -0.1, NaN, -Infinity])
      expectRejects(
        () => infoNCELoss(z, z, { temperature: t }),
        /infoNCELoss: opts.temperature must be a finite number >= 1e-6/,
      );
    expectRejects(
      () => infoNCELoss(z, z, { normalize: 1 as unknown as boolean }),
      /infoNCELoss: opts.normalize must be a boolean, got number/,
    );
    expectRejects(
      () => infoNCELoss(z, tf.zeros([4, 3], 'int32') as tf.Tensor2D),
      /positive must have dtype float32, got int32/,
    );
    tf.dispose(z);
  });

  it('a single query with a queue is allowed (N = 1)', () => {
    const q = randomArray(3, 13);
    const k = randomArray(3, 14);
    const neg = randomArray(6, 15);
    expectAllClose(
      loss(q, k, neg, [2, 3], 1, 3, { temperature: 0.5 }),
      naiveInfoNCE(rows(q, 1, 3), rows(k, 1, 3), rows(neg, 2, 3), 0.5),
    );
  });

  it('leaks no tensors in any mode (forward, gradient, and rejected calls)', async () => {
    const q = tf.tensor2d(randomArray(24, 16), [4, 6]);
    const k = tf.tensor2d(randomArray(24, 17), [4, 6]);
    const queue = tf.tensor2d(randomArray(30, 18), [5, 6]);
    const per = tf.tensor3d(randomArray(48, 19), [4, 2, 6]);
    for (const negatives of [undefined, queue, per]) {
      await expectNoLeak(() => infoNCELoss(q, k, { negatives }));
      await expectNoLeak(() => infoNCELoss(q, k, { negatives, normalize: false }));
      await expectNoLeak(() =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          infoNCELoss(a as tf.Tensor2D, b as tf.Tensor2D, { negatives }),
        )([q, k]),
      );
    }
    await expectNoLeak(() => expect(() => infoNCELoss(q, k, { temperature: -1 })).toThrow());
    tf.dispose([q, k, queue, per]);
  });
});
