import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { transformerEncoder } from '@ssl/encoders';
import {
  maskTokens,
  type MaskTokensOptions,
  mlmLoss,
  mlmModel,
  perplexity,
  sequenceClassifier,
  type WordPieceTokenizer,
} from '@ssl/mlm';
import type { StudyConfig } from './config';
import type { Email } from './data';
import { classificationScores } from './metrics';

/** A fresh encoder of the study's size (dropout `cfg.dropout` unless given). */
export function newEncoder(
  cfg: StudyConfig,
  vocabSize: number,
  seed: number,
  dropout = cfg.dropout,
): tfl.LayersModel {
  return transformerEncoder({
    vocabSize,
    maxLength: cfg.maxLength,
    dModel: cfg.dModel,
    numHeads: cfg.numHeads,
    numLayers: cfg.numLayers,
    ffnDim: cfg.ffnDim,
    dropout,
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

/**
 * BERT's schedule as a function of progress p in [0, 1]: linear warm-up to `peak` over
 * the first `warmup` fraction, then linear decay to 0 at p = 1.
 */
export function lrAt(progress: number, peak: number, warmup: number): number {
  const p = Math.min(1, Math.max(0, progress));
  return p < warmup ? (peak * p) / warmup : (peak * (1 - p)) / Math.max(1e-9, 1 - warmup);
}

export interface PretrainReport {
  steps: number;
  seconds: number;
  tokensPerSecond: number;
  /** Why pretraining stopped: the step count or the wall-clock budget. */
  stoppedBy: 'steps' | 'time';
  /** Loss, masked accuracy and perplexity of the last 20 steps (mean, training mode), and the loss curve every 10 steps. */
  finalLoss: number;
  finalMaskedAccuracy: number;
  finalPerplexity: number;
  /** MLM loss and masked accuracy on held-out emails (fixed masks, no dropout), after pretraining. */
  heldOutLoss: number;
  heldOutMaskedAccuracy: number;
  lossCurve: { step: number; loss: number; maskedAccuracy: number; lr: number }[];
}

/**
 * MLM pretraining of `encoder` on `data` (BERT masking with `cfg.maskProb`, 80-10-10,
 * tied head, the head evaluated at masked positions only), Adam with warm-up and
 * linear decay over progress = max(step / pretrainSteps, elapsed / pretrainMaxSeconds);
 * then the MLM loss on `heldOut` (fixed masks, no dropout).
 */
export function pretrainMlm(
  encoder: tfl.LayersModel,
  tok: WordPieceTokenizer,
  data: { ids: tf.Tensor2D; mask: tf.Tensor2D },
  heldOut: { ids: tf.Tensor2D; mask: tf.Tensor2D },
  cfg: StudyConfig,
  log: (line: string) => void,
): PretrainReport {
  const model = mlmModel({ encoder, seed: 7 });
  const opt = tf.train.adam(cfg.pretrainLr, 0.9, 0.999, 1e-6);
  const n = data.ids.shape[0];
  const B = cfg.pretrainBatch;
  const masking = {
    maskTokenId: tok.maskTokenId,
    vocabSize: tok.vocabSize,
    specialTokenIds: tok.specialTokenIds,
    maskProb: cfg.maskProb,
  };
  let order = permutation(n, 0);
  let cursor = 0;
  const curve: PretrainReport['lossCurve'] = [];
  const recent: { loss: number; acc: number }[] = [];
  const t0 = performance.now();
  let step = 0;
  let tokens = 0;
  let stoppedBy: PretrainReport['stoppedBy'] = 'steps';
  for (; step < cfg.pretrainSteps; step++) {
    const elapsed = (performance.now() - t0) / 1000;
    const progress = Math.max(step / cfg.pretrainSteps, elapsed / cfg.pretrainMaxSeconds);
    if (progress >= 1) {
      stoppedBy = 'time';
      log(`pretraining: wall-clock budget of ${cfg.pretrainMaxSeconds}s reached at step ${step}`);
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
    const { inputIds, labels } = maskTokens(ids, { ...masking, seed: 1000 + step });
    const lr = lrAt(progress, cfg.pretrainLr, cfg.pretrainWarmup);
    (opt as unknown as { learningRate: number }).learningRate = lr;
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
    if (step % 10 === 0) curve.push({ step, loss: l, maskedAccuracy: acc, lr });
    if (step % 50 === 0) {
      log(
        `pretrain step ${step}/${cfg.pretrainSteps}  loss ${l.toFixed(3)}  masked acc ${acc.toFixed(3)}  lr ${lr.toExponential(2)}  ${elapsed.toFixed(0)}s`,
      );
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const finalLoss = mean(recent.map((r) => r.loss));
  opt.dispose();
  const held = heldOutMlm(model, heldOut, masking);
  // Free the head's own weights (the encoder's stay: they are what we keep).
  for (const name of ['mlm_transform', 'mlm_layer_norm', 'mlm_output'])
    model.getLayer(name).weights.forEach((w) => w.dispose());
  return {
    steps: step,
    seconds,
    tokensPerSecond: tokens / seconds,
    stoppedBy,
    finalLoss,
    finalMaskedAccuracy: mean(recent.map((r) => r.acc)),
    finalPerplexity: perplexity(finalLoss),
    heldOutLoss: held.loss,
    heldOutMaskedAccuracy: held.accuracy,
    lossCurve: curve,
  };
}

/** Mean MLM loss and masked accuracy over `data` in batches of 100, masks seeded (same for every run), no dropout. */
function heldOutMlm(
  model: tfl.LayersModel,
  data: { ids: tf.Tensor2D; mask: tf.Tensor2D },
  masking: Omit<MaskTokensOptions, 'seed'>,
): { loss: number; accuracy: number } {
  let lossSum = 0;
  let accSum = 0;
  let count = 0;
  const n = data.ids.shape[0];
  for (let i = 0; i < n; i += 100) {
    const m = Math.min(100, n - i);
    const ids = tf.slice(data.ids, [i, 0], [m, -1]);
    const mask = tf.slice(data.mask, [i, 0], [m, -1]);
    const { inputIds, labels } = maskTokens(ids, { ...masking, seed: 99 + i });
    const k = tf.tidy(() => tf.sum(tf.cast(tf.notEqual(labels, -100), 'float32'))).dataSync()[0];
    const out = mlmLoss(model, { inputIds, attentionMask: mask, labels, training: false });
    lossSum += out.loss.dataSync()[0] * k;
    accSum += out.accuracy.dataSync()[0] * k;
    count += k;
    tf.dispose([ids, mask, inputIds, labels, out.loss, out.accuracy]);
  }
  return { loss: lossSum / Math.max(1, count), accuracy: accSum / Math.max(1, count) };
}

/**
 * Entropy (nats) of the token frequencies of `ids` (padding and special tokens left
 * out): the MLM loss of a model that ignores the context and predicts the unigram
 * distribution, the baseline an MLM loss must go below to show that it learned more.
 */
export function unigramEntropy(ids: tf.Tensor2D, specialTokenIds: number[]): number {
  const special = new Set(specialTokenIds);
  const counts = new Map<number, number>();
  let total = 0;
  for (const id of ids.dataSync()) {
    if (special.has(id)) continue;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    total++;
  }
  let h = 0;
  for (const c of counts.values()) h -= (c / total) * Math.log(c / total);
  return h;
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

/**
 * Mean cosine similarity between the mean-pooled representations of different emails
 * (the first `n` of `data`, no dropout): 1 means every email looks the same to a
 * classifier on top, which is what a model stuck at the unigram plateau tends to give.
 */
export function pooledCosine(
  encoder: tfl.LayersModel,
  data: { ids: tf.Tensor2D; mask: tf.Tensor2D },
  n = 200,
): number {
  return tf.tidy(() => {
    const m = Math.min(n, data.ids.shape[0]);
    const ids = tf.slice(data.ids, [0, 0], [m, -1]);
    const mask = tf.slice(data.mask, [0, 0], [m, -1]);
    const h = encoder.predict([ids, mask]) as tf.Tensor3D; // [m, T, D]
    const w = tf.expandDims(mask, -1); // [m, T, 1]
    const pooled = tf.div(tf.sum(tf.mul(h, w), 1), tf.sum(w, 1)); // [m, D]
    const unit = tf.div(pooled, tf.norm(pooled, 'euclidean', -1, true)); // [m, D]
    const sim = tf.matMul(unit, unit, false, true); // [m, m]
    // The diagonal is 1 (unit rows): mean over the m·(m-1) other pairs.
    return (tf.sum(sim).dataSync()[0] - m) / (m * (m - 1));
  });
}
