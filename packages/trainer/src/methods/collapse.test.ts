import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@ssl/test-utils';
import { createRng } from '@ssl/augment';
import { pretrain } from '../pretrain';
import type { AnyMethod } from './method';
import { byol } from './byol';
import { simsiam } from './simsiam';
import { dino } from './dino';
import { noiseAugment, TINY_DINO, tinyEncoder, tinyImages } from '../testing/fixtures';

/**
 * Mean over dimensions of the per-dimension std (over examples) of the
 * L2-normalised encoder outputs. Collapse (every image mapped to one
 * direction) gives 0; unit vectors spread over D dimensions give about 1/sqrt(D).
 */
function spread(z: tf.Tensor2D): number {
  return tf.tidy(() => {
    const u = tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 1, true), 1e-12));
    const { variance } = tf.moments(u, 0);
    return tf.mean(tf.sqrt(variance)).dataSync()[0];
  });
}

/** The method's output `key` (projections, logits) for `images`, as the loss sees it. */
function outputs(method: AnyMethod, images: tf.Tensor, key: string): number {
  const ctx = {
    step: 0,
    epoch: 0,
    totalSteps: 1,
    stepsPerEpoch: 1,
    lr: 0,
    rng: createRng(9),
    record: () => undefined,
  };
  const views = method.prepare({ images }, ctx);
  const v = tf.tidy(() => spread(method.forward(views, ctx)[key] as tf.Tensor2D));
  tf.dispose(views);
  return v;
}

/**
 * Which output to measure and the floor its spread must stay above. Measured
 * with this seed (spread of a healthy run / of the same run broken on
 * purpose): BYOL target projections 0.254 / 0.191 (target = online network,
 * no stop-gradient), SimSiam projections 0.310 / 0.139 (no stop-gradient).
 * DINO student logits, over image seeds 3, 4, 5: 0.20-0.21 healthy, 0.08-0.09
 * without centering, 0.11-0.16 without sharpening (teacher temperature =
 * student temperature) — the two ways DINO collapses; the test below also
 * runs both broken variants and requires them under the floor. The floors sit between.
 */
const checks: Record<string, { key: string; floor: number }> = {
  byol: { key: 't1', floor: 0.22 },
  simsiam: { key: 'z1', floor: 0.2 },
  dino: { key: 'student0', floor: 0.17 },
};

const makers: Record<string, () => AnyMethod> = {
  byol: () =>
    byol({ projectionDim: 8, hiddenDim: 16, predictorHiddenDim: 8, augment: noiseAugment }),
  simsiam: () => simsiam({ projectionDim: 8, hiddenDim: 16, augment: noiseAugment }),
  dino: () => tinyDino(),
};

/** DINO at this scale: a teacher that follows (momentum 0.9), no temperature warm-up. */
const tinyDino = (extra: Parameters<typeof dino>[0] = {}) =>
  dino({
    ...TINY_DINO,
    globalAugment: noiseAugment,
    localAugment: noiseAugment,
    momentum: 0.9,
    warmupTeacherEpochs: 0,
    ...extra,
  });

/** Per-method training settings (DINO wants a smaller step and more of them). */
const training: Record<string, { epochs: number; lr: number }> = {
  byol: { epochs: 20, lr: 0.02 },
  simsiam: { epochs: 20, lr: 0.02 },
  dino: { epochs: 30, lr: 0.005 },
};

/** Pretrains `method` on the tiny problem and returns the spread of its output `key`. */
async function trainedSpread(name: string, method: AnyMethod, imageSeed = 3): Promise<number> {
  const images = tinyImages(32, imageSeed);
  const encoder = tinyEncoder(1);
  const { history } = await pretrain({
    method,
    encoder,
    data: images,
    epochs: training[name].epochs,
    batchSize: 16,
    optimizer: tf.train.adam(training[name].lr),
    seed: 3,
  });
  expect(history.every((h) => Number.isFinite(h.loss))).toBe(true);
  const v = outputs(method, images, checks[name].key);
  method.dispose();
  encoder.dispose();
  images.dispose();
  return v;
}

describeBackends(
  'non-collapse',
  () => {
    for (const [name, make] of Object.entries(makers)) {
      it(`${name}: the normalised embeddings keep their spread`, async () => {
        expect(await trainedSpread(name, make())).toBeGreaterThan(checks[name].floor);
      });
    }
    it('dino: the floor catches both collapses (no centering, no sharpening)', async () => {
      const noCenter = await trainedSpread('dino', tinyDino({ centerMomentum: 1 }));
      const noSharpen = await trainedSpread(
        'dino',
        tinyDino({ teacherTemperature: 0.1, warmupTeacherTemperature: 0.1 }),
      );
      expect(noCenter).toBeLessThan(checks.dino.floor);
      expect(noSharpen).toBeLessThan(checks.dino.floor);
    });
  },
  ['cpu'],
);
