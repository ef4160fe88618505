import * as tf from '@tensorflow/tfjs-core';
import '@ssl/test-utils';
import { maskTokens } from './mask-tokens';

describe('maskTokens option checks', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const ok = { maskTokenId: 4, vocabSize: 10, specialTokenIds: [0, 1, 2, 3, 4], seed: 1 };
  it.each([
    [
      { specialTokenIds: null },
      'maskTokens: specialTokenIds must be an iterable of integer ids (an array or a Set), got null',
    ],
    [
      { specialTokenIds: 'abc' },
      'maskTokens: specialTokenIds must be an iterable of integer ids (an array or a Set), got string',
    ],
    [{ specialTokenIds: [0, 1.5] }, 'maskTokens: specialTokenIds must hold integer ids, got 1.5'],
    [{ seed: NaN }, 'maskTokens: seed must be an integer, got NaN'],
    [{ seed: 0.5 }, 'maskTokens: seed must be an integer, got 0.5'],
    [
      { wholeWordMask: { continuationTokenIds: null } },
      'maskTokens: wholeWordMask.continuationTokenIds must be an iterable',
    ],
  ])('refuses %j', (change, message) => {
    const ids = tf.tensor2d([[2, 5, 6, 3]], [1, 4], 'int32');
    const before = tf.memory().numTensors;
    expect(() => maskTokens(ids, { ...ok, ...(change as object) } as never)).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
    ids.dispose();
  });
  it('refuses null options', () => {
    const ids = tf.tensor2d([[2, 5]], [1, 2], 'int32');
    expect(() => maskTokens(ids, null as never)).toThrow(
      'maskTokens: opts must be an object, got null',
    );
    ids.dispose();
  });
});
