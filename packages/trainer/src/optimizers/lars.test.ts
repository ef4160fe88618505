import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose, randomArray } from '@ssl/test-utils';
import { Lars, lars } from './lars';

/** The LARS update of one variable, step by step, in plain JS (float64). */
function naiveLars(
  w0: number[],
  grads: number[][],
  o: { lr: number[]; momentum: number; wd: number; eta: number; adapted: boolean },
): number[] {
  const w = w0.slice();
  const v = w.map(() => 0);
  grads.forEach((g0, t) => {
    let g = g0.slice();
    let trust = 1;
    if (o.adapted) {
      g = g.map((gi, i) => gi + o.wd * w[i]);
      const wn = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
      const gn = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
      trust = wn > 0 && gn > 0 ? (o.eta * wn) / gn : 1;
    }
    for (let i = 0; i < w.length; i++) {
      v[i] = o.momentum * v[i] + o.lr[t] * trust * g[i];
      w[i] -= v[i];
    }
  });
  return w;
}

describeBackends('lars', () => {
  const momentum = 0.9;
  const wd = 0.01;
  const eta = 0.02;
  const lrs = [0.5, 0.3, 0.2, 0.1];

  function run(shape: number[], seed: number) {
    const size = shape.reduce((a, b) => a * b, 1);
    const w0 = Array.from(randomArray(size, seed));
    const grads = lrs.map((_, t) => Array.from(randomArray(size, seed + 10 + t)));
    const x = tf.variable(tf.tensor(w0, shape));
    const opt = lars({ learningRate: lrs[0], momentum, weightDecay: wd, trustCoefficient: eta });
    grads.forEach((g, t) => {
      opt.setLearningRate(lrs[t]);
      const gt = tf.tensor(g, shape);
      opt.applyGradients({ [x.name]: gt });
      gt.dispose();
    });
    const got = x.dataSync();
    x.dispose();
    opt.dispose();
    return { got, w0, grads };
  }

  it('matches the formula (weight decay + trust ratio + momentum) on a 2-D variable', () => {
    const { got, w0, grads } = run([3, 4], 1);
    const want = naiveLars(w0, grads, { lr: lrs, momentum, wd, eta, adapted: true });
    expectAllClose(got, want, { atol: 1e-5, rtol: 1e-4 });
  });

  it('excludes 1-D variables (biases, norms): plain momentum SGD, no decay', () => {
    const { got, w0, grads } = run([5], 2);
    const want = naiveLars(w0, grads, { lr: lrs, momentum, wd, eta, adapted: false });
    expectAllClose(got, want, { atol: 1e-5, rtol: 1e-4 });
    const adapted = naiveLars(w0, grads, { lr: lrs, momentum, wd, eta, adapted: true });
    expect(Math.abs(adapted[0] - want[0])).toBeGreaterThan(1e-3); // the exclusion matters here
  });

  it('uses trust 1 when the weights are zero', () => {
    const x = tf.variable(tf.zeros([2, 2]));
    const opt = lars({ learningRate: 0.1, momentum: 0, weightDecay: 0 });
    const g = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    opt.applyGradients({ [x.name]: g });
    expectAllClose(x.dataSync(), [-0.1, -0.2, -0.3, -0.4]);
    tf.dispose([x, g]);
    opt.dispose();
  });

  it('minimizes, saves and restores its momentum, and serializes', async () => {
    const x = tf.variable(tf.tensor2d([[1, -2]]));
    const opt = lars({ learningRate: 10, trustCoefficient: 0.1 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) opt.minimize(() => tf.sum(tf.square(x)) as tf.Scalar);
    expect(tf.memory().numTensors).toBe(before + 1); // one momentum slot
    const weights = await opt.getWeights();
    expect(weights.map((w) => w.name)).toEqual(['iter', `${x.name}/momentum`]);
    const copy = new Lars({ learningRate: 10, trustCoefficient: 0.1 });
    await copy.setWeights(weights);
    expect(copy.iterations).toBe(3);
    expectAllClose((await copy.getWeights())[1].tensor.dataSync(), weights[1].tensor.dataSync());
    const cfg = opt.getConfig();
    expect(cfg).toEqual({
      learningRate: 10,
      momentum: 0.9,
      weightDecay: 1e-6,
      trustCoefficient: 0.1,
      excludeBiasAndNorm: true,
    });
    const cls = tf.serialization.SerializationMap.getMap().classNameMap.LARS;
    expect(cls).toBeDefined();
    tf.dispose([x, weights[0].tensor]);
    opt.dispose();
    copy.dispose();
  });

  it('refuses bad options', () => {
    expect(() => lars({ learningRate: -1 })).toThrow(/lars: learningRate/);
    expect(() => lars({ learningRate: 1, momentum: NaN })).toThrow(/momentum/);
  });
});
