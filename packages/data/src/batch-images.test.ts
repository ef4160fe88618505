import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';
import { batchImages } from './batch-images';

/** n elements: image i is [2, 2, 1] filled with i, label i % 3, plus a path string. */
function elements(n: number, labels = true) {
  return tfd.array(Array.from({ length: n }, (_, i) => i)).map((i) => {
    const image = tf.fill([2, 2, 1], i) as tf.Tensor3D;
    return labels ? { image, label: i % 3, path: `/x/${i}.png` } : { image, path: `/x/${i}.png` };
  });
}

describeBackends('batchImages', () => {
  it('stacks images and gives int32 labels, dropping other fields', async () => {
    const batches = await batchImages(elements(5), 2).toArray();
    expect(batches.map((b) => b.images.shape)).toEqual([
      [2, 2, 2, 1],
      [2, 2, 2, 1],
      [1, 2, 2, 1],
    ]);
    expect(Object.keys(batches[0]).sort()).toEqual(['images', 'labels']);
    expect(batches[1].labels?.dtype).toBe('int32');
    expect(Array.from(batches[1].labels?.dataSync() ?? [])).toEqual([2, 0]);
    expect(Array.from(batches[1].images.dataSync())).toEqual([2, 2, 2, 2, 3, 3, 3, 3]);
    tf.dispose(batches.flatMap((b) => [b.images, ...(b.labels ? [b.labels] : [])]));
  });

  it('omits labels when the elements have none, and can drop the small last batch', async () => {
    const batches = await batchImages(elements(5, false), 2, { smallLastBatch: false }).toArray();
    expect(batches).toHaveLength(2);
    expect(batches[0].labels).toBeUndefined();
    tf.dispose(batches.map((b) => b.images));
  });

  it('leaks no tensors', async () => {
    await expectNoLeak(async () => {
      await batchImages(elements(7), 3).forEachAsync((b) =>
        tf.dispose([b.images, b.labels as tf.Tensor]),
      );
    });
  });

  it('refuses a bad batch size', () => {
    expect(() => batchImages(elements(1), 0)).toThrow(
      'batchImages: batchSize must be a positive integer, got 0',
    );
  });
});
