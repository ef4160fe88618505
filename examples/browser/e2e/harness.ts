/**
 * Shared by the end-to-end tests: serve the built page with `vite preview` on
 * 127.0.0.1 (WebGPU needs a secure context: localhost counts, about:blank does
 * not) and launch Debian's headless Chromium with WebGPU enabled
 * (`--enable-unsafe-webgpu`; it runs on SwiftShader without a GPU) and
 * without the background traffic that floods a closed network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const PORT = 4173;
export const ORIGIN = `http://127.0.0.1:${PORT}`;

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`e2e: the preview server did not answer at ${url} within ${timeoutMs} ms`);
}

/** Starts `vite preview` of the built page; resolves once it answers. */
export async function startServer(): Promise<ChildProcess> {
  const server = spawn(
    'npx',
    ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
    { cwd: join(__dirname, '..'), stdio: 'ignore', detached: true },
  );
  await waitForServer(`${ORIGIN}/`, 60000);
  return server;
}

export function stopServer(server: ChildProcess | undefined): void {
  if (server?.pid) {
    try {
      process.kill(-server.pid);
    } catch {
      // already gone
    }
  }
}

/** Headless Chromium with WebGPU and WebGL (both SwiftShader here), in a fresh profile. */
export function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'ssl-e2e-chromium-')), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
