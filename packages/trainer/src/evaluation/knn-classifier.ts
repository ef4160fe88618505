import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { classifierMetadata, createClassifier, type Classifier } from './classifier';
import { featureGraph } from './classifier-model';
import { KnnVote } from './knn-layer';
import { normalizeRows } from './knn';
import {
  checkLabelledSet,
  checkPositive,
  checkPositiveInt,
  classCount,
  featuresOf,
  type LabelledSet,
} from './labelled-set';

/** Options of {@link knnClassifier}. */
export interface KnnClassifierOptions {
  /** Frozen encoder (copied into the classifier); omitted: raw pixels (or the given features). */
  encoder?: tfl.LayersModel;
  /** The labelled bank the neighbours are searched in (held in the classifier's weights). */
  train: LabelledSet;
  /** Number of neighbours. Default 1. */
  k?: number;
  /** Votes weighted by `exp(similarity / temperature)`. Default false. */
  weighted?: boolean;
  /** Temperature of the weighted vote. Default 0.07. */
  temperature?: number;
  /** Examples per encoder pass while embedding the bank. Default 256. */
  batchSize?: number;
  /** Number of classes. Default: largest train label + 1. */
  numClasses?: number;
  /** Class names by index. Default `['0', '1', ...]`. */
  classNames?: string[];
  /** Pixel range of image inputs. Default `[0, 1]` for images, none otherwise. */
  pixelRange?: [number, number];
}

/**
 * A k-nearest-neighbour {@link Classifier}: a copy of the encoder, then a
 * `KnnVote` layer (`SslKnnVote`) that holds the labelled bank's L2-normalised
 * features and labels as weights, so it saves, loads and predicts like any
 * Layers model. It classifies as `knnAccuracy` does (cosine similarity,
 * majority or weighted vote, ties to the nearest neighbour's class); its
 * probabilities are the vote shares. The caller disposes it.
 *
 * @example
 * const knn = await knnClassifier({ encoder, train: few, k: 5 });
 * console.log(await knn.evaluate(test)); // = await knnAccuracy({ encoder, train: few, test, k: 5 })
 * knn.dispose();
 */
export async function knnClassifier(options: KnnClassifierOptions): Promise<Classifier> {
  const fn = 'knnClassifier';
  if (options == null || typeof options !== 'object') {
    throw new Error(
      `${fn}: options must be an object { train, encoder?, k?, ... }, got ${options}`,
    );
  }
  const trainY = checkLabelledSet(fn, 'train', options.train);
  const { encoder, train, k = 1, weighted = false, temperature = 0.07, batchSize = 256 } = options;
  checkPositiveInt(fn, 'k', k);
  checkPositiveInt(fn, 'batchSize', batchSize);
  checkPositive(fn, 'temperature', temperature);
  if (k > trainY.length) {
    throw new Error(`${fn}: k must be <= the number of train examples ${trainY.length}, got ${k}`);
  }
  const numClasses = classCount(fn, options.numClasses, trainY);
  const bank = tf.tidy(() =>
    normalizeRows(featuresOf(fn, encoder, train.images, batchSize, 'train.images')),
  ); // [N, D]
  const labels = tf.tensor1d(trainY, 'float32'); // [N]
  let model: tfl.LayersModel | undefined;
  try {
    const graph = await featureGraph(fn, encoder, train.images);
    const vote = new KnnVote({
      bankSize: trainY.length,
      units: bank.shape[1],
      numClasses,
      k,
      weighted,
      temperature,
    });
    const probs = vote.apply(graph.features) as tfl.SymbolicTensor;
    model = tfl.model({ inputs: graph.inputs, outputs: probs });
    vote.setWeights([bank, labels]);
    const meta = classifierMetadata(fn, model, {
      kind: 'knn',
      classNames: options.classNames,
      pixelRange: options.pixelRange,
      encoder: graph.encoder,
    });
    return createClassifier(model, meta);
  } catch (e) {
    model?.dispose();
    throw e;
  } finally {
    tf.dispose([bank, labels]);
  }
}
