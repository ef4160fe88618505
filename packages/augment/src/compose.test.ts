import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';
import { colorJitter } from './color-jitter';
import { compose } from './compose';
import { horizontalFlip } from './horizontal-flip';
import { randomResizedCrop } from './random-resized-crop';
import { createRng } from './rng';
import { randomImages, sameTensor } from './testing/images';
import type { Augmentation } from './types';

describeBackends('compose', () => {
  it('chains ops on one stream: compose([a, b])(x, seed) = b(a(x, rng), rng)', () => {
    const x = randomImages([6, 10, 10, 3], 1);
    const a = randomResizedCrop({ size: [8, 8] });
    const b = colorJitter();
    const y = compose([a, b])(x, 42);
    const rng = createRng(42);
    const e = tf.tidy(() => b(a(x, rng), rng));
    expect(y.shape).toEqual([6, 8, 8, 3]);
    expect(sameTensor(y, e)).toBe(true);
    tf.dispose([x, y, e]);
  });

  it('an empty list returns a copy of the input', () => {
    const x = randomImages([2, 4, 4, 1], 2);
    const y = compose([])(x, 1);
    expect(y).not.toBe(x);
    expect(sameTensor(x, y)).toBe(true);
    tf.dispose([x, y]);
  });

  it('frees intermediates and never disposes the input', async () => {
    const x = randomImages([4, 8, 8, 3], 3);
    const pipeline = compose([randomResizedCrop(), horizontalFlip(), colorJitter()]);
    await expectNoLeak(() => pipeline(x, 1));
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('rejects bad arguments', () => {
    expect(() => compose([horizontalFlip(), 3 as unknown as Augmentation])).toThrow(
      /^compose: ops must be an array of Augmentation functions/,
    );
    const x = tf.zeros([2, 2, 2]) as unknown as tf.Tensor4D;
    expect(() => compose([])(x, 1)).toThrow(/^compose: images must be/);
    x.dispose();
  });
});
