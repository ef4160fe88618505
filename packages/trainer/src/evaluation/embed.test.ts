import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose, expectNoLeak } from '@ssl/test-utils';

import { embed } from './embed';
import { tinyEncoder } from './test-helpers';

describeBackends('embed', () => {
  it('equals one whole-batch inference pass, for any batch size, without leaks', async () => {
    const encoder = tinyEncoder(1);
    const images = tf.randomUniform([11, 8, 8, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    const whole = encoder.predict(images) as tf.Tensor2D;
    for (const batchSize of [1, 4, 11, 256]) {
      await expectNoLeak(() => {
        const out = embed(encoder, images, { batchSize });
        expect(out.shape).toEqual([11, 8]);
        expectAllClose(out.dataSync(), whole.dataSync(), { atol: 1e-5 });
        return out;
      });
    }
    tf.dispose([images, whole]);
    encoder.dispose();
  });

  it('rejects bad input', () => {
    const encoder = tinyEncoder(1);
    const flat = tf.zeros([2, 64]);
    expect(() => embed(encoder, flat as unknown as tf.Tensor4D)).toThrow(
      'embed: images must be a 4-D tensor [N, H, W, C], got shape [2,64]',
    );
    const x = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    expect(() => embed(encoder, x, { batchSize: 0 })).toThrow(
      'embed: batchSize must be an integer >= 1, got 0',
    );
    expect(() => embed(null as unknown as never, x)).toThrow(
      /embed: encoder must be a tfjs LayersModel/,
    );
    tf.dispose([flat, x]);
    encoder.dispose();
  });
});
