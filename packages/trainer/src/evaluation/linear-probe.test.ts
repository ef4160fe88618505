import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';

import { linearProbe } from './linear-probe';
import { clusters, quadrantImages, tinyEncoder } from './test-helpers';

const set = (d: { x: number[][]; y: number[] }) => ({
  images: tf.tensor2d(d.x),
  labels: tf.tensor1d(d.y, 'int32'),
});

describeBackends('linearProbe', () => {
  it('separates linearly separable clusters (accuracy 1), from 1 label per class', async () => {
    const train = set(clusters(5, 1, 5, 1, 4, 0.5));
    const test = set(clusters(5, 20, 5, 2, 4, 0.5));
    const { accuracy, trainAccuracy } = await linearProbe({ train, test, epochs: 50, l2: 1e-2 });
    expect(trainAccuracy).toBe(1);
    expect(accuracy).toBe(1);
    tf.dispose([train.images, train.labels, test.images, test.labels]);
  });

  it('standardises with unlabelled statistics: pure-noise features stay small', async () => {
    // 3 extra pure-noise features: standardised by 5 labelled points they look as
    // large as the signal; standardised by 200 unlabelled points they do not.
    const train = set(clusters(5, 1, 8, 1, 4, 1));
    const test = set(clusters(5, 40, 8, 2, 4, 1));
    const pool = tf.tensor2d(clusters(5, 40, 8, 3, 4, 1).x);
    const own = await linearProbe({ train, test, epochs: 50, l2: 1e-2 });
    const withPool = await linearProbe({ train, test, epochs: 50, l2: 1e-2, unlabelled: pool });
    expect(withPool.accuracy).toBeGreaterThan(own.accuracy + 0.02);
    expect(withPool.accuracy).toBeGreaterThan(0.75);
    tf.dispose([train.images, train.labels, test.images, test.labels, pool]);
  });

  it('is a raw-pixel logistic regression when images are 4-D and no encoder is given', async () => {
    const train = quadrantImages(5, 1);
    const test = quadrantImages(10, 2);
    const { accuracy } = await linearProbe({ train, test, epochs: 30 });
    expect(accuracy).toBe(1);
    tf.dispose([train.images, train.labels, test.images, test.labels]);
  });

  it('is deterministic by seed, and does not leak (with an encoder)', async () => {
    // Noisy, overlapping clusters: the result depends on the batch order.
    const train = quadrantImages(6, 3);
    const test = quadrantImages(6, 4);
    const encoder = tinyEncoder(2);
    const run = async (seed: number) => {
      const r = await linearProbe({
        encoder,
        train,
        test,
        epochs: 3,
        batchSize: 5,
        lr: 0.05,
        seed,
      });
      r.classifier.dispose();
      return { accuracy: r.accuracy, trainAccuracy: r.trainAccuracy };
    };
    let a = { accuracy: -1, trainAccuracy: -1 };
    await expectNoLeak(async () => {
      a = await run(1);
    });
    expect(await run(1)).toEqual(a);
    tf.dispose([train.images, train.labels, test.images, test.labels]);
    encoder.dispose();
  });

  it('beats chance only when the signal is there: shuffled labels give about chance', async () => {
    const d = clusters(4, 25, 6, 5, 4, 0.5);
    const shuffled = d.y.map((_, i) => d.y[(i * 37) % d.y.length]);
    const train = { images: tf.tensor2d(d.x), labels: tf.tensor1d(shuffled, 'int32') };
    const test = set(clusters(4, 25, 6, 6, 4, 0.5));
    const { accuracy } = await linearProbe({ train, test, epochs: 20 });
    expect(accuracy).toBeLessThan(0.6);
    tf.dispose([train.images, train.labels, test.images, test.labels]);
  });
});

describeBackends(
  'linearProbe errors',
  () => {
    it('names the argument and what came', async () => {
      const x = tf.zeros([4, 3]) as tf.Tensor2D;
      const y = tf.tensor1d([0, 1, 0, 1], 'int32');
      const ok = { images: x, labels: y };
      await expect(linearProbe({ train: ok, test: ok, epochs: 0 })).rejects.toThrow(
        'linearProbe: epochs must be an integer >= 1, got 0',
      );
      await expect(linearProbe({ train: ok, test: ok, lr: -1 })).rejects.toThrow(
        'linearProbe: lr must be a finite number > 0, got -1',
      );
      await expect(linearProbe({ train: ok, test: ok, l2: NaN })).rejects.toThrow(
        'linearProbe: l2 must be a finite number >= 0, got NaN',
      );
      await expect(linearProbe({ train: ok, test: ok, numClasses: 1 })).rejects.toThrow(
        'linearProbe: numClasses must be an integer > the largest label 1, got 1',
      );
      await expect(
        linearProbe({ train: ok, test: { images: tf.zeros([4, 2]) as tf.Tensor2D, labels: y } }),
      ).rejects.toThrow('linearProbe: train and test features differ in width: 3 vs 2');
      await expect(linearProbe(undefined as never)).rejects.toThrow(
        /linearProbe: options must be an object/,
      );
    });
  },
  ['cpu'],
);
