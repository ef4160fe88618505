import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { batchedAccuracy } from './accuracy';
import { embed, exampleCount, modelInput, type EmbedInputs } from './embed';
import { fitSoftmaxRegression, type SoftmaxRegressionSettings } from './softmax-regression';
import { softmaxCrossEntropy } from './cross-entropy';
import { cloneModel } from '../methods/momentum-model';
import { classifierMetadata, createClassifier, type Classifier } from './classifier';
import { encoderInfo, pooledOutput, withSoftmax } from './classifier-model';
import {
  checkLabelledSet,
  checkNonNegative,
  checkPositive,
  checkPositiveInt,
  classCount,
  type LabelledSet,
} from './labelled-set';
import { createRng, shuffleInPlace } from '@ssl/augment';
import { dropoutRowSeeds, withDropoutSeeds } from '@ssl/encoders';

/** A seeded batch augmentation: images `[B, H, W, C]` in, same shape out. */
export type BatchAugment = (images: tf.Tensor4D, seed: number) => tf.Tensor4D;

/** Options of {@link fineTune}. */
export interface FineTuneOptions {
  /**
   * Encoder mapping images to features. It is copied first (its config and
   * weights): the caller's model is never changed. A freshly initialised encoder
   * gives the "same architecture trained from scratch" baseline.
   */
  encoder: tfl.LayersModel;
  /**
   * Labelled examples trained on: images `[N, H, W, C]`, or named inputs of any
   * modality (`{ inputIds, attentionMask }` for a text encoder, whose `[N, T, D]`
   * output is mean-pooled over the attention mask before the head).
   */
  train: LabelledSet;
  /** Examples scored (the same kind as `train`). */
  test: LabelledSet;
  /** Passes over `train`. Default 50. */
  epochs?: number;
  /** Adam learning rate, shared by encoder and head. Default 1e-3. */
  lr?: number;
  /** Examples per step. Default 64. */
  batchSize?: number;
  /** Applied to every training batch with a per-step seed; default none. */
  augment?: BatchAugment;
  /** Seed of the head's initial weights, the batch order and the augmentation seeds. Default 0. */
  seed?: number;
  /**
   * Run the encoder in inference mode during training (batch norm keeps its
   * moving statistics and they are not updated; dropout off). Default false.
   */
  freezeBatchNorm?: boolean;
  /**
   * After training, set every batch-norm layer's moving statistics to the exact
   * statistics of (up to 512, drawn by `seed`) un-augmented train images ("precise BN", Wu &
   * Johnson 2021), so inference matches what training saw even after few steps.
   * Ignored with `freezeBatchNorm`. Default true.
   */
  preciseBatchNorm?: boolean;
  /** L2 penalty `l2/2 · ‖W‖²` on the head's weights. Default 0. */
  l2?: number;
  /**
   * How the linear head starts. `'random'`: Glorot-uniform weights (seeded).
   * `'probe'`: first fit a linear probe on the frozen, standardised features of
   * the train images and start from it, folded into the head (LP-FT, Kumar et
   * al. 2022, "Fine-Tuning can Distort Pretrained Features and Underperform
   * Out-of-Distribution"): fine-tuning then starts at the probe's accuracy
   * instead of wrecking the features while a random head learns. Default 'random'.
   */
  headInit?: 'random' | 'probe';
  /** With `headInit: 'probe'`: examples whose features give the standardisation statistics (default: the train examples). */
  unlabelled?: EmbedInputs;
  /** With `headInit: 'probe'`: the probe's settings. Default `{ epochs: 100, lr: 0.01, l2: 1e-2, batchSize: 256 }`. */
  probe?: { epochs?: number; lr?: number; l2?: number; batchSize?: number };
  /** Number of classes. Default: largest label in train or test + 1. */
  numClasses?: number;
  /** Class names of the returned classifier, by index. Default `['0', '1', ...]`. */
  classNames?: string[];
  /** Pixel range recorded in the classifier. Default `[0, 1]` for images, none otherwise. */
  pixelRange?: [number, number];
}

/** Result of {@link fineTune}. */
export interface FineTuneResult {
  /** Test accuracy in [0, 1]. */
  accuracy: number;
  /** Accuracy on the (un-augmented) train images. */
  trainAccuracy: number;
  /** The predicted class of each test example (for other scores, e.g. F1). */
  predictions: number[];
  /**
   * The fine-tuned encoder and head (+ softmax) as a {@link Classifier}; its
   * `evaluate(test)` gives `accuracy`. The caller disposes it.
   */
  classifier: Classifier;
}

