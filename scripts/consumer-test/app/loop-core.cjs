// Gradients with tfjs-core alone: @ssl/losses + @ssl/augment + @ssl/backends/wasm
// and a tf.variable, no tfjs-layers anywhere in the program. Checks the
// gradient against central finite differences and that memory stays flat.
const assert = require('node:assert/strict');
const tf = require('@tensorflow/tfjs-core');

assert.equal(tf.getGradient('Sub'), undefined, 'nothing registered gradients before @ssl/backends');

async function main() {
  const { backendReady } = require('@ssl/backends/wasm');
  assert.equal(await backendReady, 'wasm');
  const { ntXentLoss } = require('@ssl/losses');
  const { horizontalFlip } = require('@ssl/augment');

  const images = tf.randomUniform([4, 6, 6, 1], 0, 1, 'float32', 1);
  const flipped = horizontalFlip({ p: 1 })(images, 3);
  const w = tf.variable(tf.randomNormal([36, 8], 0, 0.3, 'float32', 2));
  const loss = (weights) =>
    tf.tidy(() =>
      ntXentLoss(
        tf.matMul(tf.reshape(images, [4, 36]), weights),
        tf.matMul(tf.reshape(flipped, [4, 36]), weights),
        { temperature: 0.5 },
      ),
    );

  // Analytic gradient of one weight against a central difference (float64 on the host).
  const grad = tf.tidy(() => tf.grad(loss)(w));
  const g = grad.dataSync()[5];
  const h = 1e-2;
  const base = w.arraySync();
  const at = (delta) => {
    const moved = base.map((row) => row.slice());
    moved[0][5] += delta;
    return tf.tidy(() => loss(tf.tensor2d(moved)).dataSync()[0]);
  };
  const numeric = (at(h) - at(-h)) / (2 * h);
  assert.ok(Math.abs(g) > 1e-4, `gradient is not zero (${g})`);
  assert.ok(
    Math.abs(g - numeric) < 2e-2 * Math.max(1, Math.abs(numeric)),
    `dL/dw ${g} vs finite difference ${numeric}`,
  );
  grad.dispose();

  // A few optimizer steps: memory flat, loss finite.
  const opt = tf.train.sgd(0.1);
  let before = -1;
  for (let step = 0; step < 4; step++) {
    const cost = opt.minimize(() => loss(w), true);
    assert.ok(Number.isFinite(cost.dataSync()[0]));
    cost.dispose();
    if (step === 1) before = tf.memory().numTensors;
  }
  assert.equal(tf.memory().numTensors, before, 'numTensors flat over the steps');
  assert.ok(
    !Object.keys(require.cache).some((f) => f.includes('tfjs-layers')),
    'tfjs-layers was not loaded',
  );
  console.log(
    `gradients without tfjs-layers: dL/dw[0][5] = ${g.toFixed(5)}, finite difference ${numeric.toFixed(5)}`,
  );
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
