import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import { imageInfo, readImage } from './read-image';

function writePng(file: string, w: number, h: number, pixel: (x: number, y: number) => number[]) {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [r, g, b] = pixel(x, y);
      png.data.set([r, g, b, 255], 4 * (y * w + x));
    }
  fs.writeFileSync(file, PNG.sync.write(png));
}

describe('readImage / imageInfo', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-image-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads pixels in [0, 1], gray as luma, and tells gray from colour', async () => {
    await tf.setBackend('cpu');
    const gray = path.join(dir, 'g.png');
    const rgb = path.join(dir, 'c.png');
    writePng(gray, 3, 2, (x, y) => [x * 50 + y, x * 50 + y, x * 50 + y]);
    writePng(rgb, 3, 2, (x) => [255, x * 100, 0]);
    expect(await imageInfo(gray)).toEqual({ height: 2, width: 3, gray: true });
    expect(await imageInfo(rgb)).toEqual({ height: 2, width: 3, gray: false });
    const g = await readImage(gray, { channels: 1 });
    expect(g.shape).toEqual([2, 3, 1]);
    // pixel (x=2, y=1) = 101
    expect(g.arraySync()[1][2][0]).toBeCloseTo(101 / 255, 5);
    const c = await readImage(rgb, { channels: 3 });
    // (x=1): [255, 100, 0]; luma of it, for channels 1: 0.299*255 + 0.587*100
    expect(c.arraySync()[0][1]).toEqual([1, 100 / 255, 0].map((v) => expect.closeTo(v, 5)));
    const l = await readImage(rgb, { channels: 1, size: [2, 3] });
    expect(l.arraySync()[0][1][0]).toBeCloseTo((0.299 * 255 + 0.587 * 100) / 255, 5);
    const r = await readImage(rgb, { size: [4, 6] });
    expect(r.shape).toEqual([4, 6, 3]);
    tf.dispose([g, c, l, r]);
    await expect(readImage(path.join(dir, 'none.png'))).rejects.toThrow(
      /readImage: cannot read image/,
    );
  });
});
