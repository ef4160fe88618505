import { createRng, type Rng } from '@ssl/augment';

/** An Rng from an Rng or a seed (tests only). */
export function resolveRngForTests(rng: Rng | number): Rng {
  return typeof rng === 'number' ? createRng(rng) : rng;
}
