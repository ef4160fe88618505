import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';

import { transformerEncoder } from '@ssl/encoders';
import { fineTune } from './fine-tune';
import { linearProbe } from './linear-probe';
import { quadrantImages, tinyEncoder } from './test-helpers';

/** Flip left-right with a seeded coin per call: a stand-in for @ssl/augment. */
const flipAugment = (x: tf.Tensor4D, seed: number): tf.Tensor4D =>
  tf.tidy(() => (seed % 2 === 0 ? x : (tf.reverse(x, 2) as tf.Tensor4D)));

// Training a conv net needs the WASM training kernels of @ssl/backends (tfjs's
// own WASM backend lacks Conv2DBackpropFilter), so the end-to-end runs use cpu.
describeBackends(
  'fineTune',
  () => {
    it('learns the quadrant task end to end (accuracy 1) from a fresh encoder', async () => {
      const train = quadrantImages(4, 1);
      const test = quadrantImages(10, 2);
      const encoder = tinyEncoder(5);
      const { accuracy, trainAccuracy } = await fineTune({
        encoder,
        train,
        test,
        epochs: 25,
        lr: 0.05,
        batchSize: 16,
      });
      expect(trainAccuracy).toBe(1);
      expect(accuracy).toBe(1);
      tf.dispose([train.images, train.labels, test.images, test.labels]);
      encoder.dispose();
    });

    it("never changes the caller's encoder, is deterministic, and frees all it made", async () => {
      const train = quadrantImages(3, 3);
      const test = quadrantImages(3, 4);
      const encoder = tinyEncoder(6);
      const before = encoder.getWeights().map((w) => Array.from(w.dataSync()));
      const run = async () => {
        const { classifier, ...figures } = await fineTune({
          encoder,
          train,
          test,
          epochs: 2,
          lr: 0.05,
          batchSize: 4,
          seed: 9,
          augment: flipAugment,
        });
        classifier.dispose();
        return figures;
      };
      let a = { accuracy: -1, trainAccuracy: -1 };
      await expectNoLeak(async () => {
        a = await run();
      });
      expect(await run()).toEqual(a);
      const after = encoder.getWeights().map((w) => Array.from(w.dataSync()));
      expect(after).toEqual(before);
      // The copy had its own variables: the caller's model still predicts.
      const out = encoder.predict(test.images) as tf.Tensor;
      expect(out.shape).toEqual([12, 8]);
      tf.dispose([out, train.images, train.labels, test.images, test.labels]);
      encoder.dispose();
    });

    it("headInit 'probe' starts from the linear probe: the folded head scores exactly as linearProbe", async () => {
      const train = quadrantImages(3, 11);
      const test = quadrantImages(8, 12);
      const encoder = tinyEncoder(13);
      const probe = { epochs: 20, lr: 0.05, l2: 1e-2, batchSize: 4 };
      const expected = await linearProbe({ encoder, train, test, ...probe, seed: 3 });
      // One step with a negligible learning rate, batch norm frozen: the model is the probe.
      const tuned = await fineTune({
        encoder,
        train,
        test,
        epochs: 1,
        batchSize: 12,
        lr: 1e-9,
        seed: 3,
        freezeBatchNorm: true,
        headInit: 'probe',
        probe,
      });
      expect(tuned.accuracy).toBe(expected.accuracy);
      expect(tuned.trainAccuracy).toBe(expected.trainAccuracy);
      expect(expected.accuracy).toBeGreaterThan(0.25);
      tf.dispose([train.images, train.labels, test.images, test.labels]);
      encoder.dispose();
    });

    it('with freezeBatchNorm keeps the encoder in inference mode and still trains the head', async () => {
      const train = quadrantImages(4, 5);
      const test = quadrantImages(5, 6);
      const encoder = tinyEncoder(7);
      const { trainAccuracy } = await fineTune({
        encoder,
        train,
        test,
        epochs: 15,
        lr: 0.02,
        batchSize: 16,
        freezeBatchNorm: true,
      });
      expect(trainAccuracy).toBeGreaterThan(0.5);
      tf.dispose([train.images, train.labels, test.images, test.labels]);
      encoder.dispose();
    });
  },
  ['cpu'],
);

