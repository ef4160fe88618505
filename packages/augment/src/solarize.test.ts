import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@ssl/test-utils';
import { solarize } from './solarize';
import { augmentationContract } from './testing/contract';
import { randomImages } from './testing/images';

augmentationContract({
  name: 'solarize',
  make: (p) => solarize({ p }),
  hasP: true,
});

describeBackends('solarize', () => {
  it('p = 1 inverts exactly the pixels at or above the threshold (naive JS)', () => {
    for (const threshold of [0.5, 0.3]) {
      const x = randomImages([2, 5, 6, 3], 4);
      // Put the threshold itself in: it must be inverted (>=).
      const data = x.dataSync().slice();
      data[0] = threshold;
      const input = tf.tensor4d(data, x.shape);
      const y = solarize({ threshold, p: 1 })(input, 0);
      const expected = Array.from(data, (v) => (v >= threshold ? 1 - v : v));
      expect(Array.from(y.dataSync())).toEqual(Array.from(Float32Array.from(expected)));
      tf.dispose([x, input, y]);
    }
  });

  it('defaults to p = 0: off unless asked for', () => {
    const x = randomImages([3, 4, 4, 1], 5);
    const y = solarize()(x, 1);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y]);
  });

  it('rejects bad options', () => {
    expect(() => solarize({ threshold: NaN })).toThrow(
      /^solarize: threshold must be a finite number/,
    );
    expect(() => solarize({ p: -0.1 })).toThrow(/^solarize: p must be a probability/);
  });
});
