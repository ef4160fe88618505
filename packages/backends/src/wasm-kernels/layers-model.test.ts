import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectAllClose, randomArray } from '@ssl/test-utils';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

/** A small model with every layer kind the issue names: conv, depthwise conv, pooling, batch norm. */
function buildModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [12, 12, 2] });
  let h = tfl.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
    })
    .apply(input) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers
    .depthwiseConv2d({
      kernelSize: 3,
      depthMultiplier: 2,
      padding: 'same',
      depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
    })
    .apply(h) as tfl.SymbolicTensor;
  h = tfl.layers
    .conv2d({
      filters: 6,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
    })
    .apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.averagePooling2d({ poolSize: 2 }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.flatten().apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) })
    .apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

async function modelGrads(backend: string): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const model = buildModel();
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(randomArray(4 * 12 * 12 * 2, 11), [4, 12, 12, 2]);
  const target = tf.tensor2d(randomArray(4 * 3, 12), [4, 3]);
  const { grads, value } = tf.variableGrads(() => {
    const y = model.apply(x, { training: true }) as tf.Tensor;
    return tf.mean(tf.square(tf.sub(y, target)));
  });
  const names = Object.keys(grads).sort();
  expect(names.length).toBe(model.trainableWeights.length);
  const values = names.map((k) => Float32Array.from(grads[k].dataSync()));
  tf.dispose([x, target, value, ...Object.values(grads)]);
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
  return values;
}

describe('a tfjs-layers model with conv, depthwise conv, pooling and batch norm', () => {
  it('gets the same gradients on wasm as on cpu', async () => {
    const want = await modelGrads('cpu');
    const got = await modelGrads('wasm');
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => expectAllClose(g, want[i], { atol: 1e-4, rtol: 1e-3 }));
  });
});