describeBackends(
  'fineTune errors',
  () => {
    it('names the argument and what came', async () => {
      const set = quadrantImages(1, 1);
      const encoder = tinyEncoder(1);
      const flat = { images: tf.zeros([4, 64]) as tf.Tensor2D, labels: set.labels };
      await expect(fineTune({ encoder, train: flat, test: set })).rejects.toThrow(
        'fineTune: train.images and test.images must be 4-D [N, H, W, C], got [4,64] and [4,8,8,1]',
      );
      await expect(fineTune({ encoder: {} as never, train: set, test: set })).rejects.toThrow(
        /fineTune: encoder must be a tfjs LayersModel/,
      );
      await expect(fineTune({ encoder, train: set, test: set, batchSize: 2.5 })).rejects.toThrow(
        'fineTune: batchSize must be an integer >= 1, got 2.5',
      );
      await expect(
        fineTune({ encoder, train: set, test: set, augment: 3 as never }),
      ).rejects.toThrow(
        'fineTune: augment must be a function (images, seed) => images, got number',
      );
      const nan = { images: tf.fill([4, 8, 8, 1], NaN) as tf.Tensor4D, labels: set.labels };
      await expect(fineTune({ encoder, train: nan, test: set, epochs: 3 })).rejects.toThrow(
        /fineTune: the loss became (NaN|Infinity|-Infinity) at step \d+; lower lr/,
      );
      await expect(
        fineTune({ encoder, train: set, test: set, headInit: 'zeros' as never }),
      ).rejects.toThrow(`fineTune: headInit must be 'random' or 'probe', got "zeros"`);
      tf.dispose([set.images, set.labels, flat.images, nan.images]);
      encoder.dispose();
    });
  },
  ['cpu'],
);

describeBackends(
  'fineTune on text',
  () => {
    it('fine-tunes a transformer on named inputs { inputIds, attentionMask } (masked mean pooling)', async () => {
      // label 1 when token 5 occurs: a linear function of the mean-pooled embeddings
      const rows: number[][] = [];
      const ys: number[] = [];
      for (let i = 0; i < 24; i++) {
        const len = 3 + (i % 3);
        const r = Array.from({ length: 6 }, (_, t) => (t < len ? 6 + ((i * 7 + t * 3) % 6) : 0));
        if (i % 2 === 0) r[1 + (i % (len - 1))] = 5;
        rows.push(r);
        ys.push(i % 2 === 0 ? 1 : 0);
      }
      const inputIds = tf.tensor2d(rows, undefined, 'int32');
      const attentionMask = tf.tensor2d(
        rows.map((r) => r.map((v) => (v === 0 ? 0 : 1))),
        undefined,
        'int32',
      );
      const labels = tf.tensor1d(ys, 'int32');
      const encoder = transformerEncoder({
        vocabSize: 12,
        maxLength: 6,
        dModel: 16,
        numHeads: 2,
        numLayers: 1,
        ffnDim: 16,
        dropout: 0,
        seed: 1,
      });
      const before = encoder.getWeights().map((w) => Array.from(w.dataSync()));
      const set = { images: { inputIds, attentionMask }, labels };
      const { trainAccuracy, accuracy } = await fineTune({
        encoder,
        train: set,
        test: set,
        epochs: 15,
        batchSize: 8,
        lr: 1e-2,
        seed: 2,
      });
      expect(trainAccuracy).toBeGreaterThanOrEqual(0.9); // chance is 0.5
      expect(accuracy).toBe(trainAccuracy);
      encoder.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(before[i]));
      await expect(fineTune({ encoder, train: set, test: set, augment: (x) => x })).rejects.toThrow(
        /fineTune: augment needs images \[N, H, W, C\] as train.images/,
      );
      tf.dispose([inputIds, attentionMask, labels]);
      encoder.dispose();
    });
  },
  ['cpu'],
);
