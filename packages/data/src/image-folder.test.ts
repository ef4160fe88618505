import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describeBackends, expectAllClose, expectNoLeak } from '@ssl/test-utils';
import { batchImages } from './batch-images';
import { imageFolder, type ImageFolderElement } from './image-folder';

/** RGB pixels (row-major, 3 bytes each) as RGBA with opaque alpha. */
function rgba(rgb: number[]): Buffer {
  const out = Buffer.alloc((rgb.length / 3) * 4);
  for (let p = 0; p < rgb.length / 3; p++) {
    out[4 * p] = rgb[3 * p];
    out[4 * p + 1] = rgb[3 * p + 1];
    out[4 * p + 2] = rgb[3 * p + 2];
    out[4 * p + 3] = 255;
  }
  return out;
}

function writePng(file: string, width: number, height: number, rgb: number[]): void {
  const png = new PNG({ width, height });
  rgba(rgb).copy(png.data);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, PNG.sync.write(png));
}

function writeJpeg(file: string, width: number, height: number, rgb: number[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, jpeg.encode({ width, height, data: rgba(rgb) }, 95).data);
}

/** A constant-colour image's RGB bytes. */
const solid = (n: number, r: number, g: number, b: number) =>
  Array.from({ length: n }, () => [r, g, b]).flat();

