import { selectLabelled } from './select-labelled';

// 5 classes of unequal size, in class-grouped order like the MNIST split.
const labels: number[] = [];
[30, 12, 20, 7, 15].forEach((n, c) => {
  for (let i = 0; i < n; i++) labels.push(c);
});

function perClass(idx: number[]): number[] {
  const counts = [0, 0, 0, 0, 0];
  idx.forEach((i) => counts[labels[i]]++);
  return counts;
}

describe('selectLabelled', () => {
  it('takes labelsPerClass distinct indices of every class, ascending', () => {
    const idx = selectLabelled(labels, { labelsPerClass: 5, seed: 1 });
    expect(perClass(idx)).toEqual([5, 5, 5, 5, 5]);
    expect(new Set(idx).size).toBe(idx.length);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
  });

  it('is deterministic by seed, differs across seeds, and nests', () => {
    const a = selectLabelled(Int32Array.from(labels), { labelsPerClass: 3, seed: 7 });
    expect(selectLabelled(labels, { labelsPerClass: 3, seed: 7 })).toEqual(a);
    expect(selectLabelled(labels, { labelsPerClass: 3, seed: 8 })).not.toEqual(a);
    const bigger = selectLabelled(labels, { labelsPerClass: 6, seed: 7 });
    for (const i of a) expect(bigger).toContain(i);
  });

  it('takes a rounded fraction of each class, at least one', () => {
    const idx = selectLabelled(labels, { fraction: 0.1, seed: 0 });
    expect(perClass(idx)).toEqual([3, 1, 2, 1, 2]); // round(0.1 * [30,12,20,7,15]) with min 1
    expect(selectLabelled(labels, { fraction: 1, seed: 3 })).toEqual(labels.map((_, i) => i));
  });

  it('rejects bad input with a clear message', () => {
    expect(() => selectLabelled(labels, { seed: 0 })).toThrow(/selectLabelled: give exactly one/);
    expect(() => selectLabelled(labels, { labelsPerClass: 2, fraction: 0.5, seed: 0 })).toThrow(
      /exactly one/,
    );
    expect(() => selectLabelled(labels, { labelsPerClass: 0, seed: 0 })).toThrow(
      /labelsPerClass must be an integer >= 1, got 0/,
    );
    expect(() => selectLabelled(labels, { fraction: 1.5, seed: 0 })).toThrow(
      /fraction must be in \(0, 1\]/,
    );
    expect(() => selectLabelled(labels, { labelsPerClass: 8, seed: 0 })).toThrow(
      /class 3 has only 7 examples/,
    );
    expect(() => selectLabelled([0, 1.5], { labelsPerClass: 1, seed: 0 })).toThrow(
      /got 1.5 at index 1/,
    );
    expect(() => selectLabelled([], { labelsPerClass: 1, seed: 0 })).toThrow(/labels is empty/);
  });
});