/**
 * Fine-tuning protocol: a copy of the encoder plus a new linear head, trained
 * end to end with softmax cross-entropy and Adam on the few labelled images
 * (optionally augmented), then scored on `test` in inference mode (SimCLR,
 * Chen et al. 2020 §B.5; SimCLRv2, Chen et al. 2020b). The trained copy and
 * head come back as `classifier` (the caller disposes it); the optimizer is
 * disposed before it returns.
 *
 * @example
 * const { accuracy, classifier } = await fineTune({ encoder, train, test, epochs: 30, augment: (x, s) => aug(x, s) });
 * await classifier.save('runs/fine-tuned');
 * classifier.dispose();
 */
export async function fineTune(options: FineTuneOptions): Promise<FineTuneResult> {
  const fn = 'fineTune';
  if (options == null || typeof options !== 'object') {
    throw new Error(
      `${fn}: options must be an object { encoder, train, test, ... }, got ${options}`,
    );
  }
  const {
    encoder,
    train,
    test,
    epochs = 50,
    lr = 1e-3,
    batchSize = 64,
    augment,
    seed = 0,
    freezeBatchNorm = false,
    preciseBatchNorm = true,
    l2 = 0,
    headInit = 'random',
    unlabelled,
    probe = {},
  } = options;
  if (encoder == null || typeof (encoder as { apply?: unknown }).apply !== 'function') {
    throw new Error(`${fn}: encoder must be a tfjs LayersModel, got ${encoder}`);
  }
  const trainY = checkLabelledSet(fn, 'train', train);
  const testY = checkLabelledSet(fn, 'test', test);
  const isTensor = (x: unknown): x is tf.Tensor => x instanceof tf.Tensor;
  if (
    (isTensor(train.images) && train.images.rank !== 4) ||
    (isTensor(test.images) && test.images.rank !== 4)
  ) {
    const shape = (x: EmbedInputs) => (isTensor(x) ? `[${x.shape}]` : 'named inputs');
    throw new Error(
      `${fn}: train.images and test.images must be 4-D [N, H, W, C], got ${shape(train.images)} and ${shape(test.images)} (or give named inputs of any modality)`,
    );
  }
  const images = isTensor(train.images);
  checkPositiveInt(fn, 'epochs', epochs);
  checkPositiveInt(fn, 'batchSize', batchSize);
  checkPositive(fn, 'lr', lr);
  checkNonNegative(fn, 'l2', l2);
  if (augment != null && typeof augment !== 'function') {
    throw new Error(
      `${fn}: augment must be a function (images, seed) => images, got ${typeof augment}`,
    );
  }
  if (headInit !== 'random' && headInit !== 'probe') {
    throw new Error(`${fn}: headInit must be 'random' or 'probe', got ${JSON.stringify(headInit)}`);
  }
  if (augment != null && !images) {
    throw new Error(`${fn}: augment needs images [N, H, W, C] as train.images`);
  }
  if (
    unlabelled != null &&
    images &&
    (!(unlabelled instanceof tf.Tensor) || unlabelled.rank !== 4)
  ) {
    throw new Error(
      `${fn}: unlabelled must be a 4-D tensor [N, H, W, C], got ${unlabelled instanceof tf.Tensor ? `shape [${unlabelled.shape}]` : unlabelled}`,
    );
  }
  if (unlabelled != null && !images) exampleCount(fn, 'unlabelled', unlabelled);
  const numClasses = classCount(fn, options.numClasses, trainY, testY);
  const xTrain = train.images as EmbedInputs;
  const xTest = test.images as EmbedInputs;

  const backbone = await cloneModel(encoder);
  const head = tfl.layers.dense({
    units: numClasses,
    kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    name: 'fine_tune_head',
  });
  // [N, T, D] with an attention mask -> masked mean over T; other [N, ...] -> flattened [N, D]
  const flat = pooledOutput(backbone);
  const model = tfl.model({
    inputs: backbone.inputs,
    outputs: head.apply(flat) as tfl.SymbolicTensor,
  });
  if (headInit === 'probe') {
    initHeadFromProbe(backbone, head, xTrain, trainY, numClasses, unlabelled, {
      epochs: probe.epochs ?? 100,
      lr: probe.lr ?? 0.01,
      l2: probe.l2 ?? 1e-2,
      batchSize: probe.batchSize ?? 256,
      seed,
    });
  }
  const optimizer = tf.train.adam(lr);
  const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const yTrain = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor1d(trainY, 'int32'), numClasses), 'float32'),
  );

  let done = false; // the model went to the classifier
  try {
    const rand = createRng(seed);
    const order = trainY.map((_, i) => i);
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, rand);
      for (let start = 0; start < order.length; start += batchSize) {
        const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
        const stepSeed = (seed * 1000003 + step++) >>> 0;
        const cost = optimizer.minimize(
          () => {
            let x = modelInput(fn, model, xTrain, (t) => tf.gather(t, idx)); // [b, ...] each
            if (augment) x = augment(x as tf.Tensor4D, stepSeed);
            // dropout (a Transformer's) seeded from the run seed and the step
            const logits = withDropoutSeeds(
              dropoutRowSeeds(stepSeed, 1, idx.shape[0]),
              () => model.apply(x, { training: !freezeBatchNorm }) as tf.Tensor2D,
            );
            const ce = softmaxCrossEntropy(tf.gather(yTrain, idx), logits);
            if (l2 === 0) return ce as tf.Scalar;
            const kernel = head.getWeights()[0];
            return tf.add(ce, tf.mul(l2 / 2, tf.sum(tf.square(kernel)))) as tf.Scalar;
          },
          true,
          vars,
        );
        idx.dispose();
        if (cost) {
          const c = (await cost.data())[0];
          cost.dispose();
          if (!Number.isFinite(c)) {
            throw new Error(`${fn}: the loss became ${c} at step ${step}; lower lr (got ${lr})`);
          }
        }
      }
    }
    if (!freezeBatchNorm && preciseBatchNorm)
      setPreciseBatchNorm(model, xTrain, order.slice(0, 512));
    const score = (x: EmbedInputs, ys: number[], predictions?: number[]) =>
      batchedAccuracy(
        ys.length,
        ys,
        256,
        (start, size) =>
          model.apply(
            modelInput(fn, model, x, (t) => tf.slice(t, start, size)),
            { training: false },
          ) as tf.Tensor,
        predictions,
      );
    const predictions: number[] = [];
    const accuracy = await score(xTest, testY, predictions);
    const trainAccuracy = await score(xTrain, trainY);
    const probs = withSoftmax(model);
    const meta = classifierMetadata(fn, probs, {
      kind: 'fine-tune',
      classNames: options.classNames,
      pixelRange: options.pixelRange,
      encoder: encoderInfo(encoder, flat),
    });
    done = true;
    return { accuracy, trainAccuracy, predictions, classifier: createClassifier(probs, meta) };
  } finally {
    optimizer.dispose();
    yTrain.dispose();
    if (!done) model.dispose();
  }
}

