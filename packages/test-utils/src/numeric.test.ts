import { expectAllClose, numericGradient } from './numeric';

describe('numericGradient', () => {
  it('matches the closed-form gradient of sum(x^3)', () => {
    const x = [0.5, -1.5, 2];
    const g = numericGradient((v) => v.reduce((s, t) => s + t ** 3, 0), x);
    expectAllClose(
      g,
      x.map((t) => 3 * t * t),
      { atol: 1e-6 },
    );
  });
  it('expectAllClose rejects values outside tolerance', () => {
    expect(() => expectAllClose([1, 2], [1, 2.1])).toThrow(/element 1/);
  });
});
