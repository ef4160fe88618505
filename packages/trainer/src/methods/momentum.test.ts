import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose } from '@ssl/test-utils';
import { byolMomentum } from './byol';
import { enqueue } from './moco';
import { cloneModel, emaUpdate } from './momentum-model';
import { tinyEncoder, tinyImages } from '../testing/fixtures';

describe('byolMomentum', () => {
  it('rises from base to 1 on a cosine (closed form)', () => {
    expect(byolMomentum(0.996, 0, 100)).toBeCloseTo(0.996, 12);
    expect(byolMomentum(0.996, 50, 100)).toBeCloseTo(0.998, 12);
    expect(byolMomentum(0.996, 100, 100)).toBeCloseTo(1, 12);
    expect(byolMomentum(0.9, 25, 100)).toBeCloseTo(1 - (0.1 * (Math.cos(Math.PI / 4) + 1)) / 2, 12);
  });
});

describeBackends('momentum models and the MoCo queue', () => {
  it('enqueue writes keys at the pointer and wraps around (ring buffer)', () => {
    const k = 5;
    const queue = tf.variable(
      tf.tensor2d(
        Array.from({ length: k * 2 }, (_, i) => i),
        [k, 2],
      ),
    );
    const keys = tf.tensor2d([100, 101, 200, 201, 300, 301], [3, 2]);
    enqueue(queue, keys, 3); // rows 3, 4, 0
    const want = [
      [300, 301],
      [2, 3],
      [4, 5],
      [100, 101],
      [200, 201],
    ];
    expect(queue.arraySync()).toEqual(want);
    tf.dispose([queue, keys]);
  });

  it('cloneModel copies architecture and weights into new variables; emaUpdate follows the formula', async () => {
    const a = tinyEncoder(1);
    const b = await cloneModel(a);
    const x = tinyImages(4);
    const ya = a.predict(x) as tf.Tensor;
    const yb = b.predict(x) as tf.Tensor;
    expectAllClose(yb.dataSync(), ya.dataSync());
    // change the online model, then EMA: target = m*target + (1-m)*online
    const w0 = a.getWeights().map((w) => Array.from(w.dataSync()));
    a.setWeights(a.weights.map((w) => tf.onesLike(w.read())));
    expect(Array.from(b.getWeights()[0].dataSync())).toEqual(w0[0]); // independent variables
    const before = tf.memory().numTensors;
    emaUpdate(a, b, 0.9);
    expect(tf.memory().numTensors).toBe(before);
    b.getWeights().forEach((w, i) =>
      expectAllClose(
        w.dataSync(),
        w0[i].map((v) => 0.9 * v + 0.1),
      ),
    );
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });
});
