import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@ssl/test-utils';
import { pretrain } from '../pretrain';
import type { AnyMethod } from './method';
import { simclr } from './simclr';
import { moco } from './moco';
import { byol } from './byol';
import { simsiam } from './simsiam';
import { barlowTwins } from './barlow-twins';
import { vicreg } from './vicreg';
import { dino } from './dino';
import { nnclr } from './nnclr';
import { noiseAugment, TINY_DINO, tinyEncoder, tinyImages } from '../testing/fixtures';
import type { Augmentation } from '@ssl/augment';

const heads = { projectionDim: 8, hiddenDim: 16 };
const factories: Record<string, (augment?: Augmentation) => AnyMethod> = {
  simclr: (augment) => simclr({ ...heads, augment }),
  moco: (augment) => moco({ ...heads, queueSize: 16, augment }),
  byol: (augment) => byol({ ...heads, predictorHiddenDim: 8, augment }),
  simsiam: (augment) => simsiam({ ...heads, augment }),
  barlow: (augment) => barlowTwins({ ...heads, augment }),
  vicreg: (augment) => vicreg({ ...heads, augment }),
  dino: (augment) =>
    dino({ ...TINY_DINO, globalAugment: augment, localAugment: augment, warmupTeacherEpochs: 2 }),
  nnclr: (augment) => nnclr({ ...heads, queueSize: 16, augment }),
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describeBackends(
  'methods',
  () => {
    for (const [name, make] of Object.entries(factories)) {
      describe(name, () => {
        it('trains with finite losses; the loss falls on an easy problem', async () => {
          const images = tinyImages(16);
          const encoder = tinyEncoder();
          const method = make(noiseAugment);
          const { history } = await pretrain({
            method,
            encoder,
            data: images,
            epochs: 8,
            batchSize: 8,
            optimizer: tf.train.adam(0.01),
            seed: 5,
          });
          const losses = history.map((h) => h.loss);
          expect(losses.every(Number.isFinite)).toBe(true);
          method.dispose();
          encoder.dispose();
          images.dispose();
          // DINO's cross-entropy rises while the teacher sharpens: collapse.test.ts checks it instead
          if (name === 'dino') return;
          // MoCo, NNCLR: compare once the queue holds real keys (2 steps), not its random initial vectors
          const from = name === 'moco' || name === 'nnclr' ? 2 : 0;
          expect(mean(losses.slice(-4))).toBeLessThan(mean(losses.slice(from, from + 4)));
        });

        it('keeps tf.memory().numTensors flat over steps (default augmentation)', async () => {
          const images = tinyImages(16);
          const before = tf.memory().numTensors;
          const encoder = tinyEncoder();
          const method = make();
          const counts: number[] = [];
          const optimizer = tf.train.adam(1e-3);
          await pretrain({
            method,
            encoder,
            data: images,
            epochs: 4,
            batchSize: 8,
            optimizer,
            callbacks: [{ onStepEnd: () => void counts.push(tf.memory().numTensors) }],
          });
          expect(counts.length).toBe(8);
          for (let i = 2; i < counts.length; i++) expect(counts[i]).toBe(counts[1]);
          method.dispose();
          optimizer.dispose();
          encoder.dispose();
          expect(tf.memory().numTensors).toBe(before); // dispose() frees heads, copies, queues
          images.dispose();
        });
      });
    }
  },
  ['cpu'],
);
