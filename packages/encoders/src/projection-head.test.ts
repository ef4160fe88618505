import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose, expectNoLeak, randomArray } from '@ssl/test-utils';
import { projectionHead } from './projection-head';
import { expectSameAfterSaveAndLoad, perturbWeights } from './testing/round-trip';

describeBackends('projectionHead', () => {
  it('defaults: inputDim -> 512 (BN, ReLU) -> 128, hand-computed parameter count', () => {
    const head = projectionHead({ inputDim: 128 });
    expect(head.outputs[0].shape).toEqual([null, 128]);
    expect(head.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Dense',
      'BatchNormalization',
      'ReLU',
      'Dense',
    ]);
    // 128*512 (no bias: BN follows) + 4*512 (gamma, beta, moving mean/var) + 512*128 + 128
    expect(head.countParams()).toBe(128 * 512 + 4 * 512 + 512 * 128 + 128);
    head.dispose();
  });

  it('three layers without BN: Linear-ReLU-Linear-ReLU-Linear with biases', () => {
    const head = projectionHead({
      inputDim: 6,
      hiddenDim: 5,
      outputDim: 3,
      numLayers: 3,
      batchNorm: false,
    });
    expect(head.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Dense',
      'ReLU',
      'Dense',
      'ReLU',
      'Dense',
    ]);
    expect(head.countParams()).toBe(6 * 5 + 5 + (5 * 5 + 5) + (5 * 3 + 3));
    const y = head.predict(tf.ones([4, 6])) as tf.Tensor;
    expect(y.shape).toEqual([4, 3]);
    y.dispose();
    head.dispose();
  });

  it('the output layer has no ReLU (negative outputs occur)', () => {
    const head = projectionHead({ inputDim: 4, hiddenDim: 8, outputDim: 16 });
    const y = head.predict(tf.tensor2d(randomArray(32, 4), [8, 4])) as tf.Tensor;
    expect(tf.min(y).dataSync()[0]).toBeLessThan(0);
    y.dispose();
    head.dispose();
  });

  it('matches a naive JS forward pass (inference BN with moving statistics)', () => {
    const head = projectionHead({ inputDim: 3, hiddenDim: 2, outputDim: 2 });
    perturbWeights(head, 21);
    const byName = (layer: string, weight: string) =>
      Array.from(
        head
          .getLayer(layer)
          .weights.find((w) => w.originalName.endsWith(weight))!
          .read()
          .dataSync(),
      );
    const w1 = byName('projection_head_linear1', 'kernel');
    const [gamma, beta] = [
      byName('projection_head_bn1', 'gamma'),
      byName('projection_head_bn1', 'beta'),
    ];
    const mean = byName('projection_head_bn1', 'moving_mean');
    const variance = byName('projection_head_bn1', 'moving_variance');
    const [w2, b2] = [
      byName('projection_head_linear2', 'kernel'),
      byName('projection_head_linear2', 'bias'),
    ];
    const x = randomArray(2 * 3, 8);
    const expected: number[] = [];
    for (let n = 0; n < 2; n++) {
      const hidden = [0, 1].map((j) => {
        let s = 0;
        for (let i = 0; i < 3; i++) s += x[n * 3 + i] * w1[i * 2 + j];
        const bn = gamma[j] * ((s - mean[j]) / Math.sqrt(variance[j] + 1e-5)) + beta[j];
        return Math.max(0, bn);
      });
      for (let k = 0; k < 2; k++) expected.push(hidden[0] * w2[k] + hidden[1] * w2[2 + k] + b2[k]);
    }
    const y = head.predict(tf.tensor2d(x, [2, 3])) as tf.Tensor;
    expectAllClose(y.dataSync(), expected, { atol: 1e-5 });
    y.dispose();
    head.dispose();
  });

  it('save -> load gives identical outputs', async () => {
    const head = projectionHead({ inputDim: 8, hiddenDim: 6, outputDim: 4, numLayers: 3 });
    perturbWeights(head, 5);
    const x = tf.tensor2d(randomArray(3 * 8, 1), [3, 8]);
    await expectSameAfterSaveAndLoad(head, x);
    x.dispose();
    head.dispose();
  });

  it('forward pass leaks no tensors', async () => {
    const head = projectionHead({ inputDim: 8, hiddenDim: 6 });
    const x = tf.ones([3, 8]);
    await expectNoLeak(() => head.predict(x));
    await expectNoLeak(() => head.apply(x, { training: true }));
    x.dispose();
    head.dispose();
  });

  it.each([
    [{ inputDim: -4 }, /projectionHead: inputDim must be an integer >= 1, got -4/],
    [{ inputDim: 8, hiddenDim: 0 }, /projectionHead: hiddenDim must be an integer >= 1, got 0/],
    [{ inputDim: 8, outputDim: -1 }, /projectionHead: outputDim must be an integer >= 1, got -1/],
    [{ inputDim: 8, numLayers: 4 }, /projectionHead: numLayers must be one of 2, 3, got 4/],
    [{}, /projectionHead: inputDim must be an integer >= 1, got undefined/],
  ])('rejects %j', (opts, message) => {
    expect(() => projectionHead(opts as never)).toThrow(message);
  });
});
