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
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The preview server's port: 4173, or E2E_PORT (when another checkout's preview holds 4173). */
export const PORT = Number(process.env.E2E_PORT ?? 4173);
export const ORIGIN = `http://127.0.0.1:${PORT}`;

async function waitForServer(
  url: string,
  timeoutMs: number,
  exited: () => number | null,
): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    // --strictPort: a preview that exits found the port taken (by another server, which must not answer for it)
    const code = exited();
    if (code !== null) {
      throw new Error(
        `e2e: vite preview exited with code ${code}: is port ${PORT} in use? Stop that server or set E2E_PORT`,
      );
    }
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
  // another server on the port would answer for ours (and serve other pages)
  const taken = await fetch(`${ORIGIN}/`).then(
    (res) => (void res.body?.cancel(), true),
    () => false,
  );
  if (taken) {
    throw new Error(
      `e2e: port ${PORT} is already in use (another vite preview?): stop that server or set E2E_PORT`,
    );
  }
  const server = spawn(
    'npx',
    ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
    { cwd: join(__dirname, '..'), stdio: 'ignore', detached: true },
  );
  let exitCode: number | null = null;
  server.on('exit', (code) => (exitCode = code ?? -1));
  await waitForServer(`${ORIGIN}/`, 60000, () => exitCode);
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

/** One test file's browser: the page, and the console errors it logged. */
export interface BrowserSession {
  page: Page;
  readonly consoleErrors: string[];
}

/**
 * Registers the file's beforeAll/afterAll: serve the pages, launch Chromium,
 * open one page that collects console errors; close both after the tests.
 */
export function useBrowserPage(): BrowserSession {
  const session = { consoleErrors: [] as string[] } as BrowserSession;
  let server: ChildProcess | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    server = await startServer();
    context = await launchChromium();
    session.page = await context.newPage();
    session.page.on('console', (msg) => {
      if (msg.type() === 'error') session.consoleErrors.push(msg.text());
    });
    session.page.on('pageerror', (err) => session.consoleErrors.push(String(err)));
  });
  afterAll(async () => {
    await context?.close();
    stopServer(server);
  });
  return session;
}
