import { vicregLoss } from '@ssl/losses';

import type { Method } from './method';
import type { ProjectorOptions } from './options';
import { projectorMethod, type TwoProjections, type TwoViews } from './projector-method';
import { PROJECTOR_OPTIONS, type MethodEntry } from './method-entry';

/** Options of {@link vicreg}. */
export interface VicregOptions extends ProjectorOptions {
  /** Weights of the invariance, variance and covariance terms. Default `{ sim: 25, var: 25, cov: 1 }`. */
  weights?: { sim?: number; var?: number; cov?: number };
}

/**
 * VICReg (Bardes, Ponce & LeCun 2022, "VICReg: Variance-Invariance-Covariance
 * Regularization for Self-Supervised Learning"): mean squared distance between
 * the views' projections, plus a hinge on each dimension's standard deviation
 * and a penalty on off-diagonal covariances.
 *
 * Defaults: weights { sim: 25, var: 25, cov: 1 }, projectionDim 128, hiddenDim 512, augment by image size.
 *
 * @example
 * ```ts
 * await pretrain({ method: vicreg({ weights: { cov: 2 } }), encoder, data: images, epochs: 5, batchSize: 128 });
 * ```
 */
export function vicreg(opts: VicregOptions = {}): Method<TwoViews, TwoProjections> {
  const { sim = 25, var: variance = 25, cov = 1 } = opts.weights ?? {};
  for (const [k, v] of Object.entries({ sim, var: variance, cov })) {
    if (!(Number.isFinite(v) && v >= 0))
      throw new Error(`vicreg: weights.${k} must be a finite number >= 0, got ${v}`);
  }
  return projectorMethod('vicreg', 'vicreg', opts, (z1, z2) =>
    vicregLoss(z1, z2, { simWeight: sim, varWeight: variance, covWeight: cov }),
  );
}

/** VICReg in the method registry (the weights as three flat options). */
export const vicregEntry: MethodEntry = {
  name: 'vicreg',
  summary: 'VICReg (Bardes et al. 2022): invariance + variance hinge + covariance penalty',
  modality: 'images',
  options: [
    { name: 'simWeight', type: 'number', default: 25, doc: 'weight of the invariance term' },
    { name: 'varWeight', type: 'number', default: 25, doc: 'weight of the variance term' },
    { name: 'covWeight', type: 'number', default: 1, doc: 'weight of the covariance term' },
    ...PROJECTOR_OPTIONS,
  ],
  create: ({ simWeight, varWeight, covWeight, ...rest }) =>
    vicreg({
      ...rest,
      weights: {
        sim: simWeight as number | undefined,
        var: varWeight as number | undefined,
        cov: covWeight as number | undefined,
      },
    } as VicregOptions),
};
