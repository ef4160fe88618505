import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

import { FULL, QUICK } from './config';
import {
  maePretrainSteps,
  pretrainMae,
  studyVit,
  vitPatchSize,
  type MaeStageConfig,
} from './mae-stage';

describe('vitPatchSize', () => {
  it('keeps the preferred side when it divides the image, else the largest smaller one that does', () => {
    expect(vitPatchSize(28, 28, 7)).toBe(7);
    expect(vitPatchSize(32, 32, 7)).toBe(4); // 7, 6, 5 do not divide 32
    expect(vitPatchSize(30, 20, 7)).toBe(5);
    expect(vitPatchSize(6, 6, 7)).toBe(6);
  });
  it('refuses a shape no side ≥ 2 divides, naming it', () => {
    expect(() => vitPatchSize(29, 29, 7)).toThrow(
      'vitPatchSize: no patch side between 2 and 7 divides images of 29×29',
    );
  });
});

describe('the study configs', () => {
  it('give the MAE rows a budget at every labels-per-class setting of the study', () => {
    for (const c of [FULL, QUICK]) {
      expect(c.mae).toBeDefined();
      for (const lpc of c.labelsPerClass) expect(c.mae!.train[lpc]).toBeDefined();
      // MAE → FixMatch runs only where the study draws labels
      for (const lpc of c.mae!.fixMatchLabelsPerClass ?? [])
        expect(c.labelsPerClass).toContain(lpc);
    }
  });
});

describe('pretrainMae', () => {
  const config: MaeStageConfig = {
    encoder: { patchSize: 4, dim: 16, depth: 1, heads: 2, mlpRatio: 2, pooling: 'mean' },
    method: {
      maskRatio: 0.75,
      decoderDim: 16,
      decoderDepth: 1,
      decoderHeads: 2,
      normPixels: false,
    },
    epochs: 2,
    batchSize: 4,
    lr: 1e-3,
    train: { 1: { steps: 1, batchSize: 2, lr: 1e-3 } },
  };

  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('trains the ViT for epochs × whole batches with finite losses, and leaves only the encoder', async () => {
    const images = tf.randomUniform([10, 8, 8, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const out = await pretrainMae({
      config,
      images,
      workers: 1,
      seed: 0,
      callbacks: [{ onStepEnd: (l) => void losses.push(l.loss) }],
    });
    // floor(10 / 4) = 2 steps per epoch
    expect(out.steps).toBe(4);
    expect(maePretrainSteps(config, 10)).toBe(4);
    expect(losses).toHaveLength(4);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(out.finalLoss).toBe(losses[3]);
    const shape = tf.tidy(() => (out.encoder.predict(tf.zeros([2, 8, 8, 1])) as tf.Tensor).shape);
    expect(shape).toEqual([2, 16]);
    const weights = out.encoder.weights.length;
    out.encoder.dispose();
    expect(weights).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });

  it('gives the same losses for the same seed', async () => {
    const images = tf.randomUniform([8, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const run = async () => {
      const losses: number[] = [];
      const out = await pretrainMae({
        config: { ...config, epochs: 1 },
        images,
        workers: 1,
        seed: 0,
        callbacks: [{ onStepEnd: (l) => void losses.push(l.loss) }],
      });
      out.encoder.dispose();
      return losses;
    };
    expect(await run()).toEqual(await run());
    images.dispose();
  });

  it('studyVit fits the patch to the images and is seeded', () => {
    const a = studyVit({ ...config, encoder: { ...config.encoder, patchSize: 7 } }, [8, 8, 1], 1);
    const b = studyVit({ ...config, encoder: { ...config.encoder, patchSize: 7 } }, [8, 8, 1], 1);
    // patch 4 (7, 6, 5 do not divide 8): a 2×2 grid, 16 channels
    const conv = a.layers.find((l) => l.name.endsWith('_patch_embed'))!;
    expect(conv.getWeights()[0].shape).toEqual([4, 4, 1, 16]);
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wa).toEqual(wb);
    a.dispose();
    b.dispose();
  });
});
