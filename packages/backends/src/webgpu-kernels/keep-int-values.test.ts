import { keepIntValuesOnUpload } from './keep-int-values';

/** The upload of tfjs-backend-webgpu 4.22, reduced: values go to a GPU buffer and are dropped. */
class FakeWebGPUBackend {
  tensorMap = new Map<object, { dtype: string; values: unknown; resource?: string }>();
  uploadToGPU(dataId: object): void {
    const data = this.tensorMap.get(dataId)!;
    data.resource = 'gpu buffer';
    data.values = null;
  }
}

describe('keepIntValuesOnUpload', () => {
  it('keeps the CPU values of int32 and bool tensors, drops float32 ones, patches once', () => {
    const backend = new FakeWebGPUBackend();
    expect(keepIntValuesOnUpload(backend)).toBe(true);
    expect(keepIntValuesOnUpload(new FakeWebGPUBackend())).toBe(false); // same class: already patched
    const ids = { int: {}, bool: {}, float: {} };
    const ints = new Int32Array([3, -100, 7]);
    const bools = new Int32Array([1, 0]);
    backend.tensorMap.set(ids.int, { dtype: 'int32', values: ints });
    backend.tensorMap.set(ids.bool, { dtype: 'bool', values: bools });
    backend.tensorMap.set(ids.float, { dtype: 'float32', values: new Float32Array([0.5]) });
    for (const id of Object.values(ids)) backend.uploadToGPU(id);
    expect(backend.tensorMap.get(ids.int)).toEqual({
      dtype: 'int32',
      values: ints,
      resource: 'gpu buffer',
    });
    expect(backend.tensorMap.get(ids.bool)?.values).toBe(bools);
    expect(backend.tensorMap.get(ids.float)?.values).toBeNull();
    expect(backend.tensorMap.get(ids.float)?.resource).toBe('gpu buffer');
  });

  it('leaves an object without uploadToGPU alone', () => {
    expect(keepIntValuesOnUpload({})).toBe(false);
  });
});
