import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@ssl/test-utils';
import {
  assertEmbeddingPair,
  assertNonNegative,
  assertOptions,
  assertPositive,
  assertTemperature,
  assertTensor,
} from './validate';

// cpu only: these checks are backend-independent, a backend is needed only to create tensors.
describeBackends(
  'validate',
  () => {
    it('describes what arrived when it is not a tensor', () => {
      expect(() => assertTensor('f', 'x', null, 2, '[N, D]')).toThrow(
        'f: x must be a 2-D tensor [N, D], got null',
      );
      expect(() => assertTensor('f', 'x', 3, 2, '[N, D]')).toThrow(
        'f: x must be a 2-D tensor [N, D], got 3',
      );
      expect(() => assertTensor('f', 'x', 'abc', 2, '[N, D]')).toThrow('got string');
    });

    it('rejects a disposed tensor and an empty axis', () => {
      const t = tf.zeros([2, 2]);
      t.dispose();
      expect(() => assertTensor('f', 'x', t, 2, '[N, D]')).toThrow(
        'f: x must be a live tensor, got a disposed tensor',
      );
      const empty = tf.zeros([3, 0]);
      expect(() => assertTensor('f', 'x', empty, 2, '[N, D]')).toThrow(
        'f: x must not have an empty axis [N, D], got shape [3,0]',
      );
      empty.dispose();
    });

    it('checks numbers and options', () => {
      expect(() => assertPositive('f', 'opts.eps', '1')).toThrow(
        'f: opts.eps must be a finite number > 0, got string',
      );
      expect(() => assertNonNegative('f', 'opts.w', -Infinity)).toThrow('got -Infinity');
      expect(() => assertNonNegative('f', 'opts.w', 0)).not.toThrow();
      expect(() => assertTemperature('f', 1e-7)).toThrow(
        'f: opts.temperature must be a finite number >= 1e-6, got 1e-7',
      );
      expect(() => assertTemperature('f', 1e-6)).not.toThrow();
      expect(() => assertOptions('f', [])).toThrow(
        'f: opts must be an object or undefined, got an array',
      );
      expect(() => assertOptions('f', 0.5)).toThrow('got 0.5');
      expect(() => assertOptions('f', undefined)).not.toThrow();
    });

    it('checks an embedding pair: first a, then b, then their shapes', () => {
      const a = tf.zeros([4, 3]);
      const b = tf.zeros([4, 2]);
      const v = tf.zeros([4]);
      expect(() => assertEmbeddingPair('f', 'a', v, 'b', null)).toThrow(
        'f: a must be a 2-D tensor [N, D], got shape [4]',
      );
      expect(() => assertEmbeddingPair('f', 'a', a, 'b', null)).toThrow(
        'f: b must be a 2-D tensor [N, D], got null',
      );
      expect(() => assertEmbeddingPair('f', 'a', a, 'b', b)).toThrow(
        'f: a and b must have the same shape, got [4,3] and [4,2]',
      );
      expect(() => assertEmbeddingPair('f', 'a', a, 'b', a)).not.toThrow();
      tf.dispose([a, b, v]);
    });
  },
  ['cpu'],
);
