import * as tf from '@tensorflow/tfjs-core';
import {
  fineTune,
  fixMatch,
  knnClassifier,
  linearProbe,
  selectLabelled,
  type Classifier,
} from '../evaluation';
import { loadModel } from '../io/model-io';
import { encoderMetadata } from '../io/encoder-metadata';
import { UsageError } from './command-line';
import type { ClassifyArgs } from './image-args';
import { loadImageSet, type ImageSet } from './image-source';

type Labelled = { images: tf.Tensor4D; labels: tf.Tensor1D };

/** The rows `idx` of a labelled set. */
function rows(set: Labelled, idx: number[]): Labelled {
  return tf.tidy(() => {
    const i = tf.tensor1d(Int32Array.from(idx), 'int32');
    return {
      images: tf.gather(set.images, i) as tf.Tensor4D,
      labels: tf.gather(set.labels, i) as tf.Tensor1D,
    };
  });
}

/** `test`'s labels re-indexed to `classNames` (by name); refuses a class the labelled set lacks. */
function aligned(test: ImageSet, classNames: string[]): tf.Tensor1D {
  const map = test.classNames.map((c) => {
    const at = classNames.indexOf(c);
    if (at < 0) {
      throw new UsageError(
        `ssl classify: --test has class '${c}', which --labelled lacks (classes: ${classNames.join(', ')})`,
      );
    }
    return at;
  });
  return tf.tensor1d(
    Array.from(test.labels!.dataSync()).map((y) => map[y]),
    'int32',
  );
}

/**
 * `ssl classify`: fits a classifier on the encoder (`--method`: linear probe,
 * kNN, fine-tuning or FixMatch with --unlabelled) from the --labelled images
 * (all, or --labels-per-class N of each class), scores it on --test when
 * given, and saves it to --out (a tfjs Layers model folder that `ssl
 * predict` and `loadClassifier` read). Returns the exit status.
 */
export async function runClassify(a: ClassifyArgs, print: (line: string) => void): Promise<number> {
  const t0 = Date.now();
  const encoder = await loadModel(a.encoder);
  const meta = encoderMetadata(encoder);
  const opts = { command: 'ssl classify', shape: meta.inputShape, seed: a.seed };
  const held: tf.Tensor[] = [];
  let classifier: Classifier | undefined;
  try {
    const all = await loadImageSet(a.labelled, { ...opts, flag: '--labelled', split: 'train' });
    held.push(all.images, ...(all.labels ? [all.labels] : []));
    if (!all.labels) {
      throw new UsageError(
        `ssl classify: --labelled '${a.labelled}' has no labels (a folder needs class subfolders, one a class)`,
      );
    }
    let train: Labelled = { images: all.images, labels: all.labels };
    if (a.labelsPerClass !== undefined) {
      let idx: number[];
      try {
        idx = selectLabelled(Int32Array.from(all.labels.dataSync()), {
          labelsPerClass: a.labelsPerClass,
          seed: a.seed,
        });
      } catch (e) {
        throw new UsageError(
          `ssl classify: --labels-per-class ${a.labelsPerClass}: ${(e as Error).message}`,
        );
      }
      train = rows(train, idx);
      held.push(train.images, train.labels);
    }
    let test: Labelled | undefined;
    if (a.test !== undefined) {
      const t = await loadImageSet(a.test, { ...opts, flag: '--test', split: 'test' });
      held.push(t.images, ...(t.labels ? [t.labels] : []));
      if (!t.labels) throw new UsageError(`ssl classify: --test '${a.test}' has no labels`);
      test = { images: t.images, labels: aligned(t, all.classNames) };
      held.push(test.labels);
    }
    let unlabelled: tf.Tensor4D | undefined;
    if (a.unlabelled !== undefined) {
      const u = await loadImageSet(a.unlabelled, { ...opts, flag: '--unlabelled', split: 'train' });
      held.push(u.images, ...(u.labels ? [u.labels] : []));
      unlabelled = u.images;
    }
    const common = {
      classNames: all.classNames,
      pixelRange: meta.pixelRange,
      numClasses: all.classNames.length,
    };
    const n = train.labels.shape[0];
    if (a.method === 'knn') {
      classifier = await knnClassifier({ encoder, train, k: Math.min(a.k, n), ...common });
    } else if (a.method === 'probe') {
      const r = await linearProbe({
        encoder,
        train,
        test: test ?? train,
        seed: a.seed,
        ...(a.epochs ? { epochs: a.epochs } : {}),
        ...(unlabelled ? { unlabelled } : {}),
        ...common,
      });
      classifier = r.classifier;
    } else if (a.method === 'finetune') {
      const r = await fineTune({
        encoder,
        train,
        test: test ?? train,
        seed: a.seed,
        ...(a.epochs ? { epochs: a.epochs } : {}),
        ...common,
      });
      classifier = r.classifier;
    } else {
      classifier = await fixMatch({
        encoder,
        labelled: train,
        unlabelled: unlabelled!,
        steps: a.steps,
        seed: a.seed,
        ...common,
      });
    }
    await classifier.save(a.out);
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    print(
      `ssl classify: ${a.method} on ${n} labelled images (${all.classNames.length} classes: ${all.classNames.join(', ')}) in ${seconds} s; classifier saved to ${a.out}`,
    );
    if (test) {
      const acc = await classifier.evaluate(test);
      print(
        `test accuracy: ${(acc * 100).toFixed(2)}% on ${test.labels.shape[0]} images (${a.test})`,
      );
    }
  } finally {
    tf.dispose(held);
    classifier?.dispose();
    encoder.dispose();
  }
  return 0;
}
