import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';
import { colorJitter } from './color-jitter';
import { randomApply } from './random-apply';
import { randomResizedCrop } from './random-resized-crop';
import { createRng } from './rng';
import { augmentationContract } from './testing/contract';
import { randomImages, sameImage, sameTensor } from './testing/images';
import type { Augmentation } from './types';

/** A deterministic op: 1 - x (changes every random image). */
const invert: Augmentation = (x) => tf.tidy(() => tf.sub(1, x) as tf.Tensor4D);

augmentationContract({
  name: 'randomApply',
  make: (p) => randomApply(colorJitter({ p: 1 }), p ?? 1),
  hasP: true,
});

describeBackends('randomApply', () => {
  it('p = 1 is exactly the op (same seed, same draws)', () => {
    const x = randomImages([6, 8, 8, 3], 1);
    const op = colorJitter({ p: 1 });
    const a = randomApply(op, 1)(x, 5);
    const b = op(x, 5);
    expect(sameTensor(a, b)).toBe(true);
    tf.dispose([x, a, b]);
  });

  it('applies the op to the images selected by u_i < p, leaving the others untouched', () => {
    const n = 40;
    const x = randomImages([n, 3, 3, 1], 2);
    const y = randomApply(invert, 0.3)(x, 8);
    const rng = createRng(8);
    const chosen = Array.from({ length: n }, () => rng.next() < 0.3);
    const inv = invert(x, 0);
    const all = tf.concat([x, inv, y]) as tf.Tensor4D;
    for (let i = 0; i < n; i++) {
      expect(sameImage(all, 2 * n + i, chosen[i] ? n + i : i)).toBe(true);
    }
    expect(chosen.filter(Boolean).length).toBeGreaterThan(5);
    tf.dispose([x, y, inv, all]);
  });

  it('runs the op once, on the whole batch', () => {
    const sizes: number[] = [];
    const spy: Augmentation = (x) => {
      sizes.push(x.shape[0]);
      return tf.clone(x);
    };
    const x = randomImages([50, 2, 2, 1], 3);
    const y = randomApply(spy, 0.2)(x, 1);
    expect(sizes).toEqual([50]);
    tf.dispose([x, y]);
  });

  it('no leak on the mixed path; rejects ops that change the image shape', async () => {
    const x = randomImages([8, 6, 6, 3], 4);
    await expectNoLeak(() => randomApply(invert, 0.5)(x, 3));
    const before = tf.memory().numTensors;
    expect(() => randomApply(randomResizedCrop({ size: [3, 3] }), 0.5)(x, 3)).toThrow(
      /^randomApply: the applied op must keep the image shape \[8,6,6,3\], got \[8,3,3,3\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('rejects bad arguments', () => {
    expect(() => randomApply(invert, 1.2)).toThrow(
      /^randomApply: p must be a probability in \[0, 1\], got 1.2/,
    );
    expect(() => randomApply(null as unknown as Augmentation, 0.5)).toThrow(
      /^randomApply: op must be an Augmentation function/,
    );
  });
});
