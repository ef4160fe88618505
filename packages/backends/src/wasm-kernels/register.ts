import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul } from './batch-mat-mul';
import { conv2D, fusedConv2D } from './conv2d';
import { conv2DBackpropFilter } from './conv2d-backprop-filter';
import { conv2DBackpropInput } from './conv2d-backprop-input';
import { depthwiseConv2dNativeBackpropFilter } from './depthwise-backprop-filter';
import { depthwiseConv2dNativeBackpropInput } from './depthwise-backprop-input';
import { identity } from './identity';
import { maxPoolGrad } from './max-pool-grad';
import { rememberStockKernel } from './stock-kernels';
import { sum } from './sum';
import { tile } from './tile';
import { unsortedSegmentSum } from './unsorted-segment-sum';
import type { WasmKernelArgs } from './wasm-ops';

type WasmKernel = (args: WasmKernelArgs) => tf.TensorInfo;

/** Training kernels that tfjs-backend-wasm 4.22 does not have at all. */
export const WASM_MISSING_KERNELS: Readonly<Record<string, WasmKernel>> = {
  Conv2DBackpropFilter: conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseConv2dNativeBackpropInput,
  UnsortedSegmentSum: unsortedSegmentSum,
};

/**
 * Faster replacements for wasm kernels that dominate a training step's
 * profile (see the package README): Conv2D and FusedConv2D without bias or activation (SIMD direct
 * convolution), Conv2DBackpropInput and MaxPoolGrad
 * (plain loops in tfjs-backend-wasm), Sum over leading axes (bias gradients),
 * BatchMatMul with transposed operands (gradients of dense layers), Identity
 * (a copy in tfjs-backend-wasm; shared data here, as on cpu), Tile of a
 * broadcast (block copies instead of an index per element). The ones
 * that handle only some cases delegate the rest to the wasm backend's own kernel.
 */
export const WASM_FASTER_KERNELS: Readonly<Record<string, WasmKernel>> = {
  Conv2D: conv2D,
  FusedConv2D: fusedConv2D,
  Conv2DBackpropInput: conv2DBackpropInput,
  MaxPoolGrad: maxPoolGrad,
  Sum: sum,
  BatchMatMul: batchMatMul,
  Identity: identity,
  Tile: tile,
};

/** Options of {@link registerWasmTrainingKernels}. */
export interface RegisterWasmKernelsOptions {
  /** Also replace the slow kernels of {@link WASM_FASTER_KERNELS}. Default true. */
  replaceSlow?: boolean;
}

/**
 * Registers the training kernels the 'wasm' backend lacks
 * ({@link WASM_MISSING_KERNELS}) and, by default, the faster replacements
 * ({@link WASM_FASTER_KERNELS}). Idempotent: a kernel that is already ours is
 * left alone; one registered by someone else (e.g. tfjs-backend-wasm imported
 * afterwards) is replaced, and kept for the cases ours delegates. Works
 * without the wasm backend installed (kernels are looked up by backend name
 * when they run). Returns the names it (re)registered.
 *
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmTrainingKernels } from '@ssl/backends';
 * registerWasmTrainingKernels();
 * ```
 */
export function registerWasmTrainingKernels(options: RegisterWasmKernelsOptions = {}): string[] {
  const { replaceSlow = true } = options;
  const wanted = replaceSlow
    ? { ...WASM_MISSING_KERNELS, ...WASM_FASTER_KERNELS }
    : WASM_MISSING_KERNELS;
  const changed: string[] = [];
  for (const [kernelName, fn] of Object.entries(wanted)) {
    const kernelFunc = fn as unknown as tf.KernelFunc;
    const current = tf.getKernel(kernelName, 'wasm');
    if (current?.kernelFunc === kernelFunc) continue;
    if (current != null) {
      rememberStockKernel(current);
      tf.unregisterKernel(kernelName, 'wasm');
    }
    // The wasm backend runs setupFunc (binding its C++ function) for every
    // kernel registered when it initialises: keep the replaced kernel's, so
    // that delegating to it works even when we registered first.
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc,
      setupFunc: current?.setupFunc,
    });
    changed.push(kernelName);
  }
  return changed;
}
