import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

tf.env().set('IS_TEST', true);

// This file imports neither tfjs-layers nor @ssl/test-utils (which does): the
// gradients must come from '@ssl/backends/gradients' alone. (The consumer test,
// scripts/consumer-test, checks the same with the built package in a clean app.)
describe("'@ssl/backends/gradients'", () => {
  it('registers the gradients of tfjs-core kernels that nothing else registered', async () => {
    expect(tf.getGradient('Sub')).toBeUndefined();
    await import('./gradients');
    for (const kernel of [
      'Sub',
      'Multiply',
      'BatchMatMul',
      'Exp',
      'Log',
      'Sum',
      'Conv2D',
      'Relu',
    ]) {
      expect([kernel, tf.getGradient(kernel) != null]).toEqual([kernel, true]);
    }
  });

  it('gives the closed-form gradient of sum((w - 1)^2), 2 (w - 1)', async () => {
    await import('./gradients');
    await tf.setBackend('cpu');
    const w = tf.variable(tf.tensor1d([0.5, 2, -3]));
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(w, 1))));
    expect(await value.data()).toEqual(new Float32Array([0.25 + 1 + 16]));
    expect(Array.from(await grads[w.name].data())).toEqual([-1, 2, -8]);
    tf.dispose([value, w, ...Object.values(grads)]);
  });

  it('is imported by every entry and by useBackend', () => {
    const fs = jest.requireActual<typeof import('fs')>('fs');
    for (const file of ['wasm', 'cpu', 'webgl', 'webgpu', 'node', 'kernels', 'use-backend']) {
      const source = fs.readFileSync(`${__dirname}/${file}.ts`, 'utf8');
      expect([file, source.includes("import '@ssl/backends/gradients';")]).toEqual([file, true]);
    }
  });
});
