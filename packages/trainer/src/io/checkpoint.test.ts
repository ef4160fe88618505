import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeBackends, expectAllClose } from '@ssl/test-utils';
import { pretrain, type PretrainOptions } from '../pretrain';
import { moco } from '../methods/moco';
import { byol } from '../methods/byol';
import { lars } from '../optimizers/lars';
import { warmupCosine } from '../schedules/warmup-cosine';
import { noiseAugment, tinyEncoder, tinyImages } from '../testing/fixtures';
import { fileSystemHandler } from './file-system-handler';
import { readCheckpointInfo } from './checkpoint';

describeBackends(
  'checkpoints and resume',
  () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-ckpt-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const cases = [
      {
        name: 'moco + adam',
        make: () => moco({ projectionDim: 8, hiddenDim: 16, queueSize: 16, augment: noiseAugment }),
        opt: () => tf.train.adam(0.01),
      },
      {
        name: 'byol + lars',
        make: () =>
          byol({ projectionDim: 8, hiddenDim: 16, predictorHiddenDim: 8, augment: noiseAugment }),
        opt: () => lars({ learningRate: 0.5 }),
      },
    ];

    for (const c of cases) {
      it(`${c.name}: a run resumed from the epoch-1 checkpoint continues exactly like an uninterrupted one`, async () => {
        const images = tinyImages(16);
        const ckpt = path.join(dir, c.name.replace(/\W+/g, '-'));
        const run = async (opts: Partial<PretrainOptions<tf.Tensor4D>>) => {
          const encoder = tinyEncoder(1);
          const method = c.make();
          const optimizer = c.opt();
          const r = await pretrain({
            method,
            encoder,
            data: images,
            epochs: 2,
            batchSize: 8,
            optimizer,
            seed: 11,
            schedule: warmupCosine({ baseLr: 0.05, warmupSteps: 1, totalSteps: 4 }),
            ...opts,
          });
          const weights = encoder.getWeights().map((w) => Array.from(w.dataSync()));
          method.dispose();
          optimizer.dispose();
          encoder.dispose();
          return { r, weights };
        };
        const full = await run({});
        // interrupted after epoch 1 (a callback stops it), checkpoint written at its end
        const first = await run({
          checkpointDir: ckpt,
          callbacks: [{ onEpochEnd: (_l, control) => control.stop('interrupted') }],
        });
        expect(first.r.history).toHaveLength(2);
        const info = await readCheckpointInfo(ckpt);
        expect(info).toMatchObject({ epoch: 1, step: 2, seed: 11 });
        expect(readdirSync(ckpt).sort()).toEqual(['encoder', 'state.bin', 'state.json']);
        const resumed = await run({ checkpointDir: ckpt, resume: true });
        expect(resumed.r.startEpoch).toBe(1);
        expect(resumed.r.startStep).toBe(2);
        const losses = [...first.r.history, ...resumed.r.history].map((h) => h.loss);
        expectAllClose(
          losses,
          full.r.history.map((h) => h.loss),
          { atol: 1e-5, rtol: 1e-4 },
        );
        resumed.weights.forEach((w, i) =>
          expectAllClose(w, full.weights[i], { atol: 1e-5, rtol: 1e-4 }),
        );
        // the final checkpoint's encoder is a standard Layers model
        const loaded = await tfl.loadLayersModel(fileSystemHandler(path.join(ckpt, 'encoder')));
        loaded
          .getWeights()
          .forEach((w, i) =>
            expectAllClose(w.dataSync(), full.weights[i], { atol: 1e-5, rtol: 1e-4 }),
          );
        expect((await readCheckpointInfo(ckpt))?.epoch).toBe(2);
        loaded.dispose();
        images.dispose();
      });
    }

    it('resume with no checkpoint yet starts fresh; a checkpoint of another method is refused', async () => {
      const images = tinyImages(16);
      const ckpt = path.join(dir, 'fresh');
      const encoder = tinyEncoder(1);
      const m = moco({ projectionDim: 8, hiddenDim: 16, queueSize: 16, augment: noiseAugment });
      const r = await pretrain({
        method: m,
        encoder,
        data: images,
        epochs: 1,
        batchSize: 8,
        checkpointDir: ckpt,
        resume: true,
      });
      expect(r.startEpoch).toBe(0);
      expect(existsSync(path.join(ckpt, 'state.json'))).toBe(true);
      expect(JSON.parse(readFileSync(path.join(ckpt, 'state.json'), 'utf8')).methodJson).toEqual({
        queuePtr: 0,
      });
      const b = byol({ projectionDim: 8, hiddenDim: 16, augment: noiseAugment });
      await expect(
        pretrain({
          method: b,
          encoder,
          data: images,
          epochs: 2,
          batchSize: 8,
          checkpointDir: ckpt,
          resume: true,
        }),
      ).rejects.toThrow(/holds a 'moco' checkpoint, not 'byol'/);
      m.dispose();
      b.dispose();
      encoder.dispose();
      images.dispose();
    });
  },
  ['cpu'],
);
