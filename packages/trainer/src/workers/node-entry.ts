// The script of a Node worker thread of `pretrain({ workers })` (built to dist/worker.js).
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { serveWorker } from './serve';

// a real dynamic import (the CommonJS build would turn `import()` into `require`), so that
// `workerImports` may name ES modules too
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

/** A path (absolute, or relative to the working directory) as a file URL; a package name as it is. */
function specifierOf(spec: string): string {
  if (path.isAbsolute(spec) || spec.startsWith('./') || spec.startsWith('../')) {
    return pathToFileURL(path.resolve(spec)).href;
  }
  return spec;
}

if (!parentPort) throw new Error('@ssl/trainer worker: start this file with new Worker(...)');
const port = parentPort;
serveWorker(
  {
    post: (message, transfer) => port.postMessage(message, transfer),
    onMessage: (handler) => port.on('message', handler),
  },
  (spec) => importModule(specifierOf(spec)),
);
