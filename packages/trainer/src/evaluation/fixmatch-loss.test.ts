import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose, expectNoLeak, randomArray } from '@ssl/test-utils';

import { fixMatchLoss, stopGradient } from './fixmatch-loss';

/** The paper's loss by a deliberately naive loop (float64). */
function naive(
  l: number[][],
  y: number[],
  weak: number[][],
  strong: number[][],
  threshold: number,
  lambda: number,
): { loss: number; ls: number; lu: number; mask: number[] } {
  const softmax = (z: number[]) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, v) => a + v, 0);
    return e.map((v) => v / s);
  };
  const ce = (z: number[], k: number) => -Math.log(softmax(z)[k]);
  let ls = 0;
  l.forEach((z, i) => (ls += ce(z, y[i]) / l.length));
  let lu = 0;
  const mask: number[] = [];
  weak.forEach((z, i) => {
    const q = softmax(z);
    let best = 0;
    for (let k = 1; k < q.length; k++) if (q[k] > q[best]) best = k;
    const m = q[best] >= threshold ? 1 : 0;
    mask.push(m);
    lu += (m * ce(strong[i], best)) / weak.length;
  });
  return { loss: ls + lambda * lu, ls, lu, mask };
}

const rows = (n: number, c: number, seed: number, scale: number) => {
  const a = randomArray(n * c, seed, -scale, scale);
  return Array.from({ length: n }, (_, i) => Array.from(a.slice(i * c, (i + 1) * c)));
};

describeBackends('fixMatchLoss', () => {
  it('equals a naive loop of the paper, over sizes, thresholds and λ', () => {
    for (const [b, mu, c, threshold, lambda] of [
      [3, 2, 4, 0.95, 1],
      [5, 3, 3, 0.6, 0.5],
      [2, 7, 10, 0.3, 2],
      [4, 1, 2, 0, 1],
    ]) {
      const l = rows(b, c, b, 3);
      const y = Array.from({ length: b }, (_, i) => (i * 7) % c);
      const weak = rows(mu * b, c, 100 + b, 6); // large logits: some rows confident
      const strong = rows(mu * b, c, 200 + b, 3);
      const want = naive(l, y, weak, strong, threshold, lambda);
      const t = [tf.tensor2d(l), tf.tensor1d(y, 'int32'), tf.tensor2d(weak), tf.tensor2d(strong)];
      const out = fixMatchLoss(
        t[0] as tf.Tensor2D,
        t[1] as tf.Tensor1D,
        t[2] as tf.Tensor2D,
        t[3] as tf.Tensor2D,
        { threshold, lambda },
      );
      expectAllClose([out.loss.dataSync()[0]], [want.loss], { atol: 1e-4 });
      expectAllClose([out.labelledLoss.dataSync()[0]], [want.ls], { atol: 1e-4 });
      expectAllClose([out.unlabelledLoss.dataSync()[0]], [want.lu], { atol: 1e-4 });
      const rate = want.mask.reduce((a, v) => a + v, 0) / want.mask.length;
      expect(out.maskRate.dataSync()[0]).toBeCloseTo(rate, 6);
      if (threshold === 0.6) expect(rate).toBeGreaterThan(0); // the case has both kinds of rows
      if (threshold === 0.6) expect(rate).toBeLessThan(1);
      tf.dispose([...t, ...Object.values(out)]);
    }
  });

  it('sends no gradient into the weak view; the strong and labelled views get the finite-difference gradient', () => {
    const l = tf.tensor2d(rows(2, 3, 1, 2));
    const y = tf.tensor1d([0, 2], 'int32');
    const weak = tf.tensor2d(rows(4, 3, 2, 8));
    const strong = tf.tensor2d(rows(4, 3, 3, 2));
    const f = (a: tf.Tensor, w: tf.Tensor, s: tf.Tensor) =>
      fixMatchLoss(a as tf.Tensor2D, y, w as tf.Tensor2D, s as tf.Tensor2D, { threshold: 0.5 })
        .loss;
    const [gl, gw, gs] = tf.grads(f)([l, weak, strong]);
    expect(Array.from(gw.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(gs.dataSync()).some((v) => Math.abs(v) > 1e-3)).toBe(true);
    // central differences on the strong logits (the mask and pseudo-labels do not move for small steps)
    const s0 = strong.arraySync();
    const eps = 1e-2;
    const fd: number[] = [];
    for (let i = 0; i < 4; i++) {
      for (let k = 0; k < 3; k++) {
        const at = (d: number) => {
          const s = s0.map((r) => r.slice());
          s[i][k] += d;
          return tf.tidy(() => f(l, weak, tf.tensor2d(s)).dataSync()[0]);
        };
        fd.push((at(eps) - at(-eps)) / (2 * eps));
      }
    }
    expectAllClose(gs.dataSync(), fd, { atol: 2e-3 });
    expect(gl.shape).toEqual([2, 3]);
    tf.dispose([l, y, weak, strong, gl, gw, gs]);
  });

  it('stopGradient is the identity forward and zero backward; nothing leaks', async () => {
    const x = tf.tensor1d([1, -2, 3]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(stopGradient(a), a)))(x);
    // d/da sum(sg(a) · a) = sg(a) = a
    expectAllClose(g.dataSync(), [1, -2, 3], { atol: 0 });
    const ins = [
      tf.zeros([2, 3]),
      tf.tensor1d([0, 1], 'int32'),
      tf.zeros([4, 3]),
      tf.zeros([4, 3]),
    ];
    await expectNoLeak(() => {
      const t = fixMatchLoss(
        ins[0] as tf.Tensor2D,
        ins[1] as tf.Tensor1D,
        ins[2] as tf.Tensor2D,
        ins[3] as tf.Tensor2D,
      );
      return Object.values(t);
    });
    tf.dispose(ins);
    tf.dispose([x, g]);
  });

  it('refuses bad input in one line', () => {
    const a = tf.zeros([2, 3]) as tf.Tensor2D;
    const y = tf.tensor1d([0, 1], 'int32');
    const u = tf.zeros([4, 3]) as tf.Tensor2D;
    expect(() => fixMatchLoss(a, tf.tensor1d([0], 'int32'), u, u)).toThrow(
      'fixMatchLoss: labels must be [2] (one per labelled row), got [1]',
    );
    expect(() => fixMatchLoss(a, y, u, tf.zeros([3, 3]) as tf.Tensor2D)).toThrow(
      'fixMatchLoss: strongLogits must have the shape of weakLogits [4,3], got [3,3]',
    );
    expect(() => fixMatchLoss(a, y, u, u, { threshold: 2 })).toThrow(
      'fixMatchLoss: threshold must be a number in [0, 1], got 2',
    );
    tf.dispose([a, y, u]);
  });
});
