import { Rng, createRng, permutation, resolveRng, shuffleInPlace } from './rng';

describe('Rng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
    // Large, negative and fractional seeds are distinct seeds too.
    const first = (s: number) => createRng(s).next();
    const seeds = [0, 1, -1, 0.5, 2 ** 32, 2 ** 32 + 1, Date.UTC(2026, 0, 1)];
    expect(new Set(seeds.map(first)).size).toBe(seeds.length);
  });

  it('next() is uniform in [0, 1): mean, variance and histogram', () => {
    const rng = createRng(1);
    const n = 100000;
    const bins = new Array(10).fill(0);
    let sum = 0;
    let sq = 0;
    let inRange = true;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      inRange &&= u >= 0 && u < 1;
      sum += u;
      sq += u * u;
      bins[Math.floor(u * 10)]++;
    }
    expect(inRange).toBe(true);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sq / n - (sum / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(5 * Math.sqrt(n / 10));
  });

  it('uniform, int and normal have the right ranges and moments', () => {
    const rng = createRng(2);
    const n = 50000;
    const counts = [0, 0, 0];
    let s1 = 0;
    let s2 = 0;
    let inRange = true;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform(-2, 3);
      const k = rng.int(3);
      inRange &&= u >= -2 && u < 3 && Number.isInteger(k) && k >= 0 && k < 3;
      counts[k]++;
      const z = rng.normal(1, 2);
      s1 += z;
      s2 += z * z;
    }
    expect(inRange).toBe(true);
    for (const c of counts) expect(Math.abs(c - n / 3)).toBeLessThan(5 * Math.sqrt(n / 3));
    const mean = s1 / n;
    expect(Math.abs(mean - 1)).toBeLessThan(0.05);
    expect(Math.abs(Math.sqrt(s2 / n - mean * mean) - 2)).toBeLessThan(0.05);
    expect(rng.uniform(0.3, 0.3)).toBe(0.3);
  });

  it('getState/setState resume the exact stream through JSON', () => {
    const rng = createRng(5);
    for (let i = 0; i < 17; i++) rng.next();
    const saved = JSON.stringify(rng.getState());
    const ahead = Array.from({ length: 20 }, () => rng.next());
    rng.setState(JSON.parse(saved));
    expect(Array.from({ length: 20 }, () => rng.next())).toEqual(ahead);
    const copy = Rng.fromState(JSON.parse(saved));
    expect(Array.from({ length: 20 }, () => copy.next())).toEqual(ahead);
  });

  it('fork() is deterministic, independent of the parent and of other forks', () => {
    const a = createRng(9);
    const b = createRng(9);
    const fa = a.fork();
    const fb = b.fork();
    const xs = Array.from({ length: 50 }, () => fa.next());
    expect(Array.from({ length: 50 }, () => fb.next())).toEqual(xs);
    const parent = Array.from({ length: 50 }, () => a.next());
    const second = a.fork();
    const ys = Array.from({ length: 50 }, () => second.next());
    expect(xs).not.toEqual(parent);
    expect(xs).not.toEqual(ys);
    // Roughly uncorrelated with the parent stream.
    const n = 20000;
    const p = createRng(10);
    const f = p.fork();
    let cov = 0;
    for (let i = 0; i < n; i++) cov += (p.next() - 0.5) * (f.next() - 0.5);
    expect(Math.abs(cov / n)).toBeLessThan(0.005);
  });

  it('rejects bad seeds, arguments and states with clear errors', () => {
    expect(() => createRng(NaN)).toThrow(/^Rng: seed must be a finite number, got NaN/);
    expect(() => createRng(Infinity)).toThrow(/^Rng: seed/);
    const rng = createRng(1);
    expect(() => rng.int(0)).toThrow(/^Rng.int: n must be an integer/);
    expect(() => rng.int(2.5)).toThrow(/^Rng.int/);
    expect(() => rng.uniform(2, 1)).toThrow(
      /^Rng.uniform: expected finite lo <= hi, got lo=2, hi=1/,
    );
    expect(() => rng.setState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0] })).toThrow(
      /^Rng.setState: state must be/,
    );
    expect(() =>
      rng.setState({ algorithm: 'other', s: [1, 2, 3, 4] } as unknown as ReturnType<
        Rng['getState']
      >),
    ).toThrow(/^Rng.setState/);
    expect(() => resolveRng('x' as unknown as number, 'myOp')).toThrow(
      /^myOp: rng must be an Rng or a finite numeric seed, got string/,
    );
    expect(resolveRng(rng, 'f')).toBe(rng);
  });
});

describe('permutation / shuffleInPlace', () => {
  it('returns each of 0..n-1 once, the same order for the same seed', () => {
    for (const n of [0, 1, 2, 7, 100]) {
      const p = Array.from(permutation(n, createRng(3)));
      expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(Array.from(permutation(n, createRng(3)))).toEqual(p);
    }
    expect(Array.from(permutation(50, createRng(4)))).not.toEqual(
      Array.from(permutation(50, createRng(3))),
    );
  });

  it('draws the 6 orders of 3 items equally often (chi-square, 5 degrees of freedom)', () => {
    const rng = createRng(11);
    const counts = new Map<string, number>();
    const trials = 60000;
    for (let t = 0; t < trials; t++) {
      const key = permutation(3, rng).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const expected = trials / 6;
    let chi2 = 0;
    for (const c of counts.values()) chi2 += (c - expected) ** 2 / expected;
    expect(chi2).toBeLessThan(20.5); // p = 0.001 for 5 degrees of freedom
  });

  it('shuffles arrays of any element type in place and returns them', () => {
    const xs = ['a', 'b', 'c', 'd', 'e'];
    const out = shuffleInPlace(xs, createRng(1));
    expect(out).toBe(xs);
    expect([...xs].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(() => permutation(-1, createRng(0))).toThrow(
      'permutation: n must be an integer >= 0, got -1',
    );
  });
});
