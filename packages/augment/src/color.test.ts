import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose, expectNoLeak } from '@ssl/test-utils';
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustHueHsv,
  adjustSaturation,
  rgbToHsv,
} from './color';
import { randomImages, toArray4 } from './testing/images';

const clip = (v: number) => Math.min(1, Math.max(0, v));
const lumaOf = ([r, g, b]: number[]) => 0.2989 * r + 0.587 * g + 0.114 * b;

/** Naive RGB -> HSV (h in turns), the textbook piecewise definition. */
function naiveRgbToHsv([r, g, b]: number[]): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = (((g - b) / d) % 6) / 6;
    else if (max === g) h = ((b - r) / d + 2) / 6;
    else h = ((r - g) / d + 4) / 6;
    if (h < 0) h += 1;
  }
  return [h, max === 0 ? 0 : d / max, max];
}

/** Naive HSV -> RGB by sector (i = floor(6h)). */
function naiveHsvToRgb(h: number, s: number, v: number): number[] {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  return [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][i];
}

describeBackends('color adjustments (per-image factors)', () => {
  const factors = [0.3, 1.0, 1.7];

  it('brightness: clip(f x)', () => {
    const x = randomImages([3, 4, 5, 3], 1);
    const y = adjustBrightness(x, factors);
    const e = toArray4(x).map((img, n) =>
      img.map((row) => row.map((px) => px.map((v) => clip(v * factors[n])))),
    );
    expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-6 });
    tf.dispose([x, y]);
  });

  for (const c of [1, 3]) {
    it(`contrast: clip(f x + (1 - f) mean luma) (${c} channels)`, () => {
      const x = randomImages([3, 4, 5, c], 2);
      const y = adjustContrast(x, factors);
      const e = toArray4(x).map((img, n) => {
        const px = img.flat();
        const mean = px.reduce((s, p) => s + (c === 3 ? lumaOf(p) : p[0]), 0) / px.length;
        const f = factors[n];
        return img.map((row) => row.map((p) => p.map((v) => clip(f * v + (1 - f) * mean))));
      });
      expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-5 });
      tf.dispose([x, y]);
    });
  }

  it('saturation: clip(f x + (1 - f) luma); identity on 1 channel', () => {
    const x = randomImages([3, 4, 5, 3], 3);
    const y = adjustSaturation(x, factors);
    const e = toArray4(x).map((img, n) =>
      img.map((row) =>
        row.map((p) => p.map((v) => clip(factors[n] * v + (1 - factors[n]) * lumaOf(p)))),
      ),
    );
    expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-5 });
    const g = randomImages([3, 4, 5, 1], 3);
    const gy = adjustSaturation(g, factors);
    expect(Array.from(gy.dataSync())).toEqual(Array.from(g.dataSync()));
    tf.dispose([x, y, g, gy]);
  });

  it('rgb -> hsv matches the textbook definition', () => {
    const x = randomImages([2, 3, 4, 3], 4);
    const [h, s, v] = rgbToHsv(x);
    const px = toArray4(x).flat(2);
    const e = px.map(naiveRgbToHsv);
    expectAllClose(
      h.dataSync(),
      e.map((t) => t[0]),
      { atol: 1e-5 },
    );
    expectAllClose(
      s.dataSync(),
      e.map((t) => t[1]),
      { atol: 1e-5 },
    );
    expectAllClose(
      v.dataSync(),
      e.map((t) => t[2]),
      { atol: 1e-6 },
    );
    tf.dispose([x, h, s, v]);
  });

  it('hsv hue: shift h by the factor (mod 1) through HSV; gray pixels and 1 channel unchanged', () => {
    const shifts = [-0.5, 0.13, 0.37];
    const x = randomImages([3, 4, 5, 3], 5);
    // A gray pixel (no chroma) and a black one.
    const data = x.dataSync().slice();
    data.set([0.4, 0.4, 0.4, 0, 0, 0], 0);
    const input = tf.tensor4d(data, x.shape);
    const y = adjustHueHsv(input, shifts);
    const e = toArray4(input).map((img, n) =>
      img.map((row) =>
        row.map((p) => {
          const [h, s, v] = naiveRgbToHsv(p);
          let h2 = (h + shifts[n]) % 1;
          if (h2 < 0) h2 += 1;
          return naiveHsvToRgb(h2, s, v);
        }),
      ),
    );
    expectAllClose(y.dataSync(), e.flat(3), { atol: 2e-5 });
    expect(Array.from(y.dataSync().slice(0, 6))).toEqual(Array.from(data.slice(0, 6)));
    const g = randomImages([3, 2, 2, 1], 5);
    const gy = adjustHueHsv(g, shifts);
    expect(Array.from(gy.dataSync())).toEqual(Array.from(g.dataSync()));
    tf.dispose([x, input, y, g, gy]);
  });

  it('yiq hue: rotate (I, Q) by -2π·shift with published NTSC matrices (naive JS)', () => {
    const shifts = [0, 0.1, -0.25];
    // Pixels in [0.35, 0.65]: small chroma, so rotations stay inside [0, 1] (no clip).
    const x = tf.tidy(() =>
      tf.add(tf.mul(randomImages([3, 4, 4, 3], 7), 0.3), 0.35),
    ) as tf.Tensor4D;
    const y = adjustHue(x, shifts);
    const e = toArray4(x).map((img, n) =>
      img.map((row) =>
        row.map(([r, g, b]) => {
          const Y = 0.299 * r + 0.587 * g + 0.114 * b;
          const I = 0.596 * r - 0.274 * g - 0.322 * b;
          const Q = 0.211 * r - 0.523 * g + 0.312 * b;
          const a = -2 * Math.PI * shifts[n];
          const I2 = Math.cos(a) * I - Math.sin(a) * Q;
          const Q2 = Math.sin(a) * I + Math.cos(a) * Q;
          // Published (rounded) inverse: hence the 3e-3 tolerance.
          return [
            Y + 0.956 * I2 + 0.621 * Q2,
            Y - 0.272 * I2 - 0.647 * Q2,
            Y - 1.106 * I2 + 1.703 * Q2,
          ];
        }),
      ),
    );
    expectAllClose(y.dataSync(), e.flat(3), { atol: 3e-3 });
    // Shift 0 is the identity; luma 0.299 R + 0.587 G + 0.114 B is kept.
    expectAllClose(y.dataSync().slice(0, 48), x.dataSync().slice(0, 48), { atol: 1e-6 });
    const lumaOfT = (t: tf.Tensor4D) =>
      toArray4(t)
        .flat(2)
        .map(([r, g, b]) => 0.299 * r + 0.587 * g + 0.114 * b);
    expectAllClose(lumaOfT(y), lumaOfT(x), { atol: 1e-5 });
    tf.dispose([x, y]);
  });

  it('yiq hue: gray stays gray, red moves towards yellow then green like HSV, 1 channel unchanged', () => {
    const x = tf.tensor4d([0.5, 0.5, 0.5, 0.8, 0.1, 0.1], [1, 1, 2, 3]);
    const y = adjustHue(x, [0.1]).dataSync();
    expectAllClose(y.slice(0, 3), [0.5, 0.5, 0.5], { atol: 1e-6 });
    const [r, g, b] = y.slice(3);
    expect(g).toBeGreaterThan(b + 0.05); // HSV hue 0.1 of this red is orange: g > b
    expect(r).toBeGreaterThan(g);
    const g1 = randomImages([2, 2, 2, 1], 5);
    const gy = adjustHue(g1, [0.3, -0.3]);
    expect(Array.from(gy.dataSync())).toEqual(Array.from(g1.dataSync()));
    tf.dispose([x, g1, gy]);
  });

  it('a full turn of hue (0.5 then 0.5) gives the image back; no leaks', async () => {
    const x = randomImages([2, 3, 3, 3], 6);
    const y = tf.tidy(() => adjustHueHsv(adjustHueHsv(x, [0.5, 0.5]), [0.5, 0.5]));
    expectAllClose(y.dataSync(), x.dataSync(), { atol: 1e-5 });
    await expectNoLeak(() => adjustHue(x, [0.1, 0.2]));
    await expectNoLeak(() => adjustHueHsv(x, [0.1, 0.2]));
    await expectNoLeak(() => adjustSaturation(x, [0.1, 0.2]));
    await expectNoLeak(() => adjustContrast(x, [0.1, 0.2]));
    tf.dispose([x, y]);
  });
});
