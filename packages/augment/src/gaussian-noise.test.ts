import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@ssl/test-utils';
import { gaussianNoise } from './gaussian-noise';
import { augmentationContract } from './testing/contract';
import { randomImages } from './testing/images';

augmentationContract({
  name: 'gaussianNoise',
  make: (p) => gaussianNoise({ p }),
  hasP: true,
});

describeBackends('gaussianNoise', () => {
  it('adds zero-mean noise with the requested std (away from the clip)', () => {
    const x = tf.fill([4, 32, 32, 3], 0.5) as tf.Tensor4D;
    const y = gaussianNoise({ std: 0.05 })(x, 3);
    const d = Array.from(y.dataSync(), (v) => v - 0.5);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(Math.abs(std - 0.05)).toBeLessThan(0.002);
    tf.dispose([x, y]);
  });

  it('a std interval gives each image its own std', () => {
    const x = tf.fill([6, 24, 24, 1], 0.5) as tf.Tensor4D;
    const y = gaussianNoise({ std: [0.01, 0.1] })(x, 4);
    const v = y.dataSync();
    const per = 24 * 24;
    const stds = Array.from({ length: 6 }, (_, i) => {
      const d = Array.from(v.slice(i * per, (i + 1) * per), (t) => t - 0.5);
      return Math.sqrt(d.reduce((a, b) => a + b * b, 0) / per);
    });
    for (const s of stds) expect(s > 0.008 && s < 0.11).toBe(true);
    expect(Math.max(...stds) / Math.min(...stds)).toBeGreaterThan(1.3);
    tf.dispose([x, y]);
  });

  it('std 0 is the identity', () => {
    const x = randomImages([2, 4, 4, 3], 1);
    const y = gaussianNoise({ std: 0 })(x, 1);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y]);
  });

  it('rejects bad options', () => {
    expect(() => gaussianNoise({ std: -1 })).toThrow(/^gaussianNoise: std must be a finite number/);
    expect(() => gaussianNoise({ std: [0.2, 0.1] })).toThrow(
      /^gaussianNoise: std must be \[lo, hi\]/,
    );
  });
});
