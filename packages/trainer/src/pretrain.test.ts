import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import { describeBackends } from '@ssl/test-utils';
import { pretrain } from './pretrain';
import { simclr } from './methods/simclr';
import type { AnyMethod } from './methods/method';
import { batchImages } from './methods/views';
import { warmupCosine } from './schedules/warmup-cosine';
import { noiseAugment, tinyEncoder, tinyImages } from './testing/fixtures';
import { trainableVariables } from './methods/model-state';

const small = () => simclr({ projectionDim: 8, hiddenDim: 16, augment: noiseAugment });

/** A method whose loss is mean(encoder(x)^2) * factor(step): NaN from a given step on. */
function probeMethod(nanFrom = Infinity): AnyMethod & { batches: number[][] } {
  let encoder: import('@tensorflow/tfjs-layers').LayersModel;
  const batches: number[][] = [];
  return {
    name: 'probe',
    inputKey: 'images',
    batches,
    build(enc) {
      encoder = enc;
    },
    trainableVariables: () => trainableVariables(encoder),
    prepare(batch) {
      const images = batchImages('probe', batch);
      batches.push(Array.from(tf.tidy(() => tf.sum(images, [1, 2, 3])).dataSync()));
      return { images: tf.clone(images) };
    },
    forward: ({ images }) => ({ y: encoder.apply(images, { training: true }) as tf.Tensor }),
    loss({ y }, ctx) {
      ctx.record('twice', tf.scalar(ctx.step * 2));
      return tf.tidy(() => {
        const l = tf.mean(tf.square(y)) as tf.Scalar;
        return { loss: ctx.step >= nanFrom ? (tf.mul(l, NaN) as tf.Scalar) : l };
      });
    },
    metrics: (ctx) => ({ plusOne: ctx.step + 1 }),
    getState: () => ({ tensors: {} }),
    setState: () => undefined,
    dispose: () => undefined,
  };
}

