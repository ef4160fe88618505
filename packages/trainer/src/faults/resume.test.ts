import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { imageFolder } from '@ssl/data/node';
import { expectAllClose, randomArray } from '@ssl/test-utils';
import { pretrain, type PretrainOptions } from '../pretrain';
import { simclr } from '../methods/simclr';
import { metricsLog } from '../callbacks/metrics-log';
import { noiseAugment, tinyEncoder, tinyImages } from '../testing/fixtures';

/** `n` random 8x8 gray PNGs in two class folders. */
function writeFolder(dir: string, n: number): void {
  const values = randomArray(n * 64, 21, 0, 255);
  for (let i = 0; i < n; i++) {
    const png = new PNG({ width: 8, height: 8 });
    for (let p = 0; p < 64; p++) {
      const v = Math.round(values[i * 64 + p]);
      png.data.set([v, v, v, 255], 4 * p);
    }
    const file = path.join(dir, i % 2 ? 'a' : 'b', `${String(i).padStart(2, '0')}.png`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, PNG.sync.write(png));
  }
}

describe('fault injection: exact resume', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-resume-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (
    opts: Partial<PretrainOptions<tf.Tensor4D>> & Pick<PretrainOptions<tf.Tensor4D>, 'data'>,
  ) => {
    const encoder = tinyEncoder(1);
    const method = simclr({ projectionDim: 8, hiddenDim: 16, augment: noiseAugment });
    const optimizer = tf.train.adam(0.01);
    const r = await pretrain({
      method,
      encoder,
      epochs: 3,
      batchSize: 4,
      optimizer,
      seed: 7,
      ...opts,
    });
    method.dispose();
    optimizer.dispose();
    encoder.dispose();
    return r;
  };

  it('a run on a shuffled image folder killed mid-epoch and resumed has the loss sequence of the uninterrupted run; metrics.jsonl holds each step once', async () => {
    const images = path.join(dir, 'images');
    writeFolder(images, 12); // 3 steps of 4 per epoch
    const data = () => imageFolder(images, { size: [8, 8], channels: 1, shuffle: true, seed: 4 });
    const full = await run({ data: data() });
    expect(full.history).toHaveLength(9);
    const ckpt = path.join(dir, 'folder-run');
    const log = path.join(dir, 'folder-metrics.jsonl');
    // stopped at step 4 (inside epoch 1): the checkpoint holds epoch 0, steps 3 and 4 are run again
    const first = await run({
      data: data(),
      checkpointDir: ckpt,
      callbacks: [
        metricsLog(log),
        { onStepEnd: (l, control) => (l.step === 4 ? control.stop('killed') : undefined) },
      ],
    });
    expect(first.history.map((h) => h.step)).toEqual([0, 1, 2, 3, 4]);
    const resumed = await run({
      data: data(),
      checkpointDir: ckpt,
      resume: true,
      callbacks: [metricsLog(log)],
    });
    expect(resumed.startStep).toBe(3);
    const losses = [...first.history.slice(0, 3), ...resumed.history].map((h) => h.loss);
    expectAllClose(
      losses,
      full.history.map((h) => h.loss),
      { atol: 1e-5, rtol: 1e-4 },
    );
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expectAllClose(
      lines.map((l) => l.loss),
      full.history.map((h) => h.loss),
      { atol: 1e-5, rtol: 1e-4 },
    );
  });

  it('refuses to resume with another batch size, limit or data (one line); says what the checkpoint holds when epochs is reached', async () => {
    const ckpt = path.join(dir, 'tensor-run');
    const images = tinyImages(16);
    await run({ data: images, epochs: 2, checkpointDir: ckpt });
    const reject = async (opts: Partial<PretrainOptions<tf.Tensor4D>>) =>
      (await run({ data: images, epochs: 3, checkpointDir: ckpt, resume: true, ...opts }).catch(
        (e: Error) => e,
      )) as Error;
    expect((await reject({ batchSize: 8 })).message).toMatch(
      /^pretrain: cannot resume from .*tensor-run: the checkpoint was written with batchSize 4 \(this run: 8\), stepsPerEpoch 4 \(this run: 2\); resume with the same settings/,
    );
    expect((await reject({ limit: 8 })).message).toMatch(/limit null \(this run: 8\)/);
    const other = tinyImages(16, 99);
    expect((await reject({ data: other })).message).toMatch(
      /data "tensor \[16,8,8,1\] float32 sum /,
    );
    const done = await run({ data: images, epochs: 2, checkpointDir: ckpt, resume: true });
    expect(done.history).toHaveLength(0);
    expect(done.stopReason).toMatch(
      /already holds epoch 2 \(step 8\); epochs 2 is reached: nothing to train/,
    );
    other.dispose();
    images.dispose();
  });
});
