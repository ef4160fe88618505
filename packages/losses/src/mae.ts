import * as tf from '@tensorflow/tfjs-core';
import { assertOptions, assertTensor } from './validate';

/** Options of {@link maeLoss}. */
export interface MaeLossOptions {
  /**
   * Normalise each target patch by its own mean and variance before the
   * squared error (MAE's `norm_pix_loss`; the paper's default for its best
   * representations). Default `false`.
   */
  normPixels?: boolean;
}

const FN = 'maeLoss';
/** Added to the patch variance before the square root, as the MAE authors' code. */
const NORM_EPS = 1e-6;

/**
 * The reconstruction loss of a masked autoencoder (He et al. 2022, "Masked
 * Autoencoders Are Scalable Vision Learners", §3): the mean squared error
 * between predicted and true pixels, per patch, averaged over the **masked**
 * patches only.
 *
 * ```
 * t[n,l,:] = normPixels ? (target - mean) / sqrt(var + 1e-6) : target   (mean, var over the patch's P values)
 * e[n,l]   = (1/P) Σ_j (pred[n,l,j] - t[n,l,j])²
 * loss     = Σ_{n,l} e[n,l] · mask[n,l] / Σ_{n,l} mask[n,l]
 * ```
 *
 * The variance is the unbiased one (divides by P - 1), as `torch.var` in the
 * authors' code, so `normPixels` needs P >= 2. A mask with no masked patch
 * gives exactly 0 (not NaN). The gradient flows into `pred` (and `target`,
 * which is usually a constant: the patchified images).
 *
 * @param pred predicted pixels, float32 `[N, L, P]` (P = p·p·C, see `patchify`).
 * @param target true pixels `[N, L, P]`, e.g. `patchify(images, p)`.
 * @param mask float32 `[N, L]`, 1 = masked (in the loss), 0 = visible.
 * @example
 * ```ts
 * const target = patchify(images, 4);                       // [N, 49, 16]
 * const loss = maeLoss(pred, target, mask, { normPixels: true });
 * ```
 */
export function maeLoss(
  pred: tf.Tensor3D,
  target: tf.Tensor3D,
  mask: tf.Tensor2D,
  opts: MaeLossOptions = {},
): tf.Scalar {
  assertTensor(FN, 'pred', pred, 3, '[N, L, P]');
  assertTensor(FN, 'target', target, 3, '[N, L, P]');
  assertTensor(FN, 'mask', mask, 2, '[N, L]');
  assertOptions(FN, opts);
  const [n, l, p] = pred.shape;
  if (!tf.util.arraysEqual(target.shape, pred.shape)) {
    throw new Error(
      `${FN}: target must have the shape of pred [${pred.shape}], got [${target.shape}]`,
    );
  }
  if (mask.shape[0] !== n || mask.shape[1] !== l) {
    throw new Error(`${FN}: mask must be [N, L] = [${n},${l}], got [${mask.shape}]`);
  }
  const normPixels = opts.normPixels ?? false;
  if (typeof normPixels !== 'boolean') {
    throw new Error(`${FN}: opts.normPixels must be a boolean, got ${String(normPixels)}`);
  }
  if (normPixels && p < 2) {
    throw new Error(
      `${FN}: normPixels needs patches of P >= 2 values (unbiased variance), got P = ${p}`,
    );
  }
  return tf.tidy(() => {
    let t: tf.Tensor = target; // [N, L, P]
    if (normPixels) {
      const mean = tf.mean(target, -1, true); // [N, L, 1]
      const centered = tf.sub(target, mean); // [N, L, P]
      const variance = tf.div(tf.sum(tf.square(centered), -1, true), p - 1); // [N, L, 1], unbiased
      t = tf.mul(centered, tf.rsqrt(tf.add(variance, NORM_EPS)));
    }
    const perPatch = tf.mean(tf.square(tf.sub(pred, t)), -1); // [N, L]
    const count = tf.maximum(tf.sum(mask), 1e-12); // Σ mask; an all-zero mask gives 0 / 1e-12 · 0 = 0
    return tf.div(tf.sum(tf.mul(perPatch, mask)), count) as tf.Scalar;
  });
}
