import * as tf from '@tensorflow/tfjs-core';
import '@ssl/test-utils';
import { checkResume, describeData, epochsReached, type RunIdentity } from './resume-check';

const id: RunIdentity = {
  method: 'simclr',
  batchSize: 64,
  limit: 256,
  stepsPerEpoch: 4,
  data: 'tensor [256,28,28,1] float32 sum 1000',
};

describe('resume checks', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  it('accepts the same identity and old checkpoints without one', () => {
    expect(() => checkResume('runs/a', id, { ...id })).not.toThrow();
    expect(() => checkResume('runs/a', undefined, id)).not.toThrow();
  });

  it.each([
    [{ batchSize: 32 }, /written with batchSize 64 \(this run: 32\)/],
    [{ limit: null }, /limit 256 \(this run: null\)/],
    [{ method: 'byol' }, /method "simclr" \(this run: "byol"\)/],
    [{ data: 'dataset size 10' }, /data "tensor .*" \(this run: "dataset size 10"\)/],
  ])('refuses %j in one line', (change, message) => {
    const err = (() => {
      try {
        checkResume('runs/a', id, { ...id, ...change });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err?.message).toMatch(/^pretrain: cannot resume from runs\/a: /);
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toMatch(/\n/);
  });

  it('describeData: shape, dtype and the sum of a tensor (a naive sum); a dataset by its files', async () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4.5],
    ]);
    expect(await describeData(x)).toBe('tensor [2,2] float32 sum 10.50000');
    const a = await describeData({ size: 3, files: ['a', 'b', 'c'], classNames: [] });
    expect(a).toMatch(/^dataset size 3, 3 files [0-9a-f]{8}$/);
    expect(await describeData({ size: 3, files: ['a', 'b', 'd'] })).not.toBe(a);
    x.dispose();
  });

  it('epochsReached says what the checkpoint holds', () => {
    expect(epochsReached('runs/a', { epoch: 3, step: 12 }, 5)).toBeUndefined();
    expect(epochsReached('runs/a', { epoch: 5, step: 20 }, 5)).toMatch(
      /already holds epoch 5 \(step 20\); epochs 5 is reached/,
    );
    expect(epochsReached('runs/a', { epoch: 20, step: 80 }, 10)).toMatch(
      /holds epoch 20 .*epochs 10 was passed/,
    );
  });
});
