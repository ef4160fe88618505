import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { loadClassifier } from '../evaluation';
import { writeFileAtomic } from '../io/atomic';
import { csvField } from './embedding-files';
import type { PredictArgs } from './image-args';
import { loadImageSet } from './image-source';

/**
 * `ssl predict`: labels every --data image with the classifier and writes
 * --out as CSV (`file,label,probability`: the predicted class name and its
 * probability). When the images sit in class subfolders, also prints the
 * accuracy against them. Returns the exit status.
 */
export async function runPredict(a: PredictArgs, print: (line: string) => void): Promise<number> {
  const classifier = await loadClassifier(a.classifier);
  try {
    const set = await loadImageSet(a.data, {
      command: 'ssl predict',
      flag: '--data',
      shape: classifier.inputShape,
      split: 'test',
    });
    try {
      const { labels, probabilities } = classifier.predict(set.images, { batchSize: a.batchSize });
      const ys = Array.from(await labels.data());
      const best = Array.from(await tf.tidy(() => tf.max(probabilities, 1)).data());
      tf.dispose([labels, probabilities]);
      const root = path.resolve(a.data);
      const names = set.files
        ? set.files.map((f) => (f.startsWith(root + path.sep) ? path.relative(root, f) : f))
        : ys.map((_, i) => String(i));
      const lines = ys.map(
        (y, i) => `${csvField(names[i])},${csvField(classifier.classNames[y])},${best[i]}`,
      );
      await writeFileAtomic(a.out, `file,label,probability\n${lines.join('\n')}\n`);
      print(`wrote ${a.out}: ${ys.length} predictions (${classifier.classNames.length} classes)`);
      if (set.labels) {
        const truth = Array.from(await set.labels.data()).map((t) => set.classNames[t]);
        const right = ys.filter((y, i) => classifier.classNames[y] === truth[i]).length;
        print(
          `accuracy against the folder's classes: ${((100 * right) / ys.length).toFixed(2)}% (${right}/${ys.length})`,
        );
      }
    } finally {
      tf.dispose([set.images, set.labels]);
    }
  } finally {
    classifier.dispose();
  }
  return 0;
}
