/**
 * tfjs-backend-webgpu drops a tensor's CPU values once it uploads them, so a
 * later `dataSync()` must read the GPU synchronously. WebGPU has no
 * synchronous read: the backend copies the buffer through an OffscreenCanvas
 * with a 'webgpu' context, which Node does not have (ReferenceError) and
 * which in headless Chromium without a hardware GPU (SwiftShader) destroys
 * the device ("A valid external Instance reference no longer exists"): every
 * later op fails.
 *
 * Our code reads int32 tensors synchronously on purpose — labels
 * (`maskedCrossEntropy`, the labelled sets of the evaluation) and masks,
 * small tensors built from CPU arrays. Keeping the CPU copy of int32 and bool
 * tensors when they are uploaded makes those reads free and safe; float
 * tensors (images, activations, weights) are not kept, so memory is unchanged
 * for them. Tensors are immutable in tfjs (a Variable's assign takes new
 * data), so the copy cannot go stale.
 */

/** The part of tfjs-backend-webgpu's WebGPUBackend that the patch touches. */
interface WebGPUBackendLike {
  tensorMap: { get(dataId: object): { dtype: string; values: unknown } | undefined };
  uploadToGPU(dataId: object): void;
}

const PATCHED = Symbol.for('@ssl/backends:webgpu-keep-int-values');

/**
 * Wraps the `uploadToGPU` of the backend's class (once; idempotent) so that
 * int32 and bool tensors keep their CPU values. Returns true when it patched.
 */
export function keepIntValuesOnUpload(backend: object): boolean {
  const proto = Object.getPrototypeOf(backend) as WebGPUBackendLike & { [PATCHED]?: true };
  if (proto[PATCHED] || typeof proto.uploadToGPU !== 'function') return false;
  const upload = proto.uploadToGPU;
  proto.uploadToGPU = function (this: WebGPUBackendLike, dataId: object): void {
    const data = this.tensorMap.get(dataId);
    const keep =
      data != null && (data.dtype === 'int32' || data.dtype === 'bool') ? data.values : null;
    upload.call(this, dataId);
    if (keep != null && data != null && data.values == null) data.values = keep;
  };
  proto[PATCHED] = true;
  return true;
}