/** Every element of one pass, images disposed, as plain values. */
async function collect(ds: { forEachAsync(f: (e: ImageFolderElement) => void): Promise<void> }) {
  const out: { path: string; label?: number; shape: number[]; values: number[] }[] = [];
  await ds.forEachAsync(({ image, label, path: p }) => {
    out.push({ path: p, label, shape: image.shape, values: Array.from(image.dataSync()) });
    image.dispose();
  });
  return out;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssl-data-images-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder under the temp dir. */
let n = 0;
const folder = () => path.join(tmp, `case-${n++}`);

describeBackends('imageFolder', () => {
  it('decodes a PNG exactly: RGB in [0, 1] (HWC) and BT.601 luma for 1 channel', async () => {
    const dir = folder();
    // 2x2: red, green / blue, (10, 200, 30)
    const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 200, 30];
    writePng(path.join(dir, 'a.png'), 2, 2, rgb);
    const [color] = await collect(imageFolder(dir, { size: [2, 2], channels: 3 }));
    expect(color.shape).toEqual([2, 2, 3]);
    expectAllClose(
      color.values,
      rgb.map((v) => v / 255),
      { atol: 1e-6 },
    );
    const [gray] = await collect(imageFolder(dir, { size: [2, 2], channels: 1 }));
    expect(gray.shape).toEqual([2, 2, 1]);
    const luma = [0, 1, 2, 3].map(
      (p) => (0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2]) / 255,
    );
    expectAllClose(gray.values, luma, { atol: 1e-6 });
    expect(color.label).toBeUndefined();
    expect(color.path).toBe(path.join(dir, 'a.png'));
  });

  it('decodes a JPEG (lossy: close to the encoded colour)', async () => {
    const dir = folder();
    writeJpeg(path.join(dir, 'a.jpg'), 8, 8, solid(64, 200, 100, 50));
    const [img] = await collect(imageFolder(dir, { size: [8, 8] }));
    expect(img.shape).toEqual([8, 8, 3]);
    for (let p = 0; p < 64; p++) {
      expectAllClose(img.values.slice(3 * p, 3 * p + 3), [200 / 255, 100 / 255, 50 / 255], {
        atol: 4 / 255,
      });
    }
  });

  it('resizes bilinearly with half-pixel centres (checked against a naive loop)', async () => {
    const dir = folder();
    const gray = [0, 60, 120, 255]; // 2x2
    writePng(path.join(dir, 'g.png'), 2, 2, gray.map((v) => [v, v, v]).flat());
    const [img] = await collect(imageFolder(dir, { size: [4, 3], channels: 1 }));
    expect(img.shape).toEqual([4, 3, 1]);
    const src = (y: number, x: number) => gray[y * 2 + x] / 255;
    const expected: number[] = [];
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 3; x++) {
        const sy = Math.min(Math.max((y + 0.5) * (2 / 4) - 0.5, 0), 1);
        const sx = Math.min(Math.max((x + 0.5) * (2 / 3) - 0.5, 0), 1);
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const y1 = Math.min(y0 + 1, 1);
        const x1 = Math.min(x0 + 1, 1);
        const dy = sy - y0;
        const dx = sx - x0;
        const top = src(y0, x0) * (1 - dx) + src(y0, x1) * dx;
        const bottom = src(y1, x0) * (1 - dx) + src(y1, x1) * dx;
        expected.push(top * (1 - dy) + bottom * dy);
      }
    }
    expectAllClose(img.values, expected, { atol: 1e-5 });
  });

  it('uses subfolders as classes, sorted, with labels indexing classNames', async () => {
    const dir = folder();
    writePng(path.join(dir, 'dogs', 'd1.png'), 3, 3, solid(9, 0, 0, 0));
    writeJpeg(path.join(dir, 'cats', 'c1.jpg'), 8, 8, solid(64, 255, 255, 255));
    writePng(path.join(dir, 'cats', 'nested', 'c2.PNG'), 5, 4, solid(20, 255, 255, 255));
    fs.writeFileSync(path.join(dir, 'cats', 'notes.txt'), 'not an image');
    fs.mkdirSync(path.join(dir, 'empty'));
    const ds = imageFolder(dir, { size: [4, 4] });
    expect(ds.classNames).toEqual(['cats', 'dogs']);
    expect(ds.files.map((f) => path.relative(dir, f))).toEqual([
      path.join('cats', 'c1.jpg'),
      path.join('cats', 'nested', 'c2.PNG'),
      path.join('dogs', 'd1.png'),
    ]);
    const els = await collect(ds);
    expect(els.map((e) => e.label)).toEqual([0, 0, 1]);
    expect(els.map((e) => e.shape)).toEqual([
      [4, 4, 3],
      [4, 4, 3],
      [4, 4, 3],
    ]);
    // a constant image stays constant after resizing
    expectAllClose(els[1].values, new Array(48).fill(1), { atol: 1e-6 });
  });

  it('skips a corrupt or truncated file with a warning naming its path, once', async () => {
    const dir = folder();
    writePng(path.join(dir, 'good.png'), 2, 2, solid(4, 1, 2, 3));
    fs.writeFileSync(path.join(dir, 'bad.png'), 'this is not a png');
    const full = fs.readFileSync(path.join(dir, 'good.png'));
    fs.writeFileSync(path.join(dir, 'cut.png'), full.subarray(0, 40));
    const warnings: string[] = [];
    const ds = imageFolder(dir, { size: [2, 2], warn: (m) => warnings.push(m) });
    expect(ds.files).toHaveLength(3);
    const first = await collect(ds);
    expect(first.map((e) => path.basename(e.path))).toEqual(['good.png']);
    await collect(ds); // a second epoch does not repeat the warnings
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(path.join(dir, 'bad.png'));
    expect(warnings[0]).toMatch(
      /^imageFolder: skipped '.*bad\.png' \(cannot read image: not a PNG or JPEG/,
    );
    expect(warnings[1]).toContain(path.join(dir, 'cut.png'));
    expect(ds.skipped).toEqual([path.join(dir, 'bad.png'), path.join(dir, 'cut.png')]);
  });

  it('skips a file whose header states too many pixels, or too many bytes, before decoding it; the pass goes on', async () => {
    const dir = folder();
    writePng(path.join(dir, 'a-good.png'), 2, 2, solid(4, 1, 2, 3));
    // a PNG that states 20000x20000 pixels (1.6 GB of RGBA) in its IHDR
    const huge = Buffer.from(fs.readFileSync(path.join(dir, 'a-good.png')));
    huge.writeUInt32BE(20000, 16);
    huge.writeUInt32BE(20000, 20);
    fs.writeFileSync(path.join(dir, 'b-huge.png'), huge);
    writePng(path.join(dir, 'c-big.png'), 30, 30, solid(900, 9, 8, 7));
    const warnings: string[] = [];
    const maxBytes = fs.statSync(path.join(dir, 'c-big.png')).size - 1;
    const ds = imageFolder(dir, { size: [2, 2], maxBytes, warn: (m) => warnings.push(m) });
    const els = await collect(ds);
    expect(els.map((e) => path.basename(e.path))).toEqual(['a-good.png']);
    expect(warnings).toEqual([
      `imageFolder: skipped '${path.join(dir, 'b-huge.png')}' (cannot read image: its header states 20000x20000 pixels, more than the limit of 64000000 (maxPixels); not decoded)`,
      `imageFolder: skipped '${path.join(dir, 'c-big.png')}' (cannot read image: the file has ${maxBytes + 1} bytes, more than the limit of ${maxBytes} (maxBytes); not read)`,
    ]);
    expect(() => imageFolder(dir, { size: [2, 2], maxPixels: 0 })).toThrow(
      'imageFolder: options.maxPixels must be a number > 0, got 0',
    );
  });

  it("warns on the console by default, and fails naming the path with onError 'throw'", async () => {
    const dir = folder();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0x00, 0x01, 0x02]));
    writePng(path.join(dir, 'ok.png'), 1, 1, [9, 9, 9]);
    const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(await collect(imageFolder(dir, { size: [1, 1] }))).toHaveLength(1);
      expect(spy).toHaveBeenCalledWith(expect.stringContaining(path.join(dir, 'broken.jpg')));
    } finally {
      spy.mockRestore();
    }
    const before = tf.memory().numTensors;
    await expect(collect(imageFolder(dir, { size: [1, 1], onError: 'throw' }))).rejects.toThrow(
      `imageFolder: cannot read image '${path.join(dir, 'broken.jpg')}'`,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shuffles deterministically by seed', async () => {
    const dir = folder();
    for (let i = 0; i < 12; i++)
      writePng(path.join(dir, `${String(i).padStart(2, '0')}.png`), 1, 1, [i, i, i]);
    const order = async (seed: number) =>
      (await collect(imageFolder(dir, { size: [1, 1], shuffle: true, seed }))).map((e) =>
        path.basename(e.path),
      );
    const a = await order(5);
    expect(await order(5)).toEqual(a);
    expect(await order(6)).not.toEqual(a);
    expect([...a].sort()).toEqual(fs.readdirSync(dir).sort());
  });

  it('epoch order is a pure function of (seed, epoch): forEpoch(e) equals the e-th pass, however many passes were opened', async () => {
    const dir = folder();
    for (let i = 0; i < 12; i++)
      writePng(path.join(dir, `${String(i).padStart(2, '0')}.png`), 1, 1, [i, i, i]);
    const names = async (ds: Parameters<typeof collect>[0]) =>
      (await collect(ds)).map((e) => path.basename(e.path));
    const ds = imageFolder(dir, { size: [1, 1], shuffle: true, seed: 5 });
    const passes = [await names(ds), await names(ds), await names(ds)];
    expect(passes[1]).not.toEqual(passes[0]);
    // a fresh dataset (a resumed run): epoch 2 straight away, iterators opened but unread do not matter
    const fresh = imageFolder(dir, { size: [1, 1], shuffle: true, seed: 5 });
    await fresh.forEpoch(2).iterator();
    expect(await names(fresh.forEpoch(2))).toEqual(passes[2]);
    expect(await names(fresh.forEpoch(0))).toEqual(passes[0]);
    expect(await names(fresh.forEpoch(2))).toEqual(passes[2]);
    expect(() => fresh.forEpoch(-1)).toThrow(
      'imageFolder.forEpoch: epoch must be an integer >= 0, got -1',
    );
  });

  it('a top-level symlink to a sibling folder is not a new class; links out of the folder are followed, each file once', async () => {
    const dir = folder();
    writePng(path.join(dir, 'cats', 'a.png'), 1, 1, [1, 1, 1]);
    writePng(path.join(dir, 'dogs', 'b.png'), 1, 1, [2, 2, 2]);
    fs.symlinkSync(path.join(dir, 'cats'), path.join(dir, 'kittens'));
    fs.symlinkSync(path.join(dir, 'dogs', 'b.png'), path.join(dir, 'cats', 'b-link.png'));
    const outside = folder();
    writePng(path.join(outside, 'c.png'), 1, 1, [3, 3, 3]);
    fs.symlinkSync(outside, path.join(dir, 'birds'));
    fs.symlinkSync(path.join(outside, 'c.png'), path.join(dir, 'birds-2'));
    const ds = imageFolder(dir, { size: [1, 1] });
    expect(ds.classNames).toEqual(['birds', 'cats', 'dogs']);
    expect(ds.files.map((f) => path.relative(dir, f))).toEqual([
      path.join('birds', 'c.png'),
      path.join('cats', 'a.png'),
      path.join('dogs', 'b.png'),
    ]);
  });

  it('leaks no tensors when iterating, resizing and batching', async () => {
    const dir = folder();
    for (let i = 0; i < 5; i++) writePng(path.join(dir, `${i}.png`), 6, 5, solid(30, 40 * i, 0, 0));
    const shapes: number[][] = [];
    await expectNoLeak(async () => {
      await batchImages(imageFolder(dir, { size: [3, 3] }), 2).forEachAsync(
        ({ images, labels }) => {
          shapes.push(images.shape);
          expect(labels).toBeUndefined();
          images.dispose();
        },
      );
    });
    expect(shapes).toEqual([
      [2, 3, 3, 3],
      [2, 3, 3, 3],
      [1, 3, 3, 3],
    ]);
  });
});

