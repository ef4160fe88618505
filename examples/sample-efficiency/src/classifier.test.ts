import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

import { classifierAccuracy, fineTuneClassifier } from './classifier';

/** A fixed encoder [N, 2, 2, 1] -> [N, 3]: flatten and a seeded dense layer. */
function encoder(): tfl.LayersModel {
  const input = tfl.input({ shape: [2, 2, 1] });
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) })
    .apply(flat) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

const identity = (x: tf.Tensor4D) => tf.clone(x);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fineTuneClassifier', () => {
  it("standardises the encoder's features with the unlabelled statistics, leaves the encoder alone, frees all", async () => {
    const enc = encoder();
    const before = enc.getWeights().map((w) => Array.from(w.dataSync()));
    const unlabelled = tf.randomUniform([50, 2, 2, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const images = tf.slice(unlabelled, 0, 6) as tf.Tensor4D;
    const n0 = tf.memory().numTensors;
    const model = await fineTuneClassifier(
      enc,
      images,
      [0, 1, 2, 0, 1, 2],
      3,
      unlabelled,
      { probeSteps: 5, probeLr: 0.01, steps: 0, batchSize: 4, lr: 1e-3 },
      identity,
      0,
    );
    // steps 0: the backbone is the frozen copy. The standardisation layer's output, against (f − mean) / std computed by hand.
    const f = (enc.predict(unlabelled) as tf.Tensor2D).arraySync();
    const mean = [0, 1, 2].map((j) => f.reduce((s, r) => s + r[j], 0) / f.length);
    const sd = [0, 1, 2].map((j) =>
      Math.sqrt(f.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / f.length + 1e-6),
    );
    const std = tfl.model({
      inputs: model.inputs,
      outputs: model.getLayer('standardize').output as tfl.SymbolicTensor,
    });
    const z = (std.predict(unlabelled) as tf.Tensor2D).arraySync();
    z.forEach((row, i) =>
      row.forEach((v, j) => expect(v).toBeCloseTo((f[i][j] - mean[j]) / sd[j], 3)),
    );
    expect(enc.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(n0 + 2); // the two predictions above
    tf.dispose([unlabelled, images]);
    enc.dispose();
  });
});

describe('classifierAccuracy', () => {
  it('is the fraction of rows whose arg-max logit is the label', async () => {
    const input = tfl.input({ shape: [1, 1, 2] });
    const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: flat }); // logits = the two pixels
    const images = tf.tensor4d([1, 0, 0, 1, 2, 3, 5, 4], [4, 1, 1, 2]); // arg-max 0, 1, 1, 0
    const labels = tf.tensor1d([0, 1, 0, 1], 'int32');
    expect(await classifierAccuracy(model, images, labels)).toBe(0.5);
    tf.dispose([images, labels]);
    model.dispose();
  });
});
