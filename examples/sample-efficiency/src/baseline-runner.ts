import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

import type { BaselineJob, BaselineMessage } from './baseline-thread';
import type { ResultRow } from './results';

/**
 * Starts the baseline thread (dist/baseline-thread.js beside this program)
 * and resolves when it has posted every row; `onRow` and `onProgress` see
 * them as they come. A thread that fails rejects with its message.
 */
export function runBaselinesInThread(
  job: BaselineJob,
  onRow: (row: ResultRow) => Promise<void>,
  onProgress: (stage: string, done: number, detail: string) => void,
): Promise<void> {
  const worker = new Worker(path.join(__dirname, 'baseline-thread.js'), { workerData: job });
  return new Promise<void>((resolve, reject) => {
    let pending = Promise.resolve();
    let settled = false;
    let done = false;
    const finish = (e?: Error) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (e) reject(e);
      else resolve();
    };
    worker.on('message', (m: BaselineMessage) => {
      if (m.type === 'row') pending = pending.then(() => onRow(m.row));
      else if (m.type === 'progress') onProgress(m.stage, m.done, m.detail);
      else if (m.type === 'error') finish(new Error(`baseline thread: ${m.message}`));
      else {
        done = true;
        pending.then(() => finish(), finish);
      }
    });
    worker.on('error', (e) => finish(new Error(`baseline thread: ${e.message}`)));
    worker.on('exit', (code) => {
      if (!done) finish(new Error(`baseline thread exited with code ${code} before its last row`));
    });
  });
}
