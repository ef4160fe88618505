import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@ssl/test-utils';
import {
  colorJitter,
  compose,
  gaussianBlur,
  gaussianNoise,
  horizontalFlip,
  multiView,
  randomAffine,
  randomApply,
  randomGrayscale,
  randomResizedCrop,
  simclrAugment,
  solarize,
  type Augmentation,
} from './index';

const ops: [string, Augmentation][] = [
  ['randomResizedCrop', randomResizedCrop({ size: [4, 4] })],
  ['horizontalFlip', horizontalFlip()],
  ['colorJitter', colorJitter()],
  ['randomGrayscale', randomGrayscale()],
  ['gaussianBlur', gaussianBlur()],
  ['gaussianNoise', gaussianNoise()],
  ['solarize', solarize()],
  ['randomAffine', randomAffine()],
  ['compose', compose([horizontalFlip()])],
  ['randomApply', randomApply(horizontalFlip(), 0.5)],
  ['simclrAugment', simclrAugment()],
  ['multiView', ((x, r) => multiView(horizontalFlip(), 2)(x, r)[0]) as Augmentation],
];

const image = (v: number) => {
  const data = new Float32Array(2 * 4 * 4 * 3).fill(0.5);
  data[7] = v;
  return tf.tensor4d(data, [2, 4, 4, 3]);
};

describeBackends('pixel range checks', () => {
  describe.each(ops)('%s', (name, op) => {
    it.each([
      [
        5,
        new RegExp(`^${name}: images must hold pixel values in \\[0, 1\\], got min 0\\.5, max 5$`),
      ],
      [
        -3,
        new RegExp(`^${name}: images must hold pixel values in \\[0, 1\\], got min -3, max 0\\.5$`),
      ],
      [
        NaN,
        new RegExp(
          `^${name}: images must hold finite pixel values in \\[0, 1\\], got NaN or ±Infinity$`,
        ),
      ],
      [Infinity, /got NaN or ±Infinity$/],
    ])('refuses a pixel %p in one line, leaking nothing', (v, message) => {
      const x = image(v);
      const before = tf.memory().numTensors;
      expect(() => op(x, 1)).toThrow(message);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });
    it('accepts 0 and 1 exactly, and its output is in [0, 1]', () => {
      const x = tf.tensor4d(
        Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => i % 2),
        [2, 4, 4, 3],
      );
      const out = op(x, 3);
      const values = Array.from(out.dataSync());
      expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
      tf.dispose([x, out]);
    });
  });

  it('a composed pipeline checks what a user op hands on, naming the op that received it', () => {
    const bad: Augmentation = (x) => tf.tidy(() => tf.mul(x, 10) as tf.Tensor4D);
    const x = image(0.5);
    expect(() => compose([horizontalFlip(), bad, solarize()])(x, 1)).toThrow(
      /^solarize: images must hold pixel values in \[0, 1\], got min 5, max 5$/,
    );
    x.dispose();
  });
});
