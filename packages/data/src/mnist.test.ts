import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';
import { batchImages } from './batch-images';
import { loadMnist } from './load-mnist';
import { mnist, mnistTensors } from './mnist';

const PIXELS = 784;

/** The labels of one pass over a dataset, disposing the images. */
async function labelsOf(ds: tfd.Dataset<{ image: tf.Tensor; label?: number }>): Promise<number[]> {
  const out: number[] = [];
  await ds.forEachAsync(({ image, label }) => {
    image.dispose();
    out.push(label as number);
  });
  return out;
}

describeBackends('mnist', () => {
  it('yields [28, 28, 1] float32 images equal to the decoded arrays, with labels', async () => {
    const ds = mnist({ split: 'test', limit: 12 });
    expect(ds.size).toBe(12);
    const raw = loadMnist({ split: 'test' });
    const elements = await ds.toArray();
    expect(elements).toHaveLength(12);
    elements.forEach(({ image, label }, i) => {
      expect(image.shape).toEqual([28, 28, 1]);
      expect(image.dtype).toBe('float32');
      expect(label).toBe(raw.labels[i]);
      expect(Array.from(image.dataSync())).toEqual(
        Array.from(raw.images.subarray(i * PIXELS, (i + 1) * PIXELS)),
      );
    });
    tf.dispose(elements.map((e) => e.image));
  });

  it('leaves labels out when asked, and knows the size of each split', async () => {
    const [first] = await mnist({ labels: false, limit: 1 }).toArray();
    expect(Object.keys(first)).toEqual(['image']);
    first.image.dispose();
    expect(mnist().size).toBe(7996);
    expect(mnist({ split: 'test' }).size).toBe(2004);
    expect(mnist({ split: 'all' }).size).toBe(10000);
    expect(mnist({ limit: 20000 }).size).toBe(7996);
  });

  it('batches with the standard Dataset methods (labels become float32) and with batchImages (int32)', async () => {
    type Batch = { image: tf.Tensor4D; label: tf.Tensor1D };
    const batches = (await mnist({ limit: 25 }).batch(10).toArray()) as Batch[];
    expect(batches.map((b) => b.image.shape)).toEqual([
      [10, 28, 28, 1],
      [10, 28, 28, 1],
      [5, 28, 28, 1],
    ]);
    expect(batches[0].label.dtype).toBe('float32');
    expect(Array.from(batches[0].label.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    tf.dispose(batches.flatMap((b) => [b.image, b.label]));
    const [typed] = await batchImages(mnist({ limit: 10 }), 10).toArray();
    expect(typed.labels?.dtype).toBe('int32');
    expect(Array.from(typed.labels?.dataSync() ?? [])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    tf.dispose([typed.images, typed.labels as tf.Tensor]);
  });

  it('shuffles deterministically by seed, with a new order each epoch', async () => {
    const a = mnist({ limit: 300, shuffle: true, seed: 7 });
    const b = mnist({ limit: 300, shuffle: true, seed: 7 });
    const a1 = await labelsOf(a);
    const b1 = await labelsOf(b);
    expect(a1).toEqual(b1);
    const a2 = await labelsOf(a);
    const b2 = await labelsOf(b);
    expect(a2).toEqual(b2);
    expect(a2).not.toEqual(a1);
    const other = await labelsOf(mnist({ limit: 300, shuffle: true, seed: 8 }));
    expect(other).not.toEqual(a1);
    // a permutation of the unshuffled subset (limit picks the subset before shuffling)
    const plain = await labelsOf(mnist({ limit: 300 }));
    expect([...a1].sort()).toEqual([...plain].sort());
    expect(a1).not.toEqual(plain);
  });

  it("tf.data's own shuffle is deterministic for a string seed", async () => {
    const order = async () =>
      await mnist({ limit: 100 })
        .map(({ image, label }) => {
          image.dispose();
          return label as number;
        })
        .shuffle(100, 'abc')
        .toArray();
    expect(await order()).toEqual(await order());
  });

  it('leaks no tensors when iterating and batching', async () => {
    const sizes: number[] = [];
    await expectNoLeak(async () => {
      await batchImages(mnist({ limit: 40, shuffle: true, seed: 1 }), 16)
        .prefetch(2)
        .forEachAsync(({ images, labels }) => {
          sizes.push(images.shape[0]);
          tf.dispose([images, labels as tf.Tensor]);
        });
    });
    expect(sizes).toEqual([16, 16, 8]);
  });

  it('mnistTensors gives [N, 28, 28, 1] float32 images and int32 labels', () => {
    const { images, labels } = mnistTensors({ split: 'test', limit: 30 });
    const raw = loadMnist({ split: 'test' });
    expect(images.shape).toEqual([30, 28, 28, 1]);
    expect(labels.shape).toEqual([30]);
    expect(labels.dtype).toBe('int32');
    expect(Array.from(labels.dataSync())).toEqual(Array.from(raw.labels.subarray(0, 30)));
    expect(Array.from(images.dataSync().subarray(29 * PIXELS))).toEqual(
      Array.from(raw.images.subarray(29 * PIXELS, 30 * PIXELS)),
    );
    tf.dispose([images, labels]);
    const all = mnistTensors({ split: 'test' });
    expect(all.images.shape[0]).toBe(2004);
    tf.dispose([all.images, all.labels]);
  });

  it('refuses bad options, naming them', () => {
    expect(() => mnist({ limit: 0 })).toThrow('mnist: limit must be a positive integer, got 0');
    expect(() => mnistTensors({ limit: 2.5 })).toThrow(
      'mnistTensors: limit must be a positive integer, got 2.5',
    );
    expect(() => mnist({ seed: NaN })).toThrow('mnist: seed must be a finite number, got NaN');
    expect(() => mnist({ split: 'val' as 'test' })).toThrow(/split must be one of/);
  });
});
