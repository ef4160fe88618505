// Test support: the properties every augmentation must have, run per backend.
import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';
import { createRng } from '../rng';
import type { Augmentation } from '../types';
import { randomImages, repeatedImage, sameImage, sameTensor } from './images';

export interface ContractOptions {
  /** The function name errors must carry. */
  name: string;
  /** Builds the op; `p` is passed when the op has a probability option. */
  make: (p?: number) => Augmentation;
  /** Whether the op takes a `p` option. */
  hasP: boolean;
  /** Output shape for an input shape (default: unchanged). */
  outShape?: (s: [number, number, number, number]) => number[];
  /** Channel counts on which the op changes images (default [1, 3]). */
  changes?: readonly (1 | 3)[];
}

/**
 * Range, shape, determinism by seed, p = 0 identity and p = 1 always-on,
 * per-image randomness, 1 and 3 channels, no tensor leak, bad-input errors.
 */
export function augmentationContract(opts: ContractOptions): void {
  const { name, make, hasP, outShape = (s) => s, changes = [1, 3] } = opts;
  const full = () => (hasP ? make(1) : make());
  describeBackends(`${name} contract`, () => {
    for (const c of [1, 3] as const) {
      it(`keeps shape and [0, 1] range (${c} channel${c > 1 ? 's' : ''})`, () => {
        const shape: [number, number, number, number] = [6, 12, 10, c];
        const x = randomImages(shape, 11);
        const y = full()(x, 5);
        expect(y.shape).toEqual(outShape(shape));
        expect(y.dtype).toBe('float32');
        const v = y.dataSync();
        expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...v)).toBeLessThanOrEqual(1);
        expect(v.every(Number.isFinite)).toBe(true);
        tf.dispose([x, y]);
      });
    }

    it('is deterministic by seed and by Rng state; a different seed differs', () => {
      const x = randomImages([8, 12, 12, 3], 3);
      const op = hasP ? make(0.5) : make();
      const a = op(x, 123);
      const b = op(x, 123);
      const c = op(x, createRng(123));
      const d = op(x, 124);
      expect(sameTensor(a, b)).toBe(true);
      expect(sameTensor(a, c)).toBe(true);
      expect(sameTensor(a, d)).toBe(false);
      // A shared Rng advances: two calls draw different parameters.
      const rng = createRng(7);
      const e = op(x, rng);
      const f = op(x, rng);
      expect(sameTensor(e, f)).toBe(false);
      tf.dispose([x, a, b, c, d, e, f]);
    });

    if (hasP) {
      it('p = 0 is exactly the identity', () => {
        const x = randomImages([5, 9, 7, 3], 21);
        const y = make(0)(x, 9);
        expect(y).not.toBe(x);
        expect(sameTensor(x, y)).toBe(true);
        tf.dispose([x, y]);
      });
    }

    for (const c of changes) {
      it(`${hasP ? 'p = 1 changes every image' : 'changes every image'} (${c} channel${c > 1 ? 's' : ''})`, () => {
        const x = randomImages([16, 12, 12, c], 31);
        const y = full()(x, 4);
        if (tf.util.arraysEqual(y.shape, x.shape)) {
          const both = tf.concat([x, y]) as tf.Tensor4D;
          for (let i = 0; i < 16; i++) expect(sameImage(both, i, 16 + i)).toBe(false);
          both.dispose();
        }
        tf.dispose([x, y]);
      });
    }

    it('draws parameters per image (copies of one image come out different)', () => {
      const x = repeatedImage(8, 12, 12, 3, 41);
      const y = (hasP ? make(0.5) : make())(x, 8);
      let distinct = 0;
      for (let i = 1; i < 8; i++) if (!sameImage(y, 0, i)) distinct++;
      expect(distinct).toBeGreaterThan(0);
      tf.dispose([x, y]);
    });

    it('does not leak tensors', async () => {
      const x = randomImages([4, 10, 10, 3], 51);
      await expectNoLeak(() => full()(x, 1));
      await expectNoLeak(() => (hasP ? make(0.5) : make())(x, 2));
      x.dispose();
    });

    it('rejects bad input with an error naming the function', () => {
      const op = full();
      const rank3 = tf.zeros([4, 4, 3]) as unknown as tf.Tensor4D;
      const twoChannels = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
      const ints = tf.zeros([1, 4, 4, 3], 'int32') as tf.Tensor4D;
      const good = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
      expect(() => op(rank3, 1)).toThrow(
        new RegExp(`^${name}: images must be .*got shape \\[4,4,3\\]`),
      );
      expect(() => op(twoChannels, 1)).toThrow(new RegExp(`^${name}: .*C = 1 or 3.*\\[1,4,4,2\\]`));
      expect(() => op(ints, 1)).toThrow(new RegExp(`^${name}: .*dtype int32`));
      expect(() => op([[1]] as unknown as tf.Tensor4D, 1)).toThrow(new RegExp(`^${name}: `));
      expect(() => op(good, 'x' as unknown as number)).toThrow(new RegExp(`^${name}: rng must be`));
      tf.dispose([rank3, twoChannels, ints, good]);
    });
  });
}
