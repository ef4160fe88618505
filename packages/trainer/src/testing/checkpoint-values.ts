// Test helper: every float32 value a checkpoint folder holds, read straight from its files.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

function floats(bin: Buffer, specs: tf.io.WeightsManifestEntry[]): number[] {
  const out: number[] = [];
  let offset = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (s.dtype === 'float32') {
      for (let i = 0; i < n; i++) out.push(bin.readFloatLE(offset + 4 * i));
    }
    offset += n * (s.dtype === 'bool' ? 1 : 4);
  }
  return out;
}

/** The float32 values of `dir/encoder/weights.bin` and `dir/state.bin`, decoded by hand. */
export function checkpointValues(dir: string): { encoder: number[]; state: number[] } {
  const model = JSON.parse(readFileSync(path.join(dir, 'encoder', 'model.json'), 'utf8'));
  const state = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8'));
  return {
    encoder: floats(
      readFileSync(path.join(dir, 'encoder', 'weights.bin')),
      model.weightsManifest[0].weights,
    ),
    state: floats(readFileSync(path.join(dir, 'state.bin')), state.weights),
  };
}
