import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRng, permutation } from '@ssl/augment';
import { vit, convEncoder } from '@ssl/encoders';
import { patchify } from '@ssl/losses';
import { describeBackends, expectAllClose, uniformFn } from '@ssl/test-utils';
import { pretrain, type PretrainOptions } from '../pretrain';
import { mae, maskedCount, randomPatchMask } from './mae';

const VIT = {
  inputShape: [8, 8, 1] as [number, number, number],
  patchSize: 2,
  dim: 16,
  depth: 1,
  heads: 2,
  mlpRatio: 2,
};
const SMALL = { decoderDim: 16, decoderDepth: 1, decoderHeads: 2 };

/** `n` images 8x8 of a plane a + b·x + c·y (a, b, c seeded): a hidden patch follows from the visible ones. */
function planes(n: number, seed: number): tf.Tensor4D {
  const r = uniformFn(seed);
  const data = new Float32Array(n * 64);
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [r() * 0.4, r() * 0.3, r() * 0.3];
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) data[i * 64 + y * 8 + x] = a + (b * x) / 7 + (c * y) / 7;
  }
  return tf.tensor4d(data, [n, 8, 8, 1]);
}

describe('randomPatchMask', () => {
  it('masks exactly round(L · ratio) patches per example, as one permutation per example (naive code)', () => {
    for (const [l, ratio] of [
      [16, 0.75],
      [49, 0.75],
      [10, 0.5],
      [7, 0.1],
    ]) {
      const b = 5;
      const { keep, mask, visible } = randomPatchMask(b, l, ratio, createRng(3));
      const masked = Math.round(l * ratio);
      expect(visible).toBe(l - masked);
      // the naive reference: per example, a fresh permutation from the same stream; its first `masked` are hidden
      const rng = createRng(3);
      for (let e = 0; e < b; e++) {
        const perm = Array.from(permutation(l, rng));
        const hidden = new Set(perm.slice(0, masked));
        const row = Array.from(mask.subarray(e * l, (e + 1) * l));
        expect(row.reduce((s, v) => s + v, 0)).toBe(masked);
        row.forEach((v, i) => expect(v).toBe(hidden.has(i) ? 1 : 0));
        const kept = Array.from(keep.subarray(e * visible, (e + 1) * visible));
        expect(kept).toEqual(perm.slice(masked).sort((x, y) => x - y));
      }
    }
  });

  it('same seed, same mask; another seed, another', () => {
    const a = randomPatchMask(4, 16, 0.75, createRng(9));
    const b = randomPatchMask(4, 16, 0.75, createRng(9));
    const c = randomPatchMask(4, 16, 0.75, createRng(10));
    expect(Array.from(a.mask)).toEqual(Array.from(b.mask));
    expect(Array.from(a.mask)).not.toEqual(Array.from(c.mask));
  });

  it('is uniform over patches and independent across examples (statistics of 4000 examples)', () => {
    const [n, l, r] = [4000, 16, 0.75];
    const { mask } = randomPatchMask(n, l, r, createRng(1));
    // each patch is masked with probability 12/16 = 0.75 (binomial sd ~0.007)
    for (let i = 0; i < l; i++) {
      let c = 0;
      for (let e = 0; e < n; e++) c += mask[e * l + i];
      expect(Math.abs(c / n - 0.75)).toBeLessThan(0.03);
    }
    // consecutive examples: if independent, patch i agrees with probability 0.75² + 0.25² = 0.625
    let agree = 0;
    let identical = 0;
    for (let e = 0; e + 1 < n; e++) {
      let same = 0;
      for (let i = 0; i < l; i++) same += mask[e * l + i] === mask[(e + 1) * l + i] ? 1 : 0;
      agree += same;
      if (same === l) identical++;
    }
    expect(Math.abs(agree / ((n - 1) * l) - 0.625)).toBeLessThan(0.01);
    expect(identical).toBeLessThan(10); // 1 / C(16, 12) = 1/1820 per pair
  });
});

describe('mae options', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('refuses a mask ratio of 0 or 1 (and bad decoders) with one line', () => {
    expect(() => mae({ maskRatio: 0 })).toThrow(
      'mae: maskRatio must be a number in (0, 1) (0 hides nothing, 1 leaves the encoder nothing), got 0',
    );
    expect(() => mae({ maskRatio: 1 })).toThrow(/^mae: maskRatio must be a number in \(0, 1\)/);
    expect(() => mae({ decoderDim: 18, decoderHeads: 4 })).toThrow(
      'mae: decoderDim (18) must be divisible by decoderHeads (4) and by 4 (sin-cos positions)',
    );
  });

  it('refuses at build a ratio that rounds to no masked (or no visible) patch, and a non-ViT encoder', async () => {
    const ctx = {
      inputShape: [8, 8, 1],
      seed: 1,
      rng: createRng(1),
      batchSize: 4,
      stepsPerEpoch: 1,
      totalSteps: 1,
      epochs: 1,
    };
    const enc = vit(VIT);
    expect(maskedCount(16, 0.02)).toBe(0);
    await expect(mae({ maskRatio: 0.02 }).build(enc, ctx)).rejects.toThrow(
      'mae: maskRatio 0.02 masks 0 of 16 patches; it must mask at least 1 and leave at least 1',
    );
    await expect(mae({ maskRatio: 0.99 }).build(enc, ctx)).rejects.toThrow(
      'masks 16 of 16 patches',
    );
    const conv = convEncoder({ inputShape: [16, 16, 1] });
    await expect(mae().build(conv, { ...ctx, inputShape: [16, 16, 1] })).rejects.toThrow(
      "mae: the encoder must be a Vision Transformer built by vit() from @ssl/encoders (MAE runs it on the visible patches only), got model 'conv_encoder'",
    );
    enc.dispose();
    conv.dispose();
  });
});

