// Times one MLM training step (encoder + tied head, `mlmLoss`, Adam) of the study's
// model on random token ids, and optionally lists the kernels that take the time.
// Usage (after `npx turbo run build --filter=@ssl/example-mlm-text...`):
//   node examples/mlm-text/dist/step-time.js [--backend wasm|cpu] [--steps 10] [--warmup 2]
//     [--batch 32] [--length 48] [--dModel 64] [--heads 4] [--layers 2] [--ffn 256]
//     [--vocab 4000] [--profile]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { transformerEncoder } from '@ssl/encoders';
import { maskTokens, mlmLoss, mlmModel } from '@ssl/mlm';
import { parseCommandLine } from '@ssl/trainer/node';

const FLAGS = {
  backend: { type: 'string', choices: ['wasm', 'cpu'], default: 'wasm', help: 'tfjs backend' },
  steps: { type: 'int', min: 1, max: 10_000, default: 10, help: 'timed steps' },
  warmup: { type: 'int', min: 0, max: 10_000, default: 2, help: 'untimed steps first' },
  batch: { type: 'int', min: 1, max: 4096, default: 32, help: 'sequences per step' },
  length: { type: 'int', min: 4, max: 4096, default: 48, help: 'tokens per sequence' },
  dModel: { type: 'int', min: 1, max: 4096, default: 64, help: 'model width' },
  heads: { type: 'int', min: 1, max: 64, default: 4, help: 'attention heads' },
  layers: { type: 'int', min: 1, max: 48, default: 2, help: 'Transformer layers' },
  ffn: { type: 'int', min: 1, max: 16_384, default: 256, help: 'feed-forward width' },
  vocab: { type: 'int', min: 16, max: 100_000, default: 4000, help: 'vocabulary size' },
  profile: { type: 'boolean', help: 'also list the time per kernel' },
} as const;

async function main(): Promise<void> {
  const a = parseCommandLine('step-time', process.argv.slice(2), FLAGS);
  const backend = a.backend;
  // Each entry selects its backend (and, for wasm, registers the training kernels it lacks).
  if (backend === 'wasm') await (await import('@ssl/backends/wasm')).backendReady;
  else await (await import('@ssl/backends/cpu')).backendReady;
  const [steps, warmup, B, T] = [a.steps, a.warmup, a.batch, a.length];
  const [D, H, L, F, V] = [a.dModel, a.heads, a.layers, a.ffn, a.vocab];
  const encoder = transformerEncoder({
    vocabSize: V,
    maxLength: T,
    dModel: D,
    numHeads: H,
    numLayers: L,
    ffnDim: F,
  });
  const model = mlmModel({ encoder, seed: 7 });
  const opt = tf.train.adam(1e-3);
  // Random ids in [5, V) (ids 0..4 are the specials [PAD] [UNK] [CLS] [SEP] [MASK]), no padding.
  const ids = tf.tidy(() =>
    tf.cast(tf.randomUniform([B, T], 5, V, 'float32', 1), 'int32'),
  ) as tf.Tensor2D;
  const mask = tf.ones([B, T]) as tf.Tensor2D;
  const step = (i: number) => {
    const { inputIds, labels } = maskTokens(ids, {
      maskTokenId: 4,
      vocabSize: V,
      specialTokenIds: [0, 1, 2, 3, 4],
      seed: i,
    });
    const loss = opt.minimize(
      () => mlmLoss(model, { inputIds, attentionMask: mask, labels, training: true }).loss,
      true,
    ) as tf.Scalar;
    loss.dataSync();
    tf.dispose([inputIds, labels, loss]);
  };
  for (let i = 0; i < warmup; i++) step(i);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step(warmup + i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `backend ${tf.getBackend()}  B=${B} T=${T} d=${D} heads=${H} layers=${L} ffn=${F} V=${V}  ` +
      `${encoder.countParams()} encoder params\n` +
      `MLM training step: median ${median.toFixed(0)} ms, min ${times[0].toFixed(0)} ms over ${steps} steps ` +
      `(${((B * T) / (median / 1000)).toFixed(0)} tokens/s)`,
  );
  if (a.profile) {
    const info = await tf.profile(() => step(1000));
    const byKernel = new Map<string, { n: number; ms: number }>();
    for (const k of info.kernels) {
      const e = byKernel.get(k.name) ?? { n: 0, ms: 0 };
      e.n += 1;
      e.ms += Number(k.kernelTimeMs) || 0;
      byKernel.set(k.name, e);
    }
    const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
    console.log(`profile of one step: ${info.kernels.length} kernels`);
    for (const [name, e] of rows)
      console.log(
        `  ${name.padEnd(24)} ${String(e.n).padStart(6)} calls ${e.ms.toFixed(1).padStart(9)} ms`,
      );
  }
  tf.dispose([ids, mask]);
  opt.dispose();
  model.dispose();
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
