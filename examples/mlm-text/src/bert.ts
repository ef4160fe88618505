import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { transformerEncoder } from '@ssl/encoders';
import {
  maskTokens,
  maskedPositions,
  type MaskTokensOptions,
  type MlmHead,
  mlmTokenLosses,
  perplexity,
  type WordPieceTokenizer,
} from '@ssl/mlm';
import { fineTune as trainerFineTune, mlm, pretrain, type ScheduleFactory } from '@ssl/trainer';
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
  /** Loss, masked accuracy and perplexity of the last 20 steps (mean, training mode), and the loss curve every 10 steps. */
  finalLoss: number;
  finalMaskedAccuracy: number;
  finalPerplexity: number;
  /** MLM loss and masked accuracy on held-out emails (fixed masks, no dropout), after pretraining. */
  heldOutLoss: number;
  heldOutMaskedAccuracy: number;
  lossCurve: { step: number; loss: number; maskedAccuracy: number; lr: number }[];
}

/** BERT's schedule as a `pretrain()` schedule over a fixed budget of `steps`: {@link lrAt} of step / steps. */
function bertSchedule(steps: number, peak: number, warmup: number): ScheduleFactory {
  return () => (step) => lrAt(step / steps, peak, warmup);
}

/**
 * MLM pretraining of `encoder` on `data` through `pretrain({ method: mlm(...) })` of
 * @ssl/trainer (BERT masking with `cfg.maskProb`, 80-10-10, tied head evaluated at the
 * masked positions only), Adam with warm-up and linear decay over a fixed budget of
 * `cfg.pretrainSteps` steps (the same command gives the same numbers on any machine);
 * then the MLM loss on `heldOut` (fixed masks, no dropout).
 */
export async function pretrainMlm(
  encoder: tfl.LayersModel,
  tok: WordPieceTokenizer,
  data: { ids: tf.Tensor2D; mask: tf.Tensor2D },
  heldOut: { ids: tf.Tensor2D; mask: tf.Tensor2D },
  cfg: StudyConfig,
  log: (line: string) => void,
): Promise<PretrainReport> {
  const method = mlm({ tokenizer: tok, maskProb: cfg.maskProb });
  const optimizer = tf.train.adam(cfg.pretrainLr, 0.9, 0.999, 1e-6);
  const stepsPerEpoch = Math.floor(data.ids.shape[0] / cfg.pretrainBatch);
  const epochs = Math.ceil(cfg.pretrainSteps / stepsPerEpoch);
  const tokensPerExample = tf.tidy(() => tf.mean(tf.sum(data.mask, 1)).dataSync()[0]);
  const curve: PretrainReport['lossCurve'] = [];
  const recent: { loss: number; acc: number }[] = [];
  const result = await pretrain({
    method,
    encoder,
    data: { inputIds: data.ids, attentionMask: data.mask },
    epochs,
    batchSize: cfg.pretrainBatch,
    optimizer,
    schedule: bertSchedule(cfg.pretrainSteps, cfg.pretrainLr, cfg.pretrainWarmup),
    seed: 0,
    callbacks: [
      {
        onStepEnd(l, control) {
          const acc = l.metrics.maskedAccuracy;
          recent.push({ loss: l.loss, acc });
          if (recent.length > 20) recent.shift();
          if (l.step % 10 === 0)
            curve.push({ step: l.step, loss: l.loss, maskedAccuracy: acc, lr: l.lr });
          if (l.step % 50 === 0) {
            log(
              `pretrain step ${l.step}/${cfg.pretrainSteps}  loss ${l.loss.toFixed(3)}  masked acc ${acc.toFixed(3)}  lr ${l.lr.toExponential(2)}  ${l.elapsedSec.toFixed(0)}s`,
            );
          }
          if (l.step + 1 >= cfg.pretrainSteps) control.stop('step budget reached');
        },
      },
    ],
  });
  optimizer.dispose();
  if (result.stopReason && result.stopReason !== 'step budget reached') {
    throw new Error(`pretraining stopped: ${result.stopReason}`);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const finalLoss = mean(recent.map((r) => r.loss));
  const held = heldOutMlm(encoder, method.head(), heldOut, {
    maskTokenId: tok.maskTokenId,
    vocabSize: tok.vocabSize,
    specialTokenIds: tok.specialTokenIds,
    maskProb: cfg.maskProb,
  });
  method.dispose(); // frees the head; the encoder stays
  return {
    steps: result.steps,
    seconds: result.seconds,
    tokensPerSecond: result.imagesPerSec * tokensPerExample,
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
  encoder: tfl.LayersModel,
  head: MlmHead,
  data: { ids: tf.Tensor2D; mask: tf.Tensor2D },
  masking: Omit<MaskTokensOptions, 'seed'>,
): { loss: number; accuracy: number } {
  let lossSum = 0;
  let accSum = 0;
  let count = 0;
  const n = data.ids.shape[0];
  for (let i = 0; i < n; i += 100) {
    const m = Math.min(100, n - i);
    const [loss, correct, k] = tf.tidy(() => {
      const ids = tf.slice(data.ids, [i, 0], [m, -1]) as tf.Tensor2D;
      const mask = tf.slice(data.mask, [i, 0], [m, -1]);
      const { inputIds, labels } = maskTokens(ids, { ...masking, seed: 99 + i });
      const hidden = encoder.apply([inputIds, mask], { training: false }) as tf.Tensor3D;
      const { nll, correct: hit } = mlmTokenLosses(head, hidden, maskedPositions(labels), false);
      return [tf.sum(nll).dataSync()[0], tf.sum(hit).dataSync()[0], nll.shape[0]];
    });
    lossSum += loss;
    accSum += correct;
    count += k;
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
 * Fine-tunes a copy of `encoder` (+ masked mean pooling + a dense layer) on `train` with
 * the trainer's `fineTune` for about `steps` Adam steps (whole epochs of `cfg.finetuneBatch`),
 * then scores the test set. The caller's encoder is not changed (the caller disposes it).
 */
export async function fineTune(
  encoder: tfl.LayersModel,
  tok: WordPieceTokenizer,
  train: Email[],
  test: { ids: tf.Tensor2D; mask: tf.Tensor2D; labels: number[] },
  cfg: StudyConfig,
  steps: number,
  seed: number,
): Promise<{ accuracy: number; f1: number }> {
  const data = encodeTexts(
    tok,
    train.map((e) => e.text),
    cfg.maxLength,
  );
  const batchSize = Math.min(cfg.finetuneBatch, train.length);
  const trainLabels = tf.tensor1d(
    train.map((e) => e.label),
    'int32',
  );
  const testLabels = tf.tensor1d(test.labels, 'int32');
  try {
    const result = await trainerFineTune({
      encoder,
      train: { images: { inputIds: data.ids, attentionMask: data.mask }, labels: trainLabels },
      test: { images: { inputIds: test.ids, attentionMask: test.mask }, labels: testLabels },
      epochs: Math.max(1, Math.round((steps * batchSize) / train.length)),
      batchSize,
      lr: cfg.finetuneLr,
      seed,
      numClasses: 2,
    });
    return classificationScores(result.predictions, test.labels);
  } finally {
    tf.dispose([data.ids, data.mask, trainLabels, testLabels]);
  }
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
