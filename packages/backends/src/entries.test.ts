import * as tf from '@tensorflow/tfjs-core';

tf.env().set('IS_TEST', true);

describe('side-effect entries', () => {
  it("'@ssl/backends/cpu' selects cpu", async () => {
    const { backendReady } = await import('./cpu');
    await expect(backendReady).resolves.toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it("'@ssl/backends/wasm' selects wasm with the training kernels", async () => {
    const { backendReady } = await import('./wasm');
    await expect(backendReady).resolves.toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it("'@ssl/backends/kernels' registers idempotently, replacing the wasm package's slow kernels", async () => {
    const { registerWasmTrainingKernels } = await import('./kernels');
    expect(registerWasmTrainingKernels()).toEqual([]);
    const ours = tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc;
    tf.unregisterKernel('MaxPoolGrad', 'wasm');
    tf.registerKernel({
      kernelName: 'MaxPoolGrad',
      backendName: 'wasm',
      kernelFunc: () => ({}) as tf.TensorInfo,
    });
    expect(registerWasmTrainingKernels()).toEqual(['MaxPoolGrad']);
    expect(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc).toBe(ours);
  });

  it("'@ssl/backends/node' throws at import, naming @tensorflow/tfjs-node, when it is not installed", () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous import is what throws
      expect(() => require('./node')).toThrow(
        "@ssl/backends/node: backend 'tensorflow' needs the package @tensorflow/tfjs-node; install it with: npm install @tensorflow/tfjs-node",
      );
    });
  });
});
