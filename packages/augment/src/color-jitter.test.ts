import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose } from '@ssl/test-utils';
import { colorJitter } from './color-jitter';
import { createRng } from './rng';
import { augmentationContract } from './testing/contract';
import { randomImages, sameTensor, toArray4 } from './testing/images';

augmentationContract({
  name: 'colorJitter',
  make: (p) => colorJitter({ p }),
  hasP: true,
});

const clip = (v: number) => Math.min(1, Math.max(0, v));

describeBackends('colorJitter', () => {
  it('brightness only: image i is clip(f_i x) with f_i uniform in [1 - b, 1 + b] from the rng', () => {
    const x = randomImages([5, 4, 4, 3], 1);
    const y = colorJitter({ brightness: 0.5, contrast: 0, saturation: 0, hue: 0, p: 1 })(x, 7);
    // Factors are drawn image by image from the stream (p = 1 makes no selection draws).
    const rng = createRng(7);
    const f = Array.from({ length: 5 }, () => rng.uniform(0.5, 1.5));
    expect(new Set(f).size).toBe(5);
    const e = toArray4(x).map((img, n) =>
      img.map((row) => row.map((p) => p.map((v) => clip(f[n] * v)))),
    );
    expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-6 });
    tf.dispose([x, y]);
  });

  it('brightness as an explicit [lo, hi] interval is respected', () => {
    const x = tf.fill([20, 2, 2, 1], 0.25) as tf.Tensor4D;
    const y = colorJitter({ brightness: [1.2, 1.6], contrast: 0, p: 1 })(x, 3);
    const v = y.dataSync();
    for (let i = 0; i < 20; i++) {
      const f = v[i * 4] / 0.25;
      expect(f).toBeGreaterThanOrEqual(1.2 - 1e-6);
      expect(f).toBeLessThan(1.6 + 1e-6);
    }
    tf.dispose([x, y]);
  });

  it('contrast only on 1 channel: clip(f x + (1 - f) mean) with the rng factors', () => {
    const x = randomImages([4, 3, 5, 1], 2);
    const y = colorJitter({ brightness: 0, contrast: 0.8, saturation: 0.4, hue: 0.1, p: 1 })(x, 9);
    // On 1 channel saturation and hue are skipped: only contrast factors are drawn.
    const rng = createRng(9);
    const f = Array.from({ length: 4 }, () => rng.uniform(0.2, 1.8));
    const e = toArray4(x).map((img, n) => {
      const px = img.flat().map((p) => p[0]);
      const mean = px.reduce((a, b) => a + b, 0) / px.length;
      return img.map((row) => row.map((p) => [clip(f[n] * p[0] + (1 - f[n]) * mean)]));
    });
    expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-5 });
    tf.dispose([x, y]);
  });

  it('saturation and hue are no-ops on 1 channel', () => {
    const x = randomImages([4, 5, 5, 1], 3);
    const y = colorJitter({ brightness: 0, contrast: 0, saturation: 0.8, hue: 0.4, p: 1 })(x, 1);
    expect(sameTensor(x, y)).toBe(true);
    tf.dispose([x, y]);
  });

  it('hue only: keeps luma (yiq, unclipped colors) or each pixel’s max channel (hsv)', () => {
    const x = tf.tidy(() =>
      tf.add(tf.mul(randomImages([4, 3, 3, 3], 4), 0.3), 0.35),
    ) as tf.Tensor4D;
    const hueOnly = { brightness: 0, contrast: 0, saturation: 0, hue: 0.3, p: 1 };
    const yiq = colorJitter(hueOnly)(x, 2);
    const hsv = colorJitter({ ...hueOnly, hueSpace: 'hsv' })(x, 2);
    const lumaOf = (t: tf.Tensor4D) =>
      toArray4(t)
        .flat(2)
        .map(([r, g, b]) => 0.299 * r + 0.587 * g + 0.114 * b);
    const maxOf = (t: tf.Tensor4D) =>
      toArray4(t)
        .flat(2)
        .map((p) => Math.max(...p));
    expectAllClose(lumaOf(yiq), lumaOf(x), { atol: 1e-5 });
    expectAllClose(maxOf(hsv), maxOf(x), { atol: 1e-5 });
    expect(sameTensor(x, yiq)).toBe(false);
    expect(sameTensor(x, hsv)).toBe(false);
    tf.dispose([x, yiq, hsv]);
  });

  it('randomOrder is deterministic and changes the result for some seed', () => {
    const x = randomImages([6, 6, 6, 3], 5);
    const strong = { brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, p: 1 };
    const a = colorJitter({ ...strong, randomOrder: true })(x, 4);
    const b = colorJitter({ ...strong, randomOrder: true })(x, 4);
    expect(sameTensor(a, b)).toBe(true);
    let differs = false;
    for (let seed = 0; seed < 5 && !differs; seed++) {
      const fixed = colorJitter(strong)(x, seed);
      const shuffled = colorJitter({ ...strong, randomOrder: true })(x, seed);
      // Same factors, different order (when the shuffle is not the identity).
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(fixed, shuffled))).dataSync()[0]);
      differs = diff > 1e-3;
      tf.dispose([fixed, shuffled]);
    }
    expect(differs).toBe(true);
    tf.dispose([x, a, b]);
  });

  it('rejects bad options', () => {
    expect(() => colorJitter({ brightness: -1 })).toThrow(/^colorJitter: brightness must be/);
    expect(() => colorJitter({ hue: 0.7 })).toThrow(/^colorJitter: hue must be/);
    expect(() => colorJitter({ contrast: [1.5, 0.5] })).toThrow(
      /^colorJitter: contrast must be \[lo, hi\]/,
    );
    expect(() => colorJitter({ p: 2 })).toThrow(/^colorJitter: p must be a probability/);
    expect(() => colorJitter({ hueSpace: 'hsl' as 'hsv' })).toThrow(
      /^colorJitter: hueSpace must be 'yiq' or 'hsv', got hsl/,
    );
  });
});
