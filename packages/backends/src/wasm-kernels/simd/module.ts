import { tuning } from '../tuning';
import { KERNELS_WASM_BASE64 } from './kernels-wasm';

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

let compiled: WebAssembly.Module | null | undefined;
let compiling: Promise<WebAssembly.Module | null> | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function supported(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.Module === 'function';
}

/**
 * Compiles the SIMD module in the background (browsers refuse to compile
 * modules over 4 KB synchronously on the main thread). Resolves to whether
 * the kernels are available; never rejects. `useBackend('wasm')` awaits it.
 */
export function compileSimdKernels(): Promise<boolean> {
  if (compiled !== undefined) return Promise.resolve(compiled != null);
  if (!supported()) {
    compiled = null;
    return Promise.resolve(false);
  }
  compiling ??= WebAssembly.compile(moduleBytes()).then(
    (m) => (compiled = m),
    () => (compiled = null),
  );
  return compiling.then((m) => m != null);
}

function compileNow(): WebAssembly.Module | null | undefined {
  if (compiled !== undefined || compiling != null) return compiled;
  if (!supported()) return (compiled = null);
  try {
    compiled = new WebAssembly.Module(moduleBytes());
  } catch {
    void compileSimdKernels(); // e.g. a browser's main thread: compile asynchronously
  }
  return compiled;
}

/**
 * The SIMD kernels instantiated on `backend`'s heap, or null where they
 * cannot run (no WebAssembly SIMD, the threaded build's shared memory, not
 * compiled yet in a browser, or `tuning.simd` off): the callers then take
 * their XNNPACK/JavaScript path.
 */
export function simdKernels(backend: unknown): SimdKernels | null {
  if (!tuning.simd) return null;
  const wasm = (backend as { wasm?: EmscriptenLike }).wasm;
  const memory = wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || typeof wasm?._malloc !== 'function') return null;
  const known = instances.get(memory);
  if (known !== undefined) return known;
  const module = compileNow();
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
  instances.set(memory, kernels);
  return kernels;
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
