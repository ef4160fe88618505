import { constantLr } from './schedule';
import { warmupCosine } from './warmup-cosine';

describe('warmupCosine', () => {
  it('follows the closed form: linear warmup, then cosine to finalLr', () => {
    const baseLr = 0.4;
    const finalLr = 0.01;
    const s = warmupCosine({ baseLr, warmupSteps: 4, finalLr })({
      totalSteps: 14,
      stepsPerEpoch: 7,
    });
    // warmup: 0.1, 0.2, 0.3, 0.4
    [0.1, 0.2, 0.3, 0.4].forEach((want, step) => expect(s(step)).toBeCloseTo(want, 12));
    // cosine over 10 steps: t = (step-4)/10
    for (const step of [4, 5, 9, 13, 14, 20]) {
      const t = Math.min(1, (step - 4) / 10);
      const want = finalLr + 0.5 * (baseLr - finalLr) * (1 + Math.cos(Math.PI * t));
      expect(s(step)).toBeCloseTo(want, 12);
    }
    expect(s(4)).toBeCloseTo(baseLr, 12); // peak right after warmup
    expect(s(9)).toBeCloseTo((baseLr + finalLr) / 2, 12); // half way
    expect(s(14)).toBeCloseTo(finalLr, 12);
  });

  it('without warmup starts at baseLr and decays to 0 by default', () => {
    const s = warmupCosine({ baseLr: 1 })({ totalSteps: 4, stepsPerEpoch: 4 });
    expect([0, 1, 2, 3, 4].map(s).map((v) => +v.toFixed(12))).toEqual(
      [1, (1 + Math.SQRT1_2) / 2, 0.5, (1 - Math.SQRT1_2) / 2, 0].map((v) => +v.toFixed(12)),
    );
  });

  it('takes the warmup in epochs from the run length, and cuts a warmup longer than the run', () => {
    const byEpochs = warmupCosine({ baseLr: 1, warmupEpochs: 1.5 })({
      totalSteps: 40,
      stepsPerEpoch: 4,
    });
    const bySteps = warmupCosine({ baseLr: 1, warmupSteps: 6 })({
      totalSteps: 40,
      stepsPerEpoch: 4,
    });
    for (let step = 0; step < 40; step++) expect(byEpochs(step)).toBe(bySteps(step));
    expect(byEpochs(5)).toBe(1);
    const long = warmupCosine({ baseLr: 1, warmupSteps: 10 })({ totalSteps: 4, stepsPerEpoch: 4 });
    expect([0, 1, 2, 3].map(long)).toEqual([0.25, 0.5, 0.75, 1]);
  });

  it('refuses bad settings with the argument named', () => {
    expect(() => warmupCosine({ baseLr: -1 })).toThrow(/warmupCosine: baseLr/);
    expect(() => warmupCosine({ baseLr: 1, warmupSteps: 1.5 })).toThrow(/warmupSteps/);
    expect(() => warmupCosine({ baseLr: 1, warmupEpochs: -1 })).toThrow(/warmupEpochs/);
    expect(() => warmupCosine({ baseLr: 1 })({ totalSteps: 0, stepsPerEpoch: 1 })).toThrow(
      /totalSteps/,
    );
    expect(() => constantLr(NaN)).toThrow(/constantLr: lr/);
    expect(constantLr(0.1)({ totalSteps: 1, stepsPerEpoch: 1 })(0)).toBe(0.1);
  });
});
