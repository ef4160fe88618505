// A small custom training loop as an ES module: SimCLR views from @ssl/augment,
// a conv encoder from @ssl/encoders, NT-Xent from @ssl/losses, on wasm.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { backendReady } from '@ssl/backends/wasm';
import { simclrAugment } from '@ssl/augment';
import { convEncoder } from '@ssl/encoders';
import { ntXentLoss } from '@ssl/losses';

assert.equal(await backendReady, 'wasm');
const encoder = convEncoder({ inputShape: [16, 16, 1] });
const augment = simclrAugment({ preset: 'digits' });
const images = tf.randomUniform([8, 16, 16, 1], 0, 1, 'float32', 7);
const opt = tf.train.adam(1e-3);
let flat = -1;
const losses = [];
for (let step = 0; step < 4; step++) {
  const cost = opt.minimize(() => {
    const z1 = encoder.apply(augment(images, 2 * step));
    const z2 = encoder.apply(augment(images, 2 * step + 1));
    return ntXentLoss(z1, z2, { temperature: 0.5 });
  }, true);
  losses.push(cost.dataSync()[0]);
  cost.dispose();
  if (step === 1) flat = tf.memory().numTensors;
}
assert.ok(losses.every(Number.isFinite), `finite losses ${losses}`);
assert.equal(tf.memory().numTensors, flat, 'numTensors flat over the steps');
console.log(`custom loop on wasm: losses ${losses.map((l) => l.toFixed(4)).join(' ')}`);
