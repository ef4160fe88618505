import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, randomArray } from '@ssl/test-utils';
import { tuning } from './tuning';

/** A test input: its shape, and either its values or a seed for uniform [-1, 1) values. */
export interface InputSpec {
  shape: number[];
  values?: ArrayLike<number>;
  seed?: number;
  dtype?: 'float32' | 'int32';
}

function materialize(spec: InputSpec): tf.Tensor {
  const size = tf.util.sizeFromShape(spec.shape);
  const values = spec.values ?? randomArray(size, spec.seed ?? 1);
  return tf.tensor(Array.from(values), spec.shape, spec.dtype ?? 'float32');
}

/** Runs kernel `name` on the current backend; returns its values and checks that it leaks nothing. */
export function runKernelChecked(
  name: string,
  inputs: Record<string, InputSpec>,
  attrs: object,
): { shape: number[]; values: Float32Array } {
  const before = tf.memory().numTensors;
  const tensors: Record<string, tf.Tensor> = {};
  for (const [k, spec] of Object.entries(inputs)) tensors[k] = materialize(spec);
  const out = tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { shape: out.shape, values: Float32Array.from(out.dataSync()) };
  out.dispose();
  for (const t of Object.values(tensors)) t.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

/**
 * Runs kernel `name` on 'wasm' and expects `want` (an independent reference,
 * e.g. a naive loop), within 1e-4.
 */
export async function expectWasmMatches(
  name: string,
  inputs: Record<string, InputSpec>,
  attrs: object,
  want: ArrayLike<number>,
): Promise<void> {
  await tf.setBackend('wasm');
  const got = runKernelChecked(name, inputs, attrs);
  expectAllClose(got.values, want, { atol: 1e-4, rtol: 1e-4 });
}

/** Sets `settings` on {@link tuning} for the enclosing `describe` and restores it afterwards. */
export function useTuning(settings: Partial<typeof tuning>): void {
  const saved = { ...tuning };
  beforeAll(() => {
    Object.assign(tuning, settings);
  });
  afterAll(() => {
    Object.assign(tuning, saved);
  });
}

/**
 * Runs kernel `name` on 'cpu' and on 'wasm' with the same inputs and expects
 * the same shape and values (and no leaked tensor on either).
 */
export async function expectSameAsCpu(
  name: string,
  inputs: Record<string, InputSpec>,
  attrs: object,
  tol: { atol?: number; rtol?: number } = { atol: 1e-4, rtol: 1e-4 },
): Promise<void> {
  await tf.setBackend('cpu');
  const want = runKernelChecked(name, inputs, attrs);
  await tf.setBackend('wasm');
  const got = runKernelChecked(name, inputs, attrs);
  expect(got.shape).toEqual(want.shape);
  expectAllClose(got.values, want.values, tol);
}
