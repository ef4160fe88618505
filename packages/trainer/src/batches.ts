import * as tf from '@tensorflow/tfjs-core';
import type * as tfd from '@tensorflow/tfjs-data';
import type { Rng } from '@ssl/augment';

/**
 * Training data for `pretrain()`:
 * - a tensor whose first axis indexes examples (`[N, H, W, C]` images in
 *   [0,1], `[N, L]` token ids); the loop draws a seeded permutation each epoch;
 * - a `tf.data.Dataset` of single (unbatched) examples: tensors, or objects
 *   whose `dataKey` field (default `'image'`) is the tensor. Batches follow the
 *   dataset's own order (shuffle it with a seed, e.g. `mnist({ shuffle: true, seed })`).
 */
export type PretrainData = tf.Tensor | tfd.Dataset<tf.TensorContainer>;

/** Draws the batches of one run. */
export interface BatchSource {
  /** Shape of one example (no batch axis). */
  readonly exampleShape: number[];
  readonly stepsPerEpoch: number;
  /** Yields the epoch's batches from step `skip` on; each batch is owned by the caller. */
  epoch(epoch: number, rng: Rng, skip?: number): AsyncGenerator<tf.Tensor>;
}

/** Options shared by both sources. */
export interface BatchSourceOptions {
  batchSize: number;
  limit?: number;
  stepsPerEpoch?: number;
  dataKey: string;
}

function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

/** A seeded Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

function tensorSource(data: tf.Tensor, opts: BatchSourceOptions): BatchSource {
  if (data.rank < 2) {
    throw new Error(
      `pretrain: data must have an example axis and a feature axis, got shape [${data.shape}]`,
    );
  }
  const n = Math.min(data.shape[0], opts.limit ?? Infinity);
  const full = Math.floor(n / opts.batchSize);
  if (full < 1) {
    throw new Error(
      `pretrain: batchSize ${opts.batchSize} is larger than the ${n} examples in data`,
    );
  }
  const stepsPerEpoch = Math.min(full, opts.stepsPerEpoch ?? Infinity);
  return {
    exampleShape: data.shape.slice(1),
    stepsPerEpoch,
    async *epoch(_epoch, rng, skip = 0) {
      // the permutation is drawn even when steps are skipped, so the rng advances identically
      const order = permutation(n, rng);
      for (let s = skip; s < stepsPerEpoch; s++) {
        const idx = order.subarray(s * opts.batchSize, (s + 1) * opts.batchSize);
        yield tf.tidy(() => tf.gather(data, tf.tensor1d(idx, 'int32')));
      }
    },
  };
}

function pick(element: tf.TensorContainer, key: string): tf.Tensor {
  if (isTensor(element)) return element;
  const v =
    element && typeof element === 'object' ? (element as Record<string, unknown>)[key] : undefined;
  if (!isTensor(v)) {
    throw new Error(
      `pretrain: dataset elements must be tensors or objects with a '${key}' tensor field`,
    );
  }
  return v;
}

async function datasetSource(
  dataset: tfd.Dataset<tf.TensorContainer>,
  opts: BatchSourceOptions,
): Promise<BatchSource> {
  const ds = opts.limit != null ? dataset.take(opts.limit) : dataset;
  // One example gives the shape; the size comes from the dataset, or from one counting pass.
  const it = await ds.iterator();
  const first = await it.next();
  if (first.done) throw new Error('pretrain: data is an empty dataset');
  const exampleShape = pick(first.value, opts.dataKey).shape.slice();
  tf.dispose(first.value);
  let size = Number.isFinite(ds.size) && ds.size > 0 ? ds.size : NaN;
  if (opts.stepsPerEpoch == null && Number.isNaN(size)) {
    size = 0;
    await ds.forEachAsync((e) => {
      size++;
      tf.dispose(e);
    });
  }
  const full = Number.isNaN(size) ? Infinity : Math.floor(size / opts.batchSize);
  const stepsPerEpoch = Math.min(full, opts.stepsPerEpoch ?? Infinity);
  if (!(stepsPerEpoch >= 1)) {
    throw new Error(
      `pretrain: batchSize ${opts.batchSize} is larger than the ${size} examples in data`,
    );
  }
  // @ssl/data's shuffling datasets give each epoch's order directly (a pure function of seed and epoch)
  const forEpoch = epochFactory(dataset, opts.limit);
  let iterators = 0;
  // otherwise: a seeded tf.data shuffle reshuffles per iterator: create the ones a resumed run skipped
  const skipPasses = async (epoch: number) => {
    while (iterators < epoch) {
      await ds.iterator();
      iterators++;
    }
    iterators++;
    return ds.iterator();
  };
  return {
    exampleShape,
    stepsPerEpoch,
    async *epoch(epoch, _rng, skip = 0) {
      const iter = await (forEpoch ? forEpoch(epoch) : skipPasses(epoch));

      for (let s = 0; s < stepsPerEpoch; s++) {
        const items: tf.Tensor[] = [];
        for (let b = 0; b < opts.batchSize; b++) {
          const r = await iter.next();
          if (r.done) break;
          items.push(pick(r.value, opts.dataKey));
          // free the element's other fields (e.g. labels)
          if (!isTensor(r.value))
            tf.dispose(Object.values(r.value as object).filter((v) => v !== items[b]));
        }
        if (items.length < opts.batchSize) {
          tf.dispose(items);
          return;
        }
        if (s < skip) {
          tf.dispose(items);
          continue;
        }
        const batch = tf.stack(items);
        tf.dispose(items);
        yield batch;
      }
    },
  };
}

/** `data.forEpoch` (see `@ssl/data`'s `EpochDataset`) as an iterator factory, limited; else undefined. */
function epochFactory(
  data: tfd.Dataset<tf.TensorContainer>,
  limit: number | undefined,
): ((epoch: number) => ReturnType<tfd.Dataset<tf.TensorContainer>['iterator']>) | undefined {
  const f = (data as { forEpoch?: (e: number) => tfd.Dataset<tf.TensorContainer> }).forEpoch;
  if (typeof f !== 'function') return undefined;
  return (epoch) => (limit != null ? f(epoch).take(limit) : f(epoch)).iterator();
}

/** Creates the batch source for `data`. */
export async function batchSource(
  data: PretrainData,
  opts: BatchSourceOptions,
): Promise<BatchSource> {
  if (isTensor(data)) return tensorSource(data, opts);
  if (data && typeof (data as tfd.Dataset<tf.TensorContainer>).iterator === 'function') {
    return datasetSource(data as tfd.Dataset<tf.TensorContainer>, opts);
  }
  throw new Error('pretrain: data must be a tensor [N, ...] or a tf.data.Dataset of examples');
}
