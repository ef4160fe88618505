/**
 * The gradient checks: the reference SimCLR step, each encoder, and every
 * loss of @ssl/losses. Each case is built once (on the reference backend) and
 * returns its named gradients; the page runs it on cpu and on the backend
 * under test and compares.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { convEncoder, getTokenEmbedding, resnet, transformerEncoder } from '@ssl/encoders';
import {
  barlowTwinsLoss,
  infoNCELoss,
  maskedCrossEntropy,
  negativeCosineSimilarity,
  ntXentLoss,
  vicregLoss,
} from '@ssl/losses';
import { buildSimclrModel, simclrLoss } from '../../../../bench/src/simclr-model';
import { seededInts, seededUniform } from './seeded';

/** A gradient check: `grads()` returns named gradients (callers dispose them). */
export interface GradientCase {
  name: string;
  grads: () => Map<string, tf.Tensor>;
  dispose: () => void;
}

/** Gradients of `loss` with respect to every trainable weight of `model`. */
function weightGrads(model: tfl.LayersModel, loss: () => tf.Scalar): Map<string, tf.Tensor> {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(loss, vars);
  value.dispose();
  return new Map(Object.entries(grads));
}

/** Gradients of `loss(...inputs)` with respect to the inputs, named in0, in1, ... */
function inputGrads(
  inputs: tf.Tensor[],
  loss: (...xs: tf.Tensor[]) => tf.Scalar,
): Map<string, tf.Tensor> {
  const gs = tf.grads((...xs: tf.Tensor[]) => loss(...xs))(inputs);
  return new Map(gs.map((g, i) => [`in${i}`, g]));
}

/** Two views of a batch: the batch and its mirror image (as the reference step). */
const twoViews = (model: tfl.LayersModel, x: tf.Tensor) =>
  [
    model.apply(tf.reverse(x, 2), { training: true }) as tf.Tensor2D,
    model.apply(x, { training: true }) as tf.Tensor2D,
  ] as const;

function modelCase(
  name: string,
  model: tfl.LayersModel,
  inputs: tf.Tensor[],
  loss: () => tf.Scalar,
): GradientCase {
  return {
    name,
    grads: () => weightGrads(model, loss),
    dispose: () => {
      model.dispose();
      tf.dispose(inputs);
    },
  };
}

function lossCase(
  name: string,
  inputs: tf.Tensor[],
  loss: (...xs: tf.Tensor[]) => tf.Scalar,
): GradientCase {
  return { name, grads: () => inputGrads(inputs, loss), dispose: () => tf.dispose(inputs) };
}

const B = 8; // batch of every case
const D = 16; // embedding width of the loss cases

