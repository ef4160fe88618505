import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@ssl/augment';
import { useBackend } from '@ssl/backends';
import { convEncoder, transformerEncoder, vit } from '@ssl/encoders';
import { WordPieceTokenizer } from '@ssl/mlm';
import { randomArray } from '@ssl/test-utils';
import { createMethod, METHOD_REGISTRY } from '../methods/registry';
import type { AnyMethod, Tensors } from '../methods/method';
import { stepContext } from '../training/step';
import { WorkerPool } from './pool';
import { nodeSpawner } from './node-spawn';
import { parallelGradients, shardBounds, shardViews } from './parallel-step';

// Data-parallel gradients against one thread on the same batch. Each image
// method runs on a conv encoder with batch norm and its default heads (batch
// norm too): synchronized batch norm makes them exact. MLM on a transformer
// without dropout (dropout draws its own randomness). MAE on a small ViT.

const B = 8;
const SHAPE: [number, number, number] = [16, 16, 1];
const SMALL: Record<string, Record<string, unknown>> = {
  simclr: { projectionDim: 8, hiddenDim: 16, temperature: 0.5 },
  moco: { projectionDim: 8, hiddenDim: 16, queueSize: 16 },
  byol: { projectionDim: 8, hiddenDim: 16 },
  simsiam: { projectionDim: 8, hiddenDim: 16, predictorHiddenDim: 8 },
  barlowTwins: { projectionDim: 8, hiddenDim: 16 },
  vicreg: { projectionDim: 8, hiddenDim: 16 },
  dino: { outDim: 16, hiddenDim: 16, bottleneckDim: 8, localCrops: 2, localSize: 14 },
  nnclr: { projectionDim: 8, hiddenDim: 16, queueSize: 16 },
  mae: { decoderDim: 16, decoderDepth: 1, decoderHeads: 2 },
};
const CORPUS = [
  'the cat sat on the mat',
  'the dog sat on the log',
  'a cat and a dog played',
  'the cat saw the dog on the mat',
  'a dog sat on a log and a cat sat on a mat',
  'the mat and the log',
  'a log a mat a cat',
  'the dog and the cat',
];

interface Setup {
  encoder: tfl.LayersModel;
  method: AnyMethod;
  batch: Tensors;
  inputShape: number[];
}

function imageSetup(name: string): Setup {
  const options = SMALL[name];
  // MAE runs a Vision Transformer on the visible patches (16 patches of 4x4 here)
  const encoder =
    name === 'mae'
      ? vit({ inputShape: SHAPE, patchSize: 4, dim: 16, depth: 1, heads: 2, seed: 3 })
      : convEncoder({ inputShape: SHAPE, filters: [4, 8, 8], seed: 3, batchNorm: true });
  const images = tf.tensor4d(randomArray(B * 16 * 16, 5, 0, 1), [B, ...SHAPE]);
  return { encoder, method: createMethod(name, options), batch: { images }, inputShape: SHAPE };
}

