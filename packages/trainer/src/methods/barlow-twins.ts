import { barlowTwinsLoss } from '@ssl/losses';

import type { Method } from './method';
import type { ProjectorOptions } from './options';
import { projectorMethod, type TwoProjections, type TwoViews } from './projector-method';
import { PROJECTOR_OPTIONS, type MethodEntry } from './method-entry';

/** Options of {@link barlowTwins}. */
export interface BarlowTwinsOptions extends ProjectorOptions {
  /** Weight of the off-diagonal (redundancy reduction) term. Default 5e-3. */
  lambda?: number;
}

/**
 * Barlow Twins (Zbontar et al. 2021, "Barlow Twins: Self-Supervised Learning
 * via Redundancy Reduction"): the cross-correlation matrix of the two views'
 * batch-standardized projections is pushed to the identity.
 *
 * Defaults: lambda 5e-3, projectionDim 128, hiddenDim 512, augment by image size.
 *
 * @example
 * ```ts
 * await pretrain({ method: barlowTwins({ lambda: 5e-3 }), encoder, data: images, epochs: 5, batchSize: 128 });
 * ```
 */
export function barlowTwins(opts: BarlowTwinsOptions = {}): Method<TwoViews, TwoProjections> {
  const { lambda = 5e-3 } = opts;
  if (!(Number.isFinite(lambda) && lambda >= 0)) {
    throw new Error(`barlowTwins: lambda must be a finite number >= 0, got ${lambda}`);
  }
  return projectorMethod('barlow', 'barlowTwins', opts, (z1, z2) =>
    barlowTwinsLoss(z1, z2, { lambda }),
  );
}

/** Barlow Twins in the method registry. */
export const barlowTwinsEntry: MethodEntry = {
  name: 'barlow',
  summary:
    'Barlow Twins (Zbontar et al. 2021): cross-correlation of the two views pushed to the identity',
  modality: 'images',
  options: [
    { name: 'lambda', type: 'number', default: 5e-3, doc: 'weight of the off-diagonal term' },
    ...PROJECTOR_OPTIONS,
  ],
  create: (o) => barlowTwins(o as BarlowTwinsOptions),
};
