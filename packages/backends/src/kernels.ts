/**
 * Side-effect entry: `import '@ssl/backends/kernels'` registers the training
 * kernels the 'wasm' backend lacks (see `registerWasmTrainingKernels`),
 * without choosing a backend. Import it after `@tensorflow/tfjs-backend-wasm`.
 */
import '@ssl/backends/gradients'; // every kernel's gradient, without tfjs-layers
import { registerWasmTrainingKernels } from './wasm-kernels/register';

registerWasmTrainingKernels();

export { registerWasmTrainingKernels };
