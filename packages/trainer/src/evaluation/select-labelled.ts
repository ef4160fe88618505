import { createRng, shuffleInPlace } from '@ssl/augment';

/** Options of {@link selectLabelled}: give exactly one of `labelsPerClass` or `fraction`. */
export interface SelectLabelledOptions {
  /** Take this many examples of every class (an integer ≥ 1). A class with fewer examples is an error. */
  labelsPerClass?: number;
  /** Take this fraction (0, 1] of every class, rounded, and at least one example per class. */
  fraction?: number;
  /** Seed of the draw: the same seed gives the same indices. */
  seed: number;
}

/**
 * Draws a stratified, seeded labelled subset: the indices (ascending) of
 * `labelsPerClass` examples of every class present in `labels`, or of a
 * `fraction` of every class. The semi-supervised protocol of SimCLR
 * (Chen et al. 2020, §4.2: "1% / 10% of labels, class-balanced").
 *
 * Each class's indices are shuffled with a generator seeded by `seed`, and the
 * first ones are kept, so a larger draw with the same seed contains the smaller one.
 *
 * @example
 * const idx = selectLabelled(trainLabels, { labelsPerClass: 10, seed: 0 }); // 100 indices for 10 classes
 */
export function selectLabelled(
  labels: Int32Array | number[],
  options: SelectLabelledOptions,
): number[] {
  const fn = 'selectLabelled';
  if (options == null || typeof options !== 'object') {
    throw new Error(
      `${fn}: options must be an object with labelsPerClass or fraction, got ${options}`,
    );
  }
  const { labelsPerClass, fraction, seed } = options;
  if ((labelsPerClass == null) === (fraction == null)) {
    throw new Error(
      `${fn}: give exactly one of labelsPerClass or fraction, got labelsPerClass=${labelsPerClass}, fraction=${fraction}`,
    );
  }
  if (labelsPerClass != null && !(Number.isInteger(labelsPerClass) && labelsPerClass >= 1)) {
    throw new Error(`${fn}: labelsPerClass must be an integer >= 1, got ${labelsPerClass}`);
  }
  if (fraction != null && !(fraction > 0 && fraction <= 1)) {
    throw new Error(`${fn}: fraction must be in (0, 1], got ${fraction}`);
  }
  if (!Number.isFinite(seed)) throw new Error(`${fn}: seed must be a finite number, got ${seed}`);

  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0) {
      throw new Error(`${fn}: labels must be non-negative integers, got ${y} at index ${i}`);
    }
    let list = byClass.get(y);
    if (!list) byClass.set(y, (list = []));
    list.push(i);
  }
  if (byClass.size === 0) throw new Error(`${fn}: labels is empty`);

  const rand = createRng(seed);
  const picked: number[] = [];
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = byClass.get(cls)!;
    const take =
      labelsPerClass != null ? labelsPerClass : Math.max(1, Math.round(fraction! * idx.length));
    if (take > idx.length) {
      throw new Error(
        `${fn}: class ${cls} has only ${idx.length} examples, cannot take labelsPerClass=${take}`,
      );
    }
    shuffleInPlace(idx, rand);
    for (let i = 0; i < take; i++) picked.push(idx[i]);
  }
  return picked.sort((a, b) => a - b);
}
