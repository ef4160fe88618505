import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { nnclrLoss } from '@ssl/losses';
import { defineMethod } from './define-method';
import { projectorOf } from './heads';
import type { Method } from './method';
import { PROJECTOR_OPTIONS, type MethodEntry } from './method-entry';
import type { ProjectorOptions } from './options';
import { headSeed, trainableVariables } from './model-state';
import { enqueue, l2Rows } from './moco';
import { projectTwoViews, type TwoProjections, type TwoViews } from './projector-method';
import { twoViews, type ViewMaker, twoViewsOf } from './views';

/** Options of {@link nnclr}. */
export interface NnclrOptions extends ProjectorOptions {
  /** Size of the support set (a queue of past first-view projections). Default `max(4096, batchSize)` (NNCLR: 98304). */
  queueSize?: number;
  /** Softmax temperature. Default 0.1. */
  temperature?: number;
}

/** NNCLR's auxiliary value: the batch's unit first-view projections, for the support queue. */
export type NnclrAux = { support: tf.Tensor2D };

type NnclrParts = {
  models: { projector: LayersModel };
  variables: { support: tf.Variable };
  counters: { queuePtr: number };
  views: ViewMaker;
};

/**
 * NNCLR (Dwibedi et al. 2021, "With a Little Help from My Friends:
 * Nearest-Neighbor Contrastive Learning of Visual Representations"): SimCLR's
 * two views, encoder and projection head, but each sample's anchor is the
 * nearest neighbour of its first view's projection in a support set (a queue
 * of past projections), contrasted by NT-Xent against the second view
 * ({@link nnclrLoss}, symmetric). After each step the batch's first-view
 * projections enter the support queue (a ring buffer, random unit vectors at
 * the start). Without NNCLR's optional prediction head.
 *
 * Defaults: queueSize max(4096, batchSize), temperature 0.1, projectionDim 128, hiddenDim 512, augment by image size.
 *
 * @example
 * ```ts
 * await pretrain({ method: nnclr({ queueSize: 8192 }), encoder, data: images, epochs: 5, batchSize: 128 });
 * ```
 */
export function nnclr(opts: NnclrOptions = {}): Method<TwoViews, TwoProjections, NnclrAux> {
  const fn = 'nnclr';
  const { temperature = 0.1, projectionDim = 128, augment } = opts;
  const asked = opts.queueSize;
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 1)) {
    throw new Error(`${fn}: queueSize must be an integer >= 1, got ${asked}`);
  }
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new Error(`${fn}: temperature must be a finite number > 0, got ${temperature}`);
  }
  let queueSize = asked ?? 4096;
  return defineMethod<NnclrParts, TwoViews, TwoProjections, NnclrAux>({
    name: 'nnclr',
    options: opts,
    build(enc, ctx) {
      queueSize = asked ?? Math.max(4096, ctx.batchSize);
      if (ctx.batchSize > queueSize) {
        throw new Error(`${fn}: queueSize (${queueSize}) must be >= batchSize (${ctx.batchSize})`);
      }
      const views = twoViews(fn, augment, ctx.inputShape);
      const projector = projectorOf(fn, enc, opts, ctx.seed);
      const support = tf.tidy(() => {
        const r = tf.randomNormal(
          [queueSize, projectionDim],
          0,
          1,
          'float32',
          headSeed(ctx.seed, 2),
        );
        return tf.variable(l2Rows(r as tf.Tensor2D), false); // [K, P] unit rows
      });
      return { models: { projector }, variables: { support }, counters: { queuePtr: 0 }, views };
    },
    trainableVariables: (p) => trainableVariables(p.encoder, p.models.projector),
    prepare: (p, batch, ctx) => twoViewsOf(fn, p.views, batch, ctx.rng),
    forward: (p, views) => projectTwoViews(p.encoder, p.models.projector, views),
    loss({ variables }, { z1, z2 }) {
      const loss = nnclrLoss(z1, z2, variables.support as tf.Tensor2D, { temperature });
      return { loss, aux: { support: l2Rows(z1) } };
    },
    afterStep({ variables, counters }, _ctx, aux) {
      if (!aux) return;
      enqueue(variables.support, aux.support, counters.queuePtr);
      counters.queuePtr = (counters.queuePtr + aux.support.shape[0]) % queueSize;
    },
    checkCounters(_p, { queuePtr }) {
      if (queuePtr < 0 || queuePtr >= queueSize) {
        throw new Error(
          `${fn}.setState: json.queuePtr must be an integer in [0, ${queueSize}), got ${queuePtr}`,
        );
      }
    },
  });
}

/** NNCLR in the method registry. */
export const nnclrEntry: MethodEntry = {
  name: 'nnclr',
  summary:
    'NNCLR (Dwibedi et al. 2021): NT-Xent with nearest neighbours from a support queue as anchors',
  modality: 'images',
  options: [
    {
      name: 'queueSize',
      type: 'integer',
      default: 'max(4096, batchSize)',
      doc: 'size of the support set',
    },
    { name: 'temperature', type: 'number', default: 0.1, doc: 'NT-Xent temperature' },
    ...PROJECTOR_OPTIONS,
  ],
  create: (o) => nnclr(o as NnclrOptions),
};
