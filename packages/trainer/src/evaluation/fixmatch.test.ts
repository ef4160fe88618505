import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@ssl/test-utils';
import { createRng } from '@ssl/augment';
import { transformerEncoder } from '@ssl/encoders';

import { fixMatch, type FixMatchProgress } from './fixmatch';
import { tokenMaskingView } from './fixmatch-views';
import { quadrantImages, tinyEncoder } from './test-helpers';

/** Two round Gaussian clusters in 2-D, centres (±1, 0), σ 0.45, classes alternating. */
function clusters(n: number, seed: number): { images: tf.Tensor2D; labels: tf.Tensor1D } {
  const r = createRng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    x.push([(c === 0 ? -1 : 1) + 0.45 * normal(), 0.45 * normal()]);
    y.push(c);
  }
  return { images: tf.tensor2d(x), labels: tf.tensor1d(y, 'int32') };
}

/** A tiny MLP encoder 2 -> 16 -> 16 (relu), seeded. */
const mlp = (seed: number): tfl.LayersModel => {
  const input = tfl.input({ shape: [2] });
  const dense = (units: number, s: number) =>
    tfl.layers.dense({
      units,
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: s }),
    });
  const h = dense(16, seed).apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: dense(16, seed + 1).apply(h) as tfl.SymbolicTensor });
};

/** Gaussian noise of std `s` as a seeded view of vectors. */
const noise = (s: number) => (x: tf.Tensor, seed: number) =>
  tf.tidy(() => tf.add(x, tf.randomNormal(x.shape, 0, s, 'float32', seed)));

