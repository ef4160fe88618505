import { groupBy, mean, meanStd, spread, std } from './stats';

describe('stats', () => {
  it('mean and sample std match hand-computed values', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32, sample variance 32/7
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(std(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(std([3])).toBe(0);
    expect(mean([])).toBeNaN();
    expect(spread([0.5, 0.7])).toEqual({
      mean: 0.6,
      std: expect.closeTo(Math.SQRT1_2 * 0.2, 12),
      min: 0.5,
      max: 0.7,
      n: 2,
    });
  });

  it('spread takes 200,000 values (no argument spread over them)', () => {
    const xs = Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 200_000); // a permutation
    const s = spread(xs);
    expect([s.min, s.max, s.n]).toEqual([0, 199_999, 200_000]);
    expect(s.mean).toBeCloseTo(99_999.5, 6);
  });

  it('meanStd prints percent with one decimal by default', () => {
    expect(meanStd(0.853, 0.012)).toBe('85.3 ± 1.2');
    expect(meanStd(2.5, 0.25, { scale: 1, digits: 2 })).toBe('2.50 ± 0.25');
  });

  it('groupBy keeps first-appearance order of groups and input order within them', () => {
    const rows = [
      { k: 'b', v: 1 },
      { k: 'a', v: 2 },
      { k: 'b', v: 3 },
    ];
    expect(groupBy(rows, (r) => r.k)).toEqual([[rows[0], rows[2]], [rows[1]]]);
  });
});
