import * as tf from '@tensorflow/tfjs-core';
import type { Email } from './data';
import { classificationScores } from './metrics';

const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9$!']+/g) ?? [];

/** The `size` words found in most documents of `corpus` (unlabelled text is enough). */
export function bowVocabulary(corpus: string[], size: number): Map<string, number> {
  const df = new Map<string, number>();
  for (const t of corpus) for (const w of new Set(words(t))) df.set(w, (df.get(w) ?? 0) + 1);
  const top = [...df.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, size);
  return new Map(top.map(([w], i) => [w, i]));
}

/** log(1 + count) features, each row L2-normalised: [N, V]. */
function features(emails: Email[], vocab: Map<string, number>): tf.Tensor2D {
  const v = vocab.size;
  const x = new Float32Array(emails.length * v);
  emails.forEach((e, i) => {
    for (const w of words(e.text)) {
      const j = vocab.get(w);
      if (j !== undefined) x[i * v + j] += 1;
    }
    let norm = 0;
    for (let j = 0; j < v; j++) {
      x[i * v + j] = Math.log1p(x[i * v + j]);
      norm += x[i * v + j] ** 2;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < v; j++) x[i * v + j] /= norm;
  });
  return tf.tensor2d(x, [emails.length, v]);
}

/**
 * The baseline: a bag-of-words logistic regression (log-count features, L2 weight
 * decay, full-batch Adam), trained on the labelled emails only.
 */
export function bagOfWordsLogReg(
  train: Email[],
  test: Email[],
  vocab: Map<string, number>,
  opts: { steps: number; l2: number; seed: number },
): { accuracy: number; f1: number } {
  const xTrain = features(train, vocab);
  const xTest = features(test, vocab);
  const y = tf.tensor2d(
    train.map((e) => [e.label]),
    [train.length, 1],
  );
  const w = tf.variable(tf.randomNormal([vocab.size, 1], 0, 0.01, 'float32', opts.seed));
  const b = tf.variable(tf.zeros([1]));
  const opt = tf.train.adam(0.05);
  for (let i = 0; i < opts.steps; i++) {
    opt.minimize(() => {
      const logits = tf.add(tf.matMul(xTrain, w), b);
      // stable sigmoid cross-entropy: max(z, 0) - z*y + log(1 + exp(-|z|))
      const ce = tf.mean(
        tf.add(
          tf.sub(tf.relu(logits), tf.mul(logits, y)),
          tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
        ),
      );
      return tf.add(ce, tf.mul(opts.l2, tf.sum(tf.square(w)))) as tf.Scalar;
    });
  }
  const pred = tf.tidy(() =>
    tf.cast(tf.greater(tf.add(tf.matMul(xTest, w), b), 0), 'int32').dataSync(),
  );
  const scores = classificationScores(
    pred,
    test.map((e) => e.label),
  );
  tf.dispose([xTrain, xTest, y, w, b]);
  opt.dispose();
  return scores;
}