describe('fixMatch', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('on two clusters with one label each: ≥ 95 % where the labels alone stay below', async () => {
    // The labelled points sit off the clusters' axis: the labels alone give a tilted boundary.
    const labelled = {
      images: tf.tensor2d([
        [-1, 1.2],
        [1, -1.2],
      ]),
      labels: tf.tensor1d([0, 1], 'int32'),
    };
    const unlabelled = clusters(300, 1);
    const test = clusters(400, 2);
    const run = async (lambda: number) => {
      const c = await fixMatch({
        encoder: mlp,
        labelled,
        unlabelled: unlabelled.images,
        steps: 150,
        batchSize: 2,
        mu: 16,
        lambda,
        optimizer: tf.train.adam(0.01),
        weightDecay: 0,
        ema: 0.99,
        weakAugment: noise(0.1),
        strongAugment: noise(0.4),
        seed: 3,
      });
      const acc = await c.evaluate(test);
      c.dispose();
      return acc;
    };
    const alone = await run(0); // λ = 0: the same training on the labels alone
    const semi = await run(1);
    expect(alone).toBeLessThan(0.95);
    expect(semi).toBeGreaterThanOrEqual(0.95);
    tf.dispose([labelled.images, labelled.labels, unlabelled.images, unlabelled.labels]);
    tf.dispose([test.images, test.labels]);
  });

  it('is seeded, keeps numTensors flat, and frees everything with the classifier (images, default views)', async () => {
    const few = quadrantImages(1, 1);
    const pool = quadrantImages(6, 2);
    const test = quadrantImages(4, 3);
    const encoder = tinyEncoder(4);
    const before = tf.memory().numTensors;
    const run = async (seed: number) => {
      const log: FixMatchProgress[] = [];
      const counts: number[] = [];
      const c = await fixMatch({
        encoder, // pretrained start: copied, never changed
        labelled: few,
        unlabelled: pool.images,
        test,
        evalEvery: 2,
        steps: 5,
        batchSize: 4,
        mu: 2,
        threshold: 0.3,
        seed,
        classNames: ['a', 'b', 'c', 'd'],
        onProgress: (p) => {
          log.push(p);
          counts.push(tf.memory().numTensors);
        },
      });
      const { probabilities, labels } = c.predict(test.images);
      const probs = Array.from(probabilities.dataSync());
      tf.dispose([probabilities, labels]);
      return { c, log, counts, probs };
    };
    const w0 = encoder.getWeights().map((w) => Array.from(w.dataSync()));
    const a = await run(7);
    const b = await run(7);
    const d = await run(8);
    expect(a.c.kind).toBe('fixmatch');
    expect(a.c.classNames).toEqual(['a', 'b', 'c', 'd']);
    const strip = (l: FixMatchProgress[]) => l.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(b.log)).toEqual(strip(a.log));
    expect(b.probs).toEqual(a.probs);
    expect(d.probs).not.toEqual(a.probs);
    expect(a.log.map((p) => p.testAccuracy === undefined)).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(a.log.every((p) => Number.isFinite(p.loss) && p.maskRate >= 0 && p.maskRate <= 1)).toBe(
      true,
    );
    // cosine decay from the default lr 0.03
    expect(a.log[0].lr).toBeCloseTo(0.03, 10);
    expect(a.log[4].lr).toBeCloseTo(0.03 * Math.cos((7 * Math.PI * 4) / (16 * 5)), 10);
    expect(new Set(a.counts.slice(1)).size).toBe(1);
    expect(await a.c.evaluate(test)).toBe(a.log[4].testAccuracy);
    for (const r of [a, b, d]) r.c.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(encoder.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(w0);
    encoder.dispose();
    tf.dispose([few.images, few.labels, pool.images, pool.labels, test.images, test.labels]);
  });

  it('trains a text classifier with token masking as the strong view', async () => {
    const bert = transformerEncoder({
      vocabSize: 12,
      maxLength: 4,
      dModel: 8,
      numHeads: 2,
      numLayers: 1,
      ffnDim: 8,
      dropout: 0,
      seed: 2,
    });
    const rows = [
      [1, 3, 2, 0],
      [1, 4, 2, 0],
      [1, 5, 3, 2],
      [1, 6, 7, 2],
    ];
    const inputIds = tf.tensor2d(rows, undefined, 'int32');
    const attentionMask = tf.tensor2d(
      rows.map((r) => r.map((v) => (v ? 1 : 0))),
      undefined,
      'int32',
    );
    const set = { images: { inputIds, attentionMask }, labels: tf.tensor1d([1, 0, 1, 0], 'int32') };
    const counts: number[] = [];
    const c = await fixMatch({
      encoder: bert,
      labelled: set,
      unlabelled: { inputIds, attentionMask },
      steps: 3,
      batchSize: 2,
      mu: 2,
      threshold: 0,
      strongAugment: tokenMaskingView({
        maskTokenId: 11,
        vocabSize: 12,
        specialTokenIds: [0, 1, 2, 11],
        maskProb: 0.3,
      }),
      onProgress: () => void counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(c.inputShape).toEqual([-1]);
    const acc = await c.evaluate(set);
    expect(acc).toBeGreaterThanOrEqual(0);
    c.dispose();
    bert.dispose();
    tf.dispose([inputIds, attentionMask, set.labels]);
  });

  it('refuses bad input in one line', async () => {
    const few = { images: tf.zeros([2, 2]), labels: tf.tensor1d([0, 1], 'int32') };
    const base = {
      encoder: mlp,
      labelled: few,
      unlabelled: tf.zeros([4, 2]),
      steps: 1,
      strongAugment: noise(0.1),
    };
    await expect(fixMatch({ ...base, unlabelled: tf.zeros([4, 3]) })).rejects.toThrow(
      'fixMatch: unlabelled must be of the kind of labelled.images [2,2] (per example), got [4,3]',
    );
    await expect(fixMatch({ ...base, threshold: 1.5 })).rejects.toThrow(
      'fixMatch: threshold must be a number in [0, 1], got 1.5',
    );
    await expect(fixMatch({ ...base, steps: 0 })).rejects.toThrow(
      'fixMatch: steps must be an integer >= 1, got 0',
    );
    await expect(fixMatch({ ...base, ema: 1 })).rejects.toThrow(
      'fixMatch: ema must be a number in [0, 1), got 1',
    );
    await expect(fixMatch({ ...base, strongAugment: undefined })).rejects.toThrow(
      /^fixMatch: strongAugment is needed for inputs other than images \[2,2\]/,
    );
    await expect(fixMatch({ ...base, encoder: undefined })).rejects.toThrow(
      'fixMatch: encoder is needed for inputs other than images [2,2]',
    );
    tf.dispose([few.images, few.labels, base.unlabelled]);
  });
});