/**
 * Fits softmax regression on the standardised frozen features and writes it
 * into `head` with the standardisation folded in:
 * `((f − μ) / σ) W + b = f (W / σ) + (b − (μ / σ) W)`.
 */
function initHeadFromProbe(
  backbone: tfl.LayersModel,
  head: tfl.layers.Layer,
  images: EmbedInputs,
  labels: number[],
  numClasses: number,
  unlabelled: EmbedInputs | undefined,
  settings: SoftmaxRegressionSettings,
): void {
  const feats = embed(backbone, images); // [N, D]
  const statsFrom = unlabelled ? embed(backbone, unlabelled) : feats;
  const { mean, std } = tf.tidy(() => {
    const m = tf.moments(statsFrom, 0); // [D], [D]
    return { mean: m.mean, std: tf.sqrt(tf.add(m.variance, 1e-6)) };
  });
  const x = tf.tidy(() => tf.div(tf.sub(feats, mean), std) as tf.Tensor2D);
  const { w, b } = fitSoftmaxRegression(x, labels, numClasses, settings);
  const [kernel, bias] = tf.tidy(() => {
    const inv = tf.reshape(tf.reciprocal(std), [-1, 1]); // [D, 1]
    const k = tf.mul(w, inv); // [D, C]
    const shift = tf.matMul(tf.reshape(tf.mul(mean, tf.reciprocal(std)), [1, -1]), w); // [1, C]
    return [k, tf.sub(b, tf.reshape(shift, [-1]))];
  });
  head.setWeights([kernel, bias]);
  tf.dispose([feats, statsFrom, mean, std, x, w, b, kernel, bias]);
}

/**
 * One forward pass in training mode over the `sample` images with every batch-norm
 * layer's momentum at 0, so the moving statistics become those of the batch.
 */
function setPreciseBatchNorm(model: tfl.LayersModel, images: EmbedInputs, sample: number[]): void {
  const bns = batchNormLayers(model);
  if (bns.length === 0) return;
  const saved = bns.map((l) => l.momentum);
  bns.forEach((l) => (l.momentum = 0));
  try {
    tf.tidy(() => {
      const idx = tf.tensor1d(sample, 'int32');
      model.apply(
        modelInput('fineTune', model, images, (t) => tf.gather(t, idx)),
        { training: true },
      );
    });
  } finally {
    bns.forEach((l, i) => (l.momentum = saved[i]));
  }
}

function batchNormLayers(container: { layers: tfl.layers.Layer[] }): { momentum: number }[] {
  const out: { momentum: number }[] = [];
  for (const layer of container.layers) {
    if (layer.getClassName() === 'BatchNormalization')
      out.push(layer as unknown as { momentum: number });
    const inner = (layer as unknown as { layers?: tfl.layers.Layer[] }).layers;
    if (Array.isArray(inner)) out.push(...batchNormLayers({ layers: inner }));
  }
  return out;
}
