// Fault-injection child: writes checkpoints of steps 1, 2, 3, ... into argv[2] until killed.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { saveCheckpoint } from '../io/checkpoint';
import { fillParts, writerParts } from './writer-parts';

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const dir = process.argv[2];
  const parts = writerParts();
  for (let step = 1; ; step++) {
    fillParts(parts, step);
    await saveCheckpoint(dir, parts, {
      epoch: step,
      step,
      seed: 0,
      rngState: null,
      method: 'writer',
    });
    process.stdout.write(`saved ${step}\n`);
  }
}

void main();
