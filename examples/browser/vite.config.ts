import { defineConfig } from 'vite';

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
  server: { host: '127.0.0.1' },
});
