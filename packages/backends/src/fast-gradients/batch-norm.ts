import * as tf from '@tensorflow/tfjs-core';

/**
 * The gradient of FusedBatchNorm (`tf.batchNorm`, which tfjs-layers'
 * BatchNormalization runs in training) without materialising a Tile:
 * tfjs-core's own gradient tiles rsqrt(variance) to the whole of x
 * ([N, H, W, C]) before multiplying, and builds (x - mean) * rsqrt and
 * dy * scale as more full-size tensors. Here every per-channel factor stays
 * [C] and broadcasts:
 *
 *   y = (x - mean) * r * scale + offset,   r = 1 / sqrt(variance + eps)
 *   dx       = dy * (r * scale)
 *   dmean    = -sum(dy) * r * scale
 *   dvar     = sum(dy * (x - mean)) * scale * (-r^3 / 2)
 *   dscale   = sum(dy * (x - mean)) * r
 *   doffset  = sum(dy)
 *
 * with the sums over the axes that mean broadcasts along; sum(dy) and
 * sum(dy * (x - mean)) are computed once and shared. Full-size work: one
 * Multiply for dx, one Sub and one Multiply for the sums (tfjs-core's: a
 * Tile, a Sub and seven full-size Multiplies).
 */
export const batchNormGradConfig: tf.GradConfig = {
  kernelName: tf.FusedBatchNorm,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
    const [x, mean, variance, scale] = saved;
    const g = dy as tf.Tensor;
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: tf.Tensor) => tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, mean.shape);
    const r = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon))); // like mean: [C]
    const rScale = scale == null ? r : tf.mul(r, scale); // dy/dx, [C]
    // Shared by the closures below, so computed here: tfjs runs each closure in a tidy of its own
    // (what one closure made would be gone for the next). Batch norm in training wants them all.
    const sumDy = reduce(g); // [C]
    const sumDyCentred = reduce(tf.mul(g, tf.sub(x, mean))); // [C]
    return {
      x: () => tf.mul(g, rScale),
      mean: () => tf.neg(tf.mul(sumDy, rScale)),
      variance: () =>
        tf.mul(
          sumDyCentred,
          tf.mul(tf.mul(tf.pow(r, tf.scalar(3)), tf.scalar(-0.5)), scale ?? tf.scalar(1)),
        ),
      scale: () => tf.mul(sumDyCentred, r),
      offset: () => tf.clone(sumDy), // a handle of its own: the engine may dispose what it gets
    };
  },
};
