import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, shuffleInPlace } from '@ssl/augment';
import { convEncoder } from '@ssl/encoders';

import { batchedAccuracy } from './accuracy';
import { classifierMetadata, createClassifier, type Classifier } from './classifier';
import { encoderInfo, pooledOutput, withSoftmax } from './classifier-model';
import { exampleCount, modelInput, type EmbedInputs } from './embed';
import { fixMatchLoss } from './fixmatch-loss';
import {
  fixMatchStrongView,
  fixMatchWeakView,
  identityView,
  type ViewAugment,
} from './fixmatch-views';
import {
  checkLabelledSet,
  checkNonNegative,
  checkPositive,
  checkPositiveInt,
  classCount,
  type LabelledSet,
} from './labelled-set';
import { cloneModel, emaUpdate } from '../methods/momentum-model';
import { setLearningRate } from '../optimizers/learning-rate';

/** Options of {@link fixMatch}. */
export interface FixMatchOptions {
  /**
   * Where the encoder starts. A model: a pretrained encoder, copied (yours is
   * never changed). A function `(seed) => model`: a fresh encoder built by it
   * (from scratch); fixMatch owns what it returns. Omitted: for images, a
   * fresh `convEncoder({ inputShape, batchNorm: true, seed })` (from scratch).
   */
  encoder?: tfl.LayersModel | ((seed: number) => tfl.LayersModel);
  /** The few labelled examples: images `[N, H, W, C]` (or features, or named inputs) and labels. */
  labelled: LabelledSet;
  /** Unlabelled examples of the same kind as `labelled.images`. */
  unlabelled: EmbedInputs;
  /** Scored every `evalEvery` steps and at the end (reported through `onProgress`). */
  test?: LabelledSet;
  /** Number of classes. Default: largest label (labelled or test) + 1. */
  numClasses?: number;
  /** Confidence τ a weak-view prediction needs to become a pseudo-label. Default 0.95. */
  threshold?: number;
  /** Unlabelled examples per labelled one in a step (μ). Default 7. */
  mu?: number;
  /** Weight λ of the unlabelled loss. Default 1 (0: training on the labels alone). */
  lambda?: number;
  /** Optimizer steps. */
  steps: number;
  /** Labelled examples per step B (drawn in reshuffled passes, repeating when there are fewer). Default 64. */
  batchSize?: number;
  /**
   * Peak learning rate of the default optimizer (SGD, Nesterov momentum 0.9),
   * decayed as `lr · cos(7πk / 16K)` over the K steps (the paper's schedule).
   * Default 0.03. With `optimizer` given: its rate, decayed the same way.
   */
  lr?: number;
  /** The optimizer; default SGD with Nesterov momentum 0.9 (created and disposed here). */
  optimizer?: tf.Optimizer;
  /** L2 penalty `weightDecay/2 · ‖W‖²` on the kernels (weights of rank ≥ 2). Default 5e-4 (the paper's). */
  weightDecay?: number;
  /** Weak view of labelled and unlabelled batches. Default for images {@link fixMatchWeakView}; else the identity. */
  weakAugment?: ViewAugment;
  /**
   * Strong view of the unlabelled batch. Default for images
   * {@link fixMatchStrongView}; other inputs must give one (text:
   * `tokenMaskingView(...)`; features: e.g. noise).
   */
  strongAugment?: ViewAugment;
  /**
   * Decay of an exponential moving average of the weights (batch-norm
   * statistics included), which is what is evaluated and returned, as in the
   * paper; the decay used at step k is `min(ema, (1 + k) / (10 + k))` so a
   * short run is not dominated by its start. 0: no average. Default 0.999.
   */
  ema?: number;
  /** Seed of the head, the batch order and the views (and of a default encoder). Default 0. */
  seed?: number;
  /** Steps between test evaluations when `test` is given. Default: only at the end. */
  evalEvery?: number;
  /** Called after every step. */
  onProgress?: (p: FixMatchProgress) => void | Promise<void>;
  /** Class names of the returned classifier. Default `['0', '1', ...]`. */
  classNames?: string[];
  /** Pixel range recorded in the classifier. Default `[0, 1]` for images. */
  pixelRange?: [number, number];
}

