/**
 * The (method, encoder) cases of the methods page: every method of
 * @ssl/trainer's registry, the image methods on the conv encoder and on
 * ResNet-18 (1/8 width), MAE on a one-block ViT, MLM on the Transformer encoder, each at a tiny size
 * so that a few steps on SwiftShader take seconds. A method that joins the
 * registry without tiny options here makes the page fail (the e2e test then
 * says which), so no method is skipped silently.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { convEncoder, resnet, transformerEncoder, vit } from '@ssl/encoders';
import { METHOD_REGISTRY, type MethodEntry, type MlmTokenInfo } from '@ssl/trainer';
import { seededUniform } from '../gradients/seeded';

export type EncoderKind = 'conv' | 'resnet18' | 'vit' | 'transformer';

/** One training run of the page. */
export interface MethodCase {
  method: string;
  encoder: EncoderKind;
  /** Creates the method (from the registry), the encoder and the data, on the current backend. */
  build(): {
    method: ReturnType<MethodEntry['create']>;
    encoder: tfl.LayersModel;
    data: tf.Tensor | Record<string, tf.Tensor>;
  };
}

/** Examples per step, steps per run (one epoch). */
export const BATCH = 8;
export const STEPS = 3;

/** Image methods run on ResNet-18 only for these (SwiftShader is too slow for all of them there). */
export const RESNET_METHODS: readonly string[] = ['simclr', 'byol', 'dino'];

// Small heads: the encoders' representations are 32 (conv) and 64 (ResNet-18 at 1/8) wide.
const HEADS = { projectionDim: 16, hiddenDim: 32 };

/** Tiny options per registered method (`create` receives them). */
const TINY_OPTIONS: Record<string, Record<string, unknown>> = {
  simclr: { ...HEADS },
  moco: { ...HEADS, queueSize: 32 },
  byol: { ...HEADS, predictorHiddenDim: 16 },
  simsiam: { ...HEADS, predictorHiddenDim: 16 },
  barlow: { ...HEADS },
  vicreg: { ...HEADS },
  // two global crops at the input size and two local crops at half of it (multi-crop)
  dino: { outDim: 32, hiddenDim: 32, bottleneckDim: 16, localCrops: 2, warmupTeacherEpochs: 1 },
  nnclr: { ...HEADS, queueSize: 32 },
  mae: { decoderDim: 16, decoderDepth: 1, decoderHeads: 2 },
  mlm: {},
};

/** The tiny vocabulary of the MLM case: ids 0-4 are [PAD] [UNK] [CLS] [SEP] [MASK]. */
export const TOKENS: MlmTokenInfo = {
  vocabSize: 24,
  padTokenId: 0,
  maskTokenId: 4,
  specialTokenIds: [0, 1, 2, 3, 4],
};
const SEQ = 12;

/** Seeded sentences `[CLS] w... [SEP] [PAD]...` of 6-10 words, and their attention mask. */
function tokenData(n: number, seed: number): { inputIds: tf.Tensor2D; attentionMask: tf.Tensor2D } {
  const ids = new Int32Array(n * SEQ);
  const mask = new Float32Array(n * SEQ);
  let s = (seed * 2654435761 + 1) >>> 0;
  const next = (k: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * k);
  };
  for (let b = 0; b < n; b++) {
    const words = 6 + next(5);
    const row = [2, ...Array.from({ length: words }, () => 5 + next(TOKENS.vocabSize - 5)), 3];
    row.forEach((id, t) => {
      ids[b * SEQ + t] = id;
      mask[b * SEQ + t] = 1;
    });
  }
  return {
    inputIds: tf.tensor2d(ids, [n, SEQ], 'int32'),
    attentionMask: tf.tensor2d(mask, [n, SEQ], 'float32'),
  };
}

/** Image methods that need a Vision Transformer (MAE runs it on the visible patches only). */
export const VIT_METHODS: readonly string[] = ['mae'];

function imageEncoder(kind: EncoderKind): { encoder: tfl.LayersModel; shape: number[] } {
  if (kind === 'vit') {
    // 28x28 in 16 patches of 7x7, one block of width 16
    const encoder = vit({
      inputShape: [28, 28, 1],
      patchSize: 7,
      dim: 16,
      depth: 1,
      heads: 2,
      seed: 1,
    });
    return { encoder, shape: [28, 28, 1] };
  }
  if (kind === 'conv') {
    // 28x28: DINO's local crops (14x14) still fit the conv encoder's three convolutions
    const encoder = convEncoder({ inputShape: [28, 28, 1], filters: [8, 16, 32], seed: 1 });
    return { encoder, shape: [28, 28, 1] };
  }
  // 12x12 (DINO's local crops 6x6): the CIFAR stem keeps the full residual structure
  const encoder = resnet({ depth: 18, inputShape: [12, 12, 1], widthMultiplier: 0.125, seed: 2 });
  return { encoder, shape: [12, 12, 1] };
}

function entryCases(entry: MethodEntry): MethodCase[] {
  const options = TINY_OPTIONS[entry.name];
  if (!options) {
    throw new Error(
      `methods page: no tiny options for the registered method '${entry.name}': add them to src/methods/cases.ts`,
    );
  }
  const n = BATCH * STEPS;
  if (entry.modality === 'text') {
    return [
      {
        method: entry.name,
        encoder: 'transformer',
        build: () => ({
          method: entry.create({ ...options, tokenizer: TOKENS }),
          encoder: transformerEncoder({
            vocabSize: TOKENS.vocabSize,
            maxLength: SEQ,
            dModel: 16,
            numHeads: 2,
            numLayers: 2,
            seed: 3,
          }),
          data: tokenData(n, 4),
        }),
      },
    ];
  }
  const kinds: EncoderKind[] = VIT_METHODS.includes(entry.name)
    ? ['vit']
    : RESNET_METHODS.includes(entry.name)
      ? ['conv', 'resnet18']
      : ['conv'];
  return kinds.map((kind) => ({
    method: entry.name,
    encoder: kind,
    build: () => {
      const { encoder, shape } = imageEncoder(kind);
      return {
        method: entry.create({ ...options }),
        encoder,
        data: seededUniform([n, ...shape], 5, 0, 1),
      };
    },
  }));
}

/** Every case, in registry order. */
export function methodCases(): MethodCase[] {
  return METHOD_REGISTRY.flatMap(entryCases);
}
