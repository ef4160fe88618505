import * as tf from '@tensorflow/tfjs-core';

/** The wasm backend's own kernels that @ssl/backends replaced, kept for the cases it delegates. */
const stock = new Map<string, tf.KernelConfig>();

/** Remembers `config` as the wasm backend's own kernel for its name (first one wins). */
export function rememberStockKernel(config: tf.KernelConfig): void {
  if (!stock.has(config.kernelName)) stock.set(config.kernelName, config);
}

/** The wasm backend's own kernel `name`, which a replacement delegates to. */
export function stockKernel(name: string): tf.KernelFunc {
  const config = stock.get(name);
  if (config == null) {
    throw new Error(
      `@ssl/backends: the wasm backend's own '${name}' kernel is not available; ` +
        `import '@tensorflow/tfjs-backend-wasm' before registering the training kernels`,
    );
  }
  return config.kernelFunc;
}
