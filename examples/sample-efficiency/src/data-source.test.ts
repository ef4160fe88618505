import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { writeIdx } from '@ssl/data/node';

import { loadStudyData } from './data-source';

describe('loadStudyData', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'study-data-'));
  // 20 images of 28×28, pixel value = image index, labels 0..3 repeating (5 of each)
  const n = 20;
  const pixels = new Uint8Array(n * 784).map((_, i) => Math.floor(i / 784));
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 4);
  writeIdx(path.join(dir, 'img.gz'), { dims: [n, 28, 28], data: pixels });
  writeIdx(path.join(dir, 'lbl.gz'), { dims: [n], data: labels });

  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads an IDX pair and splits it 80/20 per class, images and labels kept together', async () => {
    const d = await loadStudyData(`${path.join(dir, 'img.gz')},${path.join(dir, 'lbl.gz')}`);
    expect(d.train.images.shape).toEqual([16, 28, 28, 1]);
    expect(d.test.images.shape).toEqual([4, 28, 28, 1]);
    // one test image per class; each image's first pixel (its index / 255) gives its label back
    const testLabels = Array.from(d.test.labels.dataSync());
    expect([...testLabels].sort()).toEqual([0, 1, 2, 3]);
    const firstPixels = (x: tf.Tensor4D) =>
      Array.from(
        tf.tidy(() => tf.slice(tf.reshape(x, [x.shape[0], -1]), [0, 0], [-1, 1])).dataSync(),
      );
    firstPixels(d.test.images).forEach((p, i) =>
      expect(Math.round(p * 255) % 4).toBe(testLabels[i]),
    );
    tf.dispose([d.train.images, d.train.labels, d.test.images, d.test.labels]);
  });

  it('refuses what it cannot read with one line', async () => {
    await expect(loadStudyData('nowhere')).rejects.toThrow(
      "sample-efficiency: --data must be 'mnist', 'fashion-mnist', a folder of class subfolders or IDX files",
    );
  });
});
