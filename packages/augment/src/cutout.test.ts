import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@ssl/test-utils';
import { cutout } from './cutout';
import { augmentationContract } from './testing/contract';
import { randomImages } from './testing/images';

augmentationContract({
  name: 'cutout',
  make: (p) => cutout({ p }),
  hasP: true,
});

describeBackends('cutout', () => {
  it('fills exactly one clipped square per image with `fill`, the rest untouched (naive JS)', () => {
    const [n, h, w, c] = [6, 9, 7, 3];
    const x = randomImages([n, h, w, c], 2);
    const fill = 0.25;
    const y = cutout({ size: 0.5, fill })(x, 11);
    const xs = x.dataSync();
    const ys = y.dataSync();
    const side = Math.round(0.5 * Math.min(h, w)); // 4
    for (let i = 0; i < n; i++) {
      // the pixels that changed form a rectangle of at most side × side, the same over channels
      const cut: [number, number][] = [];
      for (let r = 0; r < h; r++) {
        for (let q = 0; q < w; q++) {
          const at = ((i * h + r) * w + q) * c;
          const filled = ys.slice(at, at + c).every((v) => v === fill);
          if (filled) cut.push([r, q]);
          else for (let k = 0; k < c; k++) expect(ys[at + k]).toBe(xs[at + k]);
        }
      }
      expect(cut.length).toBeGreaterThan(0);
      const rows = cut.map(([r]) => r);
      const cols = cut.map(([, q]) => q);
      const height = Math.max(...rows) - Math.min(...rows) + 1;
      const width = Math.max(...cols) - Math.min(...cols) + 1;
      expect(cut.length).toBe(height * width);
      expect(height).toBeLessThanOrEqual(side);
      expect(width).toBeLessThanOrEqual(side);
      // clipped only at a border
      if (height < side) expect(Math.min(...rows) === 0 || Math.max(...rows) === h - 1).toBe(true);
      if (width < side) expect(Math.min(...cols) === 0 || Math.max(...cols) === w - 1).toBe(true);
    }
    tf.dispose([x, y]);
  });

  it('size 0 changes nothing; bad options are refused in one line', () => {
    const x = randomImages([2, 5, 5, 1], 3);
    const y = cutout({ size: 0 })(x, 1);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y]);
    expect(() => cutout({ size: 1.5 })).toThrow(
      /^cutout: size must be a finite number in \[0, 1\], got 1.5/,
    );
    expect(() => cutout({ size: [0.5, 0.1] })).toThrow(/^cutout: size must be \[lo, hi\]/);
    expect(() => cutout({ fill: -1 })).toThrow(/^cutout: fill must be a finite number in \[0, 1\]/);
    expect(() => cutout({ p: 2 })).toThrow(/^cutout: p must be a probability/);
  });
});