/** One step of {@link fixMatch}. */
export interface FixMatchProgress {
  /** 0-based step. */
  step: number;
  steps: number;
  loss: number;
  labelledLoss: number;
  unlabelledLoss: number;
  /** Fraction of the unlabelled batch above the threshold. */
  maskRate: number;
  lr: number;
  /** Seconds since training started. */
  seconds: number;
  /** Accuracy of the evaluated (EMA) model on `test`, at evaluation steps. */
  testAccuracy?: number;
}

/**
 * FixMatch (Sohn et al. 2020, "FixMatch: Simplifying Semi-Supervised Learning
 * with Consistency and Confidence"): each step draws B labelled and μB
 * unlabelled examples; the model's prediction on a weak view of each
 * unlabelled one, computed outside the gradient tape, becomes a hard
 * pseudo-label when its confidence reaches τ, and the model is trained to
 * predict it on a strong view: loss = CE(labelled) + λ · (1/μB) Σ mask ·
 * CE(strong, pseudo) ({@link fixMatchLoss}). Starts from a pretrained encoder
 * or from scratch, adds a linear head, trains with SGD + Nesterov and a
 * cosine decay, weight decay on kernels, and evaluates an EMA of the weights.
 * Seeded: same seed, same classifier. Returns the trained (EMA) model as a
 * {@link Classifier}, which the caller disposes.
 *
 * @example
 * const classifier = await fixMatch({ labelled: few, unlabelled: trainImages, steps: 2000, seed: 1 });
 * console.log(await classifier.evaluate(test));
 * classifier.dispose();
 */
