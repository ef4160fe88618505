import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import {
  checkPositive,
  checkPositiveInt,
  checkTrainTest,
  featuresOf,
  type LabelledSet,
} from './labelled-set';

/** Options of {@link knnAccuracy}. */
export interface KnnOptions {
  /** Frozen encoder mapping images to features; omitted: raw pixels (or the given features). */
  encoder?: tfl.LayersModel;
  /** The labelled examples the neighbours are searched in. */
  train: LabelledSet;
  /** The examples classified and scored. */
  test: LabelledSet;
  /** Number of neighbours. Default 1 (1-NN; suits very few labels per class). */
  k?: number;
  /**
   * Weighted vote: each neighbour votes with `exp(similarity / temperature)`
   * (Wu et al. 2018, "Unsupervised feature learning via non-parametric instance
   * discrimination"; the kNN monitor of DINO). Default false: one vote each.
   */
  weighted?: boolean;
  /** Temperature of the weighted vote. Default 0.07. */
  temperature?: number;
  /** Test rows compared at once, and images per encoder pass; bounds memory. Default 256. */
  batchSize?: number;
}

/**
 * k-nearest-neighbour classification accuracy (in [0, 1]) of `test` against
 * `train` under cosine similarity of the features (L2-normalised dot product).
 * The standard frozen-feature evaluation of self-supervised encoders
 * (Wu et al. 2018; Caron et al. 2021, DINO §4.1).
 *
 * Vote: the class with the most votes (or the largest summed weight when
 * `weighted`); a tie goes to the tied class of the nearest neighbour.
 *
 * @example
 * const acc = await knnAccuracy({ encoder, train: { images, labels }, test, k: 5 });
 */
export async function knnAccuracy(options: KnnOptions): Promise<number> {
  const fn = 'knnAccuracy';
  const { trainY, testY } = checkTrainTest(fn, options);
  const {
    encoder,
    train,
    test,
    k = 1,
    weighted = false,
    temperature = 0.07,
    batchSize = 256,
  } = options;
  checkPositiveInt(fn, 'k', k);
  checkPositiveInt(fn, 'batchSize', batchSize);
  checkPositive(fn, 'temperature', temperature);
  if (k > trainY.length) {
    throw new Error(`${fn}: k must be <= the number of train examples ${trainY.length}, got ${k}`);
  }

  // L2-normalised features, [Ntrain, D] and [Ntest, D].
  const trainF = tf.tidy(() =>
    normalizeRows(featuresOf(fn, encoder, train.images, batchSize, 'train.images')),
  );
  const testF = tf.tidy(() =>
    normalizeRows(featuresOf(fn, encoder, test.images, batchSize, 'test.images')),
  );
  try {
    if (trainF.shape[1] !== testF.shape[1]) {
      throw new Error(
        `${fn}: train and test features differ in width: ${trainF.shape[1]} vs ${testF.shape[1]}`,
      );
    }
    let correct = 0;
    for (let start = 0; start < testY.length; start += batchSize) {
      const size = Math.min(batchSize, testY.length - start);
      const [values, indices] = tf.tidy(() => {
        const q = tf.slice(testF, [start, 0], [size, -1]);
        const sim = tf.matMul(q, trainF, false, true); // [size, Ntrain]
        const top = tf.topk(sim, k, true);
        return [top.values, top.indices];
      });
      const vals = await values.data();
      const idx = await indices.data();
      values.dispose();
      indices.dispose();
      for (let r = 0; r < size; r++) {
        const sims: number[] = [];
        const classes: number[] = [];
        for (let j = 0; j < k; j++) {
          sims.push(vals[r * k + j]);
          classes.push(trainY[idx[r * k + j]]);
        }
        if (vote(classes, sims, weighted, temperature) === testY[start + r]) correct++;
      }
    }
    return correct / testY.length;
  } finally {
    trainF.dispose();
    testF.dispose();
  }
}

/**
 * The voted class of neighbours listed nearest first: most votes (or largest
 * summed `exp(sim / temperature)` when weighted), ties to the nearest one's class.
 */
export function vote(
  classes: number[],
  sims: number[],
  weighted: boolean,
  temperature: number,
): number {
  const score = new Map<number, number>();
  classes.forEach((c, j) => {
    const w = weighted ? Math.exp(sims[j] / temperature) : 1;
    score.set(c, (score.get(c) ?? 0) + w);
  });
  let best = -Infinity;
  for (const s of score.values()) best = Math.max(best, s);
  // Neighbours are nearest first, so the first class at the best score wins a tie.
  return classes.find((c) => score.get(c) === best)!;
}

/** Rows scaled to unit L2 norm (a zero row stays zero). [N, D] -> [N, D]. */
export function normalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.sum(tf.square(x), 1, true)); // [N, 1]
    return tf.div(x, tf.maximum(norm, 1e-12)) as tf.Tensor2D;
  });
}
