import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectAllClose } from '@ssl/test-utils';
import { pretrain, type PretrainOptions } from '../pretrain';
import { simclr } from '../methods/simclr';
import { nodeCheckpointIO } from '../io/checkpoint';
import { noiseAugment, tinyEncoder, tinyImages } from '../testing/fixtures';
import { stepCheckpoints } from './step-checkpoints';

describe('stepCheckpoints: checkpoints inside an epoch, exact resume', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-step-ckpt-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (opts: Partial<PretrainOptions<tf.Tensor4D>>) => {
    const images = tinyImages(16); // 4 steps of 4 an epoch; the order drawn from the run's generator
    const encoder = tinyEncoder(1);
    const method = simclr({ projectionDim: 8, hiddenDim: 16, augment: noiseAugment });
    const optimizer = tf.train.adam(0.01);
    const r = await pretrain({
      method,
      encoder,
      data: images,
      epochs: 3,
      batchSize: 4,
      optimizer,
      seed: 7,
      ...opts,
    });
    const weights = encoder.getWeights().map((w) => Array.from(w.dataSync()));
    method.dispose();
    optimizer.dispose();
    encoder.dispose();
    images.dispose();
    return { ...r, weights };
  };

  it('interrupted at step 5 (inside epoch 1): resumes at step 6 with the losses and weights of the uninterrupted run', async () => {
    const full = await run({});
    expect(full.history).toHaveLength(12);
    const ckpt = path.join(dir, 'interrupted');
    const cb = stepCheckpoints({ dir: ckpt, io: nodeCheckpointIO });
    const first = await run({
      checkpointDir: ckpt,
      checkpointIO: nodeCheckpointIO,
      callbacks: [{ onStepEnd: (l) => (l.step === 5 ? cb.interrupt('SIGINT') : undefined) }, cb],
    });
    expect(first.stopReason).toBe('interrupted (SIGINT)');
    expect(first.history.map((h) => h.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cb.savedStep).toBe(6);
    const resumed = await run({
      checkpointDir: ckpt,
      checkpointIO: nodeCheckpointIO,
      resume: true,
    });
    expect(resumed.startStep).toBe(6);
    expect(resumed.history.map((h) => h.step)).toEqual([6, 7, 8, 9, 10, 11]);
    expectAllClose(
      [...first.history, ...resumed.history].map((h) => h.loss),
      full.history.map((h) => h.loss),
      { atol: 1e-5, rtol: 1e-4 },
    );
    resumed.weights.forEach((w, i) =>
      expectAllClose(w, full.weights[i], { atol: 1e-5, rtol: 1e-4 }),
    );
  });

  it("every N steps, across epoch ends; an interrupt on an epoch's last step saves at the epoch end", async () => {
    const full = await run({});
    const ckpt = path.join(dir, 'every');
    const cb = stepCheckpoints({ dir: ckpt, io: nodeCheckpointIO, everySteps: 3 });
    const first = await run({
      checkpointDir: ckpt,
      checkpointIO: nodeCheckpointIO,
      checkpointEvery: 100, // no epoch-end checkpoints of its own
      callbacks: [{ onStepEnd: (l) => (l.step === 7 ? cb.interrupt('SIGTERM') : undefined) }, cb],
    });
    // step 7 ends epoch 1: the run completes that epoch and checkpoints at its end
    expect(first.history.map((h) => h.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(cb.savedStep).toBe(8);
    const resumed = await run({
      checkpointDir: ckpt,
      checkpointIO: nodeCheckpointIO,
      resume: true,
    });
    expect(resumed.startStep).toBe(8);
    expectAllClose(
      [...first.history, ...resumed.history].map((h) => h.loss),
      full.history.map((h) => h.loss),
      { atol: 1e-5, rtol: 1e-4 },
    );
    expect(() => stepCheckpoints({ dir: ckpt, io: nodeCheckpointIO, everySteps: 0 })).toThrow(
      'stepCheckpoints: everySteps must be an integer >= 1, got 0',
    );
  });
});
