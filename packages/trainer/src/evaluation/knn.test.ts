import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';

import { knnAccuracy } from './knn';
import { clusters, tinyEncoder } from './test-helpers';

/** The paper's algorithm, deliberately naive: cosine similarity, sort, vote. */
function naiveKnn(
  trainX: number[][],
  trainY: number[],
  testX: number[][],
  testY: number[],
  k: number,
  weighted: boolean,
  temperature = 0.07,
): number {
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, t) => s + t * t, 0));
  let correct = 0;
  testX.forEach((q, t) => {
    const sims = trainX.map((x, i) => {
      let dot = 0;
      for (let j = 0; j < q.length; j++) dot += q[j] * x[j];
      return { sim: dot / (norm(q) * norm(x)), y: trainY[i] };
    });
    sims.sort((a, b) => b.sim - a.sim);
    const nn = sims.slice(0, k);
    const score: Record<number, number> = {};
    for (const n of nn)
      score[n.y] = (score[n.y] ?? 0) + (weighted ? Math.exp(n.sim / temperature) : 1);
    const best = Math.max(...Object.values(score));
    const pred = nn.find((n) => score[n.y] === best)!.y;
    if (pred === testY[t]) correct++;
  });
  return correct / testX.length;
}

describeBackends('knnAccuracy', () => {
  // Overlapping clusters so that the accuracy is neither 0 nor 1.
  const tr = clusters(4, 15, 6, 1, 1, 1.5);
  const te = clusters(4, 20, 6, 2, 1, 1.5);
  const set = (d: { x: number[][]; y: number[] }) => ({
    images: tf.tensor2d(d.x),
    labels: tf.tensor1d(d.y, 'int32'),
  });

  it.each([
    [1, false],
    [3, false],
    [5, false],
    [7, true],
  ])('matches a naive loop (k=%i, weighted=%s)', async (k, weighted) => {
    const train = set(tr);
    const test = set(te);
    const expected = naiveKnn(tr.x, tr.y, te.x, te.y, k, weighted);
    expect(expected).toBeGreaterThan(0.3);
    expect(expected).toBeLessThan(1);
    // batchSize 7 exercises the chunking of test rows.
    expect(await knnAccuracy({ train, test, k, weighted, batchSize: 7 })).toBeCloseTo(expected, 10);
    tf.dispose([train.images, train.labels, test.images, test.labels]);
  });

  it('scores 1 on well-separated clusters, for 1-NN and 5-NN', async () => {
    const train = set(clusters(3, 10, 5, 3, 5, 0.5));
    const test = set(clusters(3, 10, 5, 4, 5, 0.5));
    expect(await knnAccuracy({ train, test })).toBe(1);
    expect(await knnAccuracy({ train, test, k: 5 })).toBe(1);
    tf.dispose([train.images, train.labels, test.images, test.labels]);
  });

  it('uses the encoder on images, equal to kNN on the embedded features; no leak', async () => {
    const encoder = tinyEncoder(3);
    const images = tf.randomUniform([24, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const labels = tf.tensor1d(
      Array.from({ length: 24 }, (_, i) => i % 3),
      'int32',
    );
    const train = {
      images: tf.slice(images, 0, 12) as tf.Tensor4D,
      labels: tf.slice(labels, 0, 12),
    };
    const test = {
      images: tf.slice(images, 12, 12) as tf.Tensor4D,
      labels: tf.slice(labels, 12, 12),
    };
    const f = (x: tf.Tensor4D) => encoder.predict(x) as tf.Tensor2D;
    const fTrain = f(train.images);
    const fTest = f(test.images);
    const expected = naiveKnn(
      fTrain.arraySync(),
      Array.from(train.labels.dataSync()),
      fTest.arraySync(),
      Array.from(test.labels.dataSync()),
      3,
      false,
    );
    await expectNoLeak(async () => {
      expect(await knnAccuracy({ encoder, train, test, k: 3, batchSize: 5 })).toBeCloseTo(
        expected,
        10,
      );
    });
    tf.dispose([
      images,
      labels,
      train.images,
      train.labels,
      test.images,
      test.labels,
      fTrain,
      fTest,
    ]);
    encoder.dispose();
  });
});

describeBackends(
  'knnAccuracy errors',
  () => {
    it('names the function, the argument and what came', async () => {
      const x = tf.zeros([4, 3]) as tf.Tensor2D;
      const y = tf.tensor1d([0, 1, 0, 1], 'int32');
      await expect(
        knnAccuracy({ train: { images: x, labels: y }, test: { images: x, labels: y }, k: 0 }),
      ).rejects.toThrow('knnAccuracy: k must be an integer >= 1, got 0');
      await expect(
        knnAccuracy({ train: { images: x, labels: y }, test: { images: x, labels: y }, k: 5 }),
      ).rejects.toThrow(/k must be <= the number of train examples 4, got 5/);
      await expect(
        knnAccuracy({
          train: { images: x, labels: tf.tensor1d([0, 1, 2]) },
          test: { images: x, labels: y },
        }),
      ).rejects.toThrow(/train.labels has 3 entries but train.images has 4 rows/);
      await expect(
        knnAccuracy({
          train: { images: x, labels: y },
          test: { images: tf.zeros([4, 2]) as tf.Tensor2D, labels: y },
        }),
      ).rejects.toThrow(/differ in width: 3 vs 2/);
      await expect(
        knnAccuracy({
          train: { images: tf.zeros([4, 3, 1]) as unknown as tf.Tensor2D, labels: y },
          test: { images: x, labels: y },
        }),
      ).rejects.toThrow(
        /train.images must be a 4-D tensor \[N, H, W, C\] or 2-D features \[N, D\], got shape \[4,3,1\]/,
      );
      await expect(
        knnAccuracy({
          train: { images: x, labels: tf.tensor1d([0, -1, 0, 1]) },
          test: { images: x, labels: y },
        }),
      ).rejects.toThrow(/non-negative integers, got -1 at index 1/);
    });
  },
  ['cpu'],
);
