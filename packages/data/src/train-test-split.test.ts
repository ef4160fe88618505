import { trainTestSplit } from './train-test-split';

const items = Array.from({ length: 103 }, (_, i) => ({ id: i, cls: i % 3 === 0 ? 'a' : 'b' }));

describe('trainTestSplit', () => {
  it('puts round(n * testFraction) items in test, the rest in train, disjoint and in input order', () => {
    const { train, test } = trainTestSplit(items, { testFraction: 0.2, seed: 1 });
    expect(test).toHaveLength(21); // round(20.6)
    expect(train).toHaveLength(82);
    const ids = new Set([...train, ...test].map((x) => x.id));
    expect(ids.size).toBe(103);
    const increasing = (xs: { id: number }[]) => xs.every((x, i) => i === 0 || x.id > xs[i - 1].id);
    expect(increasing(train)).toBe(true);
    expect(increasing(test)).toBe(true);
  });

  it('is deterministic for a seed, and another seed picks other items', () => {
    const ids = (seed: number) => trainTestSplit(items, { seed }).test.map((x) => x.id);
    expect(ids(3)).toEqual(ids(3));
    expect(ids(3)).not.toEqual(ids(4));
  });

  it('stratifies: each stratum is split on its own', () => {
    const { test } = trainTestSplit(items, {
      testFraction: 0.25,
      seed: 0,
      stratifyBy: (x) => x.cls,
    });
    // 35 'a' (i % 3 === 0) and 68 'b' items
    expect(test.filter((x) => x.cls === 'a')).toHaveLength(9); // round(8.75)
    expect(test.filter((x) => x.cls === 'b')).toHaveLength(17);
  });

  it('handles the edges: fraction 0, fraction 1, no items', () => {
    expect(trainTestSplit(items, { testFraction: 0 }).test).toHaveLength(0);
    expect(trainTestSplit(items, { testFraction: 1 }).train).toHaveLength(0);
    expect(trainTestSplit([], {})).toEqual({ train: [], test: [] });
  });

  it('refuses bad options, naming them', () => {
    expect(() => trainTestSplit(items, { testFraction: 1.5 })).toThrow(
      'trainTestSplit: testFraction must be a number in [0, 1], got 1.5',
    );
    expect(() => trainTestSplit(items, { seed: Infinity })).toThrow(
      'trainTestSplit: seed must be a finite number, got Infinity',
    );
    expect(() => trainTestSplit('abc' as unknown as string[])).toThrow(
      'trainTestSplit: items must be an array, got string',
    );
  });
});
