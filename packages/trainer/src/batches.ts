import * as tf from '@tensorflow/tfjs-core';
import type * as tfd from '@tensorflow/tfjs-data';
import { permutation, type Rng } from '@ssl/augment';
import type { Batch } from './methods/method';

/** A `tf.data.Dataset` of single (unbatched) examples: tensors, or objects of named tensors. */
export type ExampleDataset = tfd.Dataset<tf.TensorContainer>;

/**
 * Training data for `pretrain()`:
 * - a tensor whose first axis indexes examples (`[N, H, W, C]` images in
 *   [0,1], `[N, T]` token ids): each batch is `{ [method.inputKey]: rows }`;
 * - an object of such tensors with the same first axis
 *   (`{ inputIds, attentionMask }`): each batch holds the same rows of each;
 *   for both, the loop draws a seeded permutation each epoch;
 * - a `tf.data.Dataset` of single examples: tensors, or objects of named
 *   tensors (`{ image, label }`), stacked field by field. Batches follow the
 *   dataset's own order;
 * - a per-epoch factory `(epoch) => Dataset`, so that the order is a pure
 *   function of (seed, epoch) and a resumed run opens only the epochs it runs.
 */
export type PretrainData =
  tf.Tensor | Record<string, tf.Tensor> | ExampleDataset | ((epoch: number) => ExampleDataset);

/** Draws the batches of one run. */
export interface BatchSource {
  /** Shape of one example of the method's input field (no batch axis). */
  readonly exampleShape: number[];
  readonly stepsPerEpoch: number;
  /** Yields the epoch's named batches; each batch is owned by the caller. */
  epoch(epoch: number, rng: Rng): AsyncGenerator<Batch>;
}

/** Options of {@link batchSource}. */
export interface BatchSourceOptions {
  batchSize: number;
  limit?: number;
  stepsPerEpoch?: number;
  /** The method's input field: a bare tensor (or tensor element) gets this name. */
  inputKey: string;
}

function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

function isDataset(x: unknown): x is ExampleDataset {
  return !!x && typeof (x as ExampleDataset).iterator === 'function';
}

/** The example field `key` of a batch-like object (`images` also finds a dataset's singular `image`). */
export function field<T>(obj: Record<string, T>, key: string): T | undefined {
  return obj[key] ?? (key === 'images' ? obj.image : undefined);
}

function checkSteps(n: number, opts: BatchSourceOptions): number {
  const full = Number.isNaN(n) ? Infinity : Math.floor(n / opts.batchSize);
  const steps = Math.min(full, opts.stepsPerEpoch ?? Infinity);
  if (!(steps >= 1)) {
    throw new Error(
      `pretrain: batchSize ${opts.batchSize} is larger than the ${n} examples in data`,
    );
  }
  return steps;
}

function tensorsSource(data: Record<string, tf.Tensor>, opts: BatchSourceOptions): BatchSource {
  const entries = Object.entries(data);
  const input = field(data, opts.inputKey);
  if (!input) {
    throw new Error(
      `pretrain: data must hold the method's input '${opts.inputKey}', got fields [${Object.keys(data)}]`,
    );
  }
  const rows = input.shape[0];
  for (const [k, t] of entries) {
    if (!isTensor(t) || t.rank < 1 || t.shape[0] !== rows) {
      throw new Error(
        `pretrain: data.${k} must be a tensor with ${rows} rows like '${opts.inputKey}', got ${
          isTensor(t) ? `shape [${t.shape}]` : typeof t
        }`,
      );
    }
  }
  if (input.rank < 2) {
    throw new Error(
      `pretrain: data must have an example axis and a feature axis, got shape [${input.shape}]`,
    );
  }
  const n = Math.min(rows, opts.limit ?? Infinity);
  const stepsPerEpoch = checkSteps(n, opts);
  return {
    exampleShape: input.shape.slice(1),
    stepsPerEpoch,
    async *epoch(_epoch, rng) {
      const order = permutation(n, rng);
      for (let s = 0; s < stepsPerEpoch; s++) {
        const idx = order.subarray(s * opts.batchSize, (s + 1) * opts.batchSize);
        yield tf.tidy(() => {
          const rowsIdx = tf.tensor1d(idx, 'int32');
          return Object.fromEntries(
            entries.map(([k, t]) => [
              k,
              t.dtype === 'int32' ? hostRows(t, idx) : tf.gather(t, rowsIdx),
            ]),
          );
        });
      }
    },
  };
}