// Training tests on wasm only (the pure-JS cpu backend is 2-3x slower per step here; the ops are
// the ones of @ssl/encoders and @ssl/losses, whose tests run on both).
describeBackends(
  'mae',
  () => {
    it('reconstructs hidden patches of a toy problem far better than the mean patch', async () => {
      const train = planes(64, 1);
      const encoder = vit({ ...VIT, seed: 2 });
      const method = mae({ ...SMALL, normPixels: false, maskRatio: 0.5 });
      const optimizer = tf.train.adam(1e-2);
      const { history } = await pretrain({
        method,
        encoder,
        data: train,
        epochs: 30,
        batchSize: 32,
        optimizer,
        seed: 4,
      });
      expect(history.every((h) => Number.isFinite(h.loss))).toBe(true);
      // held-out images, fresh masks: the masked MSE against the trivial predictor (the training set's mean patch)
      const test = planes(64, 2);
      const ctx = {
        step: 0,
        epoch: 0,
        totalSteps: 1,
        stepsPerEpoch: 1,
        lr: 0,
        rng: createRng(5),
        record: () => {},
      };
      const views = method.prepare({ images: test }, ctx);
      const [mse, trivial] = tf.tidy(() => {
        const { pred, target, mask } = method.forward(views, ctx);
        const err = tf.mean(tf.square(tf.sub(pred, target)), -1); // [B, L]
        const meanPatch = tf.mean(patchify(train, 2), [0, 1]); // [P]
        const base = tf.mean(tf.square(tf.sub(target, meanPatch)), -1);
        const m = tf.sum(mask);
        return [
          tf.div(tf.sum(tf.mul(err, mask)), m).dataSync()[0],
          tf.div(tf.sum(tf.mul(base, mask)), m).dataSync()[0],
        ];
      });
      expect(mse).toBeLessThan(0.25 * trivial);
      tf.dispose(views);
      tf.dispose([train, test]);
      method.dispose();
      optimizer.dispose();
      encoder.dispose();
    }, 30000);

    it('keeps tf.memory().numTensors flat over steps; same seed, same losses', async () => {
      const images = planes(16, 3);
      const run = async () => {
        const before = tf.memory().numTensors;
        const encoder = vit(VIT);
        const method = mae(SMALL);
        const optimizer = tf.train.adam(1e-3);
        const counts: number[] = [];
        const r = await pretrain({
          method,
          encoder,
          data: images,
          epochs: 3,
          batchSize: 8,
          optimizer,
          seed: 3,
          callbacks: [{ onStepEnd: () => void counts.push(tf.memory().numTensors) }],
        });
        method.dispose();
        optimizer.dispose();
        encoder.dispose();
        // nothing left behind: the decoder, its mask token and positions are freed too
        expect(tf.memory().numTensors).toBe(before);
        return { counts, losses: r.history.map((h) => h.loss) };
      };
      const a = await run();
      expect(a.counts.length).toBe(6);
      for (let i = 2; i < a.counts.length; i++) expect(a.counts[i]).toBe(a.counts[1]);
      const b = await run();
      expect(b.losses).toEqual(a.losses);
      images.dispose();
    });

    it('checkpoints and resumes exactly (decoder, mask token, encoder and the mask stream)', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-mae-'));
      const images = planes(16, 4);
      const run = async (opts: Partial<PretrainOptions<tf.Tensor4D>>) => {
        const encoder = vit(VIT);
        const method = mae(SMALL);
        const optimizer = tf.train.adam(3e-3);
        const r = await pretrain({
          method,
          encoder,
          data: images,
          epochs: 3,
          batchSize: 8,
          optimizer,
          seed: 6,
          ...opts,
        });
        method.dispose();
        optimizer.dispose();
        encoder.dispose();
        return r;
      };
      try {
        const full = await run({});
        const ckpt = path.join(dir, 'run');
        const first = await run({
          checkpointDir: ckpt,
          callbacks: [
            { onStepEnd: (l, control) => (l.step === 2 ? control.stop('killed') : undefined) },
          ],
        });
        expect(first.history.map((h) => h.step)).toEqual([0, 1, 2]); // stopped inside epoch 1
        const resumed = await run({ checkpointDir: ckpt, resume: true });
        expect(resumed.startStep).toBe(2);
        const losses = [...first.history.slice(0, 2), ...resumed.history].map((h) => h.loss);
        expectAllClose(
          losses,
          full.history.map((h) => h.loss),
          { atol: 1e-5, rtol: 1e-4 },
        );
      } finally {
        images.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
  ['wasm'],
);
