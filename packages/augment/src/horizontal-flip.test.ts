import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@ssl/test-utils';
import { horizontalFlip } from './horizontal-flip';
import { augmentationContract } from './testing/contract';
import { randomImages, sameImage, toArray4 } from './testing/images';

augmentationContract({
  name: 'horizontalFlip',
  make: (p) => horizontalFlip({ p }),
  hasP: true,
});

describeBackends('horizontalFlip', () => {
  it('p = 1 equals a naive JS left-right reversal of every row', () => {
    const x = randomImages([3, 4, 5, 3], 2);
    const y = horizontalFlip({ p: 1 })(x, 0);
    const expected = toArray4(x).map((img) => img.map((row) => row.slice().reverse()));
    expect(toArray4(y)).toEqual(expected);
    tf.dispose([x, y]);
  });

  it('p = 0.5 flips about half the images, each either flipped or untouched', () => {
    const n = 200;
    const x = randomImages([n, 3, 4, 1], 3);
    const y = horizontalFlip()(x, 11);
    const flipped = tf.reverse(x, 2) as tf.Tensor4D;
    const both = tf.concat([x, flipped, y]) as tf.Tensor4D;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const same = sameImage(both, i, 2 * n + i);
      const flip = sameImage(both, n + i, 2 * n + i);
      expect(same !== flip).toBe(true);
      if (flip) count++;
    }
    expect(count).toBeGreaterThan(70);
    expect(count).toBeLessThan(130);
    tf.dispose([x, y, flipped, both]);
  });

  it('rejects a bad p', () => {
    expect(() => horizontalFlip({ p: 1.5 })).toThrow(
      /^horizontalFlip: p must be a probability in \[0, 1\], got 1.5/,
    );
  });
});
