import type * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import { createRng, permutation } from '@ssl/augment';

/** Options shared by the datasets that can shuffle their elements. */
export type ShuffleOptions = {
  /** Visit the elements in a seeded random order. Default `false` (fixed order). */
  shuffle?: boolean;
  /**
   * Seed of the shuffle. Default `0`. The order of epoch `e` is a pure
   * function of `(seed, e)` ({@link epochOrder}): the k-th pass over the
   * dataset (k-th iterator) gets epoch k's order, and `forEpoch(e)` gives
   * epoch e's order directly, however many passes came before — so a resumed
   * run sees exactly the orders of an uninterrupted one.
   */
  seed?: number;
};

/**
 * A dataset whose order depends on the epoch: iterating it gives epoch 0,
 * then 1, ... (one epoch per iterator), and `forEpoch(e)` is the dataset of
 * epoch `e` alone (the same elements in epoch e's order, every time it is
 * iterated). `forEpoch` is bound, so it can be passed on as an
 * `(epoch) => Dataset` factory.
 */
export type EpochDataset<T extends tf.TensorContainer> = tfd.Dataset<T> & {
  forEpoch(epoch: number): tfd.Dataset<T>;
};

/** A 32-bit mix of (seed, epoch), so that nearby seeds and epochs give unrelated orders. */
function mixSeed(seed: number, epoch: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * The visiting order of `n` elements in epoch `epoch` under `seed`: a
 * Fisher–Yates permutation drawn from the project's seeded generator
 * (`createRng` of @ssl/augment) seeded with a hash of (seed, epoch). Pure:
 * the same arguments give the same order.
 */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  return permutation(n, createRng(mixSeed(Math.trunc(seed), epoch)));
}

/** Checks an `epoch` argument: an integer >= 0. */
export function checkEpoch(fn: string, epoch: unknown): void {
  if (!Number.isInteger(epoch) || (epoch as number) < 0) {
    throw new Error(`${fn}: epoch must be an integer >= 0, got ${String(epoch)}`);
  }
}

/** The indices of one pass, as a dataset of numbers with a known size. */
class IndexDataset extends tfd.Dataset<number> {
  constructor(
    override readonly size: number,
    private readonly orderOf: (pass: number) => ArrayLike<number> | null,
  ) {
    super();
  }
  private passes = 0;
  async iterator() {
    const order = this.orderOf(this.passes++);
    const indices = order ? Array.from(order) : Array.from({ length: this.size }, (_, i) => i);
    return tfd.array(indices).iterator();
  }
}

/**
 * The indices `0..n-1` as a dataset of numbers, in order, or shuffled: pass k
 * (the k-th iterator) visits `epochOrder(n, seed, k)`; with `epoch`, every
 * pass visits epoch `epoch`'s order. Costs `n` numbers per pass, no tensors;
 * datasets `map` these indices to their elements lazily.
 */
export function indexDataset(
  n: number,
  { shuffle = false, seed = 0 }: ShuffleOptions,
  epoch?: number,
): tfd.Dataset<number> {
  const shuffled = shuffle && n > 1;
  return new IndexDataset(n, (pass) => (shuffled ? epochOrder(n, seed, epoch ?? pass) : null));
}

/**
 * Builds an {@link EpochDataset} from `make(indices)`, the pipeline that maps
 * a dataset of indices to elements: the plain dataset reshuffles per pass,
 * `forEpoch(e)` builds the same pipeline over epoch e's fixed order.
 */
export function epochDataset<T extends tf.TensorContainer>(
  fn: string,
  n: number,
  options: ShuffleOptions,
  make: (indices: tfd.Dataset<number>) => tfd.Dataset<T>,
): EpochDataset<T> {
  const ds = make(indexDataset(n, options));
  const forEpoch = (epoch: number) => {
    checkEpoch(`${fn}.forEpoch`, epoch);
    return make(indexDataset(n, options, epoch));
  };
  return Object.assign(ds, { forEpoch });
}

/** Checks a `seed` option: a finite number. */
export function checkSeed(fn: string, seed: unknown): void {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new Error(`${fn}: seed must be a finite number, got ${String(seed)}`);
  }
}
