import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BERT_INIT_STDDEV } from './init';
import type { ConfigDict, Kwargs, LayerArgs, Shape } from './layer-types';
import { checkInt, checkPositive } from './validate';

/** Arguments of {@link MultiHeadSelfAttention}. */
export interface MultiHeadSelfAttentionArgs extends LayerArgs {
  /** Number of attention heads; must divide the model width D. Required. */
  numHeads: number;
  /** Standard deviation of the truncated-normal kernel initializer. Default `0.02` (BERT). */
  initializerStddev?: number;
  /** Seed of the kernel initializers (the four kernels use seed, seed+1, seed+2, seed+3). Default: none. */
  seed?: number | null;
  /** What a padded key's score gets added before the softmax. Default `-1e9`. */
  maskValue?: number;
}

const NAME = 'MultiHeadSelfAttention';
const PROJECTIONS = ['query', 'key', 'value', 'output'] as const;

/**
 * Multi-head scaled dot-product self-attention with a key padding mask.
 *
 * Inputs: `x` `[B, T, D]`, or `[x, mask]` with `mask` `[B, T]` (1 = token,
 * 0 = padding; float32 or int32). Output `[B, T, D]`:
 * `Q = x Wq + bq` (same for K, V), split into `numHeads` heads of size
 * `D / numHeads`; `scores = Q K^T / sqrt(D / numHeads)`; `maskValue` is added to
 * the scores of padded keys; `softmax` over keys; weighted sum of V; heads
 * concatenated; `out = concat Wo + bo`. Padded *queries* still get outputs
 * (they attend to real tokens); a loss should ignore them.
 *
 * Reference: Vaswani et al., "Attention Is All You Need", 2017.
 *
 * @example
 * ```ts
 * const x = tf.input({ shape: [null, 64] });
 * const mask = tf.input({ shape: [null] });
 * const y = new MultiHeadSelfAttention({ numHeads: 4 }).apply([x, mask]); // [B, T, 64]
 * ```
 */
export class MultiHeadSelfAttention extends tfl.layers.Layer {
  /** @nocollapse */
  static readonly className = NAME;
  readonly numHeads: number;
  readonly initializerStddev: number;
  readonly seed: number | null;
  readonly maskValue: number;
  private kernels: tfl.LayerVariable[] = [];
  private biases: tfl.LayerVariable[] = [];

  constructor(args: MultiHeadSelfAttentionArgs) {
    super(args);
    this.numHeads = checkInt(NAME, 'numHeads', args.numHeads);
    this.initializerStddev = checkPositive(
      NAME,
      'initializerStddev',
      args.initializerStddev ?? BERT_INIT_STDDEV,
    );
    this.seed = args.seed ?? null;
    this.maskValue = args.maskValue ?? -1e9;
    if (!Number.isFinite(this.maskValue) || this.maskValue >= 0) {
      throw new Error(`${NAME}: maskValue must be a finite negative number, got ${this.maskValue}`);
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const xShape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const d = xShape[xShape.length - 1];
    if (xShape.length !== 3 || d == null) {
      throw new Error(`${NAME}: x must be [B, T, D] with a known D, got [${xShape.join(',')}]`);
    }
    if (d % this.numHeads !== 0) {
      throw new Error(
        `${NAME}: model width D (${d}) must be divisible by numHeads (${this.numHeads})`,
      );
    }
    this.kernels = PROJECTIONS.map((p, i) =>
      this.addWeight(
        `${p}_kernel`,
        [d, d],
        'float32',
        tfl.initializers.truncatedNormal({
          stddev: this.initializerStddev,
          seed: this.seed == null ? undefined : this.seed + i,
        }),
      ),
    );
    this.biases = PROJECTIONS.map((p) =>
      this.addWeight(`${p}_bias`, [d], 'float32', tfl.initializers.zeros()),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [x, mask] = Array.isArray(inputs) ? inputs : [inputs];
      const [b, t, d] = x.shape;
      const h = this.numHeads;
      const dh = d / h;
      if (mask != null && (mask.rank !== 2 || mask.shape[0] !== b || mask.shape[1] !== t)) {
        throw new Error(
          `${NAME}: attention mask must be [B, T] = [${b},${t}], got [${mask.shape.join(',')}]`,
        );
      }
      const [wq, wk, wv, wo] = this.kernels.map((k) => k.read());
      const [bq, bk, bv, bo] = this.biases.map((v) => v.read());
      const flat = tf.reshape(x, [b * t, d]); // [B, T, D] -> [B*T, D]
      const heads = (w: tf.Tensor, bias: tf.Tensor) =>
        // [B*T, D] -> [B, T, H, dh] -> [B, H, T, dh]
        tf.transpose(
          tf.reshape(tf.add(tf.matMul(flat, w as tf.Tensor2D), bias), [b, t, h, dh]),
          [0, 2, 1, 3],
        );
      const q = heads(wq, bq);
      const k = heads(wk, bk);
      const v = heads(wv, bv);
      // [B, H, T, dh] x [B, H, dh, T] -> [B, H, T(query), T(key)]
      let scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh));
      if (mask != null) {
        // [B, T] -> [B, 1, 1, T]: maskValue on padded keys, 0 on tokens.
        const pad = tf.sub(1, tf.cast(mask, 'float32'));
        scores = tf.add(scores, tf.mul(tf.reshape(pad, [b, 1, 1, t]), this.maskValue));
      }
      const probs = tf.softmax(scores); // over the key axis
      // [B, H, T, T] x [B, H, T, dh] -> [B, H, T, dh] -> [B, T, H, dh] -> [B*T, D]
      const context = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [b * t, d]);
      // [B*T, D] -> [B, T, D]
      return tf.reshape(tf.add(tf.matMul(context, wo as tf.Tensor2D), bo), [b, t, d]);
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      initializerStddev: this.initializerStddev,
      seed: this.seed,
      maskValue: this.maskValue,
    };
  }
}
tf.serialization.registerClass(MultiHeadSelfAttention);
