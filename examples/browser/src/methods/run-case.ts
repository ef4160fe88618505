/**
 * Trains one (method, encoder) case with `pretrain()` on the current backend
 * and measures what the methods page reports: the loss of every step, how
 * many of the encoder's weight tensors moved, `tf.memory().numTensors` after
 * each step, and what is left once everything is disposed. Every read is
 * asynchronous (`await data()`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { pretrain } from '@ssl/trainer';
import { BATCH, STEPS, type MethodCase } from './cases';

export interface CaseReport {
  method: string;
  encoder: string;
  backend: string;
  /** Loss of each step. */
  losses: number[];
  /** Trainable weight tensors of the encoder, and how many of them changed. */
  weightTensors: number;
  weightsChanged: number;
  /** Names of the encoder's trainable weights that did not change. */
  unchanged: string[];
  /** Largest |w_after - w_before| over the encoder, relative to the largest |w_before|. */
  maxRelChange: number;
  /** `tf.memory().numTensors` after each step (must be flat). */
  numTensors: number[];
  /** Tensors left after the method, encoder and data are disposed, minus those before the case. */
  leaked: number;
  stopReason: string | null;
  /** Wall time of the whole case (build, training, reads) in milliseconds. */
  ms: number;
}

async function weightValues(encoder: tfl.LayersModel): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const w of encoder.trainableWeights) out.push((await w.read().data()) as Float32Array);
  return out;
}

type Trained = Omit<CaseReport, 'leaked' | 'ms'>;

async function train(
  c: MethodCase,
  parts: ReturnType<MethodCase['build']>,
  seed: number,
): Promise<Trained> {
  const { method, encoder, data } = parts;
  const initial = await weightValues(encoder);
  const numTensors: number[] = [];
  const result = await pretrain({
    method,
    encoder,
    data,
    epochs: 1,
    batchSize: BATCH,
    stepsPerEpoch: STEPS,
    seed,
    callbacks: [{ onStepEnd: () => void numTensors.push(tf.memory().numTensors) }],
  });
  const final = await weightValues(encoder);
  const names = encoder.trainableWeights.map((w) => w.name);
  const unchanged: string[] = [];
  let maxDiff = 0;
  let maxAbs = 0;
  initial.forEach((a, i) => {
    const b = final[i];
    let diff = 0;
    for (let j = 0; j < a.length; j++) {
      diff = Math.max(diff, Math.abs(b[j] - a[j]));
      maxAbs = Math.max(maxAbs, Math.abs(a[j]));
    }
    if (!(diff > 0)) unchanged.push(names[i]);
    maxDiff = Math.max(maxDiff, diff);
  });
  return {
    method: c.method,
    encoder: c.encoder,
    backend: tf.getBackend(),
    losses: result.history.map((h) => h.loss),
    weightTensors: initial.length,
    weightsChanged: initial.length - unchanged.length,
    unchanged,
    maxRelChange: maxDiff / Math.max(maxAbs, 1e-12),
    numTensors,
    stopReason: result.stopReason ?? null,
  };
}

/** Builds, trains and disposes case `c`; `leaked` counts what the case left behind. */
export async function runCase(c: MethodCase, seed = 7): Promise<CaseReport> {
  const t0 = performance.now();
  const before = tf.memory().numTensors;
  const parts = c.build();
  let trained: Trained;
  try {
    trained = await train(c, parts, seed);
  } finally {
    parts.method.dispose();
    parts.encoder.dispose();
    tf.dispose(parts.data);
  }
  return { ...trained, leaked: tf.memory().numTensors - before, ms: performance.now() - t0 };
}
