import { ntXentLoss } from '@ssl/losses';

import type { Method } from './method';
import type { ProjectorOptions } from './options';
import { projectorMethod, type TwoProjections, type TwoViews } from './projector-method';
import { PROJECTOR_OPTIONS, type MethodEntry } from './method-entry';

/** Options of {@link simclr}. */
export interface SimclrOptions extends ProjectorOptions {
  /**
   * NT-Xent temperature. Default 0.2: better than SimCLR's CIFAR-10 value 0.5 for small
   * encoders on 28×28 images, on MNIST and on Fashion-MNIST (issue 20's recipe runs).
   */
  temperature?: number;
}

/**
 * SimCLR (Chen et al. 2020, "A Simple Framework for Contrastive Learning of
 * Visual Representations"): two augmented views, encoder + 2-layer projection
 * head, NT-Xent loss over the 2B projections (each view's positive is the
 * other view of its image, the 2B-2 other views are negatives).
 *
 * Defaults: temperature 0.2, projectionDim 128, hiddenDim 512, augment by image size.
 *
 * @example
 * ```ts
 * await pretrain({ method: simclr({ temperature: 0.2 }), encoder, data: images, epochs: 5, batchSize: 256 });
 * ```
 */
export function simclr(opts: SimclrOptions = {}): Method<TwoViews, TwoProjections> {
  const { temperature = 0.2 } = opts;
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new Error(`simclr: temperature must be a finite number > 0, got ${temperature}`);
  }
  return projectorMethod('simclr', 'simclr', opts, (z1, z2) => ntXentLoss(z1, z2, { temperature }));
}

/** SimCLR in the method registry. */
export const simclrEntry: MethodEntry = {
  name: 'simclr',
  summary: 'SimCLR (Chen et al. 2020): NT-Xent between two views, 2B-2 negatives per anchor',
  modality: 'images',
  options: [
    { name: 'temperature', type: 'number', default: 0.2, doc: 'NT-Xent temperature' },
    ...PROJECTOR_OPTIONS,
  ],
  create: (o) => simclr(o as SimclrOptions),
};
