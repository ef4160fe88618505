import { defineConfig } from 'vite';

// Cross-origin isolation (COOP same-origin + COEP require-corp): the page gets SharedArrayBuffer
// and `crossOriginIsolated`, which pretrain({ workers }) needs to train on several Web Workers
// (src/ssl-worker.ts). Everything the page loads is its own (same origin), so require-corp
// blocks nothing; a cross-origin resource would need a Cross-Origin-Resource-Policy header.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// tfjs-backend-wasm fetches its .wasm binaries at run time; the page hands their bundled
// URLs to @ssl/backends (see src/main.ts), so nothing is loaded from a CDN.
export default defineConfig({
  base: './',
  build: {
    target: 'es2020',
    chunkSizeWarningLimit: 4096,
    // index.html: the training page; gradients.html: the WebGPU/WebGL gradient checks (e2e);
    // methods.html: every method of the registry trained on WebGPU (e2e).
    rollupOptions: { input: ['index.html', 'gradients.html', 'methods.html'] },
  },
  // the training workers are module workers (`new Worker(url, { type: 'module' })`)
  worker: { format: 'es' },
  server: { host: '127.0.0.1', headers: isolation },
  preview: { headers: isolation },
});
