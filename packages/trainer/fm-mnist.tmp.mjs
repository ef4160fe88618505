import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@ssl/backends';
import { mnistTensors } from '@ssl/data';
import { convEncoder } from '@ssl/encoders';
import { selectLabelled, fixMatch } from '@ssl/trainer';

await useBackend('wasm');
const train = mnistTensors({ split: 'train', limit: 10000 });
const test = mnistTensors({ split: 'test', limit: 1000 });
const idx = tf.tensor1d(selectLabelled(train.labels.dataSync(), { labelsPerClass: 10, seed: 0 }), 'int32');
const few = { images: tf.gather(train.images, idx), labels: tf.gather(train.labels, idx) };
const steps = Number(process.argv[2] ?? 300);
for (const lambda of [0, 1]) {
  const t0 = Date.now();
  const fm = await fixMatch({
    encoder: (seed) => convEncoder({ inputShape: [28, 28, 1], filters: [16, 32, 32], batchNorm: true, seed }),
    labelled: few, unlabelled: train.images, test, steps, batchSize: 16, mu: 3, lambda, seed: 1, evalEvery: 100,
    onProgress: (p) => { if (p.testAccuracy !== undefined) console.log(`lambda ${lambda} step ${p.step} loss ${p.loss.toFixed(3)} mask ${p.maskRate.toFixed(2)} test ${p.testAccuracy} ${p.seconds.toFixed(0)}s`); },
  });
  console.log(`lambda ${lambda}: final ${await fm.evaluate(test)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  fm.dispose();
}