describeBackends(
  'pretrain',
  () => {
    it('gives the same losses with the same seed, other losses with another seed', async () => {
      const images = tinyImages(16);
      const run = async (seed: number) => {
        const encoder = tinyEncoder(1);
        const method = small();
        const r = await pretrain({ method, encoder, data: images, epochs: 2, batchSize: 8, seed });
        method.dispose();
        encoder.dispose();
        return r;
      };
      const a = await run(7);
      const b = await run(7);
      const c = await run(8);
      expect(a.history.map((h) => h.loss)).toEqual(b.history.map((h) => h.loss));
      expect(a.history.map((h) => h.loss)).not.toEqual(c.history.map((h) => h.loss));
      expect(a.steps).toBe(4);
      expect(a.epochs).toHaveLength(2);
      expect(a.imagesPerSec).toBeGreaterThan(0);
      expect(a.history[0].imagesPerSec).toBeGreaterThan(0);
      images.dispose();
    });

    it('draws a seeded permutation per epoch: every example once per epoch', async () => {
      const n = 12;
      // image i is filled with i / 100, so a batch's sums identify its examples
      const images = tf.tidy(() =>
        tf.mul(tf.ones([n, 2, 2, 1]), tf.reshape(tf.div(tf.range(0, n), 100), [n, 1, 1, 1])),
      ) as tf.Tensor4D;
      const method = probeMethod();
      const encoder = tinyEncoder(1, [2, 2, 1]);
      await pretrain({ method, encoder, data: images, epochs: 2, batchSize: 4 });
      const ids = method.batches.map((b) => b.map((s) => Math.round((s / 4) * 100)));
      const epoch0 = ids
        .slice(0, 3)
        .flat()
        .sort((x, y) => x - y);
      const epoch1 = ids
        .slice(3, 6)
        .flat()
        .sort((x, y) => x - y);
      const all = Array.from({ length: n }, (_, i) => i);
      expect(epoch0).toEqual(all);
      expect(epoch1).toEqual(all);
      expect(ids.slice(0, 3).flat()).not.toEqual(ids.slice(3, 6).flat()); // reshuffled
      encoder.dispose();
      images.dispose();
    });

    it('reads a tf.data.Dataset of { image } objects, honours limit, logs method metrics and the schedule', async () => {
      const images = tinyImages(20);
      const list = tf.unstack(images).map((image, i) => ({ image, label: tf.scalar(i % 2) }));
      const ds = tfd.array(list);
      const method = probeMethod();
      const encoder = tinyEncoder(1);
      const schedule = warmupCosine({ baseLr: 0.1, warmupSteps: 2 });
      const lrs = schedule({ totalSteps: 4, stepsPerEpoch: 2 });
      const r = await pretrain({
        method,
        encoder,
        data: ds,
        epochs: 2,
        batchSize: 4,
        limit: 8,
        schedule,
      });
      expect(r.history).toHaveLength(4); // 8 examples / 4 = 2 steps per epoch
      expect(r.history.map((h) => h.lr)).toEqual([0, 1, 2, 3].map(lrs));
      expect(r.history[3].metrics).toEqual({ twice: 6, plusOne: 4 });
      encoder.dispose();
      tf.dispose(list.flatMap((e) => [e.image, e.label]));
      images.dispose();
    });

    it('stops at the first NaN loss and says which step and which loss', async () => {
      const images = tinyImages(16);
      const encoder = tinyEncoder(1);
      const seen: number[] = [];
      const r = await pretrain({
        method: probeMethod(3),
        encoder,
        data: images,
        epochs: 5,
        batchSize: 4,
        callbacks: [{ onStepEnd: (l) => void seen.push(l.step) }],
      });
      expect(seen).toEqual([0, 1, 2, 3]);
      expect(r.stopReason).toMatch(/loss is NaN at epoch 0, step 3/);
      expect(r.history).toHaveLength(4);
      encoder.dispose();
      images.dispose();
    });

    it('calls the callbacks in order and lets one stop training', async () => {
      const images = tinyImages(8);
      const encoder = tinyEncoder(1);
      const events: string[] = [];
      const r = await pretrain({
        method: probeMethod(),
        encoder,
        data: images,
        epochs: 3,
        batchSize: 4,
        callbacks: [
          {
            onTrainBegin: (i) => void events.push(`begin ${i.totalSteps}`),
            onEpochBegin: (e) => void events.push(`epoch ${e}`),
            onStepEnd: (l) => void events.push(`step ${l.step}`),
            onEpochEnd: (l, c) => {
              events.push(`end ${l.epoch}`);
              if (l.epoch === 1) c.stop('enough');
            },
            onTrainEnd: (i) => void events.push(`done ${i.epochsDone} ${i.stopReason}`),
          },
        ],
      });
      expect(events).toEqual([
        'begin 6',
        'epoch 0',
        'step 0',
        'step 1',
        'end 0',
        'epoch 1',
        'step 2',
        'step 3',
        'end 1',
        'done 2 enough',
      ]);
      expect(r.stopReason).toBe('enough');
      encoder.dispose();
      images.dispose();
    });

    it('refuses bad arguments with the argument named', async () => {
      const images = tinyImages(8);
      const encoder = tinyEncoder(1);
      const base = { method: probeMethod(), encoder, data: images, epochs: 1, batchSize: 4 };
      await expect(pretrain({ ...base, batchSize: 0 })).rejects.toThrow(
        /pretrain: batchSize must be an integer >= 1, got 0/,
      );
      await expect(pretrain({ ...base, epochs: 1.5 })).rejects.toThrow(/epochs/);
      await expect(pretrain({ ...base, batchSize: 9 })).rejects.toThrow(
        /batchSize 9 is larger than the 8 examples/,
      );
      await expect(pretrain({ ...base, resume: true })).rejects.toThrow(
        /resume needs checkpointDir/,
      );
      await expect(pretrain({ ...base, data: [1, 2] as never })).rejects.toThrow(
        /data must be a tensor/,
      );
      encoder.dispose();
      images.dispose();
    });
  },
  ['cpu'],
);
