import { permutation, seededRandom } from './rng';

describe('seededRandom / permutation', () => {
  it('repeats for a seed, differs across seeds, stays in [0, 1)', () => {
    const a = seededRandom(9);
    const b = seededRandom(9);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(seededRandom(10)()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('draws a permutation of 0..n-1, the same one for the same seed', () => {
    const p = Array.from(permutation(50, seededRandom(1)));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(permutation(50, seededRandom(1)))).toEqual(p);
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(permutation(0, seededRandom(1)))).toEqual([]);
  });
});
