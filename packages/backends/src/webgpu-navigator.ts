import { isNode } from './load-backend-package';

/** The npm package that gives Node a `navigator.gpu`: Dawn's Node binding. */
export const NODE_WEBGPU_PACKAGE = 'webgpu';

interface DawnModule {
  create: (flags: string[]) => GPULike;
  globals: Record<string, unknown>;
}

interface GPULike {
  requestAdapter: (options?: object) => Promise<unknown>;
}

type NavigatorHolder = { navigator?: { gpu?: GPULike } };

function currentGpu(): GPULike | undefined {
  return (globalThis as NavigatorHolder).navigator?.gpu;
}

/** Why a browser has no `navigator.gpu`, and what to change: one line. */
function browserHint(caller: string): string {
  const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
  return (
    `${caller}: WebGPU needs navigator.gpu, which this page does not have` +
    (secure === false
      ? ' because it is not a secure context: serve it over https:// or from http://localhost / http://127.0.0.1'
      : ': use Chrome or Edge 113+ (headless Chromium also needs --enable-unsafe-webgpu), or pick webgl/wasm')
  );
}

async function loadDawn(caller: string): Promise<DawnModule> {
  try {
    return (await import(
      /* webpackIgnore: true */ /* @vite-ignore */ NODE_WEBGPU_PACKAGE
    )) as DawnModule;
  } catch (err) {
    const message = String((err as Error)?.message ?? err);
    if (/Cannot find (module|package)/i.test(message)) {
      throw new Error(
        `${caller}: WebGPU in Node needs the package ${NODE_WEBGPU_PACKAGE} (Dawn's Node binding); install it with: npm install ${NODE_WEBGPU_PACKAGE}`,
      );
    }
    throw new Error(`${caller}: the ${NODE_WEBGPU_PACKAGE} package failed to load: ${message}`);
  }
}

function noAdapterHint(caller: string): string {
  return isNode()
    ? `${caller}: the ${NODE_WEBGPU_PACKAGE} package found no GPU adapter: install a Vulkan driver ` +
        "(your GPU vendor's; in software, SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json " +
        "with Debian's chromium; Mesa 22's lavapipe lacks features Dawn requires)"
    : `${caller}: navigator.gpu found no GPU adapter (WebGPU disabled or the GPU blocklisted): ` +
        'launch Chrome with --enable-unsafe-webgpu (or enable chrome://flags/#enable-unsafe-webgpu), or pick webgl/wasm';
}

function installNavigatorGpu(gpu: GPULike): void {
  const holder = globalThis as NavigatorHolder;
  if (holder.navigator == null) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu },
      configurable: true,
      writable: true,
    });
  } else {
    Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true });
  }
}

/**
 * Makes sure `navigator.gpu` exists and finds an adapter, before
 * tfjs-backend-webgpu is imported (the package registers its backend only
 * when it sees a `navigator.gpu`). In a browser it only checks; in Node it
 * creates one with the `webgpu` package (Dawn), which needs a Vulkan (Linux),
 * Metal or D3D12 driver. Throws one line saying what is missing and what to do.
 */
export async function ensureNavigatorGpu(caller: string): Promise<void> {
  let gpu = currentGpu();
  const created = gpu == null;
  if (gpu == null) {
    if (!isNode()) throw new Error(browserHint(caller));
    const dawn = await loadDawn(caller);
    // GPUBufferUsage, GPUMapMode, ...: the constants tfjs-backend-webgpu reads as globals.
    for (const [key, value] of Object.entries(dawn.globals)) {
      if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
    }
    gpu = dawn.create([]);
  }
  if ((await gpu.requestAdapter()) == null) throw new Error(noAdapterHint(caller));
  if (created) installNavigatorGpu(gpu);
}
