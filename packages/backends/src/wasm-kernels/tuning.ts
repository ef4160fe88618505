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
};