export async function fixMatch(options: FixMatchOptions): Promise<Classifier> {
  const fn = 'fixMatch';
  if (options == null || typeof options !== 'object') {
    throw new Error(
      `${fn}: options must be an object { labelled, unlabelled, steps, ... }, got ${options}`,
    );
  }
  const {
    labelled,
    unlabelled,
    test,
    threshold = 0.95,
    mu = 7,
    lambda = 1,
    steps,
    batchSize = 64,
    lr = 0.03,
    weightDecay = 5e-4,
    ema = 0.999,
    seed = 0,
    evalEvery,
    onProgress,
  } = options;
  const labels = checkLabelledSet(fn, 'labelled', labelled);
  const testY = test ? checkLabelledSet(fn, 'test', test) : [];
  const nU = exampleCount(fn, 'unlabelled', unlabelled);
  const xl = labelled.images as EmbedInputs;
  const images = xl instanceof tf.Tensor && xl.rank === 4;
  const kind = (x: EmbedInputs) =>
    x instanceof tf.Tensor ? `[${x.shape}]` : `[${Object.keys(x)}]`;
  const sameKind =
    xl instanceof tf.Tensor
      ? unlabelled instanceof tf.Tensor &&
        tf.util.arraysEqual(unlabelled.shape.slice(1), xl.shape.slice(1))
      : !(unlabelled instanceof tf.Tensor) &&
        Object.keys(xl).every((k) => (unlabelled as Record<string, tf.Tensor>)[k] != null);
  if (!sameKind) {
    throw new Error(
      `${fn}: unlabelled must be of the kind of labelled.images ${kind(xl)} (per example), got ${kind(unlabelled)}`,
    );
  }
  checkPositiveInt(fn, 'steps', steps);
  checkPositiveInt(fn, 'batchSize', batchSize);
  checkPositiveInt(fn, 'mu', mu);
  checkPositive(fn, 'lr', lr);
  checkNonNegative(fn, 'lambda', lambda);
  checkNonNegative(fn, 'weightDecay', weightDecay);
  if (!(Number.isFinite(threshold) && threshold >= 0 && threshold <= 1)) {
    throw new Error(`${fn}: threshold must be a number in [0, 1], got ${threshold}`);
  }
  if (!(Number.isFinite(ema) && ema >= 0 && ema < 1)) {
    throw new Error(`${fn}: ema must be a number in [0, 1), got ${ema}`);
  }
  if (evalEvery != null) checkPositiveInt(fn, 'evalEvery', evalEvery);
  for (const name of ['weakAugment', 'strongAugment', 'onProgress'] as const) {
    const f = options[name];
    if (f != null && typeof f !== 'function') {
      throw new Error(`${fn}: ${name} must be a function, got ${typeof f}`);
    }
  }
  if (!images && options.strongAugment == null) {
    throw new Error(
      `${fn}: strongAugment is needed for inputs other than images ${kind(xl)} (text: tokenMaskingView(...); features: e.g. noise)`,
    );
  }
  const numClasses = classCount(fn, options.numClasses, labels, testY);
  const weak: ViewAugment =
    options.weakAugment ?? (images ? fixMatchWeakView() : (x: EmbedInputs) => identityView(x));
  const strong: ViewAugment = options.strongAugment ?? fixMatchStrongView();

  // the model: encoder -> pooled features -> linear head (logits)
  const enc = options.encoder;
  let backbone: tfl.LayersModel;
  if (typeof enc === 'function') backbone = enc(seed);
  else if (enc != null) backbone = await cloneModel(enc);
  else if (images) {
    const [, h, w, c] = (xl as tf.Tensor4D).shape;
    backbone = convEncoder({ inputShape: [h, w, c], batchNorm: true, seed });
  } else {
    throw new Error(`${fn}: encoder is needed for inputs other than images ${kind(xl)}`);
  }
  if (backbone == null || typeof (backbone as { apply?: unknown }).apply !== 'function') {
    throw new Error(
      `${fn}: encoder must be a tfjs LayersModel or a function returning one, got ${backbone}`,
    );
  }
  const features = pooledOutput(backbone);
  const head = tfl.layers.dense({
    units: numClasses,
    kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    name: 'fixmatch_head',
  });
  const model = tfl.model({
    inputs: backbone.inputs,
    outputs: head.apply(features) as tfl.SymbolicTensor,
  });
  const info = encoderInfo(backbone, features);
  const average = ema > 0 ? await cloneModel(model) : model;
  const optimizer = options.optimizer ?? tf.train.momentum(lr, 0.9, true);
  const baseLr = options.optimizer
    ? ((options.optimizer as unknown as { learningRate?: number }).learningRate ?? lr)
    : lr;
  const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const kernels = vars.filter((v) => v.rank >= 2);
  const yl = tf.tensor1d(labels, 'int32');
  let done = false;
  try {
    const rand = createRng(seed);
    const lOrder = labels.map((_, i) => i);
    const uOrder = Array.from({ length: nU }, (_, i) => i);
    let lPos = lOrder.length;
    let uPos = uOrder.length;
    // the next `count` indices of a reshuffled cycle through `order`
    const draw = (order: number[], pos: number, count: number): [number[], number] => {
      const out: number[] = [];
      while (out.length < count) {
        if (pos >= order.length) {
          shuffleInPlace(order, rand);
          pos = 0;
        }
        out.push(order[pos++]);
      }
      return [out, pos];
    };
    const t0 = Date.now();
    for (let step = 0; step < steps; step++) {
      const stepLr = baseLr * Math.cos((7 * Math.PI * step) / (16 * steps));
      setLearningRate(optimizer, stepLr);
      let li: number[];
      let ui: number[];
      [li, lPos] = draw(lOrder, lPos, batchSize);
      [ui, uPos] = draw(uOrder, uPos, mu * batchSize);
      const s = (seed * 1000003 + step * 4) >>> 0;
      const lIdx = tf.tensor1d(li, 'int32');
      const uIdx = tf.tensor1d(ui, 'int32');
      const views: EmbedInputs[] = [];
      try {
        const rawL = gatherRows(xl, lIdx);
        views.push(rawL);
        const xL = weak(rawL, s);
        views.push(xL);
        const xU = gatherRows(unlabelled, uIdx);
        const uWeak = weak(xU, s + 1);
        const uStrong = strong(xU, s + 2);
        views.push(xU, uWeak, uStrong);
        // weak-view logits outside the gradient tape: the pseudo-labels get no gradient
        const weakLogits = tf.tidy(
          () =>
            model.apply(
              modelInput(fn, model, uWeak, (t) => t),
              { training: true },
            ) as tf.Tensor2D,
        );
        const yb = tf.gather(yl, lIdx);
        views.push(weakLogits, yb);
        let kept: tf.Scalar[] = [];
        const cost = optimizer.minimize(
          () => {
            // one pass over [labelled; strong] (batch norm sees both)
            const both = concatRows(xL, uStrong);
            const logits = model.apply(
              modelInput(fn, model, both, (t) => t),
              {
                training: true,
              },
            ) as tf.Tensor2D;
            const ll = tf.slice(logits, [0, 0], [batchSize, -1]) as tf.Tensor2D;
            const sl = tf.slice(logits, [batchSize, 0], [-1, -1]) as tf.Tensor2D;
            const terms = fixMatchLoss(ll, yb as tf.Tensor1D, weakLogits, sl, {
              threshold,
              lambda,
            });
            kept = [terms.labelledLoss, terms.unlabelledLoss, terms.maskRate].map((t) =>
              tf.keep(t),
            );
            if (weightDecay === 0) return terms.loss;
            const l2 = tf.addN(kernels.map((k) => tf.sum(tf.square(k))));
            return tf.add(terms.loss, tf.mul(weightDecay / 2, l2)) as tf.Scalar;
          },
          true,
          vars,
        );
        const values = await Promise.all([cost!, ...kept].map((t) => t.data()));
        tf.dispose([cost!, ...kept]);
        const [loss, labelledLoss, unlabelledLoss, maskRate] = values.map((v) => v[0]);
        if (!Number.isFinite(loss)) {
          throw new Error(
            `${fn}: the loss became ${loss} at step ${step}; lower lr (got ${stepLr})`,
          );
        }
        if (ema > 0) emaUpdate(model, average, Math.min(ema, (1 + step) / (10 + step)));
        const record: FixMatchProgress = {
          step,
          steps,
          loss,
          labelledLoss,
          unlabelledLoss,
          maskRate,
          lr: stepLr,
          seconds: (Date.now() - t0) / 1000,
        };
        const last = step === steps - 1;
        if (test && (last || (evalEvery != null && (step + 1) % evalEvery === 0))) {
          record.testAccuracy = await accuracyOf(average, test, testY);
        }
        if (onProgress) await onProgress(record);
      } finally {
        tf.dispose([lIdx, uIdx]);
        for (const v of views) tf.dispose(v as tf.TensorContainer);
      }
    }
    const probs = withSoftmax(average);
    const meta = classifierMetadata(fn, probs, {
      kind: 'fixmatch',
      classNames: options.classNames,
      pixelRange: options.pixelRange,
      encoder: typeof enc === 'object' && enc != null ? encoderInfo(enc, features) : info,
    });
    done = true;
    return createClassifier(probs, meta);
  } finally {
    if (options.optimizer == null) {
      // tfjs's MomentumOptimizer.dispose() skips SGD's learning-rate scalar `c`: free it too
      const c = (optimizer as unknown as { c?: tf.Tensor }).c;
      optimizer.dispose();
      if (c && !c.isDisposed) c.dispose();
    }
    yl.dispose();
    if (average !== model) model.dispose();
    if (!done) average.dispose();
  }
}

/** Rows `idx` of a tensor or of every named tensor. */
function gatherRows(x: EmbedInputs, idx: tf.Tensor1D): EmbedInputs {
  if (x instanceof tf.Tensor) return tf.gather(x, idx);
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, tf.gather(v, idx)]));
}

/** `a` rows then `b` rows (named tensors: by name). */
function concatRows(a: EmbedInputs, b: EmbedInputs): EmbedInputs {
  if (a instanceof tf.Tensor) return tf.concat([a, b as tf.Tensor], 0);
  const rb = b as Record<string, tf.Tensor>;
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, tf.concat([v, rb[k]], 0)]));
}

/** Accuracy of a logits model (inference mode) on a labelled set. */
function accuracyOf(model: tfl.LayersModel, set: LabelledSet, ys: number[]): Promise<number> {
  const x = set.images as EmbedInputs;
  return batchedAccuracy(
    ys.length,
    ys,
    256,
    (start, size) =>
      model.apply(
        modelInput('fixMatch', model, x, (t) => tf.slice(t, start, size)),
        { training: false },
      ) as tf.Tensor,
  );
}
