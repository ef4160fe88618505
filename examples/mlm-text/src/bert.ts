import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { transformerEncoder } from '@ssl/encoders';
import {
  maskTokens,
  mlmLoss,
  mlmModel,
  perplexity,
  sequenceClassifier,
  type WordPieceTokenizer,
} from '@ssl/mlm';
import type { StudyConfig } from './config';
import type { Email } from './data';
import { classificationScores } from './metrics';

/** A fresh encoder of the study's size. */
export function newEncoder(cfg: StudyConfig, vocabSize: number, seed: number): tfl.LayersModel {
  return transformerEncoder({
    vocabSize,
    maxLength: cfg.maxLength,
    dModel: cfg.dModel,
    numHeads: cfg.numHeads,
    numLayers: cfg.numLayers,
    ffnDim: cfg.ffnDim,
    dropout: cfg.dropout,
    seed,
  });
}

/** Token ids [N, T] (padded) and attention mask [N, T] of `texts`. */
export function encodeTexts(
  tok: WordPieceTokenizer,
  texts: string[],
  maxLength: number,
): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const enc = tok.encodeBatch(texts, { maxLength, padding: 'max_length', truncation: true });
  return {
    ids: tf.tensor2d(enc.ids, [texts.length, maxLength], 'int32'),
    mask: tf.tensor2d(enc.attentionMask, [texts.length, maxLength]),
  };
}

