import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

describe('Identity [wasm]', () => {
  beforeAll(() => tf.setBackend('wasm'));

  it('clones share data until the last one is disposed', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    const z = tf.add(y, 1); // a new buffer: the clone is not written to
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(z.dataSync())).toEqual([2, 3, 4, 5]);
    tf.dispose([y, z]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a variable assigned from a clone keeps its own value when the clone source changes', () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const c = tf.clone(v);
    v.assign(tf.tensor1d([5, 6]));
    expect(Array.from(c.dataSync())).toEqual([1, 2]);
    expect(Array.from(v.dataSync())).toEqual([5, 6]);
    tf.dispose([v, c]);
  });

  it('lets tfjs’s IS_TEST leak check pass on a custom-gradient op under a tape (fused conv)', () => {
    expect(tf.env().getBool('IS_TEST')).toBe(true);
    const x = tf.ones([1, 4, 4, 1]);
    const w = tf.variable(tf.ones([2, 2, 1, 2]));
    const b = tf.variable(tf.zeros([2]));
    const { value, grads } = tf.variableGrads(() =>
      tf.sum(
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: w as unknown as tf.Tensor4D,
          bias: b,
          activation: 'relu',
          strides: 1,
          pad: 'valid',
        }),
      ),
    );
    expect(value.dataSync()[0]).toBe(9 * 4 * 2);
    tf.dispose([x, w, b, value, ...Object.values(grads)]);
  });
});
