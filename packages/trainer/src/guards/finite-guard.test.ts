import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '@ssl/test-utils';
import { pretrain } from '../pretrain';
import { simclr } from '../methods/simclr';
import { lars } from '../optimizers/lars';
import { noiseAugment, tinyEncoder, tinyImages } from '../testing/fixtures';
import { checkpointValues } from '../testing/checkpoint-values';
import { poisonMethod } from '../testing/poison-method';
import { readCheckpointInfo, saveCheckpoint } from '../io/checkpoint';
import { scanTensors } from './scan-tensors';
import { finiteGuard, uniformLoss } from './finite-guard';

const allFinite = (xs: number[]) => xs.every(Number.isFinite);

describe('finiteness guard', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-guard-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scanTensors names the first non-finite tensor and the largest magnitude (naive loop)', async () => {
    const a = tf.tensor1d([1, -7, 2]);
    const b = tf.tensor1d([0, Infinity]);
    const c = tf.tensor1d([NaN, 3]);
    const i = tf.scalar(5, 'int32');
    const s = await scanTensors([
      { name: 'a', tensor: a },
      { name: 'i', tensor: i },
      { name: 'b', tensor: b },
      { name: 'c', tensor: c },
    ]);
    expect(s.firstNonFinite).toBe('b');
    expect(s.maxAbs).toBe(7);
    expect(s.maxAbsName).toBe('a');
    expect((await scanTensors([{ name: 'a', tensor: a }])).firstNonFinite).toBeNull();
    tf.dispose([a, b, c, i]);
  });

  it('uniformLoss is ln(2B-1) for SimCLR only', () => {
    expect(uniformLoss('simclr', 64)).toBeCloseTo(Math.log(127), 12);
    expect(uniformLoss('byol', 64)).toBeUndefined();
  });

  it('NaN gradients at step k (finite loss) stop the run, naming the step and the tensor; the checkpoint stays finite; a sane resume continues', async () => {
    const images = tinyImages(16);
    const ckpt = path.join(dir, 'nan-grad');
    const run = async (nanGradAt: number | undefined, resume: boolean) => {
      const encoder = tinyEncoder(1);
      const method = poisonMethod({ nanGradAt });
      const optimizer = tf.train.adam(0.01);
      const r = await pretrain({
        method,
        encoder,
        data: images,
        epochs: 3,
        batchSize: 8,
        optimizer,
        seed: 2,
        checkpointDir: ckpt,
        resume,
      });
      method.dispose();
      optimizer.dispose();
      encoder.dispose();
      return r;
    };
    // steps 0,1 = epoch 0; 2,3 = epoch 1: the NaN update is the last step of epoch 1
    const bad = await run(3, false);
    expect(bad.stopReason).toMatch(
      /pretrain: (encoder|method|optimizer)\/\S+ holds non-finite values after the update of epoch 1, step 3/,
    );
    expect(bad.history.map((h) => h.step)).toEqual([0, 1, 2, 3]);
    expect(allFinite(bad.history.map((h) => h.loss))).toBe(true); // the loss alone never showed it
    expect((await readCheckpointInfo(ckpt))?.epoch).toBe(1); // epoch 1 ended on a bad step: not saved
    const values = checkpointValues(ckpt);
    expect(allFinite(values.encoder) && allFinite(values.state)).toBe(true);
    const resumed = await run(undefined, true);
    expect(resumed.startEpoch).toBe(1);
    expect(resumed.stopReason).toBeUndefined();
    expect(resumed.history.map((h) => h.step)).toEqual([2, 3, 4, 5]);
    expect(allFinite(resumed.history.map((h) => h.loss))).toBe(true);
    expect((await readCheckpointInfo(ckpt))?.epoch).toBe(3);
    images.dispose();
  });

  it('a NaN loss at step k stops the run at k', async () => {
    const images = tinyImages(16);
    const encoder = tinyEncoder(1);
    const method = poisonMethod({ nanLossAt: 2 });
    const r = await pretrain({ method, encoder, data: images, epochs: 3, batchSize: 8 });
    expect(r.stopReason).toMatch(/loss is NaN at epoch 1, step 2/);
    expect(r.history).toHaveLength(3);
    method.dispose();
    encoder.dispose();
    images.dispose();
  });

  it.each([
    ['sgd', () => tf.train.sgd(1e6)],
    ['adam', () => tf.train.adam(1e6)],
    ['lars', () => lars({ learningRate: 1e6 })],
  ])(
    'SimCLR at lr 1e6 with %s: never a non-finite checkpoint; divergence is stopped or warned',
    async (_name, makeOpt) => {
      const images = tinyImages(32);
      const ckpt = path.join(dir, `lr-${_name}`);
      const encoder = tinyEncoder(1);
      const method = simclr({ projectionDim: 8, hiddenDim: 16, augment: noiseAugment });
      const optimizer = makeOpt();
      const warnings: string[] = [];
      const warn = jest.spyOn(console, 'warn').mockImplementation((m) => void warnings.push(m));
      const r = await pretrain({
        method,
        encoder,
        data: images,
        epochs: 6,
        batchSize: 8,
        optimizer,
        seed: 3,
        checkpointDir: ckpt,
      });
      warn.mockRestore();
      // diverged: either stopped on a non-finite value, or warned that it explodes / collapsed
      expect(r.stopReason !== undefined || warnings.length > 0).toBe(true);
      const info = await readCheckpointInfo(ckpt);
      if (info) {
        const values = checkpointValues(ckpt);
        expect(allFinite(values.encoder) && allFinite(values.state)).toBe(true);
      }
      method.dispose();
      optimizer.dispose();
      encoder.dispose();
      images.dispose();
    },
  );

  it('warns once when the loss sits at the uniform value', async () => {
    const warnings: string[] = [];
    const guard = finiteGuard({ uniformLoss: 2, patience: 3, warn: (m) => warnings.push(m) });
    const encoder = tinyEncoder(1);
    const method = poisonMethod();
    method.build(encoder, {} as never);
    const parts = { encoder, method, optimizer: tf.train.sgd(0.1) };
    for (let s = 0; s < 6; s++)
      expect(
        await guard.afterStep({ step: s, epoch: 0, loss: 2 + 1e-4, lr: 0.1 }, parts),
      ).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/sat at 2.0000 .* for 3 steps up to step 2/);
    expect(guard.tripped).toBe(false);
    method.dispose();
    encoder.dispose();
  });

  it('saveCheckpoint refuses a non-finite state, naming the tensor, and keeps the previous checkpoint', async () => {
    const ckpt = path.join(dir, 'refuse');
    const encoder = tinyEncoder(1);
    const method = poisonMethod();
    method.build(encoder, {} as never);
    const optimizer = tf.train.sgd(0.1);
    const parts = { encoder, method, optimizer };
    const state = { epoch: 1, step: 2, seed: 0, rngState: null, method: 'poison' };
    await saveCheckpoint(ckpt, parts, state);
    (method.getState().tensors.head as tf.Variable).assign(tf.tensor1d(new Array(16).fill(NaN)));
    await expect(saveCheckpoint(ckpt, parts, { ...state, step: 4 })).rejects.toThrow(
      /checkpoint: refusing to save step 4 .*: method\/head holds non-finite values/,
    );
    expect((await readCheckpointInfo(ckpt))?.step).toBe(2);
    method.dispose();
    encoder.dispose();
  });
});
