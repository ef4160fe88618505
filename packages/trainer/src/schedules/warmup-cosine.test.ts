import { warmupCosine } from './warmup-cosine';

describe('warmupCosine', () => {
  it('follows the closed form: linear warmup, then cosine to finalLr', () => {
    const baseLr = 0.4;
    const finalLr = 0.01;
    const s = warmupCosine({ baseLr, warmupSteps: 4, totalSteps: 14, finalLr });
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
    const s = warmupCosine({ baseLr: 1, warmupSteps: 0, totalSteps: 4 });
    expect([0, 1, 2, 3, 4].map(s).map((v) => +v.toFixed(12))).toEqual(
      [1, (1 + Math.SQRT1_2) / 2, 0.5, (1 - Math.SQRT1_2) / 2, 0].map((v) => +v.toFixed(12)),
    );
  });

  it('refuses bad settings with the argument named', () => {
    expect(() => warmupCosine({ baseLr: -1, warmupSteps: 0, totalSteps: 4 })).toThrow(/baseLr/);
    expect(() => warmupCosine({ baseLr: 1, warmupSteps: 5, totalSteps: 4 })).toThrow(
      /warmupSteps must be <= totalSteps/,
    );
    expect(() => warmupCosine({ baseLr: 1, warmupSteps: 0, totalSteps: 0 })).toThrow(/totalSteps/);
  });
});
