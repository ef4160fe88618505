import * as tf from '@tensorflow/tfjs-core';

/** A tensor with the name an error message shows (`encoder/dense_Dense1/kernel`, `optimizer/...`). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** What {@link scanTensors} finds. */
export interface TensorScan {
  /** Name of the first tensor (in the given order) holding NaN or ±Infinity; null when all are finite. */
  firstNonFinite: string | null;
  /** Largest |value| over the finite float tensors that `sized` accepts (0 when there are none). */
  maxAbs: number;
  /** Name of the tensor holding `maxAbs`. */
  maxAbsName: string | null;
}

/**
 * Scans float tensors for non-finite values and their largest magnitude with
 * one fused reduction and a single read-back: per tensor `sum(x * 0)` (NaN
 * exactly when some element is NaN or ±Infinity, since `Infinity * 0` is NaN)
 * and `max(|x|)`, stacked into one `[2n]` vector. Integer and string tensors
 * (step counters, queue pointers) are skipped. Cost: two elementwise passes
 * over the weights, no `dataSync` per tensor.
 */
export async function scanTensors(
  named: readonly NamedTensor[],
  sized: (name: string) => boolean = () => true,
): Promise<TensorScan> {
  const floats = named.filter((n) => n.tensor.dtype === 'float32' && n.tensor.size > 0);
  if (floats.length === 0) return { firstNonFinite: null, maxAbs: 0, maxAbsName: null };
  const stats = tf.tidy(() =>
    tf.concat([
      tf.stack(floats.map((n) => tf.sum(tf.mul(n.tensor, 0)))),
      tf.stack(floats.map((n) => tf.max(tf.abs(n.tensor)))),
    ]),
  );
  const values = await stats.data();
  stats.dispose();
  const n = floats.length;
  let firstNonFinite: string | null = null;
  let maxAbs = 0;
  let maxAbsName: string | null = null;
  for (let i = 0; i < n; i++) {
    if (firstNonFinite === null && !Number.isFinite(values[i])) firstNonFinite = floats[i].name;
    const m = values[n + i];
    if (Number.isFinite(values[i]) && m > maxAbs && sized(floats[i].name)) {
      maxAbs = m;
      maxAbsName = floats[i].name;
    }
  }
  return { firstNonFinite, maxAbs, maxAbsName };
}
