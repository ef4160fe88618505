import { tuning } from '../tuning';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_SIMD128_WASM_BASE64 } from './kernels-wasm';
import { relaxedSimdSupported } from './relaxed-simd';

/**
 * The two builds of native/kernels.c: 'relaxed-simd' (multiply-adds as
 * f32x4.relaxed_madd, fused on FMA hardware) and 'simd128' (mul then add).
 */
export type WasmSimdBuild = 'relaxed-simd' | 'simd128';

/**
 * The functions of native/kernels.c. Pointers are byte offsets into the
 * wasm backend's heap (the module imports that memory: no copies).
 */
export interface SimdKernels {
  pad_nhwc(
    x: number,
    n: number,
    h: number,
    w: number,
    c: number,
    xp: number,
    hp: number,
    wp: number,
    top: number,
    left: number,
  ): void;
  conv2d_filter_grad(
    xp: number,
    count: number,
    hp: number,
    wp: number,
    ci: number,
    dy: number,
    ho: number,
    wo: number,
    co: number,
    fh: number,
    fw: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    block: number,
    out: number,
  ): void;
  max_pool_grad_2x2(
    x: number,
    dy: number,
    dx: number,
    n: number,
    h: number,
    w: number,
    c: number,
  ): void;
  sum_rows(x: number, rows: number, inner: number, acc: number, out: number): void;
  crop_nhwc(
    xp: number,
    n: number,
    hp: number,
    wp: number,
    c: number,
    x: number,
    h: number,
    w: number,
    top: number,
    left: number,
  ): void;
  conv2d_input_grad(
    dy: number,
    n: number,
    ho: number,
    wo: number,
    co: number,
    wt: number,
    fh: number,
    fw: number,
    ci: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    dxp: number,
    hp: number,
    wp: number,
    block: number,
  ): void;
  conv2d_forward(
    xp: number,
    n: number,
    hp: number,
    wp: number,
    ci: number,
    w: number,
    fh: number,
    fw: number,
    co: number,
    ho: number,
    wo: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    block: number,
    out: number,
  ): void;
}

/** What the loader needs of tfjs-backend-wasm's Emscripten module (`backend.wasm`). */
interface EmscriptenLike {
  asm?: { memory?: unknown };
  _malloc?: (bytes: number) => number;
}

/** Bytes of the shadow stack given to each instance (the kernels use none today). */
const STACK_BYTES = 1 << 16;

const BASE64: Record<WasmSimdBuild, string> = {
  'relaxed-simd': KERNELS_RELAXED_WASM_BASE64,
  simd128: KERNELS_SIMD128_WASM_BASE64,
};

/** Per build: the module (null: it cannot compile here; absent: not tried yet). */
const compiled = new Map<WasmSimdBuild, WebAssembly.Module | null>();
const compiling = new Map<WasmSimdBuild, Promise<WebAssembly.Module | null>>();
const instances = new WeakMap<WebAssembly.Memory, Map<WasmSimdBuild, SimdKernels | null>>();

function moduleBytes(build: WasmSimdBuild): Uint8Array<ArrayBuffer> {
  const text = atob(BASE64[build]);
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function supported(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.Module === 'function';
}

/**
 * The build the kernels use: `tuning.simdBuild`, where 'auto' (the default)
 * is 'relaxed-simd' when this engine validates relaxed SIMD (feature
 * detection: {@link relaxedSimdSupported}), else 'simd128'.
 */
export function wantedSimdBuild(): WasmSimdBuild {
  if (tuning.simdBuild !== 'auto') return tuning.simdBuild;
  return relaxedSimdSupported() ? 'relaxed-simd' : 'simd128';
}

/**
 * Compiles the wanted SIMD module in the background (browsers refuse to
 * compile modules over 4 KB synchronously on the main thread). Resolves to
 * whether the kernels are available; never rejects. `useBackend('wasm')` awaits it.
 */
export function compileSimdKernels(): Promise<boolean> {
  const build = wantedSimdBuild();
  const known = compiled.get(build);
  if (known !== undefined) return Promise.resolve(known != null);
  if (!supported()) {
    compiled.set(build, null);
    return Promise.resolve(false);
  }
  let pending = compiling.get(build);
  if (pending == null) {
    pending = WebAssembly.compile(moduleBytes(build)).then(
      (m) => (compiled.set(build, m), m),
      () => (compiled.set(build, null), null),
    );
    compiling.set(build, pending);
  }
  return pending.then((m) => m != null);
}

function compileNow(build: WasmSimdBuild): WebAssembly.Module | null | undefined {
  if (compiled.has(build) || compiling.has(build)) return compiled.get(build);
  if (!supported()) {
    compiled.set(build, null);
    return null;
  }
  try {
    compiled.set(build, new WebAssembly.Module(moduleBytes(build)));
  } catch {
    void compileSimdKernels(); // e.g. a browser's main thread: compile asynchronously
  }
  return compiled.get(build);
}

/**
 * The SIMD kernels (of the {@link wantedSimdBuild}) instantiated on
 * `backend`'s heap, or null where they cannot run (no WebAssembly SIMD, the
 * threaded build's shared memory, not compiled yet in a browser, or
 * `tuning.simd` off): the callers then take their XNNPACK/JavaScript path.
 */
export function simdKernels(backend: unknown): SimdKernels | null {
  if (!tuning.simd) return null;
  const wasm = (backend as { wasm?: EmscriptenLike }).wasm;
  const memory = wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || typeof wasm?._malloc !== 'function') return null;
  const build = wantedSimdBuild();
  let perBuild = instances.get(memory);
  if (perBuild == null) instances.set(memory, (perBuild = new Map()));
  const known = perBuild.get(build);
  if (known !== undefined) return known;
  const module = compileNow(build);
  if (module == null) return null; // not (yet) compiled
  let kernels: SimdKernels | null = null;
  try {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const stack = wasm._malloc(STACK_BYTES);
    const sp = instance.exports.__stack_pointer as WebAssembly.Global;
    sp.value = (stack + STACK_BYTES) & ~15;
    kernels = instance.exports as unknown as SimdKernels;
  } catch {
    kernels = null; // e.g. shared memory (threaded build): the import does not match
  }
  perBuild.set(build, kernels);
  return kernels;
}

/**
 * Which build of the WASM SIMD kernels runs: 'relaxed-simd' (fused
 * multiply-add), 'simd128', or 'none' (`tuning.simd` off, no WebAssembly
 * SIMD, or — when `backend` is given — the kernels cannot run on its heap,
 * e.g. the threaded wasm build). Without `backend`, the build that would run.
 *
 * ```ts
 * await useBackend('wasm');
 * wasmSimdBuild(tf.backend()); // 'relaxed-simd' on Node >= 21, 'simd128' on Node 20
 * ```
 */
export function wasmSimdBuild(backend?: unknown): WasmSimdBuild | 'none' {
  if (!tuning.simd) return 'none';
  const build = wantedSimdBuild();
  if (backend !== undefined) return simdKernels(backend) != null ? build : 'none';
  return compileNow(build) != null ? build : 'none';
}

/**
 * Byte offset of a view on the wasm heap: the pointer the SIMD kernels take.
 * Throws on a view the heap's growth has detached (its offset would read 0):
 * take views after the last allocation, and after {@link simdKernels} (whose
 * first call allocates).
 */
export function heapAddress(view: ArrayBufferView): number {
  if (view.buffer.byteLength === 0 && view.byteLength === 0) {
    throw new Error('@ssl/backends: a view of the wasm heap was taken before the heap grew');
  }
  return view.byteOffset;
}
