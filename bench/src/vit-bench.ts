/**
 * `npm run bench -- --model vit`: images/second of the Vision Transformer of
 * @ssl/encoders (its defaults for 28×28×1: 49 patches of 4×4, dim 64, depth 4,
 * 4 heads, MLP ratio 2) in three settings, per backend:
 *
 * - `embed`: `encoder.predict` (inference, the kNN / probe side);
 * - `vit step`: one Adam step of the encoder on whole images (forward and
 *   backward through all 50 tokens; the loss is the mean square of the
 *   representation, a stand-in for a fine-tuning head);
 * - `mae step`: one Adam step of the `mae` method (the encoder on the visible
 *   25 %, its default decoder on all 50 tokens, `maeLoss`).
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { useBackend, type BackendName } from '@ssl/backends';
import { createRng } from '@ssl/augment';
import { vit } from '@ssl/encoders';
import { mae } from '@ssl/trainer';
import type { BenchArgs } from './args';

/** One measured setting on one backend. */
export interface VitResult {
  backend: string;
  setting: 'embed' | 'vit step' | 'mae step';
  batchSize: number;
  steps: number;
  imagesPerSecond: number;
  secondsPerStep: number;
  /** batchSize / process CPU seconds (user + system) per step: steadier than wall time on a shared machine. */
  imagesPerCpuSecond: number;
  leakedTensorsPerStep: number;
}

async function time(
  backend: string,
  setting: VitResult['setting'],
  batchSize: number,
  steps: number,
  warmup: number,
  step: () => Promise<void>,
): Promise<VitResult> {
  for (let i = 0; i < warmup; i++) await step();
  const before = tf.memory().numTensors;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    backend,
    setting,
    batchSize,
    steps,
    imagesPerSecond: (batchSize * steps) / seconds,
    secondsPerStep: seconds / steps,
    imagesPerCpuSecond: (batchSize * steps) / ((cpu.user + cpu.system) / 1e6),
    leakedTensorsPerStep: (tf.memory().numTensors - before) / steps,
  };
}

async function benchOne(name: BackendName, args: BenchArgs): Promise<VitResult[]> {
  await useBackend(name, { quiet: true });
  const b = args.batchSize ?? (name === 'cpu' ? 16 : 128);
  const steps = args.steps ?? (name === 'cpu' ? 1 : 5);
  const warmup = args.warmup ?? 1;
  const x = tf.randomUniform([b, 28, 28, 1], 0, 1, 'float32', 0) as tf.Tensor4D;
  const out: VitResult[] = [];

  const encoder = vit({ seed: 0 });
  out.push(
    await time(name, 'embed', b, steps, warmup, async () => {
      const h = encoder.predict(x) as tf.Tensor;
      await h.data();
      h.dispose();
    }),
  );
  const vars = encoder.trainableWeights.map((w) => w.read() as tf.Variable);
  const adam = tf.train.adam(1e-4);
  out.push(
    await time(name, 'vit step', b, steps, warmup, async () => {
      const loss = adam.minimize(
        () => tf.mean(tf.square(encoder.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
        true,
        vars,
      );
      await loss!.data();
      loss!.dispose();
    }),
  );
  adam.dispose();
  encoder.dispose();

  const enc2 = vit({ seed: 0 });
  const method = mae();
  const rng = createRng(0);
  await method.build(enc2 as tfl.LayersModel, {
    inputShape: [28, 28, 1],
    seed: 0,
    rng,
    batchSize: b,
    stepsPerEpoch: 1,
    totalSteps: 1,
    epochs: 1,
  });
  const opt = tf.train.adam(1e-4);
  const trainable = method.trainableVariables();
  const ctx = {
    step: 0,
    epoch: 0,
    totalSteps: 1,
    stepsPerEpoch: 1,
    lr: 1e-4,
    rng,
    record: () => {},
  };
  out.push(
    await time(name, 'mae step', b, steps, warmup, async () => {
      const views = method.prepare({ images: x }, ctx);
      const loss = opt.minimize(
        () => method.loss(method.forward(views, ctx), ctx).loss,
        true,
        trainable,
      );
      await loss!.data();
      loss!.dispose();
      tf.dispose(views);
    }),
  );
  opt.dispose();
  method.dispose();
  enc2.dispose();
  x.dispose();
  return out;
}

/** Runs the ViT benchmark on `args.backends` ('all': wasm) and prints a table or JSON. */
export async function benchVit(args: BenchArgs): Promise<{ leaked: boolean; report: object }> {
  const names: BackendName[] = args.backends === 'all' ? ['wasm'] : args.backends;
  const results: VitResult[] = [];
  for (const n of names) results.push(...(await benchOne(n, args)));
  const report = {
    benchmark: 'vit',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg(),
    results,
  };
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(
      `ViT (28x28x1, patch 4, dim 64, depth 4, 4 heads, MLP ratio 2) on ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    for (const r of results) {
      console.log(
        `${r.backend.padEnd(10)} ${r.setting.padEnd(9)} B=${String(r.batchSize).padEnd(4)} ${r.imagesPerSecond.toFixed(1).padStart(8)} images/s  ${r.secondsPerStep.toFixed(3)} s/step (${r.imagesPerCpuSecond.toFixed(1)} images per CPU-second)  leaked ${r.leakedTensorsPerStep} tensors/step`,
      );
    }
  }
  return { leaked: results.some((r) => r.leakedTensorsPerStep !== 0), report };
}
