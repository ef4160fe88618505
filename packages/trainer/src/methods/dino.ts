import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Augmentation } from '@ssl/augment';
import { simclrAugment } from '@ssl/augment';
import { projectionHead } from '@ssl/encoders';
import { dinoLoss } from '@ssl/losses';
import { byolMomentum } from './byol';
import { defineMethod } from './define-method';
import type { Method, Tensors } from './method';
import type { MethodEntry } from './method-entry';
import { forward, headSeed, representationDim, trainableVariables } from './model-state';
import { checkMomentum, cloneModel, emaUpdate } from './momentum-model';
import { l2Rows } from './moco';
import { batchImages, checkImages, defaultAugment, namedViews, viewList } from './views';

/** Options of {@link dino}. */
export interface DinoOptions {
  /** Number of prototypes K (the softmax size). Default 256 (DINO: 65536). */
  outDim?: number;
  /** Hidden width of the 3-layer head. Default 512 (DINO: 2048). */
  hiddenDim?: number;
  /** Bottleneck width before the L2 normalisation and the prototypes. Default 64 (DINO: 256). */
  bottleneckDim?: number;
  /** Global crops (seen by teacher and student, at the input size). Default 2. */
  globalCrops?: number;
  /** Local crops (seen by the student only). Default 6. */
  localCrops?: number;
  /** Side of the local crops in pixels. Default half the input side (14 for MNIST). */
  localSize?: number;
  /** Augmentation of a global crop. Default: `defaultAugment` for the input size. */
  globalAugment?: Augmentation;
  /** Augmentation of a local crop (must output `localSize` images). Default: the global preset with crop scale [0.2, 0.5] to `localSize`. */
  localAugment?: Augmentation;
  /** Student temperature τs. Default 0.1. */
  studentTemperature?: number;
  /** Teacher temperature τt after the warm-up. Default 0.07. */
  teacherTemperature?: number;
  /** Teacher temperature at the start of the warm-up. Default 0.04. */
  warmupTeacherTemperature?: number;
  /** Epochs of the linear teacher-temperature warm-up. Default 30 (DINO). */
  warmupTeacherEpochs?: number;
  /** Base EMA momentum of the teacher (cosine to 1 over the run, as BYOL). Default 0.996. */
  momentum?: number;
  /** Momentum of the teacher's center. Default 0.9. */
  centerMomentum?: number;
}

/** The teacher temperature at epoch `e` (fractional): linear from `from` to `to` over `epochs`, then `to`. */
export function dinoTeacherTemperature(
  from: number,
  to: number,
  epochs: number,
  e: number,
): number {
  if (epochs <= 0 || e >= epochs) return to;
  return from + ((to - from) * e) / epochs;
}

type DinoParts = {
  models: {
    head: tfl.LayersModel;
    prototypes: tfl.LayersModel;
    teacher_encoder: tfl.LayersModel;
    teacher_head: tfl.LayersModel;
    teacher_prototypes: tfl.LayersModel;
  };
  variables: { center: tf.Variable };
  pipelines: Augmentation[];
};

/** DINO's auxiliary value: the mean teacher logits of the whole batch `[K]`, for the center. */
export type DinoAux = { batchCenter: tf.Tensor1D };

/** `[B, K]` logits of a crop through an encoder, a head, L2 normalisation and the prototypes. */
function logits(
  encoder: tfl.LayersModel,
  head: tfl.LayersModel,
  prototypes: tfl.LayersModel,
  x: tf.Tensor,
): tf.Tensor2D {
  return forward(
    prototypes,
    l2Rows(forward(head, forward(encoder, x)) as tf.Tensor2D),
  ) as tf.Tensor2D;
}

/**
 * DINO (Caron et al. 2021, "Emerging Properties in Self-Supervised Vision
 * Transformers"): self-distillation without labels. A student (encoder, a
 * 3-layer head to a bottleneck, L2 normalisation, a linear layer to K
 * prototypes) sees every crop, multi-crop: `globalCrops` at the input size and
 * `localCrops` at `localSize`; a teacher, the student's EMA (momentum cosine
 * from `momentum` to 1), sees the global crops only. The loss ({@link dinoLoss})
 * is the cross-entropy of the student's softmax (τs) to the teacher's
 * centered, sharpened softmax (τt, warmed up from `warmupTeacherTemperature`)
 * over every pair of different crops. After each step the center follows the
 * batch mean of the teacher logits (`center = m c + (1 - m) mean`, m 0.9).
 * Logged: `teacherTemperature`, `momentum`.
 *
 * Simplifications at this scale: no weight normalisation of the prototype
 * layer and no last-layer freezing.
 *
 * Defaults: see {@link DinoOptions}. The encoder must accept the local crop
 * size (a global-pooling encoder such as `convEncoder` does).
 *
 * @example
 * ```ts
 * await pretrain({ method: dino({ localCrops: 6, localSize: 14 }), encoder, data: mnistImages, epochs: 5, batchSize: 64 });
 * ```
 */
