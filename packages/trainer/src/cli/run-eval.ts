import * as tf from '@tensorflow/tfjs-core';
import { mnistTensors } from '@ssl/data';
import { knnAccuracy, linearProbe, selectLabelled } from '../evaluation';
import { loadModel } from '../io/model-io';
import type { EvalArgs } from './args';

/**
 * `ssl eval`: loads the encoder, takes `labelsPerClass` labelled MNIST train
 * images per class (stratified, seeded) and prints the kNN and linear-probe
 * accuracy on the MNIST test split. Returns the exit status.
 */
export async function runEval(a: EvalArgs, print: (line: string) => void): Promise<number> {
  const encoder = await loadModel(a.encoder);
  const shape = encoder.inputs[0].shape;
  if (shape.length !== 4 || shape[1] !== 28 || shape[2] !== 28 || shape[3] !== 1) {
    throw new Error(
      `ssl eval: the encoder takes [${shape.map((s) => s ?? 'null')}], MNIST needs [null,28,28,1]`,
    );
  }
  const all = mnistTensors({ split: 'train' });
  const test = mnistTensors({ split: 'test', limit: a.limit });
  const idx = selectLabelled(Int32Array.from(await all.labels.data()), {
    labelsPerClass: a.labelsPerClass,
    seed: a.seed,
  });
  const train = tf.tidy(() => {
    const i = tf.tensor1d(Int32Array.from(idx), 'int32');
    return {
      images: tf.gather(all.images, i) as tf.Tensor4D,
      labels: tf.gather(all.labels, i) as tf.Tensor1D,
    };
  });
  tf.dispose([all.images, all.labels]);
  try {
    const knn = await knnAccuracy({ encoder, train, test, k: a.k });
    const probe = await linearProbe({ encoder, train, test, seed: a.seed });
    probe.classifier.dispose();
    print(
      `labelled: ${idx.length} train images (${a.labelsPerClass} per class); test: ${test.labels.shape[0]} images`,
    );
    print(`kNN (k=${a.k}) accuracy: ${(knn * 100).toFixed(2)}%`);
    print(`linear probe accuracy: ${(probe.accuracy * 100).toFixed(2)}%`);
  } finally {
    tf.dispose([train.images, train.labels, test.images, test.labels]);
    encoder.dispose();
  }
  return 0;
}
