import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// The training kernels wasm lacks (Conv2DBackpropFilter, depthwise backprops,
// UnsortedSegmentSum) and faster Conv2DBackpropInput/MaxPoolGrad; after the wasm import.
import '@ssl/backends/kernels';
// The CommonJS bundle of tfjs-core registers no gradients; tfjs-layers does on import.
import '@tensorflow/tfjs-layers';

// Silence tfjs's one-time 'install tfjs-node' hint in test output.
tf.env().set('IS_TEST', true);

export const TEST_BACKENDS = ['cpu', 'wasm'] as const;
export type TestBackend = (typeof TEST_BACKENDS)[number];

/**
 * Runs `fn` once per backend, each inside its own `describe` that switches the
 * tfjs backend before its tests. Tests of numeric kernels must use this so that
 * they run on both `cpu` and `wasm`.
 */
export function describeBackends(
  name: string,
  fn: (backend: TestBackend) => void,
  backends: readonly TestBackend[] = TEST_BACKENDS,
): void {
  for (const backend of backends) {
    describe(`${name} [${backend}]`, () => {
      beforeAll(async () => {
        const ok = await tf.setBackend(backend);
        if (!ok) throw new Error(`describeBackends: backend '${backend}' failed to initialise`);
        await tf.ready();
      });
      fn(backend);
    });
  }
}
