import type { Augmentation } from '@ssl/augment';

/** Options every image method shares. */
export interface ViewOptions {
  /**
   * Augmentation applied independently to make each of the two views.
   * Default: `simclrAugment({ preset: 'digits' })` for images up to 32x32x1,
   * else `simclrAugment({ preset: 'simclr' })`.
   */
  augment?: Augmentation;
}

/** Options of the projection head (`projectionHead` from @ssl/encoders, 2 layers, batch norm). */
export interface ProjectorOptions extends ViewOptions {
  /** Output size of the projection head (the loss's embedding). Default 128. */
  projectionDim?: number;
  /** Hidden width of the projection head. Default 512. */
  hiddenDim?: number;
  /**
   * Batch norm in the projection (and prediction) heads. Default true (the
   * papers' heads; with `pretrain({ workers })` synchronized across the
   * workers unless `syncBatchNorm: false`).
   */
  headBatchNorm?: boolean;
}
