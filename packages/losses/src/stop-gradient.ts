import * as tf from '@tensorflow/tfjs-core';

let op: ((x: tf.Tensor) => tf.Tensor) | undefined;

/**
 * Identity in the forward pass whose gradient is zero: `tf.grad` treats the
 * result as a constant, as PyTorch's `detach()` or TensorFlow's
 * `tf.stop_gradient` do (tfjs has no such op; this is a `tf.customGrad`
 * returning zeros). Used for SimSiam's / BYOL's target branch
 * (Chen & He 2021, Grill et al. 2020).
 *
 * The path to `x` still exists in the gradient tape, so `tf.grads` with respect
 * to `x` returns zeros instead of throwing.
 *
 * @param x any tensor.
 * @returns a new tensor with the values of `x` (dispose it, or call inside a tidy).
 *
 * @example
 * ```ts
 * const target = stopGradient(z); // values of z, gradient 0
 * const g = tf.grad((x) => tf.sum(tf.mul(x, stopGradient(x))))(x); // = x, not 2x
 * ```
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  if (!(x instanceof tf.Tensor)) {
    const got = x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
    throw new Error(`stopGradient: x must be a tensor, got ${got}`);
  }
  if (x.isDisposed) throw new Error('stopGradient: x must be a live tensor, got a disposed tensor');
  // Created on first use, so importing the package touches no engine state.
  op ??= tf.customGrad((...args) => ({
    value: tf.clone(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return op(x) as T;
}
