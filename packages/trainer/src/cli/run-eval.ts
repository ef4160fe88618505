import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { createRng, permutation } from '@ssl/augment';
import { knnAccuracy, linearProbe, selectLabelled } from '../evaluation';
import { loadModel } from '../io/model-io';
import { writeFileAtomic } from '../io/atomic';
import { encoderMetadata } from '../io/encoder-metadata';
import { UsageError } from './command-line';
import type { EvalArgs } from './image-args';
import { loadImageSet, type ImageSet } from './image-source';

/** The rows `idx` of a labelled image set. */
function take(set: { images: tf.Tensor4D; labels: tf.Tensor1D }, idx: number[]) {
  return tf.tidy(() => {
    const i = tf.tensor1d(Int32Array.from(idx), 'int32');
    return {
      images: tf.gather(set.images, i) as tf.Tensor4D,
      labels: tf.gather(set.labels, i) as tf.Tensor1D,
    };
  });
}

/** Test labels as indices into the training classes (matched by name); refuses unknown classes. */
function alignClasses(train: ImageSet, test: ImageSet): tf.Tensor1D {
  const same =
    train.classNames.length === test.classNames.length &&
    train.classNames.every((c, i) => c === test.classNames[i]);
  if (same) return test.labels!;
  const map = test.classNames.map((c) => {
    const at = train.classNames.indexOf(c);
    if (at < 0) {
      throw new UsageError(
        `ssl eval: --test has class '${c}', which --data lacks (classes: ${train.classNames.join(', ')})`,
      );
    }
    return at;
  });
  const ys = Array.from(test.labels!.dataSync()).map((y) => map[y]);
  test.labels!.dispose();
  return tf.tensor1d(ys, 'int32');
}

/**
 * `ssl eval`: draws `labelsPerClass` labelled images per class from --data
 * (stratified, seeded), scores the kNN classifier and a linear probe on the
 * encoder's features of --test (mnist: its test split; otherwise, without
 * --test, the --data images not drawn), prints the accuracies and writes a
 * JSON report. Returns the exit status.
 */
export async function runEval(a: EvalArgs, print: (line: string) => void): Promise<number> {
  const t0 = Date.now();
  const encoder = await loadModel(a.encoder);
  const meta = encoderMetadata(encoder);
  const opts = { command: 'ssl eval', shape: meta.inputShape, seed: a.seed };
  const sets: ImageSet[] = [];
  try {
    const all = await loadImageSet(a.data, { ...opts, flag: '--data', split: 'train' });
    sets.push(all);
    if (!all.labels) {
      throw new UsageError(
        `ssl eval: --data '${a.data}' has no labels (a folder needs class subfolders; an IDX file its labels file: --data IMAGES,LABELS)`,
      );
    }
    const ys = Int32Array.from(await all.labels.data());
    let idx: number[];
    try {
      idx = selectLabelled(ys, { labelsPerClass: a.labelsPerClass, seed: a.seed });
    } catch (e) {
      throw new UsageError(
        `ssl eval: --labels-per-class ${a.labelsPerClass}: ${(e as Error).message}`,
      );
    }
    const train = take(all as { images: tf.Tensor4D; labels: tf.Tensor1D }, idx);
    let test: { images: tf.Tensor4D; labels: tf.Tensor1D };
    let testFrom: string;
    if (a.test !== undefined || a.data === 'mnist') {
      const source = a.test ?? 'mnist';
      const t = await loadImageSet(source, {
        ...opts,
        flag: '--test',
        split: 'test',
        limit: a.limit,
      });
      sets.push(t);
      if (!t.labels) throw new UsageError(`ssl eval: --test '${source}' has no labels`);
      t.labels = alignClasses(all, t);
      test = { images: t.images, labels: t.labels };
      testFrom = a.test ?? 'mnist test split';
    } else {
      const chosen = new Set(idx);
      let rest = Array.from(permutation(ys.length, createRng(a.seed))).filter(
        (i) => !chosen.has(i),
      );
      if (a.limit !== undefined) rest = rest.slice(0, a.limit);
      if (rest.length === 0) {
        throw new UsageError(
          `ssl eval: every --data image was drawn as a label; pass --test, or a smaller --labels-per-class`,
        );
      }
      test = take(all as { images: tf.Tensor4D; labels: tf.Tensor1D }, rest);
      sets.push({ ...test, classNames: [] });
      testFrom = `the other ${rest.length} --data images`;
    }
    sets.push({ ...train, classNames: [] });
    const knn = await knnAccuracy({ encoder, train, test, k: a.k });
    const probe = await linearProbe({ encoder, train, test, seed: a.seed });
    probe.classifier.dispose();
    const nTest = test.labels.shape[0];
    print(
      `labelled: ${idx.length} images (${a.labelsPerClass} per class, ${all.classNames.length} classes); test: ${nTest} images (${testFrom})`,
    );
    print(`kNN (k=${a.k}) accuracy: ${(knn * 100).toFixed(2)}%`);
    print(`linear probe accuracy: ${(probe.accuracy * 100).toFixed(2)}%`);
    const report = {
      command: 'ssl eval',
      encoder: path.resolve(a.encoder),
      encoderMetadata: meta,
      data: a.data,
      test: a.test ?? null,
      testFrom,
      classes: all.classNames,
      labelsPerClass: a.labelsPerClass,
      labelled: idx.length,
      testImages: nTest,
      seed: a.seed,
      knn: { k: a.k, accuracy: knn },
      linearProbe: { accuracy: probe.accuracy, trainAccuracy: probe.trainAccuracy },
      backend: tf.getBackend(),
      seconds: (Date.now() - t0) / 1000,
    };
    await writeFileAtomic(a.report, `${JSON.stringify(report, null, 2)}\n`);
    print(`report: ${a.report}`);
  } finally {
    for (const s of sets) tf.dispose([s.images, s.labels]);
    encoder.dispose();
  }
  return 0;
}
