import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '@ssl/backends';
import { convEncoder } from '@ssl/encoders';
import { randomArray } from '@ssl/test-utils';
import { pretrain, type PretrainResult } from '../pretrain';
import { defineMethod } from '../methods/define-method';
import { simclr } from '../methods/simclr';
import { moco } from '../methods/moco';
import { nodeCheckpointIO } from '../io/checkpoint';
import { noiseAugment } from '../testing/fixtures';
import { nodeWorkerHandle, nodeWorkerScript } from './node-spawn';

// pretrain({ workers }) end to end: the loss curve of one thread, same seed same numbers,
// checkpoints across worker counts, a failing worker, flat memory, bad input.

const SHAPE: [number, number, number] = [16, 16, 1];
const N = 64;
const images = () => tf.tensor4d(randomArray(N * 16 * 16, 9, 0, 1), [N, ...SHAPE]);
// batch norm in the encoder and the heads: synchronized across workers, so exact
const encoder = () =>
  convEncoder({ inputShape: SHAPE, filters: [4, 8, 8], seed: 3, batchNorm: true });
// a light augmentation (noise): an easy problem, so that the loss falls; the temperature is
// pinned (not the default) so that the per-worker batch-norm comparison below keeps its scale
const exact = () =>
  simclr({ projectionDim: 8, hiddenDim: 16, temperature: 0.5, augment: noiseAugment });

async function run(workers: number, extra: Record<string, unknown> = {}): Promise<PretrainResult> {
  const data = images();
  const enc = encoder();
  const method = (extra.method as ReturnType<typeof exact>) ?? exact();
  const optimizer = tf.train.adam(3e-3);
  try {
    return await pretrain({
      method,
      encoder: enc,
      data,
      epochs: 5,
      batchSize: 16,
      seed: 4,
      optimizer,
      workers,
      ...extra,
    });
  } finally {
    optimizer.dispose();
    method.dispose();
    enc.dispose();
    data.dispose();
  }
}

const losses = (r: PretrainResult) => r.history.map((h) => h.loss);

beforeAll(async () => {
  await useBackend('wasm', { quiet: true });
});

describe('pretrain({ workers: 2 })', () => {
  it('follows the one-thread loss curve over 20 steps (relative 1e-4) and keeps memory flat everywhere', async () => {
    const one = await run(1);
    const before = tf.memory().numTensors;
    const two = await run(2);
    expect(tf.memory().numTensors).toBe(before);
    expect(two.workers).toBe(2);
    expect(two.history).toHaveLength(20);
    const a = losses(one);
    const b = losses(two);
    b.forEach((l, i) => expect(Math.abs(l - a[i]) / Math.abs(a[i])).toBeLessThan(1e-4));
    expect(a[19]).toBeLessThan(a[0] - 0.1); // it trains (so the comparison is not of two flat lines)
    // every worker holds the same number of tensors after each step
    const counts = two.exchange!.map((e) => e.workerTensors);
    for (const c of counts.slice(1)) expect(c).toEqual(counts[0]);
  });

  it('gives the same numbers for the same seed', async () => {
    const x = await run(2);
    const y = await run(2);
    expect(losses(y)).toEqual(losses(x));
  });

  it('with syncBatchNorm: false (per-worker statistics) trains close to, not equal to, one thread', async () => {
    const a = losses(await run(1));
    const b = losses(await run(2, { syncBatchNorm: false }));
    expect(b.every(Number.isFinite)).toBe(true);
    expect(b.some((l, i) => Math.abs(l - a[i]) > 1e-5)).toBe(true); // statistics per shard of 8, not of 16
    expect(Math.abs(b[19] - a[19]) / a[19]).toBeLessThan(0.1);
  });

  it('resumes a checkpoint written with 2 workers on 1, and one written on 1 with 2', async () => {
    const full = losses(
      await run(1, {
        method: moco({ projectionDim: 8, hiddenDim: 16, headBatchNorm: false, queueSize: 32 }),
      }),
    );
    for (const [first, second] of [
      [2, 1],
      [1, 2],
    ]) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssl-workers-'));
      try {
        const mk = () =>
          moco({ projectionDim: 8, hiddenDim: 16, headBatchNorm: false, queueSize: 32 });
        const io = { checkpointDir: dir, checkpointIO: nodeCheckpointIO };
        const a = await run(first, { method: mk(), epochs: 2, ...io });
        const b = await run(second, { method: mk(), epochs: 5, resume: true, ...io });
        expect(b.startStep).toBe(8);
        const joined = [...losses(a), ...losses(b)];
        joined.forEach((l, i) =>
          expect(Math.abs(l - full[i]) / Math.abs(full[i])).toBeLessThan(1e-4),
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("stops with the failing worker's message, and no thread is left behind", async () => {
    const fixture = path.join(__dirname, 'testing', 'fail-in-worker.cjs');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { FailInWorker } = require(fixture) as {
      FailInWorker: new (c: object) => tfl.layers.Layer;
    };
    const enc = tfl.sequential({
      layers: [
        new FailInWorker({ inputShape: SHAPE, failAt: 3 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 8 }),
      ],
    });
    const exits: Promise<number>[] = [];
    const spawnWorker = (rank: number) => {
      const w = new Worker(nodeWorkerScript(), { workerData: { rank } });
      exits.push(new Promise((resolve) => w.once('exit', resolve)));
      return nodeWorkerHandle(w);
    };
    const data = images();
    const method = exact();
    try {
      await expect(
        pretrain({
          method,
          encoder: enc,
          data,
          epochs: 3,
          batchSize: 16,
          workers: 2,
          spawnWorker,
          workerImports: [fixture],
        }),
      ).rejects.toThrow(/worker 1: FailInWorker: injected failure on call 3/);
      expect(exits).toHaveLength(2);
      await Promise.all(exits); // both threads are gone (a hang here fails the test on its timeout)
    } finally {
      method.dispose();
      enc.dispose();
      data.dispose();
    }
  });

  it('refuses bad input with one line', async () => {
    await expect(run(0)).rejects.toThrow(
      "pretrain: workers must be 'auto' or an integer >= 1, got 0",
    );
    await expect(run(1.5)).rejects.toThrow(
      /pretrain: workers must be 'auto' or an integer >= 1, got 1.5/,
    );
    await expect(run(32)).rejects.toThrow('pretrain: workers (32) must be <= batchSize (16)');
    const custom = defineMethod({
      name: 'custom',
      build: () => ({}),
      trainableVariables: (p) => p.encoder.trainableWeights.map((w) => w.read() as tf.Variable),
      prepare: (_p, batch) => ({ x: tf.clone(batch.images) }),
      forward: (p, v) => ({ z: p.encoder.apply(v.x) as tf.Tensor }),
      loss: (_p, o) => ({ loss: tf.mean(tf.square(o.z)) as tf.Scalar }),
    });
    await expect(run(2, { method: custom })).rejects.toThrow(
      /pretrain: workers > 1 needs a method made by a registered factory .*'custom' has no recipe/,
    );
  });

  it("'auto' resolves to the available cores (capped by half the batch)", async () => {
    const r = await run(1, { workers: 'auto', epochs: 1 });
    expect(r.workers).toBe(Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
  });
});