function textSetup(): Setup {
  const tok = WordPieceTokenizer.train(CORPUS, { vocabSize: 40 });
  const enc = tok.encodeBatch(CORPUS, { maxLength: 12, padding: 'max_length' });
  const encoder = transformerEncoder({
    vocabSize: tok.vocabSize,
    maxLength: 12,
    dModel: 16,
    numHeads: 2,
    numLayers: 1,
    ffnDim: 32,
    dropout: 0,
  });
  const batch = {
    inputIds: tf.tensor2d(enc.ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(enc.attentionMask, undefined, 'int32'),
  };
  return {
    encoder,
    method: createMethod('mlm', { tokenizer: tok, maskProb: 0.3 }),
    batch,
    inputShape: [12],
  };
}

/** ‖a − b‖ / ‖b‖ over all variables together, and ‖b‖. */
function relativeError(a: Float32Array[], b: Float32Array[]): { rel: number; norm: number } {
  let diff = 0;
  let norm = 0;
  a.forEach((x, i) => {
    for (let j = 0; j < x.length; j++) {
      diff += (x[j] - b[i][j]) ** 2;
      norm += b[i][j] ** 2;
    }
  });
  return { rel: Math.sqrt(diff / norm), norm: Math.sqrt(norm) };
}

beforeAll(async () => {
  await useBackend('wasm', { quiet: true });
});

describe('shardBounds', () => {
  it('splits n examples into contiguous shards differing by at most one', () => {
    expect(shardBounds(8, 2)).toEqual([
      [0, 4],
      [4, 8],
    ]);
    expect(shardBounds(7, 3)).toEqual([
      [0, 3],
      [3, 5],
      [5, 7],
    ]);
  });
});

const NAMES = METHOD_REGISTRY.map((e) => e.name);

describe.each(NAMES)('%s with 2 workers', (name) => {
  it('gives the gradients of one thread on the same batch (relative 1e-5)', async () => {
    const s = name === 'mlm' ? textSetup() : imageSetup(name);
    const build = {
      inputShape: s.inputShape,
      seed: 7,
      batchSize: B,
      stepsPerEpoch: 10,
      totalSteps: 10,
      epochs: 1,
    };
    await s.method.build(s.encoder, { ...build, rng: createRng(7) });
    const ctx = stepContext(
      { step: 3, epoch: 0, totalSteps: 10, stepsPerEpoch: 10, lr: 1e-3, rng: createRng(11) },
      {},
    );
    const views = s.method.prepare(s.batch, ctx) as Tensors;
    const vars = s.method.trainableVariables();
    const pool = await WorkerPool.start({
      workers: 2,
      spawn: nodeSpawner(),
      encoder: s.encoder,
      method: s.method,
      build,
      backend: tf.getBackend(),
    });
    const replica = pool.replica.variables;
    const s0 = replica.map((v) => tf.clone(v));
    try {
      // one thread: the loss of forward(views) and its gradients (forward also moves the
      // batch-norm statistics: s0 -> s1)
      const { value, grads } = tf.variableGrads(() => {
        const out = s.method.loss(s.method.forward(views, ctx), ctx);
        if (out.aux) tf.dispose(out.aux);
        return out.loss;
      }, vars);
      const lossOne = value.dataSync()[0];
      const one = vars.map((v) => grads[v.name].dataSync() as Float32Array);
      tf.dispose([value, ...Object.values(grads)]);
      const s1 = replica.map((v) => v.dataSync().slice() as Float32Array);
      replica.forEach((v, i) => v.assign(s0[i]));

      const before = tf.memory().numTensors;
      const par = await parallelGradients(pool, s.method, {
        ctx,
        shards: shardViews(s.method, views, pool.size),
      });
      if (par.aux) tf.dispose(par.aux);
      expect(tf.memory().numTensors).toBe(before);
      expect(Math.abs(par.loss - lossOne) / Math.abs(lossOne)).toBeLessThan(1e-5);
      const two = par.grads.map((g, i) => g ?? new Float32Array(one[i].length));
      const { rel, norm } = relativeError(two, one);
      expect(norm).toBeGreaterThan(1e-4); // a real gradient, not zeros on both sides
      expect(rel).toBeLessThan(1e-5);
      // the classic mistake (lightly#1977): averaging instead of summing the shards' shares
      expect(
        relativeError(
          two.map((g) => g.map((x) => x / 2)),
          one,
        ).rel,
      ).toBeGreaterThan(0.4);
      // the batch-norm statistics after the step: rank 0's, equal to one thread's
      const after = replica.map((v) => v.dataSync().slice() as Float32Array);
      expect(relativeError(after, s1).rel).toBeLessThan(1e-5);
    } finally {
      await pool.close();
      tf.dispose(s0);
      tf.dispose(views);
      s.method.dispose();
      s.encoder.dispose();
      tf.dispose(Object.values(s.batch));
    }
  });
});
