import * as tf from '@tensorflow/tfjs-core';
import {
  describeBackends,
  expectAllClose,
  expectNoLeak,
  mulberry32,
  numericGradient,
  randomArray,
} from '@ssl/test-utils';
import { IGNORE_INDEX, maskedCrossEntropy } from './masked-cross-entropy';
import { logSumExp, scalarValue, expectRejects } from './test-helpers';

/** Mean over labelled positions of -log softmax(logits)[label], as a float64 loop. */
function naiveMCE(logits: ArrayLike<number>, labels: number[], v: number): number {
  let total = 0;
  let count = 0;
  for (let p = 0; p < labels.length; p++) {
    if (labels[p] === -100) continue;
    const row = Array.from({ length: v }, (_, j) => logits[p * v + j]);
    total += -(row[labels[p]] - logSumExp(row));
    count++;
  }
  return count === 0 ? 0 : total / count;
}

/** Seeded labels in [0, V), about a third of them -100. */
function randomLabels(n: number, v: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => (r() < 0.35 ? -100 : Math.floor(r() * v)));
}

function loss(logits: Float32Array, labels: number[], b: number, t: number, v: number) {
  return scalarValue(() =>
    tf.tidy(() =>
      maskedCrossEntropy(tf.tensor3d(logits, [b, t, v]), tf.tensor2d(labels, [b, t], 'int32')),
    ),
  );
}

