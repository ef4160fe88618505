import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak, randomArray } from '@ssl/test-utils';
import { predictionHead } from './prediction-head';
import { expectSameAfterSaveAndLoad, perturbWeights } from './testing/round-trip';

describeBackends('predictionHead', () => {
  it('Linear-BN-ReLU-Linear, outputDim defaults to inputDim, hand-computed parameter count', () => {
    const head = predictionHead({ inputDim: 16, hiddenDim: 4 });
    expect(head.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Dense',
      'BatchNormalization',
      'ReLU',
      'Dense',
    ]);
    expect(head.outputs[0].shape).toEqual([null, 16]);
    expect(head.countParams()).toBe(16 * 4 + 4 * 4 + 4 * 16 + 16);
    const y = head.predict(tf.ones([2, 16])) as tf.Tensor;
    expect(y.shape).toEqual([2, 16]);
    y.dispose();
    head.dispose();
    const wide = predictionHead({ inputDim: 8, hiddenDim: 32, outputDim: 5 });
    expect(wide.outputs[0].shape).toEqual([null, 5]);
    expect(wide.countParams()).toBe(8 * 32 + 4 * 32 + 32 * 5 + 5);
    wide.dispose();
  });

  it('save -> load gives identical outputs', async () => {
    const head = predictionHead({ inputDim: 6, hiddenDim: 3 });
    perturbWeights(head, 2);
    const x = tf.tensor2d(randomArray(4 * 6, 3), [4, 6]);
    await expectSameAfterSaveAndLoad(head, x);
    x.dispose();
    head.dispose();
  });

  it('forward pass leaks no tensors', async () => {
    const head = predictionHead({ inputDim: 6, hiddenDim: 3 });
    const x = tf.ones([2, 6]);
    await expectNoLeak(() => head.predict(x));
    x.dispose();
    head.dispose();
  });

  it.each([
    [{ inputDim: 0 }, /predictionHead: inputDim must be an integer >= 1, got 0/],
    [{ inputDim: 4, hiddenDim: -2 }, /predictionHead: hiddenDim must be an integer >= 1, got -2/],
    [{ inputDim: 4, outputDim: 1.5 }, /predictionHead: outputDim must be an integer >= 1, got 1.5/],
  ])('rejects %j', (opts, message) => {
    expect(() => predictionHead(opts as never)).toThrow(message);
  });
});
