import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ConfigDict, Kwargs, LayerArgs, Shape } from './layer-types';
import { checkRange } from './validate';

/** Arguments of {@link SeededDropout}. */
export interface SeededDropoutArgs extends LayerArgs {
  /** Fraction of the values set to zero in training mode, in [0, 1). */
  rate: number;
  /**
   * Seed of the masks drawn outside {@link withDropoutSeeds} (the layer's own
   * stream: call k of a fresh layer always draws the same masks). Default `0`.
   */
  seed?: number;
}

// The row seeds of the forward pass under way; on globalThis so that every
// copy of this module (one per build format) sees the same ones.
const KEY = Symbol.for('@ssl/encoders/dropout-seeds');
type Holder = { [KEY]?: ArrayLike<number> | null };

/**
 * Runs `fn` (a forward pass in training mode) with the dropout masks of every
 * {@link SeededDropout} drawn from `rowSeeds`: row `b` of the batch gets masks
 * that depend only on `rowSeeds[b]` and the layer's name. Same seeds, same
 * masks, whatever ran before; and a row keeps its masks when the batch is cut
 * into shards (data-parallel workers), as long as its seed goes with it.
 * `rowSeeds.length` must be the batch size of every dropout inside `fn`.
 *
 * @example
 * ```ts
 * const h = withDropoutSeeds(dropoutRowSeeds(runSeed, step, batchSize), () =>
 *   encoder.apply([ids, mask], { training: true }),
 * );
 * ```
 */
export function withDropoutSeeds<T>(rowSeeds: ArrayLike<number>, fn: () => T): T {
  const holder = globalThis as Holder;
  const saved = holder[KEY];
  holder[KEY] = rowSeeds;
  try {
    return fn();
  } finally {
    holder[KEY] = saved ?? null;
  }
}

/** A 32-bit mix of two numbers (murmur3's finaliser over a combination), for seeds. */
export function mixSeeds(a: number, b: number): number {
  let h = Math.imul((a | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul((b | 0) + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x165667b1);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The row seeds of step `step` of a run seeded with `seed`, for a batch of
 * `batchSize` rows: `rowSeeds[b]` is a hash of (seed, step, b).
 */
export function dropoutRowSeeds(seed: number, step: number, batchSize: number): Int32Array {
  const base = mixSeeds(mixSeeds(seed, step), 0x0d0d);
  const out = new Int32Array(batchSize);
  for (let b = 0; b < batchSize; b++) out[b] = mixSeeds(base, b) | 0;
  return out;
}

/** A 32-bit hash of a string (FNV-1a). */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Inverted dropout whose masks are seeded: in training mode each value is
 * zeroed with probability `rate` and the others scaled by `1 / (1 - rate)`;
 * in inference mode the input passes unchanged. The masks of row `b` come
 * from a generator seeded with (the row's seed, a hash of the layer's name):
 * the row seeds of {@link withDropoutSeeds} when a forward pass runs inside
 * it (what `pretrain()` and `fineTune()` of @ssl/trainer do, from the run
 * seed and the step), else the layer's own stream (`seed`, the call count).
 * tfjs-layers' `Dropout` draws from an unseeded generator (or, given a seed,
 * the same mask at every call); this one makes a run with the same seed give
 * the same numbers, a resumed run included. Serialised as `'SslDropout'`.
 */
export class SeededDropout extends tfl.layers.Layer {
  /** @nocollapse */
  static readonly className = 'SslDropout';
  readonly rate: number;
  readonly seed: number;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super(args);
    this.rate = checkRange('SeededDropout', 'rate', args.rate, 0, 1);
    this.seed = args.seed ?? 0;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.rate === 0) return tf.clone(x);
    const batch = x.shape[0] ?? 1;
    const perRow = x.size / Math.max(batch, 1);
    const given = (globalThis as Holder)[KEY];
    if (given && given.length !== batch) {
      throw new Error(
        `SeededDropout: layer '${this.name}' got a batch of ${batch} rows but withDropoutSeeds gave ${given.length} row seeds`,
      );
    }
    const call = this.calls++;
    const layer = hashName(this.name);
    const keep = 1 - this.rate;
    const scale = 1 / keep;
    const mask = new Float32Array(x.size);
    for (let b = 0; b < batch; b++) {
      const rowSeed = given ? given[b] : mixSeeds(mixSeeds(this.seed, call), b);
      // mulberry32, seeded per (row, layer)
      let s = mixSeeds(rowSeed, layer);
      for (let i = 0; i < perRow; i++) {
        s = (s + 0x6d2b79f5) | 0;
        let t = Math.imul(s ^ (s >>> 15), 1 | s);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        mask[b * perRow + i] = u >= this.rate ? scale : 0;
      }
    }
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape, 'float32')));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);
