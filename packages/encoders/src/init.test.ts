import { describeBackends } from '@ssl/test-utils';
import { InitStream } from './init';

describeBackends('InitStream', () => {
  it('same seed -> same sequence of seeds and values; other seed -> other values', () => {
    const a = new InitStream(3);
    const b = new InitStream(3);
    const c = new InitStream(4);
    const seedsA = [a.nextSeed(), a.nextSeed(), a.nextSeed()];
    expect([b.nextSeed(), b.nextSeed(), b.nextSeed()]).toEqual(seedsA);
    expect(new Set(seedsA).size).toBe(3); // two layers never share a stream
    const draw = (s: InitStream) => {
      const t = s.truncatedNormal(0.02).apply([200]);
      const v = Array.from(t.dataSync());
      t.dispose();
      return v;
    };
    const va = draw(new InitStream(3));
    expect(draw(new InitStream(3))).toEqual(va);
    expect(draw(c)).not.toEqual(va);
    // Truncated normal: within 2 standard deviations, std close to 0.02.
    expect(Math.max(...va.map(Math.abs))).toBeLessThanOrEqual(0.04 + 1e-6);
    const std = Math.sqrt(va.reduce((s, x) => s + x * x, 0) / va.length);
    expect(std).toBeGreaterThan(0.012);
    expect(std).toBeLessThan(0.022);
  });

  it('He normal: std sqrt(2 / fan_in), truncated at 2 std (variance x 0.774, as in tfjs)', () => {
    const t = new InitStream(1).heNormal().apply([100, 50]);
    const v = Array.from(t.dataSync());
    t.dispose();
    const variance = v.reduce((s, x) => s + x * x, 0) / v.length;
    // Variance of a standard normal truncated to [-2, 2] is 0.7737.
    const expected = 0.7737 * (2 / 100);
    expect(variance).toBeGreaterThan(0.9 * expected);
    expect(variance).toBeLessThan(1.1 * expected);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(2 * Math.sqrt(2 / 100) + 1e-6);
  });
});
