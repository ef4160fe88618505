import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose } from '@ssl/test-utils';
import { inverseAffine, randomAffine } from './random-affine';
import { createRng } from './rng';
import { augmentationContract } from './testing/contract';
import { randomImages, sameTensor, toArray4 } from './testing/images';
import { warpAffine, warpAffineByGather, type InverseAffine } from './warp';

augmentationContract({
  name: 'randomAffine',
  make: (p) => randomAffine({ degrees: 30, translate: [0.1, 0.1], p }),
  hasP: true,
});

/** Naive bilinear sampling of one image at (sx, sy), 0 outside. */
function sample(img: number[][][], sx: number, sy: number, c: number): number {
  const H = img.length;
  const W = img[0].length;
  const at = (y: number, x: number) => (y >= 0 && y < H && x >= 0 && x < W ? img[y][x][c] : 0);
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  return (
    (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
    fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1))
  );
}

function naiveWarp(img: number[][][], m: InverseAffine): number[][][] {
  return img.map((row, y) =>
    row.map((px, x) =>
      px.map((_, c) => sample(img, m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5], c)),
    ),
  );
}

const identity = { angle: 0, tx: 0, ty: 0, scale: 1, shear: 0 };

describe('inverseAffine', () => {
  it('maps output pixels back to input pixels for hand-derived cases', () => {
    // Translation by (+2, -1): output (x, y) reads input (x - 2, y + 1).
    expectAllClose(inverseAffine({ ...identity, tx: 2, ty: -1 }, 5, 7), [1, 0, -2, 0, 1, 1]);
    // Zoom 2 about the center (3, 2) of a 5x7 image: input = c + (p - c) / 2.
    expectAllClose(inverseAffine({ ...identity, scale: 2 }, 5, 7), [0.5, 0, 1.5, 0, 0.5, 1]);
    // Counter-clockwise 90° about the center (2, 2): input = (c - (y - c), c + (x - c)) = (4 - y, x).
    expectAllClose(inverseAffine({ ...identity, angle: 90 }, 5, 5), [0, -1, 4, 1, 0, 0], {
      atol: 1e-12,
    });
    // x-shear by 45° about the center row 2: input x = x - (y - 2).
    expectAllClose(inverseAffine({ ...identity, shear: 45 }, 5, 5), [1, -1, 2, 0, 1, 0], {
      atol: 1e-12,
    });
  });
});

describeBackends('randomAffine', () => {
  it('degrees [90, 90] is a counter-clockwise quarter turn (naive index rotation)', () => {
    for (const c of [1, 3]) {
      const x = randomImages([2, 5, 5, c], 1);
      const y = randomAffine({ degrees: [90, 90] })(x, 0);
      // out[y][x] = in[x][W - 1 - y]
      const e = toArray4(x).map((img) => img.map((row, r) => row.map((_, col) => img[col][4 - r])));
      expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-5 });
      tf.dispose([x, y]);
    }
  });

  it('warps translations, zooms and shears like naive bilinear sampling with zero fill', () => {
    const x = randomImages([4, 6, 8, 3], 2);
    const maps = [
      inverseAffine({ ...identity, tx: 2, ty: -1 }, 6, 8),
      inverseAffine({ ...identity, scale: 1.7 }, 6, 8),
      inverseAffine({ ...identity, shear: 20, angle: -33 }, 6, 8),
      inverseAffine({ angle: 12, tx: -1, ty: 3, scale: 0.8, shear: -10 }, 6, 8),
    ];
    const y = warpAffine(x, maps);
    const e = toArray4(x).map((img, n) => naiveWarp(img, maps[n]));
    expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-5 });
    // The gather path (used on cpu) agrees on every backend.
    const g = warpAffineByGather(x, maps);
    expectAllClose(g.dataSync(), e.flat(3), { atol: 1e-5 });
    g.dispose();
    // The integer shift is an exact copy with zeros shifted in.
    const shifted = toArray4(x)[0].map((row, r) =>
      row.map((px, col) =>
        px.map((_, c) => (r + 1 < 6 && col - 2 >= 0 ? toArray4(x)[0][r + 1][col - 2][c] : 0)),
      ),
    );
    expectAllClose(y.dataSync().slice(0, 6 * 8 * 3), shifted.flat(2), { atol: 1e-6 });
    tf.dispose([x, y]);
  });

  it('the op draws (angle, tx, ty, scale, shear) per image from the rng, translation rounded', () => {
    const opts = {
      degrees: 20,
      translate: [0.2, 0.1] as [number, number],
      scale: [0.9, 1.1] as [number, number],
      shear: 10,
    };
    const x = randomImages([3, 10, 10, 1], 3);
    const y = randomAffine(opts)(x, 5);
    const rng = createRng(5);
    const maps = [0, 1, 2].map(() => {
      const angle = rng.uniform(-20, 20);
      const tx = Math.round(rng.uniform(-2, 2));
      const ty = Math.round(rng.uniform(-1, 1));
      const scale = rng.uniform(0.9, 1.1);
      const shear = rng.uniform(-10, 10);
      return inverseAffine({ angle, tx, ty, scale, shear }, 10, 10);
    });
    const e = toArray4(x).map((img, n) => naiveWarp(img, maps[n]));
    expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-5 });
    tf.dispose([x, y]);
  });

  it('the defaults are the identity', () => {
    const x = randomImages([3, 7, 6, 3], 4);
    const y = randomAffine()(x, 1);
    expectAllClose(y.dataSync(), x.dataSync(), { atol: 1e-6 });
    tf.dispose([x, y]);
  });

  it('rejects bad options', () => {
    expect(() => randomAffine({ translate: [0.1, 2] })).toThrow(
      /^randomAffine: translate must be \[fx, fy\] in \[0, 1\], got \[0.1,2\]/,
    );
    expect(() => randomAffine({ scale: [0, 1] })).toThrow(/^randomAffine: scale must be > 0/);
    expect(() => randomAffine({ degrees: -5 })).toThrow(/^randomAffine: degrees must be/);
    expect(() => randomAffine({ shear: [30, 10] })).toThrow(
      /^randomAffine: shear must be \[lo, hi\]/,
    );
  });
});

describeBackends(
  'warpAffineByGather vs tf.image.transform',
  () => {
    // Two independent implementations of the same sampling (the cpu Transform
    // kernel only fills the first image of a batch in tfjs 4.22: not used there).
    it('agrees with the wasm Transform kernel on random maps', () => {
      const x = randomImages([6, 9, 7, 3], 5);
      const rng = createRng(3);
      const maps = Array.from({ length: 6 }, () =>
        inverseAffine(
          {
            angle: rng.uniform(-40, 40),
            tx: rng.uniform(-2, 2),
            ty: rng.uniform(-2, 2),
            scale: rng.uniform(0.7, 1.4),
            shear: rng.uniform(-15, 15),
          },
          9,
          7,
        ),
      );
      const ours = warpAffineByGather(x, maps);
      const rows = tf.tensor2d(maps.map((m) => [...m, 0, 0])); // [N, 8]
      const theirs = tf.image.transform(x, rows, 'bilinear', 'constant', 0);
      const viaOp = warpAffine(x, maps);
      expectAllClose(viaOp.dataSync(), theirs.dataSync(), { atol: 1e-6 });
      expectAllClose(ours.dataSync(), theirs.dataSync(), { atol: 1e-5 });
      expect(sameTensor(ours, x)).toBe(false);
      tf.dispose([x, rows, ours, theirs, viaOp]);
    });
  },
  ['wasm'],
);
