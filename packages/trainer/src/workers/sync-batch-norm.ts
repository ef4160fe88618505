import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Collective } from './collective';

/** What the patched `call` reads of a tfjs-layers BatchNormalization layer. */
interface BatchNormLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: tfl.LayerVariable | null;
  beta: tfl.LayerVariable | null;
  movingMean: tfl.LayerVariable;
  movingVariance: tfl.LayerVariable;
}

type Call = (
  this: BatchNormLayer,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: Record<string, unknown>,
) => tf.Tensor;

/**
 * Replaces, in this thread, the training-mode `call` of tfjs-layers'
 * BatchNormalization with one that normalises with the statistics of the
 * whole global batch (all workers' shards: synchronized batch norm, as
 * PyTorch's SyncBatchNorm), so that a data-parallel step equals the
 * one-thread step. The moving averages are updated as tfjs-layers does
 * (`moving -= (moving - batch) * (1 - momentum)`, biased variance), from the
 * global statistics, hence alike on every worker. Inference is unchanged.
 * Returns a function that restores the original.
 */
export function synchronizeBatchNorm(collective: Collective): () => void {
  const proto = Object.getPrototypeOf(tfl.layers.batchNormalization({})) as { call: Call };
  const original = proto.call;
  // the mean and (biased) variance over `axes` of every worker's shard, stacked [2, C], with the
  // exact gradient: the statistics' upstream gradients are summed over the workers first
  const moments = (x: tf.Tensor, axes: number[], bshape: number[]): [tf.Tensor1D, tf.Tensor1D] => {
    const stacked = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
      const n = input.size / bshape.reduce((a, b) => a * b, 1);
      const local = tf.sum(input, axes).dataSync() as Float32Array; // [C]
      const first = collective.allReduce(Float32Array.from([...local, n]));
      const total = first[first.length - 1];
      const mean = tf.tensor1d(first.subarray(0, local.length).map((s) => s / total));
      const centered = tf.tidy(() =>
        tf.sum(tf.square(tf.sub(input, tf.reshape(mean, bshape))), axes),
      );
      const second = collective.allReduce(centered.dataSync() as Float32Array);
      centered.dispose();
      const variance = tf.tensor1d(second.map((s) => s / total));
      const value = tf.stack([mean, variance]); // [2, C]
      save([input, mean, tf.scalar(total)]);
      variance.dispose();
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, mu, count] = saved;
          const local2 = dy.dataSync() as Float32Array; // [2C]: d mean, d variance of this shard
          const summed = collective.allReduce(local2);
          const cl = mu.size;
          const nTotal = count.dataSync()[0];
          return tf.tidy(() => {
            const dMean = tf.reshape(tf.tensor1d(summed.subarray(0, cl)), bshape);
            const dVar = tf.reshape(tf.tensor1d(summed.subarray(cl)), bshape);
            // d/dx_i of mean = 1/N, of variance = 2 (x_i - mean) / N (its path through the mean is 0)
            const centeredX = tf.sub(xs, tf.reshape(mu, bshape));
            return tf.div(tf.add(dMean, tf.mul(tf.mul(dVar, 2), centeredX)), nTotal);
          });
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0])(x);
    const [m, v] = tf.unstack(stacked) as [tf.Tensor1D, tf.Tensor1D];
    return [m, v];
  };
  proto.call = function (this: BatchNormLayer, inputs, kwargs) {
    if (!kwargs?.training) return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      const ndim = input.rank;
      const axis = this.axis >= 0 ? this.axis : this.axis + ndim;
      const axes = Array.from({ length: ndim }, (_, i) => i).filter((i) => i !== axis);
      const bshape = input.shape.map((d, i) => (i === axis ? d : 1));
      const [mean, variance] = moments(input, axes, bshape);
      // as tfjs-layers: [C] vectors when the channels are the last axis, broadcast shapes otherwise
      const shape = axis === ndim - 1 ? [bshape[axis]] : bshape;
      const normed = tf.batchNorm(
        input,
        tf.reshape(mean, shape),
        tf.reshape(variance, shape),
        this.beta ? tf.reshape(this.beta.read(), shape) : undefined,
        this.gamma ? tf.reshape(this.gamma.read(), shape) : undefined,
        this.epsilon,
      );
      const decay = 1 - this.momentum;
      for (const [moving, value] of [
        [this.movingMean, mean],
        [this.movingVariance, variance],
      ] as const) {
        tf.tidy(() => {
          const old = moving.read();
          moving.write(tf.sub(old, tf.mul(tf.sub(old, value), decay)));
        });
      }
      return normed;
    });
  };
  return () => {
    proto.call = original;
  };
}