const hostValues = new WeakMap<tf.Tensor, Int32Array>();

/**
 * Rows `idx` of an int32 tensor (token ids, attention masks), gathered on the
 * CPU from a copy of its values read once: the batch then has CPU values, so
 * what reads it synchronously (`maskTokens`) works on every backend, WebGPU
 * included (where a GPU-computed gather could only be read asynchronously).
 */
function hostRows(t: tf.Tensor, idx: Int32Array): tf.Tensor {
  let values = hostValues.get(t);
  if (!values) {
    values = t.dataSync() as Int32Array;
    hostValues.set(t, values);
  }
  const row = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = new Int32Array(idx.length * row);
  idx.forEach((r, i) => out.set(values!.subarray(r * row, (r + 1) * row), i * row));
  return tf.tensor(out, [idx.length, ...t.shape.slice(1)], 'int32');
}

/** An element as named tensors (a bare tensor under `inputKey`). */
function named(element: tf.TensorContainer, inputKey: string): Record<string, tf.Tensor> {
  if (isTensor(element)) return { [inputKey]: element };
  const out: Record<string, tf.Tensor> = {};
  if (element && typeof element === 'object') {
    for (const [k, v] of Object.entries(element as Record<string, unknown>)) {
      if (isTensor(v)) out[k] = v;
    }
  }
  if (!field(out, inputKey)) {
    throw new Error(
      `pretrain: dataset elements must be tensors or objects with a '${inputKey}' tensor field`,
    );
  }
  return out;
}

async function datasetSource(
  open: (epoch: number) => ExampleDataset,
  opts: BatchSourceOptions,
): Promise<BatchSource> {
  const take = (ds: ExampleDataset) => (opts.limit != null ? ds.take(opts.limit) : ds);
  // One example gives the shape; the size comes from the dataset, or from one counting pass.
  const first = take(open(0));
  const it = await first.iterator();
  const head = await it.next();
  if (head.done) throw new Error('pretrain: data is an empty dataset');
  const exampleShape = field(named(head.value, opts.inputKey), opts.inputKey)!.shape.slice();
  tf.dispose(head.value);
  let size = Number.isFinite(first.size) && first.size > 0 ? first.size : NaN;
  if (opts.stepsPerEpoch == null && Number.isNaN(size)) {
    size = 0;
    await first.forEachAsync((e) => {
      size++;
      tf.dispose(e);
    });
  }
  const stepsPerEpoch = checkSteps(size, opts);
  return {
    exampleShape,
    stepsPerEpoch,
    async *epoch(epoch) {
      const iter = await take(open(epoch)).iterator();
      for (let s = 0; s < stepsPerEpoch; s++) {
        const items: Record<string, tf.Tensor>[] = [];
        for (let b = 0; b < opts.batchSize; b++) {
          const r = await iter.next();
          if (r.done) break;
          items.push(named(r.value, opts.inputKey));
        }
        const all = items.flatMap((e) => Object.values(e));
        if (items.length < opts.batchSize) {
          tf.dispose(all);
          return;
        }
        const keys = Object.keys(items[0]);
        const batch = tf.tidy(() =>
          Object.fromEntries(keys.map((k) => [k, tf.stack(items.map((e) => e[k]))])),
        );
        tf.dispose(all);
        yield batch;
      }
    },
  };
}

/** Creates the batch source for `data`. */
export async function batchSource(
  data: PretrainData,
  opts: BatchSourceOptions,
): Promise<BatchSource> {
  if (isTensor(data)) return tensorsSource({ [opts.inputKey]: data }, opts);
  if (typeof data === 'function') return datasetSource(data, opts);
  if (isDataset(data)) {
    // @ssl/data's shuffling datasets give each epoch's order directly (a pure
    // function of seed and epoch), so a resumed run opens only its own epochs
    const forEpoch = (data as { forEpoch?: (epoch: number) => ExampleDataset }).forEpoch;
    if (typeof forEpoch === 'function') return datasetSource(forEpoch, opts);
    // one iterator per epoch; another dataset that reshuffles per iterator is
    // not reproducible across a resume: pass a per-epoch factory for that
    return datasetSource(() => data, opts);
  }
  if (data && typeof data === 'object' && Object.values(data).every(isTensor)) {
    return tensorsSource(data as Record<string, tf.Tensor>, opts);
  }
  throw new Error(
    'pretrain: data must be a tensor [N, ...], an object of such tensors, a tf.data.Dataset of examples or (epoch) => Dataset',
  );
}
