import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cloneModel, embed, type BatchAugment } from '@ssl/trainer';

/** Settings of {@link fineTuneClassifier}. */
export interface ClassifierTraining {
  /** Adam steps of the linear head alone on the frozen features (the "LP" of LP-FT). */
  probeSteps: number;
  /** Adam learning rate of the head-only steps. */
  probeLr: number;
  /** End-to-end Adam steps on augmented labelled batches (the "FT"). */
  steps: number;
  batchSize: number;
  lr: number;
}

/**
 * A classifier (images → logits) made of a copy of `encoder` and a linear head,
 * trained on the labelled images: first the head alone on the frozen,
 * standardised features (full batch), then everything end to end on augmented
 * batches (LP-FT, Kumar et al. 2022). Unlike `fineTune` of `@ssl/trainer`, which
 * scores and frees its model, this returns the model: the teacher of the
 * distillation step. The caller disposes it.
 */
export async function fineTuneClassifier(
  encoder: tfl.LayersModel,
  images: tf.Tensor4D,
  labels: number[],
  numClasses: number,
  unlabelled: tf.Tensor4D,
  t: ClassifierTraining,
  augment: BatchAugment,
  seed: number,
): Promise<tfl.LayersModel> {
  const backbone = await cloneModel(encoder);
  // Standardisation with the statistics of the unlabelled images, as a layer
  // (so the model maps images to logits on its own): f ↦ (f − μ) / σ.
  const stats = tf.tidy(() => {
    const f = embed(backbone, unlabelled, { batchSize: 256 });
    const m = tf.moments(f, 0);
    return { mean: m.mean, std: tf.sqrt(tf.add(m.variance, 1e-6)) };
  });
  const d = stats.mean.shape[0];
  const scale = tfl.layers.dense({ units: d, useBias: true, trainable: true, name: 'standardize' });
  const head = tfl.layers.dense({
    units: numClasses,
    kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    name: 'classifier_head',
  });
  const feats = backbone.outputs[0];
  const z = scale.apply(feats) as tfl.SymbolicTensor;
  const model = tfl.model({
    inputs: backbone.inputs,
    outputs: head.apply(z) as tfl.SymbolicTensor,
  });
  // The standardisation as a diagonal affine map: W = diag(1/σ), b = −μ/σ.
  const [w0, b0] = tf.tidy(() => {
    const inv = tf.reciprocal(stats.std);
    return [tf.mul(tf.eye(d), tf.reshape(inv, [1, -1])), tf.neg(tf.mul(stats.mean, inv))];
  });
  scale.setWeights([w0, b0]);
  tf.dispose([w0, b0, stats.mean, stats.std]);

  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses), 'float32'));
  const ce = (logits: tf.Tensor, target: tf.Tensor) =>
    tf.neg(tf.mean(tf.sum(tf.mul(target, tf.sub(logits, tf.logSumExp(logits, 1, true))), 1)));
  try {
    // LP: the head alone on the frozen standardised features, full batch, L2 1e-2.
    const z0 = tf.tidy(() => scale.apply(embed(backbone, images, { batchSize: 256 })) as tf.Tensor);
    const headVars = head.trainableWeights.map((v) => v.read() as tf.Variable);
    const lpOpt = tf.train.adam(t.probeLr);
    for (let s = 0; s < t.probeSteps; s++) {
      lpOpt.minimize(
        () => {
          const logits = head.apply(z0) as tf.Tensor;
          const l2 = tf.mul(5e-3, tf.sum(tf.square(head.getWeights()[0])));
          return tf.add(ce(logits, y), l2) as tf.Scalar;
        },
        false,
        headVars,
      );
    }
    lpOpt.dispose();
    z0.dispose();
    // FT: everything but the standardisation, end to end, augmented.
    scale.trainable = false;
    const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
    const opt = tf.train.adam(t.lr);
    let state = (seed * 2654435761 + 1) >>> 0;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    };
    const n = labels.length;
    const b = Math.min(t.batchSize, n);
    for (let s = 0; s < t.steps; s++) {
      const pick = Array.from({ length: b }, () => Math.floor(next() * n));
      const idx = tf.tensor1d(pick, 'int32');
      const stepSeed = (seed * 1000003 + s) >>> 0;
      opt.minimize(
        () => {
          const x = augment(tf.gather(images, idx) as tf.Tensor4D, stepSeed);
          const logits = model.apply(x, { training: true }) as tf.Tensor;
          return ce(logits, tf.gather(y, idx)) as tf.Scalar;
        },
        false,
        vars,
      );
      idx.dispose();
    }
    opt.dispose();
    return model;
  } finally {
    y.dispose();
  }
}

/** Test accuracy in [0, 1] of a classifier `images → logits`, in inference mode, batched. */
export async function classifierAccuracy(
  model: tfl.LayersModel,
  images: tf.Tensor4D,
  labels: tf.Tensor1D,
): Promise<number> {
  const n = images.shape[0];
  let correct = 0;
  for (let start = 0; start < n; start += 256) {
    const size = Math.min(256, n - start);
    const c = tf.tidy(() => {
      const x = tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
      const pred = tf.argMax(model.apply(x, { training: false }) as tf.Tensor, 1);
      return tf.sum(
        tf.cast(tf.equal(pred, tf.cast(tf.slice(labels, start, size), 'int32')), 'float32'),
      );
    });
    correct += (await c.data())[0];
    c.dispose();
  }
  return correct / n;
}