/** A seeded permutation of 0..n-1. */
function permutation(n: number, seed: number): number[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** Linear warm-up over the first 6% of the steps, then linear decay to 0 (BERT's schedule). */
function lrAt(step: number, total: number, peak: number): number {
  const warm = Math.max(1, Math.round(0.06 * total));
  return step < warm
    ? (peak * (step + 1)) / warm
    : (peak * (total - step)) / Math.max(1, total - warm);
}

export interface PretrainReport {
  steps: number;
  seconds: number;
  tokensPerSecond: number;
  /** Loss, masked accuracy and perplexity of the last 20 steps (mean), and the loss curve every 10 steps. */
  finalLoss: number;
  finalMaskedAccuracy: number;
  finalPerplexity: number;
  lossCurve: { step: number; loss: number; maskedAccuracy: number }[];
}

/**
 * MLM pretraining of `encoder` on `ids` (BERT masking 15% / 80-10-10, tied head, the
 * head evaluated at masked positions only), Adam with warm-up and linear decay.
 */
export function pretrainMlm(
  encoder: tfl.LayersModel,
  tok: WordPieceTokenizer,
  data: { ids: tf.Tensor2D; mask: tf.Tensor2D },
  cfg: StudyConfig,
  log: (line: string) => void,
): PretrainReport {
  const model = mlmModel({ encoder, seed: 7 });
  const opt = tf.train.adam(cfg.pretrainLr, 0.9, 0.999, 1e-6);
  const n = data.ids.shape[0];
  const B = cfg.pretrainBatch;
  let order = permutation(n, 0);
  let cursor = 0;
  const curve: PretrainReport['lossCurve'] = [];
  const recent: { loss: number; acc: number }[] = [];
  const t0 = performance.now();
  let step = 0;
  let tokens = 0;
  for (; step < cfg.pretrainSteps; step++) {
    if ((performance.now() - t0) / 1000 > cfg.pretrainMaxSeconds) {
      log(`pretraining: wall-clock cap of ${cfg.pretrainMaxSeconds}s reached at step ${step}`);
      break;
    }
    if (cursor + B > n) {
      order = permutation(n, step + 1);
      cursor = 0;
    }
    const idx = tf.tensor1d(order.slice(cursor, cursor + B), 'int32');
    cursor += B;
    const ids = tf.gather(data.ids, idx) as tf.Tensor2D;
    const mask = tf.gather(data.mask, idx) as tf.Tensor2D;
    tokens += tf.sum(mask).dataSync()[0];
    const { inputIds, labels } = maskTokens(ids, {
      maskTokenId: tok.maskTokenId,
      vocabSize: tok.vocabSize,
      specialTokenIds: tok.specialTokenIds,
      seed: 1000 + step,
    });
    (opt as unknown as { learningRate: number }).learningRate = lrAt(
      step,
      cfg.pretrainSteps,
      cfg.pretrainLr,
    );
    let acc = 0;
    const loss = opt.minimize(() => {
      const out = mlmLoss(model, { inputIds, attentionMask: mask, labels, training: true });
      acc = out.accuracy.dataSync()[0];
      return out.loss;
    }, true) as tf.Scalar;
    const l = loss.dataSync()[0];
    tf.dispose([idx, ids, mask, inputIds, labels, loss]);
    recent.push({ loss: l, acc });
    if (recent.length > 20) recent.shift();
    if (step % 10 === 0) curve.push({ step, loss: l, maskedAccuracy: acc });
    if (step % 25 === 0) {
      const s = (performance.now() - t0) / 1000;
      log(
        `pretrain step ${step}/${cfg.pretrainSteps}  loss ${l.toFixed(3)}  masked acc ${acc.toFixed(3)}  ${s.toFixed(0)}s`,
      );
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const finalLoss = mean(recent.map((r) => r.loss));
  opt.dispose();
  // Free the head's own weights (the encoder's stay: they are what we keep).
  for (const name of ['mlm_transform', 'mlm_layer_norm', 'mlm_output'])
    model.getLayer(name).weights.forEach((w) => w.dispose());
  return {
    steps: step,
    seconds,
    tokensPerSecond: tokens / seconds,
    finalLoss,
    finalMaskedAccuracy: mean(recent.map((r) => r.acc)),
    finalPerplexity: perplexity(finalLoss),
    lossCurve: curve,
  };
}

/**
 * Fine-tunes `encoder` (+ mean pooling + a dense layer) on `train` for `steps` Adam
 * steps, then scores the test set. The encoder is modified in place.
 */
export function fineTune(
  encoder: tfl.LayersModel,
  tok: WordPieceTokenizer,
  train: Email[],
  test: { ids: tf.Tensor2D; mask: tf.Tensor2D; labels: number[] },
  cfg: StudyConfig,
  steps: number,
  seed: number,
): { accuracy: number; f1: number } {
  const clf = sequenceClassifier({ encoder, numClasses: 2, pooling: 'mean', dropout: 0.1, seed });
  const data = encodeTexts(
    tok,
    train.map((e) => e.text),
    cfg.maxLength,
  );
  const y = tf.oneHot(
    tf.tensor1d(
      train.map((e) => e.label),
      'int32',
    ),
    2,
  );
  const opt = tf.train.adam(cfg.finetuneLr);
  const n = train.length;
  const B = Math.min(cfg.finetuneBatch, n);
  let order = permutation(n, seed);
  let cursor = 0;
  for (let step = 0; step < steps; step++) {
    if (cursor + B > n) {
      order = permutation(n, seed * 1000 + step);
      cursor = 0;
    }
    const idx = tf.tensor1d(order.slice(cursor, cursor + B), 'int32');
    cursor += B;
    const loss = opt.minimize(() => {
      const logits = clf.apply([tf.gather(data.ids, idx), tf.gather(data.mask, idx)], {
        training: true,
      }) as tf.Tensor;
      return tf.neg(
        tf.mean(tf.sum(tf.mul(tf.gather(y, idx), tf.logSoftmax(logits)), -1)),
      ) as tf.Scalar;
    }, true);
    tf.dispose([idx, loss as tf.Scalar]);
  }
  const pred: number[] = [];
  const E = 100;
  for (let i = 0; i < test.labels.length; i += E) {
    const m = Math.min(E, test.labels.length - i);
    const p = tf.tidy(() => {
      const ids = tf.slice(test.ids, [i, 0], [m, -1]);
      const mask = tf.slice(test.mask, [i, 0], [m, -1]);
      return tf.argMax(clf.apply([ids, mask]) as tf.Tensor, -1).dataSync();
    });
    pred.push(...Array.from(p));
  }
  tf.dispose([data.ids, data.mask, y]);
  opt.dispose();
  clf.dispose(); // also frees the encoder: callers pass a fresh copy
  return classificationScores(pred, test.labels);
}
