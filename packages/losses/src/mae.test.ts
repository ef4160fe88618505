import * as tf from '@tensorflow/tfjs-core';
import {
  describeBackends,
  expectAllClose,
  expectNoLeak,
  mulberry32,
  numericGradient,
  randomArray,
} from '@ssl/test-utils';
import { maeLoss } from './mae';

/** The MAE authors' loss as a float64 loop: per-patch MSE (normalised target), mean over masked patches. */
function naiveMae(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  mask: ArrayLike<number>,
  n: number,
  l: number,
  p: number,
  normPixels: boolean,
): number {
  let total = 0;
  let count = 0;
  for (let i = 0; i < n * l; i++) {
    const t: number[] = [];
    for (let j = 0; j < p; j++) t.push(target[i * p + j]);
    if (normPixels) {
      const mean = t.reduce((a, b) => a + b, 0) / p;
      let v = 0;
      for (const x of t) v += (x - mean) ** 2;
      v /= p - 1;
      for (let j = 0; j < p; j++) t[j] = (t[j] - mean) / Math.sqrt(v + 1e-6);
    }
    let e = 0;
    for (let j = 0; j < p; j++) e += (pred[i * p + j] - t[j]) ** 2;
    total += (e / p) * mask[i];
    count += mask[i];
  }
  return count === 0 ? 0 : total / count;
}

function randomMask(n: number, l: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const m = Float32Array.from({ length: n * l }, () => (r() < 0.6 ? 1 : 0));
  m[0] = 1;
  return m;
}

function run(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  mask: ArrayLike<number>,
  shape: number[],
  normPixels: boolean,
) {
  const [n, l, p] = shape;
  return tf.tidy(
    () =>
      maeLoss(
        tf.tensor3d(Float32Array.from(pred), [n, l, p]),
        tf.tensor3d(Float32Array.from(target), [n, l, p]),
        tf.tensor2d(Float32Array.from(mask), [n, l]),
        { normPixels },
      ).dataSync()[0],
  );
}

describeBackends('maeLoss', () => {
  let seed = 700;
  for (const [n, l, p] of [
    [1, 1, 2],
    [2, 5, 4],
    [3, 16, 49],
  ])
    for (const normPixels of [false, true]) {
      const s = seed++;
      it(`matches a naive float64 loop, N=${n} L=${l} P=${p} normPixels=${normPixels}`, () => {
        const pred = randomArray(n * l * p, s);
        const target = randomArray(n * l * p, s + 50, 0, 1);
        const mask = randomMask(n, l, s);
        expectAllClose(
          run(pred, target, mask, [n, l, p], normPixels),
          naiveMae(pred, target, mask, n, l, p, normPixels),
          { atol: 1e-5, rtol: 1e-4 },
        );
      });
    }

  it('ignores visible patches: changing their prediction leaves the loss unchanged', () => {
    const [n, l, p] = [2, 4, 3];
    const pred = randomArray(n * l * p, 1);
    const target = randomArray(n * l * p, 2);
    const mask = Float32Array.from([1, 0, 1, 0, 0, 1, 0, 0]);
    const a = run(pred, target, mask, [n, l, p], false);
    const pred2 = Float32Array.from(pred);
    for (let j = 0; j < p; j++) pred2[1 * p + j] += 5; // patch (0,1) is visible
    expect(run(pred2, target, mask, [n, l, p], false)).toBeCloseTo(a, 6);
    pred2[0] += 5; // patch (0,0) is masked
    expect(run(pred2, target, mask, [n, l, p], false)).not.toBeCloseTo(a, 2);
  });

  it('is exactly 0 with nothing masked', () => {
    expect(run([1, 2, 3, 4], [0, 0, 0, 0], [0, 0], [1, 2, 2], true)).toBe(0);
  });

  for (const normPixels of [false, true]) {
    it(`gradients match finite differences (pred and target), normPixels=${normPixels}`, () => {
      const [n, l, p] = [2, 3, 4];
      const pred = randomArray(n * l * p, 11);
      const target = randomArray(n * l * p, 12, 0, 1);
      const mask = Float32Array.from([1, 0, 1, 1, 1, 0]);
      const [gp, gt] = tf.tidy(() => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          maeLoss(a as tf.Tensor3D, b as tf.Tensor3D, tf.tensor2d(mask, [n, l]), { normPixels }),
        )([tf.tensor3d(pred, [n, l, p]), tf.tensor3d(target, [n, l, p])]);
        return [g[0].dataSync(), g[1].dataSync()];
      });
      const size = n * l * p;
      const f = (x: Float64Array) =>
        naiveMae(x.subarray(0, size), x.subarray(size), mask, n, l, p, normPixels);
      const num = numericGradient(f, [...pred, ...target], 1e-3);
      expectAllClose(gp, num.subarray(0, size), { atol: 2e-3, rtol: 1e-2 });
      expectAllClose(gt, num.subarray(size), { atol: 2e-3, rtol: 1e-2 });
    });
  }

  it('leaks nothing', async () => {
    const a = tf.ones([2, 3, 4]) as tf.Tensor3D;
    const m = tf.ones([2, 3]) as tf.Tensor2D;
    await expectNoLeak(() => maeLoss(a, a, m, { normPixels: true }).dispose());
    tf.dispose([a, m]);
  });

  it('refuses bad arguments with one line', () => {
    const a = tf.zeros([2, 3, 4]) as tf.Tensor3D;
    const b = tf.zeros([2, 3, 5]) as tf.Tensor3D;
    const m = tf.zeros([2, 4]) as tf.Tensor2D;
    const one = tf.zeros([2, 3, 1]) as tf.Tensor3D;
    const m3 = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => maeLoss(a, b, m3)).toThrow(
      'maeLoss: target must have the shape of pred [2,3,4], got [2,3,5]',
    );
    expect(() => maeLoss(a, a, m)).toThrow('maeLoss: mask must be [N, L] = [2,3], got [2,4]');
    expect(() => maeLoss(one, one, m3, { normPixels: true })).toThrow(
      'maeLoss: normPixels needs patches of P >= 2 values (unbiased variance), got P = 1',
    );
    tf.dispose([a, b, m, one, m3]);
  });
});
