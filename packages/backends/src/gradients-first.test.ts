/* eslint-disable @typescript-eslint/no-require-imports -- the order of the requires is the test */
// Regression: `@ssl/backends/gradients` imported before `@tensorflow/tfjs-core`
// (as every entry of @ssl/backends does: `import '@ssl/backends/wasm'` first in
// a program) made the copy of tfjs-core's engine inside it create the global
// engine, whose tensors then lacked tfjs-core's op handler: `tensor.clone()`
// threw "Cannot read properties of null (reading 'clone')" inside every
// tfjs-layers `apply` (examples/mlm-text crashed at its first step). This file
// imports nothing before the gradients entry, as such a program does.
describe("'@ssl/backends/gradients' imported first", () => {
  it('leaves tfjs-core the engine: tensors clone, tfjs-layers apply, gradients flow', () => {
    require('./gradients');
    const tf = require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');
    require('@tensorflow/tfjs-backend-cpu');
    tf.env().set('IS_TEST', true);
    const x = tf.tensor2d([[1, 2]]);
    expect(Array.from(x.clone().dataSync())).toEqual([1, 2]);
    const tfl = require('@tensorflow/tfjs-layers') as typeof import('@tensorflow/tfjs-layers');
    const dense = tfl.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones' });
    const y = dense.apply(x) as import('@tensorflow/tfjs-core').Tensor;
    expect(Array.from(y.dataSync())).toEqual([3]);
    // d/dw of sum(x · w) is x
    const g = tf.grad((w: import('@tensorflow/tfjs-core').Tensor) => tf.sum(tf.matMul(x, w)))(
      tf.ones([2, 1]),
    );
    expect(Array.from(g.dataSync())).toEqual([1, 2]);
  });
});