export function dino(opts: DinoOptions = {}): Method<Tensors, Tensors, DinoAux> {
  const fn = 'dino';
  const {
    outDim = 256,
    hiddenDim = 512,
    bottleneckDim = 64,
    globalCrops = 2,
    localCrops = 6,
    studentTemperature = 0.1,
    teacherTemperature = 0.07,
    warmupTeacherTemperature = 0.04,
    warmupTeacherEpochs = 30,
    momentum = 0.996,
    centerMomentum = 0.9,
  } = opts;
  for (const [k, v, min] of [
    ['outDim', outDim, 1],
    ['hiddenDim', hiddenDim, 1],
    ['bottleneckDim', bottleneckDim, 1],
    ['globalCrops', globalCrops, 2],
    ['localCrops', localCrops, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < min)
      throw new Error(`${fn}: ${k} must be an integer >= ${min}, got ${v}`);
  }
  for (const [k, v] of Object.entries({
    studentTemperature,
    teacherTemperature,
    warmupTeacherTemperature,
  })) {
    if (!(Number.isFinite(v) && v > 0))
      throw new Error(`${fn}: ${k} must be a finite number > 0, got ${v}`);
  }
  if (!(warmupTeacherEpochs >= 0)) {
    throw new Error(`${fn}: warmupTeacherEpochs must be a number >= 0, got ${warmupTeacherEpochs}`);
  }
  checkMomentum(fn, momentum);
  if (!(centerMomentum >= 0 && centerMomentum <= 1)) {
    throw new Error(`${fn}: centerMomentum must be in [0, 1], got ${centerMomentum}`);
  }
  const crops = globalCrops + localCrops;
  const tau = (step: number, total: number) => byolMomentum(momentum, step + 1, total);
  const tempAt = (step: number, perEpoch: number) =>
    dinoTeacherTemperature(
      warmupTeacherTemperature,
      teacherTemperature,
      warmupTeacherEpochs,
      step / Math.max(1, perEpoch),
    );
  return defineMethod<DinoParts, Tensors, Tensors, DinoAux>({
    name: 'dino',
    options: opts,
    async build(enc, ctx) {
      checkImages(fn, ctx.inputShape);
      const [h, w] = ctx.inputShape;
      const local = opts.localSize ?? Math.max(1, Math.round(Math.min(h, w) / 2));
      if (!Number.isInteger(local) || local < 1) {
        throw new Error(`${fn}: localSize must be an integer >= 1, got ${local}`);
      }
      const globalAug = opts.globalAugment ?? defaultAugment(ctx.inputShape);
      const localAug =
        opts.localAugment ??
        simclrAugment({
          preset: ctx.inputShape[2] === 1 && h <= 32 ? 'digits' : 'simclr',
          crop: { size: [local, local], scale: [0.2, 0.5] },
        });
      const pipelines = [
        ...Array.from({ length: globalCrops }, () => globalAug),
        ...Array.from({ length: localCrops }, () => localAug),
      ];
      const inputDim = representationDim(fn, enc);
      const head = projectionHead({
        inputDim,
        hiddenDim,
        outputDim: bottleneckDim,
        numLayers: 3,
        batchNorm: false,
        name: 'dino_head',
        seed: headSeed(ctx.seed, 0),
      });
      const prototypes = tfl.sequential({
        name: 'dino_prototypes',
        layers: [
          tfl.layers.dense({
            inputShape: [bottleneckDim],
            units: outDim,
            useBias: false,
            kernelInitializer: tfl.initializers.glorotUniform({ seed: headSeed(ctx.seed, 1) }),
          }),
        ],
      });
      const models = {
        head,
        prototypes,
        teacher_encoder: await cloneModel(enc),
        teacher_head: await cloneModel(head),
        teacher_prototypes: await cloneModel(prototypes),
      };
      const center = tf.tidy(() => tf.variable(tf.zeros([outDim]), false));
      return { models, variables: { center }, pipelines };
    },
    trainableVariables: (p) => trainableVariables(p.encoder, p.models.head, p.models.prototypes),
    prepare(p, batch, ctx) {
      const images = batchImages(fn, batch);
      const root = ctx.rng;
      const streams = p.pipelines.map(() => root.fork());
      return namedViews(tf.tidy(() => p.pipelines.map((aug, i) => aug(images, streams[i]))));
    },
    forward({ encoder, models: m }, views) {
      return tf.tidy(() => {
        const all = viewList(views, crops);
        const out: Tensors = {};
        // the student on every crop, one pass per crop size; the teacher on the global crops
        const groups = [all.slice(0, globalCrops), all.slice(globalCrops)];
        let offset = 0;
        for (const group of groups) {
          if (group.length === 0) continue;
          const z = logits(encoder, m.head, m.prototypes, tf.concat(group, 0)); // [n B, K]
          tf.split(z, group.length, 0).forEach((zi, i) => (out[`student${offset + i}`] = zi));
          offset += group.length;
        }
        const x = tf.concat(all.slice(0, globalCrops), 0);
        const t = logits(m.teacher_encoder, m.teacher_head, m.teacher_prototypes, x); // [G B, K], no gradient path
        tf.split(t, globalCrops, 0).forEach((ti, i) => (out[`teacher${i}`] = ti));
        return out;
      });
    },
    loss({ variables }, out, ctx) {
      const students = Array.from({ length: crops }, (_, i) => out[`student${i}`] as tf.Tensor2D);
      const teachers = Array.from(
        { length: globalCrops },
        (_, i) => out[`teacher${i}`] as tf.Tensor2D,
      );
      const loss = dinoLoss(students, teachers, {
        center: variables.center as tf.Tensor1D,
        studentTemperature,
        teacherTemperature: tempAt(ctx.step, ctx.stepsPerEpoch),
      });
      // the center's update from the whole batch: the mean teacher logits over every global crop
      const batchCenter = tf.tidy(() => tf.mean(tf.concat(teachers, 0), 0) as tf.Tensor1D);
      return { loss, aux: { batchCenter } };
    },
    afterStep({ encoder, models: m, variables }, ctx, aux) {
      const t = tau(ctx.step, ctx.totalSteps);
      emaUpdate(encoder, m.teacher_encoder, t);
      emaUpdate(m.head, m.teacher_head, t);
      emaUpdate(m.prototypes, m.teacher_prototypes, t);
      if (aux) {
        const c = variables.center;
        tf.tidy(() =>
          c.assign(tf.add(tf.mul(c, centerMomentum), tf.mul(aux.batchCenter, 1 - centerMomentum))),
        );
      }
    },
    metrics: (_p, ctx) => ({
      teacherTemperature: tempAt(ctx.step, ctx.stepsPerEpoch),
      momentum: tau(ctx.step, ctx.totalSteps),
    }),
  });
}

/** DINO in the method registry. */
export const dinoEntry: MethodEntry = {
  name: 'dino',
  summary:
    'DINO (Caron et al. 2021): multi-crop self-distillation to a centered, sharpened EMA teacher',
  modality: 'images',
  options: [
    { name: 'outDim', type: 'integer', default: 256, doc: 'prototypes K (softmax size)' },
    { name: 'hiddenDim', type: 'integer', default: 512, doc: 'hidden width of the 3-layer head' },
    { name: 'bottleneckDim', type: 'integer', default: 64, doc: 'bottleneck width of the head' },
    { name: 'globalCrops', type: 'integer', default: 2, doc: 'global crops (teacher and student)' },
    { name: 'localCrops', type: 'integer', default: 6, doc: 'local crops (student only)' },
    { name: 'localSize', type: 'integer', default: 'input side / 2', doc: 'side of a local crop' },
    { name: 'studentTemperature', type: 'number', default: 0.1, doc: 'student temperature' },
    {
      name: 'teacherTemperature',
      type: 'number',
      default: 0.07,
      doc: 'teacher temperature after warm-up',
    },
    {
      name: 'warmupTeacherTemperature',
      type: 'number',
      default: 0.04,
      doc: 'teacher temperature at the start',
    },
    {
      name: 'warmupTeacherEpochs',
      type: 'number',
      default: 30,
      doc: 'epochs of the teacher-temperature warm-up',
    },
    {
      name: 'momentum',
      type: 'number',
      default: 0.996,
      doc: 'base EMA momentum of the teacher (cosine to 1)',
    },
    { name: 'centerMomentum', type: 'number', default: 0.9, doc: 'momentum of the center' },
  ],
  create: (o) => dino(o as DinoOptions),
};
