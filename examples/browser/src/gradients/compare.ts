/**
 * How far one backend's gradients are from the reference (cpu) ones.
 *
 * Per gradient tensor: `maxAbsDiff / max(maxAbs(reference), 1e-6)`, the
 * largest element error relative to the tensor's own scale. Float32 kernels
 * that sum in another order (GPU reductions, tiled matmuls) differ by a few
 * ulps per operation, which deep backprop grows to ~1e-5..1e-4 relative;
 * a wrong or missing kernel gives O(1).
 */
export const GRADIENT_RTOL = 1e-3;

export interface GradientComparison {
  /** Worst relative error over the case's gradient tensors. */
  worstRelErr: number;
  /** Name of the tensor with the worst error. */
  worstTensor: string;
  /** Largest |gradient| on the reference backend (0 would make the check vacuous). */
  referenceMaxAbs: number;
  /** Gradient tensors compared. */
  tensors: number;
  /** Elements that are NaN or infinite on the checked backend. */
  nonFinite: number;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Compares named gradient arrays of the checked backend against the reference backend. */
export function compareGradients(
  reference: Map<string, Float32Array>,
  checked: Map<string, Float32Array>,
): GradientComparison {
  let worstRelErr = 0;
  let worstTensor = '';
  let referenceMaxAbs = 0;
  let nonFinite = 0;
  for (const [name, ref] of reference) {
    const got = checked.get(name);
    if (got === undefined || got.length !== ref.length) {
      return { worstRelErr: Infinity, worstTensor: name, referenceMaxAbs, tensors: 0, nonFinite };
    }
    const scale = Math.max(maxAbs(ref), 1e-6);
    referenceMaxAbs = Math.max(referenceMaxAbs, maxAbs(ref));
    let diff = 0;
    for (let i = 0; i < ref.length; i++) {
      if (!Number.isFinite(got[i])) nonFinite++;
      diff = Math.max(diff, Math.abs(got[i] - ref[i]));
    }
    const rel = Number.isFinite(diff) ? diff / scale : Infinity;
    if (!(rel <= worstRelErr)) {
      worstRelErr = Number.isNaN(rel) ? Infinity : rel;
      worstTensor = name;
    }
  }
  return { worstRelErr, worstTensor, referenceMaxAbs, tensors: reference.size, nonFinite };
}
