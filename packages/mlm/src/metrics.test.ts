import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';
import { maskedAccuracy, perplexity } from './metrics';

describeBackends('maskedAccuracy / perplexity', () => {
  it('counts argmax hits at labelled positions only', () => {
    // argmax per position: [1, 0, 2], [2, 2, 0]
    const logits = tf.tensor3d([
      [
        [0, 5, 1],
        [3, 1, 0],
        [0, 0, 9],
      ],
      [
        [1, 0, 2],
        [0, 1, 4],
        [7, 0, 0],
      ],
    ]);
    const labels = tf.tensor2d(
      [
        [1, 2, -100],
        [2, -100, 1],
      ],
      [2, 3],
      'int32',
    );
    // labelled: (0,0) hit, (0,1) miss, (1,0) hit, (1,2) miss -> 2/4
    expect(maskedAccuracy(logits, labels).dataSync()[0]).toBeCloseTo(0.5);
    const none = tf.fill([2, 3], -100, 'int32') as tf.Tensor2D;
    expect(maskedAccuracy(logits, none).dataSync()[0]).toBe(0);
    expect(() => maskedAccuracy(logits, tf.zeros([2, 2], 'int32') as tf.Tensor2D)).toThrow(
      /labels must be \[2,3\], got shape \[2,2\]/,
    );
    return expectNoLeak(() => maskedAccuracy(logits, labels)).then(() =>
      tf.dispose([logits, labels, none]),
    );
  });

  it('perplexity is exp(mean CE): uniform over V classes gives V', () => {
    expect(perplexity(Math.log(50))).toBeCloseTo(50, 6);
    expect(perplexity(0)).toBe(1);
    expect(() => perplexity(NaN)).toThrow(
      /perplexity: meanCrossEntropy must be a number >= 0, got NaN/,
    );
  });
});
