/**
 * Size limits that choose between the exact algorithms of the convolution
 * gradients. Exported so that tests can force each path.
 */
export const tuning = {
  /**
   * Largest patch matrix (elements) a GEMM path builds; beyond it the
   * convolution-only path, which needs no extra memory, is used.
   * Default 2^22 floats = 16 MiB.
   */
  maxPatchElements: 1 << 22,
  /**
   * Bytes of dy per forward convolution in Conv2DBackpropFilter's convolution
   * path: the sum over the batch is cut into chunks of whole images so that
   * dy, that convolution's filter, stays in cache. Default 2^22 = 4 MiB.
   */
  convChunkBytes: 1 << 22,
  /**
   * Use the WASM SIMD kernels of native/kernels.c where they apply (and
   * where they can run: see simd/module.ts). Off: the XNNPACK/JavaScript paths.
   */
  simd: true,
  /**
   * Which build of the WASM SIMD kernels: 'auto' (default) = 'relaxed-simd'
   * (fused multiply-add) where the engine validates relaxed SIMD, else
   * 'simd128'. Forcing 'relaxed-simd' where it does not validate leaves
   * the kernels off (their fallbacks run).
   */
  simdBuild: 'auto' as 'auto' | 'relaxed-simd' | 'simd128',
  /**
   * Input channels for which the SIMD forward convolution replaces XNNPACK's
   * (`Conv2D`, and `FusedConv2D` without bias or activation): measured on
   * Node 24 (AMD EPYC, one thread, B = 32-128), ours is 1.2-1.3x faster at
   * 16-128 input channels, even at 256, and slower below 8 (2.6x at 1, 7x at
   * 3) and at 512 (1.5x). Outside [min, max] the wasm backend's own runs.
   */
  simdConvMinChannels: 8,
  simdConvMaxChannels: 256,
  /**
   * Floats of x and dy per block of images in the SIMD convolutions (filter
   * gradient, forward, input gradient): each block is swept once per
   * register tile or filter slice, so it should stay in cache (L2).
   */
  simdBlockFloats: 1 << 17,
};
