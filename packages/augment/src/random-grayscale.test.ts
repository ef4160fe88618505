import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose } from '@ssl/test-utils';
import { randomGrayscale } from './random-grayscale';
import { augmentationContract } from './testing/contract';
import { randomImages, sameImage, toArray4 } from './testing/images';

augmentationContract({
  name: 'randomGrayscale',
  make: (p) => randomGrayscale({ p }),
  hasP: true,
  changes: [3],
});

describeBackends('randomGrayscale', () => {
  it('p = 1 gives 0.2989 R + 0.587 G + 0.114 B in all three channels (by hand)', () => {
    const x = randomImages([2, 3, 4, 3], 6);
    const y = randomGrayscale({ p: 1 })(x, 0);
    const expected = toArray4(x).map((img) =>
      img.map((row) =>
        row.map(([r, g, b]) => {
          const v = 0.2989 * r + 0.587 * g + 0.114 * b;
          return [v, v, v];
        }),
      ),
    );
    expectAllClose(y.dataSync(), expected.flat(3), { atol: 1e-6 });
    tf.dispose([x, y]);
  });

  it('a pure red, green and blue pixel give the three weights', () => {
    const x = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 0, 1], [1, 1, 3, 3]);
    const y = randomGrayscale({ p: 1 })(x, 0);
    expectAllClose(
      y.dataSync(),
      [0.2989, 0.2989, 0.2989, 0.587, 0.587, 0.587, 0.114, 0.114, 0.114],
    );
    tf.dispose([x, y]);
  });

  it('leaves a 1-channel batch unchanged', () => {
    const x = randomImages([3, 4, 4, 1], 7);
    const y = randomGrayscale({ p: 1 })(x, 0);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y]);
  });

  it('p = 0.2 grays about a fifth of the images', () => {
    const n = 300;
    const x = randomImages([n, 2, 2, 3], 8);
    const y = randomGrayscale()(x, 3);
    const both = tf.concat([x, y]) as tf.Tensor4D;
    let gray = 0;
    for (let i = 0; i < n; i++) if (!sameImage(both, i, n + i)) gray++;
    expect(gray).toBeGreaterThan(35);
    expect(gray).toBeLessThan(85);
    tf.dispose([x, y, both]);
  });
});
