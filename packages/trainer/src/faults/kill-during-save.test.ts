import * as tf from '@tensorflow/tfjs-core';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import '@ssl/test-utils';
import { restoreCheckpoint, saveCheckpoint } from '../io/checkpoint';
import { fillParts, writerParts } from './writer-parts';

const ROOT_MODULES = path.resolve(__dirname, '../../../../node_modules');

/** mulberry32: the kill delays are seeded, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts the writer, waits for its `saves`-th checkpoint, then SIGKILLs it after `delayMs`. */
function runAndKill(script: string, dir: string, saves: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir], {
      env: { ...process.env, NODE_PATH: ROOT_MODULES },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (d) => {
      out += d.toString();
      const done = out.split('\n').filter((l) => l.startsWith('saved')).length;
      if (!armed && done >= saves) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}: ${err}`));
      else resolve(out.split('\n').filter((l) => l.startsWith('saved')).length);
    });
  });
}

describe('fault injection: SIGKILL while checkpoints are written', () => {
  let dir: string;
  let script: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-kill-'));
    script = path.join(dir, 'writer.cjs');
    buildSync({
      entryPoints: [path.join(__dirname, 'checkpoint-writer.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['@tensorflow/*'],
      outfile: script,
      logLevel: 'silent',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves a resumable, self-consistent checkpoint and no stale temp, at 5 random kill times', async () => {
    const random = rng(14);
    const ckpt = path.join(dir, 'run', 'checkpoint');
    for (let trial = 0; trial < 5; trial++) {
      const delay = Math.floor(random() * 150);
      const saved = await runAndKill(script, ckpt, 1 + trial, delay);
      const parts = writerParts();
      const state = await restoreCheckpoint(ckpt, parts);
      // the checkpoint is one of the completed saves (or the one in flight), never a mix
      expect(state).not.toBeNull();
      expect(state!.step).toBeGreaterThanOrEqual(saved);
      expect(state!.step).toBeLessThanOrEqual(saved + 1);
      const values = [...parts.encoder.getWeights(), parts.head].flatMap((w) =>
        Array.from(w.dataSync()),
      );
      expect(values.every((v) => v === state!.step)).toBe(true);
      // restore removed the killed writer's temp folders
      expect(readdirSync(path.dirname(ckpt)).filter((n) => n.includes('.tmp-'))).toEqual([]);
      // and the run goes on: a save over it works, and is read back
      fillParts(parts, 1000 + trial);
      await saveCheckpoint(ckpt, parts, {
        epoch: 1,
        step: 1000 + trial,
        seed: 0,
        rngState: null,
        method: 'writer',
      });
      expect(existsSync(`${ckpt}.old`)).toBe(false);
      expect((await restoreCheckpoint(ckpt, parts))?.step).toBe(1000 + trial);
      parts.method.dispose();
      parts.encoder.dispose();
    }
  });
});
