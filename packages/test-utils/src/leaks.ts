import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn`, disposes whatever tensors it returns, and fails if the number of
 * live tensors changed: the function leaked intermediates.
 */
export async function expectNoLeak(fn: () => unknown): Promise<void> {
  const before = tf.memory().numTensors;
  const out = await fn();
  disposeDeep(out);
  expect(tf.memory().numTensors).toBe(before);
}

/**
 * Calls `step` `steps` times and checks that `tf.memory().numTensors` is the
 * same after every step from the second on (the first may allocate state such
 * as optimizer slots or variables).
 */
export async function expectFlatMemory(step: () => unknown, steps = 5): Promise<number[]> {
  const counts: number[] = [];
  for (let i = 0; i < steps; i++) {
    disposeDeep(await step());
    counts.push(tf.memory().numTensors);
  }
  for (let i = 2; i < counts.length; i++) expect(counts[i]).toBe(counts[1]);
  return counts;
}

function disposeDeep(x: unknown): void {
  if (x instanceof tf.Tensor) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeDeep);
  else if (x && typeof x === 'object' && !(x instanceof tf.Variable)) {
    for (const v of Object.values(x)) if (v instanceof tf.Tensor) v.dispose();
  }
}
