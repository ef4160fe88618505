import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose, expectNoLeak, randomArray } from '@ssl/test-utils';
import { patchify, unpatchify } from './patchify';

/** Patch (i, j)'s pixels in (row, column, channel) order, by index arithmetic on NHWC. */
function naivePatchify(x: Float32Array, n: number, hh: number, ww: number, c: number, p: number) {
  const h = hh / p;
  const w = ww / p;
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let r = 0; r < p; r++)
          for (let s = 0; s < p; s++)
            for (let k = 0; k < c; k++) {
              const y = i * p + r;
              const xx = j * p + s;
              out.push(x[((b * hh + y) * ww + xx) * c + k]);
            }
  return out;
}

describeBackends('patchify / unpatchify', () => {
  for (const [n, hh, ww, c, p] of [
    [2, 4, 4, 1, 2],
    [3, 28, 28, 1, 7],
    [2, 8, 12, 3, 4],
    [1, 6, 6, 2, 1],
  ]) {
    it(`matches a naive loop and inverts, [${n},${hh},${ww},${c}] p=${p}`, () => {
      const data = randomArray(n * hh * ww * c, hh * 31 + p);
      const x = tf.tensor4d(data, [n, hh, ww, c]);
      const patches = patchify(x, p);
      expect(patches.shape).toEqual([n, (hh / p) * (ww / p), p * p * c]);
      expectAllClose(patches.dataSync(), naivePatchify(data, n, hh, ww, c, p), {
        atol: 0,
        rtol: 0,
      });
      const back = unpatchify(patches, p, [hh, ww, c]);
      expectAllClose(back.dataSync(), data, { atol: 0, rtol: 0 });
      tf.dispose([x, patches, back]);
    });
  }

  it('leaks nothing', async () => {
    const x = tf.ones([2, 8, 8, 1]) as tf.Tensor4D;
    await expectNoLeak(() => {
      const p = patchify(x, 4);
      unpatchify(p, 4, [8, 8, 1]).dispose();
      p.dispose();
    });
    x.dispose();
  });

  it('refuses bad arguments with one line', () => {
    const x = tf.zeros([1, 10, 10, 1]) as tf.Tensor4D;
    expect(() => patchify(x, 4)).toThrow(
      'patchify: image height and width must be divisible by patchSize 4, got [10,10]',
    );
    expect(() => patchify(x, 0)).toThrow('patchify: patchSize must be an integer >= 1, got 0');
    const p = tf.zeros([1, 4, 4]) as tf.Tensor3D;
    expect(() => unpatchify(p, 2, [4, 4, 2])).toThrow(
      'unpatchify: patches must be [N, 4, 8] for images [4,4,2] and patchSize 2, got [1,4,4]',
    );
    tf.dispose([x, p]);
  });
});
