import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { buildSimclrModel, makeSimclrStep } from './simclr-model';

describe('the reference SimCLR step', () => {
  beforeAll(() => tf.setBackend('cpu'));

  it('builds the issue’s encoder: 28x28x1 -> 64, with the layer sizes of the PyTorch peer', () => {
    const model = buildSimclrModel(0);
    expect(model.outputs[0].shape).toEqual([null, 64]);
    // conv 1*9*32+32, conv 32*9*64+64, conv 64*9*128+128, dense 128*128+128, BN 4*128 (2 trainable), dense 128*64+64
    expect(model.countParams()).toBe(320 + 18496 + 73856 + 16512 + 512 + 8256);
    model.dispose();
  });

  // wasm only: the pure-JS cpu backend takes about a second per image here.
  it('trains on wasm without leaking tensors, and the loss goes down', async () => {
    await tf.setBackend('wasm');
    // IS_TEST makes tfjs check each kernel for leaked data ids; it miscounts
    // the tensors tf.losses.softmaxCrossEntropy saves for backprop (on every
    // backend). This test checks leaks itself with tf.memory().
    tf.env().set('IS_TEST', false);
    const model = buildSimclrModel(0);
    const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const simclr = makeSimclrStep(model, x);
    const first = await simclr.step();
    const after = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 3; i++) last = await simclr.step();
    expect(tf.memory().numTensors).toBe(after);
    expect(last).toBeLessThan(first);
    simclr.dispose();
    x.dispose();
    model.dispose();
    tf.env().set('IS_TEST', true);
  });
});
