import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BERT_INIT_STDDEV } from './init';
import type { ConfigDict, Kwargs, LayerArgs, Shape } from './layer-types';
import { sincosTable } from './sincos';
import { checkInt, checkOneOf, checkPositive } from './validate';

/** How a {@link vit}'s tokens learn where they are. */
export type PositionKind = 'learned' | 'sincos';

/** Arguments of {@link VitEmbedding}. */
export interface VitEmbeddingArgs extends LayerArgs {
  /** Patches per column and per row `[gh, gw]` (so L = gh·gw). Required. */
  gridSize: [number, number];
  /** Side of a square patch in pixels (recorded for `vitInfo`). Required. */
  patchSize: number;
  /** `'sincos'`: fixed 2-D sine-cosine table (MAE), not trained; `'learned'`: a trained table. Default `'sincos'`. */
  positions?: PositionKind;
  /** Standard deviation of the truncated-normal initializer (class token, learned positions). Default `0.02`. */
  initializerStddev?: number;
  /** Seed of the initializers. Default: none. */
  seed?: number | null;
}

const NAME = 'VitEmbedding';

/**
 * The token sequence of a Vision Transformer from its patch embeddings:
 * adds a position vector to each patch token and puts a learned class token
 * (plus position 0) in front: `[B, L, D] -> [B, 1 + L, D]`.
 *
 * Weights: `class_token` `[D]` (truncated normal, std 0.02) and `positions`
 * `[1 + L, D]`: MAE's fixed 2-D sin-cos table (row 0 zeros; not trainable) or
 * a learned table (truncated normal, std 0.02).
 *
 * {@link VitEmbedding.embed} with `keep` gives the sequence of a subset of
 * the patches (MAE's encoder sees only the visible ones).
 *
 * Serializable (class name `SslVitEmbedding`, registered on import).
 */
export class VitEmbedding extends tfl.layers.Layer {
  /** @nocollapse */
  static readonly className = 'SslVitEmbedding';
  readonly gridSize: [number, number];
  readonly patchSize: number;
  readonly positionKind: PositionKind;
  readonly initializerStddev: number;
  readonly seed: number | null;
  private classToken: tfl.LayerVariable | null = null;
  private positions: tfl.LayerVariable | null = null;

  constructor(args: VitEmbeddingArgs) {
    super(args);
    const g = args.gridSize;
    if (!Array.isArray(g) || g.length !== 2) {
      throw new Error(`${NAME}: gridSize must be [rows, columns], got ${JSON.stringify(g)}`);
    }
    this.gridSize = [checkInt(NAME, 'gridSize[0]', g[0]), checkInt(NAME, 'gridSize[1]', g[1])];
    this.patchSize = checkInt(NAME, 'patchSize', args.patchSize);
    this.positionKind = checkOneOf(NAME, 'positions', args.positions ?? 'sincos', [
      'learned',
      'sincos',
    ] as const);
    this.initializerStddev = checkPositive(
      NAME,
      'initializerStddev',
      args.initializerStddev ?? BERT_INIT_STDDEV,
    );
    this.seed = args.seed ?? null;
  }

  /** Number of patches L. */
  get numPatches(): number {
    return this.gridSize[0] * this.gridSize[1];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const d = shape[shape.length - 1];
    if (shape.length !== 3 || d == null || shape[1] !== this.numPatches) {
      throw new Error(
        `${NAME}: input must be [B, ${this.numPatches}, D] (L = gridSize product) with a known D, got [${shape.join(',')}]`,
      );
    }
    const seed = (i: number) => (this.seed == null ? undefined : this.seed + i);
    const normal = (i: number) =>
      tfl.initializers.truncatedNormal({ stddev: this.initializerStddev, seed: seed(i) });
    this.classToken = this.addWeight('class_token', [d], 'float32', normal(0));
    const learned = this.positionKind === 'learned';
    this.positions = this.addWeight(
      'positions',
      [1 + this.numPatches, d],
      'float32',
      learned ? normal(1) : tfl.initializers.zeros(),
      undefined,
      learned,
    );
    if (!learned) {
      const table = tf.tensor2d(sincosTable(this.gridSize, d), [1 + this.numPatches, d]);
      this.positions.write(table);
      table.dispose();
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = inputShape as Shape;
    return [s[0], 1 + this.numPatches, s[2]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return this.embed(x as tf.Tensor3D);
  }

  /**
   * `[class token + p_0, x_l + p_(1+l) for l in keep]`: `[B, 1 + Lv, D]` from
   * patch tokens `x` `[B, L, D]`. `keep` (int32 `[B, Lv]`, indices in
   * `[0, L)`, its own per example) picks the patches; without it, all of them
   * in order. The selection is a product with one-hot rows, whose gradient is
   * a plain matrix product.
   */
  embed(x: tf.Tensor3D, keep?: tf.Tensor2D): tf.Tensor3D {
    if (!this.built) this.build(x.shape);
    const [b, l, d] = x.shape;
    if (l !== this.numPatches) {
      throw new Error(`${NAME}: patch tokens must be [B, ${this.numPatches}, D], got [${x.shape}]`);
    }
    if (keep && (keep.rank !== 2 || keep.shape[0] !== b || keep.dtype !== 'int32')) {
      throw new Error(
        `${NAME}: keep must be int32 [B, Lv] with B = ${b}, got ${keep.dtype} [${keep.shape}]`,
      );
    }
    return tf.tidy(() => {
      const table = this.positions!.read(); // [1 + L, D]
      let patches: tf.Tensor = tf.add(x, tf.slice(table, [1, 0], [l, d])); // [B, L, D]
      if (keep) {
        const select = tf.oneHot(keep, l); // [B, Lv, L]
        patches = tf.matMul(select, patches); // [B, Lv, D]
      }
      // [D] + [D] -> [1, 1, D], broadcast (not tiled) over the batch: [B, 1, D]
      const cls = tf.reshape(tf.add(this.classToken!.read(), tf.slice(table, [0, 0], [1, d])), [
        1,
        1,
        d,
      ]);
      const first = tf.add(tf.zeros([b, 1, d]), cls);
      return tf.concat([first, patches], 1) as tf.Tensor3D;
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      gridSize: [...this.gridSize],
      patchSize: this.patchSize,
      positions: this.positionKind,
      initializerStddev: this.initializerStddev,
      seed: this.seed,
    };
  }
}
tf.serialization.registerClass(VitEmbedding);
