import * as tf from '@tensorflow/tfjs-core';
import { transformerEncoder } from '@ssl/encoders';
import { maskedCrossEntropy } from '@ssl/losses';
import { describeBackends, expectAllClose, expectNoLeak, randomArray } from '@ssl/test-utils';
import { MlmHead, maskedPositions, mlmTokenLosses } from './mlm-head';

const V = 11;
const D = 8;

function encoder() {
  return transformerEncoder({
    vocabSize: V,
    maxLength: 6,
    dModel: D,
    numHeads: 2,
    numLayers: 1,
    ffnDim: 16,
    dropout: 0,
    seed: 3,
  });
}

const erf = (x: number) => {
  // Abramowitz & Stegun 7.1.26 is too coarse for 1e-5: integrate instead (Simpson, 2000 steps)
  const n = 2000;
  const h = x / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
    s += w * Math.exp(-((i * h) ** 2));
  }
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
};

/** The head as a float64 loop: gelu(x W + b) -> layer norm -> · Eᵀ + bias. */
function naiveHead(x: number[], vars: number[][], emb: number[][]): number[] {
  const [w, b, gamma, beta, outBias] = vars;
  const h = Array.from({ length: D }, (_, j) => {
    let s = b[j];
    for (let i = 0; i < D; i++) s += x[i] * w[i * D + j];
    return 0.5 * s * (1 + erf(s / Math.SQRT2));
  });
  const mean = h.reduce((a, c) => a + c, 0) / D;
  const variance = h.reduce((a, c) => a + (c - mean) ** 2, 0) / D;
  const n = h.map((v, j) => (gamma[j] * (v - mean)) / Math.sqrt(variance + 1e-12) + beta[j]);
  return emb.map((e, v) => e.reduce((a, c, j) => a + c * n[j], outBias[v]));
}

describeBackends(
  'MlmHead',
  () => {
    it('computes gelu -> layer norm -> tied projection like a naive loop, and owns five variables', () => {
      const enc = encoder();
      const head = new MlmHead(enc, { seed: 5 });
      const vars = Object.values(head.variables());
      expect(Object.keys(head.variables())).toEqual([0, 1, 2, 3, 4].map((i) => `mlm_head/${i}`));
      // non-trivial norm and bias values
      vars[2].assign(tf.tensor1d(randomArray(D, 1, 0.5, 1.5)));
      vars[3].assign(tf.tensor1d(randomArray(D, 2, -0.2, 0.2)));
      vars[4].assign(tf.tensor1d(randomArray(V, 3, -0.2, 0.2)));
      const x = randomArray(3 * D, 4, -2, 2);
      const got = tf.tidy(() => head.apply(tf.tensor2d(x, [3, D])).arraySync());
      const e = head.embeddingMatrix().arraySync() as number[][];
      const vv = vars.map((v) => Array.from(v.dataSync()));
      for (let r = 0; r < 3; r++) {
        expectAllClose(got[r], naiveHead(Array.from(x.subarray(r * D, (r + 1) * D)), vv, e), {
          atol: 1e-4,
        });
      }
      const before = tf.memory().numTensors;
      head.dispose();
      expect(tf.memory().numTensors).toBe(before - 5);
      enc.dispose();
    });

    it('mlmTokenLosses at the masked positions average to maskedCrossEntropy of the full logits', async () => {
      const enc = encoder();
      const head = new MlmHead(enc);
      const labels = tf.tensor2d(
        [
          [-100, 3, -100, -100, 7, -100],
          [2, -100, -100, 9, -100, -100],
        ],
        undefined,
        'int32',
      );
      const masked = maskedPositions(labels);
      expect(Array.from(masked.positions.dataSync())).toEqual([1, 4, 6, 9]);
      expect(Array.from(masked.targets.dataSync())).toEqual([3, 7, 2, 9]);
      const hidden = tf.tensor3d(randomArray(2 * 6 * D, 8, -1, 1), [2, 6, D]);
      const { nll, correct } = mlmTokenLosses(head, hidden, masked);
      const full = tf.tidy(() =>
        tf.reshape(head.apply(tf.reshape(hidden, [12, D]) as tf.Tensor2D), [2, 6, V]),
      ) as tf.Tensor3D;
      const want = maskedCrossEntropy(full, labels);
      expectAllClose(tf.mean(nll).dataSync()[0], want.dataSync()[0], { atol: 1e-5 });
      expect(correct.shape).toEqual([4]);
      await expectNoLeak(() => mlmTokenLosses(head, hidden, masked));
      expect(() => maskedPositions(tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(
        /maskedPositions: labels must be an int32 \[B, T\] tensor, got float32 \[2,3\]/,
      );
      tf.dispose([labels, masked.positions, masked.targets, hidden, nll, correct, full, want]);
      head.dispose();
      enc.dispose();
    });
  },
  ['cpu'],
);
