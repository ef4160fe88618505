import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { autoOrder, useBackend } from './use-backend';

tf.env().set('IS_TEST', true);

describe('useBackend', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each(['cpu', 'wasm'] as const)("selects '%s' and resolves to its name", async (name) => {
    await expect(useBackend(name)).resolves.toBe(name);
    expect(tf.getBackend()).toBe(name);
  });

  it("registers the wasm training kernels when it selects 'wasm'", async () => {
    await useBackend('wasm');
    for (const k of [
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropFilter',
      'UnsortedSegmentSum',
    ]) {
      expect(tf.getKernel(k, 'wasm')).toBeDefined();
    }
  });

  it("'auto' takes the fastest installed backend (here wasm: tfjs-node is absent) and says so once", async () => {
    expect(autoOrder()).toEqual(['tensorflow', 'wasm', 'cpu']);
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    await expect(useBackend('auto')).resolves.toBe('wasm');
    expect(info).toHaveBeenCalledTimes(1);
    expect(String(info.mock.calls[0][0])).toMatch(
      /using the 'wasm' backend.*@tensorflow\/tfjs-node not installed/,
    );
  });

  it("'auto' is silent with quiet: true", async () => {
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    await expect(useBackend('auto', { quiet: true })).resolves.toBe('wasm');
    expect(info).not.toHaveBeenCalled();
  });

  it('names the package to install when a backend is missing', async () => {
    await expect(useBackend('tensorflow')).rejects.toThrow(
      "useBackend: backend 'tensorflow' needs the package @tensorflow/tfjs-node; install it with: npm install @tensorflow/tfjs-node",
    );
  });

  it('rejects an unknown name, naming the argument', async () => {
    await expect(useBackend('gpu' as never)).rejects.toThrow(
      /useBackend: name must be 'auto' or one of 'tensorflow', 'wasm', 'webgpu', 'webgl', 'cpu', got "gpu"/,
    );
  });
});
