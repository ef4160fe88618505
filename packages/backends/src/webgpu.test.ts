/**
 * The Node side of '@ssl/backends/webgpu' without a GPU: the one-line errors
 * when the `webgpu` package (Dawn) or a driver is missing. WebGPU itself is
 * tested in headless Chromium (examples/browser/e2e/gradients.e2e.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

tf.env().set('IS_TEST', true);

type Holder = { navigator?: { gpu?: unknown } };

function notInstalled(): never {
  const err = new Error("Cannot find module 'webgpu' from 'src/webgpu-navigator.ts'") as Error & {
    code: string;
  };
  err.code = 'MODULE_NOT_FOUND';
  throw err;
}

/** A Dawn module whose adapter request finds nothing, as without a Vulkan driver. */
const dawnWithoutDriver = () => ({
  create: () => ({ requestAdapter: async () => null }),
  globals: {},
});

describe("'@ssl/backends/webgpu' in Node", () => {
  beforeEach(() => {
    jest.resetModules();
    delete (globalThis as Holder).navigator?.gpu;
  });
  afterEach(() => jest.dontMock('webgpu'));

  it('rejects naming the webgpu package when it is not installed', async () => {
    jest.doMock('webgpu', notInstalled, { virtual: true });
    const { backendReady } = await import('./webgpu');
    await expect(backendReady).rejects.toThrow(
      "@ssl/backends/webgpu: WebGPU in Node needs the package webgpu (Dawn's Node binding); install it with: npm install webgpu",
    );
  });

  it('rejects naming the missing driver when Dawn finds no adapter', async () => {
    jest.doMock('webgpu', dawnWithoutDriver, { virtual: true });
    const { backendReady } = await import('./webgpu');
    await expect(backendReady).rejects.toThrow(
      /^@ssl\/backends\/webgpu: the webgpu package found no GPU adapter: install a Vulkan driver/,
    );
    expect((globalThis as Holder).navigator?.gpu).toBeUndefined();
  });

  it("useBackend('webgpu') says what is missing, and 'auto' in Node does not try webgpu", async () => {
    jest.doMock('webgpu', dawnWithoutDriver, { virtual: true });
    const { useBackend, autoOrder } = await import('./use-backend');
    await expect(useBackend('webgpu')).rejects.toThrow(
      /^loadBackendPackage: the webgpu package found no GPU adapter/,
    );
    expect(autoOrder()).not.toContain('webgpu');
  });

  it('passes a Dawn that finds an adapter to tfjs as navigator.gpu, with its globals', async () => {
    const gpu = { requestAdapter: async () => ({}) };
    jest.doMock('webgpu', () => ({ create: () => gpu, globals: { SSL_TEST_GPU_CONSTANT: 4 } }), {
      virtual: true,
    });
    const { ensureNavigatorGpu } = await import('./webgpu-navigator');
    await ensureNavigatorGpu('test');
    expect((globalThis as Holder).navigator?.gpu).toBe(gpu);
    expect((globalThis as Record<string, unknown>).SSL_TEST_GPU_CONSTANT).toBe(4);
    delete (globalThis as Holder).navigator?.gpu;
    delete (globalThis as Record<string, unknown>).SSL_TEST_GPU_CONSTANT;
  });
});
