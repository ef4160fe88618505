import * as tf from '@tensorflow/tfjs-core';
import {
  describeBackends,
  expectAllClose,
  expectNoLeak,
  numericGradient,
  randomArray,
} from '@ssl/test-utils';
import { dinoLoss } from './dino';
import { gradientsFlat, logSumExp, rows, scalarValue } from './test-helpers';

/** DINO's Algorithm 1 as a float64 loop: mean over pairs t != s of mean_n H(P_t, P_s). */
function naiveDino(
  students: number[][][],
  teachers: number[][][],
  center: number[],
  ts: number,
  tt: number,
): number {
  let total = 0;
  let pairs = 0;
  for (let t = 0; t < teachers.length; t++) {
    for (let s = 0; s < students.length; s++) {
      if (s === t) continue;
      let ce = 0;
      for (let n = 0; n < students[s].length; n++) {
        const tl = teachers[t][n].map((v, k) => (v - center[k]) / tt);
        const tlse = logSumExp(tl);
        const sl = students[s][n].map((v) => v / ts);
        const slse = logSumExp(sl);
        for (let k = 0; k < sl.length; k++) ce -= Math.exp(tl[k] - tlse) * (sl[k] - slse);
      }
      total += ce / students[s].length;
      pairs++;
    }
  }
  return total / pairs;
}

describeBackends('dinoLoss', () => {
  const n = 3;
  const k = 5;
  const make = (count: number, seed: number) =>
    Array.from({ length: count }, (_, i) => randomArray(n * k, seed + i, -2, 2));

  for (const [ns, nt, ts, tt] of [
    [2, 2, 0.1, 0.04],
    [4, 2, 0.1, 0.07],
    [3, 1, 0.5, 0.2],
  ] as const) {
    it(`matches a naive float64 loop: ${ns} student crops, ${nt} teacher crops, τs ${ts}, τt ${tt}`, () => {
      const s = make(ns, 10);
      const t = make(nt, 50);
      const c = randomArray(k, 99, -0.5, 0.5);
      const got = scalarValue(() =>
        tf.tidy(() =>
          dinoLoss(
            s.map((a) => tf.tensor2d(a, [n, k])),
            t.map((a) => tf.tensor2d(a, [n, k])),
            { center: tf.tensor1d(c), studentTemperature: ts, teacherTemperature: tt },
          ),
        ),
      );
      const want = naiveDino(
        s.map((a) => rows(a, n, k)),
        t.map((a) => rows(a, n, k)),
        Array.from(c),
        ts,
        tt,
      );
      expectAllClose(got, want, { atol: 1e-4, rtol: 1e-4 });
    });
  }

  it('has the gradient of finite differences w.r.t. the student logits', () => {
    const s = make(3, 20);
    const t = make(2, 60);
    const c = randomArray(k, 7, -0.5, 0.5);
    const opts = { studentTemperature: 0.5, teacherTemperature: 0.3 };
    const got = tf.tidy(() => {
      const center = tf.tensor1d(c);
      const teachers = t.map((a) => tf.tensor2d(a, [n, k]));
      return gradientsFlat(
        (...xs) => dinoLoss(xs as tf.Tensor2D[], teachers, { ...opts, center }),
        s.map((a) => tf.tensor2d(a, [n, k])),
      );
    });
    const flat = Float64Array.from(s.flatMap((a) => Array.from(a)));
    const want = numericGradient((x) => {
      const students = [0, 1, 2].map((i) => rows(x.subarray(i * n * k, (i + 1) * n * k), n, k));
      return naiveDino(
        students,
        t.map((a) => rows(a, n, k)),
        Array.from(c),
        0.5,
        0.3,
      );
    }, flat);
    expectAllClose(got, want, { atol: 2e-4, rtol: 1e-3 });
  });

  it('stops the gradient into the teacher logits and the center (exactly 0), the value unchanged', () => {
    const s = make(3, 21);
    const t = make(2, 61);
    const c = randomArray(k, 8, -0.5, 0.5);
    const opts = { studentTemperature: 0.5, teacherTemperature: 0.3 };
    const { value, grads } = tf.tidy(() => {
      const students = s.map((a) => tf.tensor2d(a, [n, k]));
      const f = (t0: tf.Tensor, t1: tf.Tensor, center: tf.Tensor) =>
        dinoLoss(students, [t0 as tf.Tensor2D, t1 as tf.Tensor2D], {
          ...opts,
          center: center as tf.Tensor1D,
        });
      const xs = [...t.map((a) => tf.tensor2d(a, [n, k])), tf.tensor1d(c)];
      const r = tf.valueAndGrads(f)(xs);
      return { value: r.value.dataSync()[0], grads: r.grads.map((g) => Array.from(g.dataSync())) };
    });
    for (const g of grads) expect(g.every((x) => x === 0)).toBe(true);
    const want = naiveDino(
      s.map((a) => rows(a, n, k)),
      t.map((a) => rows(a, n, k)),
      Array.from(c),
      0.5,
      0.3,
    );
    expect(value).toBeCloseTo(want, 4);
  });

  it('is the entropy-free minimum when every student equals the centered teacher (temperatures equal)', () => {
    // all crops identical: the loss is the entropy of softmax((x - c) / τ) when x/τ matches (x - c)/τ up to a constant
    const x = randomArray(n * k, 3);
    const got = scalarValue(() =>
      tf.tidy(() =>
        dinoLoss([tf.tensor2d(x, [n, k]), tf.tensor2d(x, [n, k])], [tf.tensor2d(x, [n, k])], {
          center: tf.fill([k], 0.3) as tf.Tensor1D, // a constant shift: softmax unchanged
          studentTemperature: 0.2,
          teacherTemperature: 0.2,
        }),
      ),
    );
    let h = 0;
    for (const r of rows(x, n, k)) {
      const l = r.map((v) => v / 0.2);
      const lse = logSumExp(l);
      for (const v of l) h -= Math.exp(v - lse) * (v - lse);
    }
    expectAllClose(got, h / n, { atol: 1e-4 });
  });

  it('refuses bad input with one clear line and leaks nothing', async () => {
    const a = tf.tensor2d(randomArray(n * k, 1), [n, k]);
    const b = tf.tensor2d(randomArray(n * 4, 2), [n, 4]);
    const center = tf.zeros([k]) as tf.Tensor1D;
    expect(() => dinoLoss([], [a], { center })).toThrow(
      /dinoLoss: studentLogits must be a non-empty array/,
    );
    expect(() => dinoLoss([a], [], { center })).toThrow(
      /dinoLoss: teacherLogits must be a non-empty/,
    );
    expect(() => dinoLoss([a, b], [a], { center })).toThrow(
      /dinoLoss: studentLogits\[0\] and studentLogits\[1\] must have the same shape/,
    );
    expect(() => dinoLoss([a], [a], { center })).toThrow(
      /needs a student crop other than the teacher's/,
    );
    expect(() => dinoLoss([a, a], [a], { center: tf.zeros([4]) as tf.Tensor1D })).toThrow(
      /dinoLoss: opts.center must have K = 5 entries/,
    );
    expect(() => dinoLoss([a, a], [a], { center, studentTemperature: 0 })).toThrow(
      /dinoLoss: opts.temperature must be a finite number >= 1e-6, got 0/,
    );
    await expectNoLeak(() => dinoLoss([a, a], [a], { center }));
    await expectNoLeak(() =>
      tf.grads((x: tf.Tensor) => dinoLoss([x as tf.Tensor2D, a], [a], { center }))([a]),
    );
    tf.dispose([a, b, center]);
  });
});
