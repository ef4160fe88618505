import * as tf from '@tensorflow/tfjs-core';

type TensorInfo = tf.TensorInfo;
type DataId = TensorInfo['dataId'];

/**
 * The part of tfjs-backend-wasm's `BackendWasm` that the training kernels use.
 * Declared structurally so that this package never imports the wasm backend:
 * registering kernels for 'wasm' works whether or not it is installed.
 */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: DataId, force?: boolean): boolean;
  incRef(dataId: DataId): void;
}

/** Arguments every kernelFunc receives, with the wasm backend typed. */
export interface WasmKernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: WasmBackendLike;
  attrs?: tf.NamedAttrMap;
}

/**
 * Calls other kernels of the 'wasm' backend from inside a kernel and frees
 * every intermediate it made, except the ones handed out with `keep`.
 *
 * ```ts
 * const ops = new WasmOps(backend);
 * try { return ops.keep(ops.run('Transpose', { x }, { perm: [1, 0] })); }
 * finally { ops.dispose(); }
 * ```
 */
export class WasmOps {
  private readonly made: TensorInfo[] = [];

  constructor(readonly backend: WasmBackendLike) {}

  /** Runs the wasm kernel `name`; the result is freed by `dispose()` unless kept. */
  run(
    name: string,
    inputs: Record<string, tf.TensorInfo>,
    attrs: tf.NamedAttrMap = {},
  ): TensorInfo {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel == null) {
      throw new Error(`@ssl/backends: the wasm backend has no '${name}' kernel`);
    }
    const out = kernel.kernelFunc({
      inputs,
      attrs,
      backend: this.backend as unknown as tf.KernelBackend,
    }) as TensorInfo;
    this.made.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    const whole = x.shape.every((d, i) => begin[i] === 0 && size[i] === d);
    return whole ? x : this.run('Slice', { x }, { begin, size });
  }

  /** A new float32 tensor on the wasm heap, contents unset; freed by `dispose()` unless kept. */
  alloc(shape: number[]): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32');
    this.made.push(out);
    return out;
  }

  /** A Float32Array view of `t` on the heap; take it after the last allocation (the heap may grow). */
  view(t: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(t) as Float32Array;
  }

  /** a [M, K] @ b [K, N] -> [M, N] through XNNPACK (the wasm BatchMatMul is slow when asked to transpose). */
  matMul(a: TensorInfo, b: TensorInfo): TensorInfo {
    const [m, k] = a.shape;
    const n = b.shape[1];
    const a3 = this.reshape(a, [1, m, k]);
    const b3 = this.reshape(b, [1, k, n]);
    const out = this.run('BatchMatMul', { a: a3, b: b3 }, { transposeA: false, transposeB: false });
    return this.reshape(out, [m, n]);
  }

  /** Marks `t` as the kernel's output: `dispose()` leaves it alive. */
  keep(t: TensorInfo): TensorInfo {
    const i = this.made.lastIndexOf(t);
    if (i >= 0) this.made.splice(i, 1);
    return t;
  }

  /** Frees every intermediate not kept (a reshape shares its input's data, ref-counted). */
  dispose(): void {
    for (const t of this.made) this.backend.disposeData(t.dataId);
    this.made.length = 0;
  }
}

/**
 * Inserts `s - 1` zeros between the rows (axis 1) and columns (axis 2) of an
 * NHWC tensor and trims the trailing zeros, turning [N, Ho, Wo, C] into
 * [N, (Ho-1)*sh+1, (Wo-1)*sw+1, C]: the input of a transposed convolution.
 */
export function zeroInsert(ops: WasmOps, x: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const x6 = ops.reshape(x, [n, h, 1, w, 1, c]); // [N, Ho, 1, Wo, 1, C]
  const padded = ops.run(
    'PadV2',
    { x: x6 },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  ); // [N, Ho, sh, Wo, sw, C]
  const spread = ops.reshape(padded, [n, h * sh, w * sw, c]); // [N, Ho*sh, Wo*sw, C]
  return ops.slice(spread, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/** `v` as a [height, width] pair (tfjs attrs allow a single number). */
export function pair(v: number | number[] | undefined, fallback = 1): [number, number] {
  if (v == null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  return [v[0], v[1]];
}

/** Throws unless the data format is channels-last (the only one wasm convolutions take). */
export function assertChannelsLast(kernel: string, dataFormat: unknown): void {
  if (dataFormat != null && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(
      `@ssl/backends ${kernel} (wasm): dataFormat must be 'NHWC', got '${String(dataFormat)}'`,
    );
  }
}
