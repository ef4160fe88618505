import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose, expectNoLeak, randomArray } from '@ssl/test-utils';
import { l2NormalizeRows } from './normalize';

describeBackends('l2NormalizeRows', () => {
  it('scales every row to unit norm and keeps its direction', () => {
    const x = randomArray(15, 1, -5, 5);
    const out = tf.tidy(() => l2NormalizeRows(tf.tensor2d(x, [3, 5])).dataSync());
    for (let i = 0; i < 3; i++) {
      const row = Array.from(x.subarray(i * 5, i * 5 + 5));
      const norm = Math.hypot(...row);
      expectAllClose(
        out.subarray(i * 5, i * 5 + 5),
        row.map((v) => v / norm),
        { atol: 1e-6 },
      );
    }
  });

  it('maps a zero row to zeros; floors norms below 1e-12 (tiny rows shrink, not blow up)', () => {
    const out = tf.tidy(() =>
      l2NormalizeRows(tf.tensor2d([0, 0, 0, 3e-10, 0, 4e-10, 3e-14, 0, 4e-14], [3, 3])).dataSync(),
    );
    // norm 5e-10 >= 1e-12: unit row; norm 5e-14 < 1e-12: divided by 1e-12.
    expectAllClose(out, [0, 0, 0, 0.6, 0, 0.8, 0.03, 0, 0.04], { atol: 1e-6 });
  });

  it('normalizes the last axis of a 3-D tensor and leaks nothing', async () => {
    const x = tf.tensor3d([3, 4, 0, 5], [2, 1, 2]);
    expectAllClose(
      tf.tidy(() => l2NormalizeRows(x).dataSync()),
      [0.6, 0.8, 0, 1],
    );
    await expectNoLeak(() => l2NormalizeRows(x));
    x.dispose();
  });
});
