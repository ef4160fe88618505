import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * The reference encoder of the backends issue (same as the PyTorch peer,
 * python/simclr_step.py): 28x28x1 -> conv32 (valid) -> pool ->
 * conv64 (same) -> pool -> conv128 (stride 2) -> global average pool ->
 * dense128 relu -> batch norm -> dense64. Built with tfjs-layers directly.
 * `width` scales the 32/64/128 filters and the 128 units (rounded, >= 1;
 * default 1: the reference).
 */
export function buildSimclrModel(seed = 0, width = 1): tfl.LayersModel {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed + k });
  const w = (n: number) => Math.max(1, Math.round(n * width));
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: w(32),
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({
        filters: w(64),
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(2),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({
        filters: w(128),
        kernelSize: 3,
        strides: 2,
        activation: 'relu',
        kernelInitializer: init(3),
      }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: w(128), activation: 'relu', kernelInitializer: init(4) }),
      tfl.layers.batchNormalization(),
      tfl.layers.dense({ units: 64, kernelInitializer: init(5) }),
    ],
  });
}

/**
 * The loss of the reference step: two views (the batch and its mirror image),
 * cosine similarity logits / 0.1 over B x B, softmax cross-entropy against the
 * diagonal (`labels` = oneHot(range(B), B)). The browser gradient checks
 * (examples/browser/src/gradients) compare its gradients across backends.
 */
export function simclrLoss(model: tfl.LayersModel, x: tf.Tensor4D, labels: tf.Tensor): tf.Scalar {
  const unit = (z: tf.Tensor): tf.Tensor =>
    tf.div(z, tf.sqrt(tf.add(tf.sum(tf.square(z), 1, true), 1e-12))); // [B, 64], rows of norm 1
  const flipped = tf.reverse(x, 2); // [B, 28, 28, 1], mirrored left-right
  const z1 = unit(model.apply(flipped, { training: true }) as tf.Tensor);
  const z2 = unit(model.apply(x, { training: true }) as tf.Tensor);
  const logits = tf.div(tf.matMul(z1, z2, false, true), 0.1); // [B, B]
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

/**
 * One SimCLR-style step: {@link simclrLoss} minimised with Adam. Returns a
 * function that runs one step and resolves to the loss (read asynchronously:
 * WebGPU in Node has no synchronous read).
 */
export function makeSimclrStep(
  model: tfl.LayersModel,
  x: tf.Tensor4D,
  lr = 1e-3,
): {
  step: () => Promise<number>;
  dispose: () => void;
} {
  const batch = x.shape[0];
  const optimizer = tf.train.adam(lr);
  const labels = tf.oneHot(tf.range(0, batch, 1, 'int32'), batch); // [B, B]
  const step = async (): Promise<number> => {
    const loss = optimizer.minimize(() => simclrLoss(model, x, labels), true) as tf.Scalar;
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  };
  return {
    step,
    dispose: () => {
      optimizer.dispose();
      labels.dispose();
    },
  };
}
