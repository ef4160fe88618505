import * as tfd from '@tensorflow/tfjs-data';

/** Options shared by the datasets that can shuffle their elements. */
export type ShuffleOptions = {
  /** Visit the elements in a seeded random order. Default `false` (fixed order). */
  shuffle?: boolean;
  /**
   * Seed of the shuffle. Default `0`. The same seed gives the same order on
   * every run; each new pass over the dataset (epoch) gets a new order, and the
   * sequence of orders is itself fixed by the seed.
   */
  seed?: number;
};

/**
 * The indices `0..n-1` as a dataset of numbers, in order or shuffled with
 * tf.data's seeded shuffle over a buffer that holds every index (a uniform
 * shuffle that costs only `n` numbers, no tensors). Datasets `map` these
 * indices to their elements lazily.
 */
export function indexDataset(
  n: number,
  { shuffle = false, seed = 0 }: ShuffleOptions,
): tfd.Dataset<number> {
  const indices = Array.from({ length: n }, (_, i) => i);
  const ds = tfd.array(indices);
  return shuffle && n > 1 ? ds.shuffle(n, `ssl-data:${seed}`) : ds;
}

/** Checks a `seed` option: a finite number. */
export function checkSeed(fn: string, seed: unknown): void {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new Error(`${fn}: seed must be a finite number, got ${String(seed)}`);
  }
}
