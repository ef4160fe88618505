import { createRng } from '@ssl/augment';

/** A function returning numbers uniform in [0, 1) from the project's seeded generator (`createRng(seed)`). */
export function uniformFn(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next();
}

/**
 * @deprecated the old name of {@link uniformFn} (it draws from `createRng`
 * now, not from a mulberry32 copy); kept only until the last test that
 * imports it (`packages/losses/src/masked-cross-entropy.test.ts`) is renamed.
 */
export const mulberry32 = uniformFn;

/** `n` numbers uniform in [lo, hi) from the project's seeded generator (`createRng(seed)`). */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}