describeBackends('maskedCrossEntropy', () => {
  let seed = 2100;
  for (const [b, t] of [
    [1, 1],
    [2, 3],
    [4, 8],
  ])
    for (const v of [2, 7, 64])
      for (const scale of [1, 30]) {
        const s = seed++;
        it(`matches a naive float64 loop, B=${b} T=${t} V=${v} logit scale ${scale}`, () => {
          const logits = randomArray(b * t * v, s, -scale, scale);
          const labels = randomLabels(b * t, v, s);
          if (labels.filter((l) => l !== -100).length === 0) labels[0] = v - 1;
          expectAllClose(loss(logits, labels, b, t, v), naiveMCE(logits, labels, v), {
            atol: 1e-4,
            rtol: 1e-5,
          });
        });
      }

  it('is exactly 0 (not NaN) with zero gradient when every position is ignored', () => {
    const logits = tf.tensor3d(randomArray(24, 1), [2, 3, 4]);
    const labels = tf.fill([2, 3], IGNORE_INDEX, 'int32') as tf.Tensor2D;
    const value = scalarValue(() => maskedCrossEntropy(logits, labels));
    expect(value).toBe(0);
    const g = tf.grad((x: tf.Tensor) => maskedCrossEntropy(x as tf.Tensor3D, labels))(logits);
    expect(Array.from(g.dataSync())).toEqual(new Array(24).fill(0));
    tf.dispose([logits, labels, g]);
  });

  it('ignores an ignored position completely, even NaN or infinite logits there (loss and gradient)', () => {
    const [b, t, v] = [1, 4, 3];
    const clean = randomArray(b * t * v, 7);
    const labels = [2, -100, 0, -100];
    const dirty = Float32Array.from(clean);
    dirty.set([NaN, Infinity, -Infinity], 1 * v); // position 1: ignored
    dirty.set([NaN, NaN, NaN], 3 * v); // position 3: ignored
    const expected = naiveMCE(clean, labels, v); // positions 0 and 2 only
    expectAllClose(loss(dirty, labels, b, t, v), expected, { rtol: 1e-5 });
    const y = tf.tensor2d(labels, [b, t], 'int32');
    const x = tf.tensor3d(dirty, [b, t, v]);
    const g = tf.grad((z: tf.Tensor) => maskedCrossEntropy(z as tf.Tensor3D, y))(x);
    const grad = Array.from(g.dataSync());
    expect(grad.every(Number.isFinite)).toBe(true);
    expect(grad.slice(v, 2 * v)).toEqual([0, 0, 0]);
    expect(grad.slice(3 * v)).toEqual([0, 0, 0]);
    // at labelled position 0: (softmax - onehot) / M with M = 2, from the clean logits
    const row = Array.from(clean.slice(0, v));
    const lse = logSumExp(row);
    expectAllClose(
      grad.slice(0, v),
      row.map((z, j) => (Math.exp(z - lse) - (j === 2 ? 1 : 0)) / 2),
      { atol: 1e-6 },
    );
    // NaN at a labelled position is not hidden
    const bad = Float32Array.from(clean);
    bad[0] = NaN;
    expect(loss(bad, labels, b, t, v)).toBeNaN();
    tf.dispose([x, y, g]);
  });

  it('equals log V for uniform logits, and stays finite for huge logits', () => {
    const labels = [0, 3, -100, 4];
    expectAllClose(loss(new Float32Array(2 * 2 * 5).fill(7), labels, 2, 2, 5), Math.log(5));
    const big = Float32Array.from({ length: 20 }, (_, i) => (i % 5 === 0 ? 1e4 : -1e4));
    // Label 0 holds the huge logit: loss 0; label 3 is 2e4 below it.
    expectAllClose(loss(big, [0, 3, -100, 0], 2, 2, 5), (0 + 2e4 + 0) / 3, { rtol: 1e-6 });
  });

  it('has gradients matching finite differences of the naive loop', () => {
    const [b, t, v] = [2, 3, 4];
    const x = randomArray(b * t * v, 2, -2, 2);
    const labels = [1, -100, 3, 0, 2, -100];
    const g = tf.grad((l: tf.Tensor) =>
      maskedCrossEntropy(l as tf.Tensor3D, tf.tensor2d(labels, [b, t], 'int32')),
    )(tf.tensor3d(x, [b, t, v]));
    const expected = numericGradient((y) => naiveMCE(y, labels, v), x);
    expectAllClose(g.dataSync(), expected, { atol: 1e-5, rtol: 1e-3 });
    g.dispose();
  });

  it('rejects bad input with a message naming function, argument, expected and actual', () => {
    const logits = tf.zeros([2, 3, 5]) as tf.Tensor3D;
    const labels = tf.zeros([2, 3], 'int32') as tf.Tensor2D;
    expectRejects(
      () => maskedCrossEntropy(tf.zeros([6, 5]) as unknown as tf.Tensor3D, labels),
      /maskedCrossEntropy: logits must be a 3-D tensor \[B, T, V\], got shape \[6,5\]/,
    );
    expectRejects(
      () => maskedCrossEntropy(logits, tf.zeros([6], 'int32') as unknown as tf.Tensor2D),
      /maskedCrossEntropy: labels must be a 2-D tensor \[B, T\], got shape \[6\]/,
    );
    expectRejects(
      () => maskedCrossEntropy(logits, tf.zeros([2, 3]) as tf.Tensor2D),
      /maskedCrossEntropy: labels must have dtype int32, got float32/,
    );
    expectRejects(
      () => maskedCrossEntropy(logits, tf.zeros([3, 2], 'int32') as tf.Tensor2D),
      /maskedCrossEntropy: labels must have shape \[B, T\] = \[2,3\] to match logits \[2,3,5\], got \[3,2\]/,
    );
    expectRejects(
      () => maskedCrossEntropy(logits, tf.tensor2d([0, 1, 5, 2, 0, 0], [2, 3], 'int32')),
      /maskedCrossEntropy: labels must be in \[0, 5\) .*or -100 \(ignore\), got 5 at \[0,2\]/,
    );
    expectRejects(
      () => maskedCrossEntropy(logits, tf.tensor2d([0, 1, 4, 2, -1, 0], [2, 3], 'int32')),
      /labels must be in \[0, 5\).*got -1 at \[1,1\]/,
    );
    expectRejects(
      () => maskedCrossEntropy(tf.zeros([2, 3, 5], 'int32') as tf.Tensor3D, labels),
      /maskedCrossEntropy: logits must have dtype float32, got int32/,
    );
    tf.dispose([logits, labels]);
  });

  it('leaks no tensors (forward, gradient, and rejected calls)', async () => {
    const logits = tf.tensor3d(randomArray(30, 3), [2, 3, 5]);
    const labels = tf.tensor2d([1, -100, 4, 0, 2, -100], [2, 3], 'int32');
    const wrong = tf.tensor2d([1, 9, 4, 0, 2, -100], [2, 3], 'int32');
    await expectNoLeak(() => maskedCrossEntropy(logits, labels));
    await expectNoLeak(() =>
      tf.grad((x: tf.Tensor) => maskedCrossEntropy(x as tf.Tensor3D, labels))(logits),
    );
    await expectNoLeak(() => expect(() => maskedCrossEntropy(logits, wrong)).toThrow());
    tf.dispose([logits, labels, wrong]);
  });
});