/** Builds every case on the current backend. */
export function gradientCases(): GradientCase[] {
  const cases: GradientCase[] = [];

  // The reference step of bench/src/simclr-model.ts (conv -> pool -> ... -> batch norm -> dense).
  {
    const model = buildSimclrModel(0);
    const x = seededUniform([B, 28, 28, 1], 1, 0, 1) as tf.Tensor4D;
    const labels = tf.oneHot(tf.range(0, B, 1, 'int32'), B);
    cases.push(
      modelCase('simclr reference step', model, [x, labels], () => simclrLoss(model, x, labels)),
    );
  }
  // The conv encoder, plain and with batch norm, under NT-Xent.
  for (const batchNorm of [false, true]) {
    const model = convEncoder({
      inputShape: [28, 28, 1],
      filters: [8, 16, 32],
      batchNorm,
      seed: 1,
    });
    const x = seededUniform([B, 28, 28, 1], 2, 0, 1);
    cases.push(
      modelCase(`conv encoder${batchNorm ? ' + batch norm' : ''} (NT-Xent)`, model, [x], () => {
        const [z1, z2] = twoViews(model, x);
        return ntXentLoss(z1, z2, { temperature: 0.5 });
      }),
    );
  }
  // ResNet-18 at 1/8 width (CIFAR stem: 3x3 conv, residual blocks with strided 1x1 shortcuts).
  {
    const model = resnet({ depth: 18, inputShape: [16, 16, 3], widthMultiplier: 0.125, seed: 2 });
    const x = seededUniform([4, 16, 16, 3], 3, 0, 1);
    cases.push(
      modelCase('resnet-18 width 1/8 (NT-Xent)', model, [x], () => {
        const [z1, z2] = twoViews(model, x);
        return ntXentLoss(z1, z2, { temperature: 0.5 });
      }),
    );
  }
  // The Transformer encoder with token and position embeddings, padding mask,
  // and an MLM loss through the tied token embedding.
  {
    const V = 40;
    const T = 12;
    const model = transformerEncoder({
      vocabSize: V,
      maxLength: T,
      dModel: 32,
      numHeads: 4,
      numLayers: 2,
      dropout: 0,
      seed: 3,
    });
    const ids = seededInts([4, T], 4, V);
    const mask = tf.tensor2d(
      Array.from({ length: 4 * T }, (_, i) => (i % T < T - (i % 3) ? 1 : 0)),
      [4, T],
    ); // the last 0-2 tokens of each row are padding
    const labels = tf.tensor2d(
      Array.from(seededInts([4, T], 5, V).dataSync(), (v, i) => (i % 4 === 0 ? v : -100)),
      [4, T],
      'int32',
    );
    cases.push(
      modelCase('transformer encoder + embeddings (masked CE)', model, [ids, mask, labels], () => {
        const h = model.apply([ids, mask], { training: true }) as tf.Tensor3D; // [4, T, 32]
        const emb = getTokenEmbedding(model).trainableWeights[0].read(); // [V, 32], tied
        const logits = tf.reshape(tf.matMul(tf.reshape(h, [4 * T, 32]), emb, false, true), [
          4,
          T,
          V,
        ]);
        return maskedCrossEntropy(logits as tf.Tensor3D, labels as tf.Tensor2D);
      }),
    );
  }

  // Every loss, gradients with respect to its inputs.
  const z = (seed: number, shape = [B, D]) => seededUniform(shape, seed);
  cases.push(
    lossCase('ntXentLoss', [z(10), z(11)], (a, b) =>
      ntXentLoss(a as tf.Tensor2D, b as tf.Tensor2D, { temperature: 0.5 }),
    ),
  );
  cases.push(
    lossCase('infoNCELoss (in-batch)', [z(12), z(13)], (a, b) =>
      infoNCELoss(a as tf.Tensor2D, b as tf.Tensor2D),
    ),
  );
  {
    const queue = z(14, [24, D]);
    cases.push(
      lossCase('infoNCELoss (queue [K, D])', [z(15), z(16), queue], (a, b, q) =>
        infoNCELoss(a as tf.Tensor2D, b as tf.Tensor2D, {
          negatives: q as tf.Tensor2D,
          temperature: 0.2,
        }),
      ),
    );
  }
  cases.push(
    lossCase('infoNCELoss (per-anchor [N, K, D])', [z(17), z(18), z(19, [B, 3, D])], (a, b, n) =>
      infoNCELoss(a as tf.Tensor2D, b as tf.Tensor2D, { negatives: n as tf.Tensor3D }),
    ),
  );
  cases.push(
    lossCase('negativeCosineSimilarity', [z(20), z(21)], (p, q) =>
      negativeCosineSimilarity(p as tf.Tensor2D, q as tf.Tensor2D),
    ),
  );
  cases.push(
    lossCase('barlowTwinsLoss', [z(22), z(23)], (a, b) =>
      barlowTwinsLoss(a as tf.Tensor2D, b as tf.Tensor2D),
    ),
  );
  cases.push(
    lossCase('vicregLoss', [z(24), z(25)], (a, b) =>
      vicregLoss(a as tf.Tensor2D, b as tf.Tensor2D),
    ),
  );
  {
    const labels = tf.tensor2d(
      Array.from(seededInts([2, 5], 26, 11).dataSync(), (v, i) => (i % 3 === 1 ? -100 : v)),
      [2, 5],
      'int32',
    );
    const logits = z(27, [2, 5, 11]);
    cases.push({
      ...lossCase('maskedCrossEntropy', [logits], (l) =>
        maskedCrossEntropy(l as tf.Tensor3D, labels as tf.Tensor2D),
      ),
      dispose: () => tf.dispose([logits, labels]),
    });
  }
  return cases;
}
