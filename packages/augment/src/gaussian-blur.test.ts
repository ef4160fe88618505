import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose } from '@ssl/test-utils';
import { blurPerImage, defaultKernelSize, gaussianBlur } from './gaussian-blur';
import { createRng } from './rng';
import { augmentationContract } from './testing/contract';
import { randomImages, toArray4 } from './testing/images';

augmentationContract({
  name: 'gaussianBlur',
  // sigma >= 0.5 so that every image visibly changes at p = 1.
  make: (p) => gaussianBlur({ p, sigma: [0.5, 2] }),
  hasP: true,
});

/** Reflect index into [0, n): -1 -> 1, n -> n - 2. */
const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);

/** Naive 2-D Gaussian blur of one image [H][W][C], full 2-D kernel, reflect borders. */
function naiveBlur(img: number[][][], sigma: number, k: number): number[][][] {
  const r = (k - 1) / 2;
  const g: number[] = [];
  for (let j = -r; j <= r; j++) g.push(Math.exp(-(j * j) / (2 * sigma * sigma)));
  const s = g.reduce((a, b) => a + b, 0);
  const h = img.length;
  const w = img[0].length;
  return img.map((row, y) =>
    row.map((px, x) =>
      px.map((_, c) => {
        let acc = 0;
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            acc +=
              ((g[dy + r] * g[dx + r]) / (s * s)) * img[reflect(y + dy, h)][reflect(x + dx, w)][c];
          }
        }
        return acc;
      }),
    ),
  );
}

describe('defaultKernelSize', () => {
  it('is 10% of the smaller side, odd, at least 3', () => {
    expect(defaultKernelSize(28, 28)).toBe(3);
    expect(defaultKernelSize(32, 32)).toBe(3);
    expect(defaultKernelSize(96, 96)).toBe(11);
    expect(defaultKernelSize(224, 224)).toBe(23);
    expect(defaultKernelSize(64, 200)).toBe(7);
    expect(defaultKernelSize(8, 8)).toBe(3);
  });
});

describeBackends('gaussianBlur', () => {
  it('blurs each image with its own sigma like a naive 2-D convolution (reflect borders)', () => {
    const sigmas = [0.4, 1.0, 2.5];
    for (const c of [1, 3]) {
      const x = randomImages([3, 7, 9, c], 3);
      const y = blurPerImage(x, sigmas, 5);
      const e = toArray4(x).map((img, n) => naiveBlur(img, sigmas[n], 5));
      expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-5 });
      tf.dispose([x, y]);
    }
  });

  it('the op draws sigma per image uniformly from the range (rng order) and uses the default kernel', () => {
    const x = randomImages([4, 10, 12, 3], 4);
    const y = gaussianBlur({ sigma: [0.5, 3], p: 1 })(x, 17);
    const rng = createRng(17);
    const sigmas = Array.from({ length: 4 }, () => rng.uniform(0.5, 3));
    const e = toArray4(x).map((img, n) => naiveBlur(img, sigmas[n], 3)); // 10% of 10 -> 3
    expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-5 });
    tf.dispose([x, y]);
  });

  it('keeps a constant image constant (normalized kernel, reflect borders)', () => {
    const x = tf.fill([2, 8, 8, 3], 0.6) as tf.Tensor4D;
    const y = gaussianBlur({ p: 1, kernelSize: 7, sigma: [2, 2] })(x, 1);
    expectAllClose(y.dataSync(), new Float32Array(2 * 8 * 8 * 3).fill(0.6), { atol: 1e-6 });
    tf.dispose([x, y]);
  });

  it('rejects bad options and too-large kernels', () => {
    expect(() => gaussianBlur({ kernelSize: 4 })).toThrow(
      /^gaussianBlur: kernelSize must be an odd positive integer, got 4/,
    );
    expect(() => gaussianBlur({ sigma: [0, 1] })).toThrow(/^gaussianBlur: sigma must be > 0/);
    expect(() => gaussianBlur({ sigma: [2, 1] })).toThrow(
      /^gaussianBlur: sigma must be \[lo, hi\]/,
    );
    const x = randomImages([1, 3, 3, 1], 1);
    expect(() => gaussianBlur({ kernelSize: 7, p: 1 })(x, 0)).toThrow(
      /^gaussianBlur: kernelSize 7 needs images of at least 4 pixels a side, got 3×3/,
    );
    x.dispose();
  });
});
