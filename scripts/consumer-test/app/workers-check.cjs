// pretrain({ workers: 2 }) against 1 worker, with the packages handed in (their ES module or
// CommonJS builds, from workers.mjs / workers.cjs): the worker script (dist/worker.js of
// @ssl/trainer) must start from node_modules and give the one-thread losses.
const assert = require('node:assert/strict');

module.exports = async function checkWorkers({ tf, useBackend, convEncoder, pretrain, simclr }) {
  await useBackend('wasm', { quiet: true });
  const run = async (workers) => {
    const images = tf.randomUniform([32, 16, 16, 1], 0, 1, 'float32', 7);
    const encoder = convEncoder({ inputShape: [16, 16, 1], filters: [4, 8, 8] });
    const method = simclr({ projectionDim: 8, hiddenDim: 16 });
    const r = await pretrain({
      method,
      encoder,
      data: images,
      epochs: 2,
      batchSize: 16,
      seed: 1,
      workers,
    });
    method.dispose();
    encoder.dispose();
    images.dispose();
    return r;
  };
  const one = await run(1);
  const two = await run(2);
  assert.equal(two.workers, 2);
  const a = one.history.map((h) => h.loss);
  const b = two.history.map((h) => h.loss);
  b.forEach((l, i) =>
    assert.ok(Math.abs(l - a[i]) < 1e-4 * Math.abs(a[i]), `step ${i}: ${l} vs ${a[i]}`),
  );
  return `2 workers = 1 worker: losses ${b.map((l) => l.toFixed(5)).join(' ')}`;
};