describe('imageFolder errors', () => {
  it('explains a missing folder, an empty folder, a mixed layout and bad options', () => {
    const missing = path.join(tmp, 'nope');
    expect(() => imageFolder(missing, { size: [2, 2] })).toThrow(
      `imageFolder: dir must be an existing folder, got '${missing}' (not found)`,
    );
    const empty = folder();
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'readme.txt'), 'hi');
    expect(() => imageFolder(empty, { size: [2, 2] })).toThrow(
      /imageFolder: no image files \(\.png, \.jpg, \.jpeg\) in/,
    );
    const mixed = folder();
    writePng(path.join(mixed, 'top.png'), 1, 1, [0, 0, 0]);
    writePng(path.join(mixed, 'cls', 'x.png'), 1, 1, [0, 0, 0]);
    expect(() => imageFolder(mixed, { size: [2, 2] })).toThrow(
      /has both class subfolders \(cls\) and 1 image\(s\) at its top level \(e\.g\. 'top\.png'\)/,
    );
    expect(() => imageFolder(mixed, { size: [0, 2] })).toThrow(
      'imageFolder: size must be [height, width] with positive integers, got [0,2]',
    );
    expect(() => imageFolder(mixed, { size: [2, 2], channels: 4 as 3 })).toThrow(
      'imageFolder: channels must be 1 or 3, got 4',
    );
    expect(() => imageFolder(mixed, { size: [2, 2], onError: 'ignore' as 'skip' })).toThrow(
      `imageFolder: onError must be 'skip' or 'throw', got "ignore"`,
    );
    expect(() => imageFolder(mixed, undefined as unknown as { size: [number, number] })).toThrow(
      /size must be/,
    );
  });
});
