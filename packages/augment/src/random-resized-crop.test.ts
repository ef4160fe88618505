import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose } from '@ssl/test-utils';
import { cropResize, randomResizedCrop, sampleCropBox, type CropBox } from './random-resized-crop';
import { createRng } from './rng';
import { augmentationContract } from './testing/contract';
import { randomImages, toArray4 } from './testing/images';

augmentationContract({
  name: 'randomResizedCrop',
  make: () => randomResizedCrop({ scale: [0.08, 0.5] }),
  hasP: false,
});

augmentationContract({
  name: 'randomResizedCrop',
  make: () => randomResizedCrop({ size: [7, 5] }),
  hasP: false,
  outShape: ([n, , , c]) => [n, 7, 5, c],
});

/**
 * Naive crop + resize: output (y, x) samples the box at half-pixel centers,
 * row = top + (y + 0.5) h / outH - 0.5, clamped to [0, H - 1], bilinear.
 */
function naiveCrop(img: number[][][], b: CropBox, outH: number, outW: number): number[][][] {
  const H = img.length;
  const W = img[0].length;
  const clampTo = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
  const out: number[][][] = [];
  for (let y = 0; y < outH; y++) {
    const row: number[][] = [];
    const sy = clampTo(b.top + ((y + 0.5) * b.height) / outH - 0.5, H);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, H - 1);
    const fy = sy - y0;
    for (let x = 0; x < outW; x++) {
      const sx = clampTo(b.left + ((x + 0.5) * b.width) / outW - 0.5, W);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, W - 1);
      const fx = sx - x0;
      row.push(
        img[0][0].map(
          (_, c) =>
            (1 - fy) * ((1 - fx) * img[y0][x0][c] + fx * img[y0][x1][c]) +
            fy * ((1 - fx) * img[y1][x0][c] + fx * img[y1][x1][c]),
        ),
      );
    }
    out.push(row);
  }
  return out;
}

describe('sampleCropBox', () => {
  it('draws boxes inside the image with area and aspect in range (torchvision sampling)', () => {
    const rng = createRng(1);
    const [H, W] = [32, 40];
    let ok = true;
    const areas: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const b = sampleCropBox(rng, H, W, [0.2, 0.9], [3 / 4, 4 / 3]);
      ok &&= b.top >= 0 && b.left >= 0 && b.top + b.height <= H && b.left + b.width <= W;
      ok &&= Number.isInteger(b.top + b.left + b.height + b.width);
      // Sides are rounded: allow one pixel of slack on each.
      ok &&=
        (b.height - 1) * (b.width - 1) <= 0.9 * H * W &&
        (b.height + 1) * (b.width + 1) >= 0.2 * H * W;
      ok &&= (b.width - 1) / (b.height + 1) <= 4 / 3 && (b.width + 1) / (b.height - 1) >= 3 / 4;
      areas.push((b.height * b.width) / (H * W));
    }
    expect(ok).toBe(true);
    // The whole interval is used (rejection of boxes that do not fit skews it low).
    expect(Math.min(...areas)).toBeLessThan(0.22);
    expect(Math.max(...areas)).toBeGreaterThan(0.85);
  });

  it('falls back to the largest centered crop with a clamped ratio', () => {
    const rng = createRng(2);
    // No area fraction above 1 fits: every attempt fails.
    expect(sampleCropBox(rng, 10, 10, [1.5, 2], [3 / 4, 4 / 3])).toEqual({
      top: 0,
      left: 0,
      height: 10,
      width: 10,
    });
    expect(sampleCropBox(rng, 10, 30, [1.5, 2], [1, 1])).toEqual({
      top: 0,
      left: 10,
      height: 10,
      width: 10,
    });
    expect(sampleCropBox(rng, 30, 10, [1.5, 2], [0.5, 2])).toEqual({
      top: 5,
      left: 0,
      height: 20,
      width: 10,
    });
  });
});

describeBackends('randomResizedCrop', () => {
  it('crops known boxes like naive half-pixel bilinear sampling (up- and down-sizing)', () => {
    for (const c of [1, 3]) {
      const x = randomImages([3, 9, 11, c], 5);
      const boxes: CropBox[] = [
        { top: 0, left: 0, height: 4, width: 3 }, // upsampled, touches the top-left border
        { top: 2, left: 5, height: 7, width: 6 }, // touches the bottom-right border
        { top: 0, left: 0, height: 9, width: 11 }, // whole image, downsampled
      ];
      for (const size of [
        [6, 5],
        [3, 4],
        [1, 1],
      ] as [number, number][]) {
        const y = cropResize(x, boxes, size);
        const e = toArray4(x).map((img, n) => naiveCrop(img, boxes[n], size[0], size[1]));
        expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-5 });
        y.dispose();
      }
      x.dispose();
    }
  });

  it('a box the size of the output copies pixels exactly (to float precision)', () => {
    const x = randomImages([2, 8, 8, 3], 6);
    const y = cropResize(
      x,
      [
        { top: 2, left: 1, height: 5, width: 6 },
        { top: 0, left: 0, height: 5, width: 6 },
      ],
      [5, 6],
    );
    const e = toArray4(x).map((img, n) =>
      img
        .slice(n === 0 ? 2 : 0, (n === 0 ? 2 : 0) + 5)
        .map((row) => row.slice(n === 0 ? 1 : 0, (n === 0 ? 1 : 0) + 6)),
    );
    expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-5 });
    tf.dispose([x, y]);
  });

  it('the op crops image i with the i-th box sampled from the rng', () => {
    const x = randomImages([5, 12, 10, 3], 7);
    const y = randomResizedCrop({ size: [8, 8] })(x, 99);
    const rng = createRng(99);
    const boxes = Array.from({ length: 5 }, () =>
      sampleCropBox(rng, 12, 10, [0.08, 1], [3 / 4, 4 / 3]),
    );
    expect(new Set(boxes.map((b) => JSON.stringify(b))).size).toBe(5);
    const e = toArray4(x).map((img, n) => naiveCrop(img, boxes[n], 8, 8));
    expectAllClose(y.dataSync(), e.flat(3), { atol: 1e-5 });
    tf.dispose([x, y]);
  });

  it('scale [1, 1] with the image ratio is the identity (to float precision)', () => {
    const x = randomImages([3, 6, 9, 1], 8);
    const y = randomResizedCrop({ scale: [1, 1], ratio: [1.5, 1.5] })(x, 1);
    expectAllClose(y.dataSync(), x.dataSync(), { atol: 1e-5 });
    tf.dispose([x, y]);
  });

  it('rejects bad options', () => {
    expect(() => randomResizedCrop({ size: [0, 4] })).toThrow(
      /^randomResizedCrop: size\[0\] must be an integer >= 1, got 0/,
    );
    expect(() => randomResizedCrop({ size: [4] as unknown as [number, number] })).toThrow(
      /^randomResizedCrop: size must be \[height, width\]/,
    );
    expect(() => randomResizedCrop({ scale: [0.5, 0.1] })).toThrow(
      /^randomResizedCrop: scale must be \[lo, hi\]/,
    );
    expect(() => randomResizedCrop({ ratio: [0, 1] })).toThrow(
      /^randomResizedCrop: scale must have hi > 0 and ratio lo > 0/,
    );
  });
});
