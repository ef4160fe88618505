/**
 * WebGPU has no synchronous read: tfjs-backend-webgpu's `readSync` (what
 * `dataSync()`/`arraySync()` call) copies a GPU buffer through an
 * OffscreenCanvas, which is slow on a real GPU and, on SwiftShader, destroys
 * the device so that every later op fails with an unrelated message. The
 * methods page therefore refuses such reads: this wraps the backend's
 * `readSync` so that a read of a tensor whose values live only on the GPU
 * throws one line naming the case, and counts it. Reads of tensors that
 * still have their CPU values (built from arrays, int32 labels kept by
 * @ssl/backends) pass untouched.
 */
interface BackendLike {
  readSync(dataId: object): unknown;
  tensorMap: { get(dataId: object): { values: unknown; dtype: string } | undefined };
}

export interface SyncReadGuard {
  /** Name of what is running, for the error message. */
  label: string;
  /** GPU sync reads refused so far, with the first lines of their stacks. */
  refused: string[];
}

/** Installs the guard on `backend` (tfjs-backend-webgpu's WebGPUBackend instance). */
export function refuseGpuSyncReads(backend: object): SyncReadGuard {
  const b = backend as BackendLike;
  const guard: SyncReadGuard = { label: '', refused: [] };
  const readSync = b.readSync.bind(b);
  b.readSync = (dataId: object) => {
    const data = b.tensorMap.get(dataId);
    if (data != null && data.values == null && data.dtype !== 'string') {
      const where = (new Error().stack ?? '').split('\n').slice(2, 8).join(' | ');
      const line = `${guard.label}: a synchronous read (dataSync/arraySync) of a ${data.dtype} tensor on the GPU; use await data(). At ${where}`;
      guard.refused.push(line);
      throw new Error(line);
    }
    return readSync(dataId);
  };
  return guard;
}
