import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { vit, type VitOptions } from '@ssl/encoders';
import { pretrain, type PretrainResult } from '../pretrain';
import type { Callback } from '../callbacks/callback';
import { mae, type MaeOptions } from '../methods/mae';
import type { FineTuneOptions } from '../evaluation/fine-tune';

/**
 * The settings of "MAE-pretrain a small ViT on 28×28 digits for about three
 * minutes on 2 cores, then fine-tune": what {@link maeDigitsPretrain} uses,
 * spelled out so that a study can quote (or vary) them.
 *
 * - encoder: 16 patches of 7×7 (an MAE step at patch 4 costs about three
 *   times as much: 49 patches), dim 64, depth 4, 4 heads, MLP ratio 2, mean
 *   pooling (MAE fine-tunes on the mean of the patch tokens; its class token
 *   is barely trained by the reconstruction);
 * - method: 75 % masked (12 of 16 patches), decoder 64 wide, 2 blocks, raw
 *   pixel targets (`normPixels: false`: MNIST patches are mostly constant
 *   zeros, whose normalised targets are noise);
 * - pretraining: Adam 1e-3 (constant), batch 128, stopped by the time budget;
 * - fine-tuning (`fineTune` of this package): 100 epochs, Adam 1e-3, batch 64,
 *   a random head (pass the study's augmentation as `augment`).
 */
export const MAE_DIGITS = {
  encoder: {
    inputShape: [28, 28, 1],
    patchSize: 7,
    dim: 64,
    depth: 4,
    heads: 4,
    mlpRatio: 2,
    pooling: 'mean',
  } satisfies VitOptions,
  method: {
    maskRatio: 0.75,
    decoderDim: 64,
    decoderDepth: 2,
    decoderHeads: 4,
    normPixels: false,
  } satisfies MaeOptions,
  pretrain: { batchSize: 128, lr: 1e-3, seconds: 180 },
  fineTune: {
    epochs: 100,
    lr: 1e-3,
    batchSize: 64,
    headInit: 'random',
  } satisfies Partial<FineTuneOptions>,
} as const;

/** Options of {@link maeDigitsPretrain}. */
export interface MaeDigitsPretrainOptions {
  /** Unlabelled images `[N, 28, 28, 1]` in [0, 1]. Required. */
  images: tf.Tensor4D;
  /** Wall-clock budget in seconds. Default 180 (`MAE_DIGITS.pretrain.seconds`). */
  seconds?: number;
  /**
   * Budget in CPU seconds of the process (user + system, every worker thread):
   * the same amount of work whatever else the machine runs (3 minutes on 2
   * cores is 360). Default: none (only `seconds`).
   */
  cpuSeconds?: number;
  /** Seed of the ViT, the decoder and the masks. Default 0. */
  seed?: number;
  /** `pretrain({ workers })`. Default 'auto'. */
  workers?: number | 'auto';
  /** Called after each step (e.g. a progress line). */
  callbacks?: Callback[];
}

/**
 * MAE pretraining of {@link MAE_DIGITS}'s ViT on `images` until the budget
 * is spent (checked after each step; at most 1000 epochs). Returns the
 * encoder (the caller owns it: dispose it) and the run's result. Fine-tune
 * it with `fineTune({ encoder, ...MAE_DIGITS.fineTune, train, test })`.
 *
 * @example
 * ```ts
 * const { encoder } = await maeDigitsPretrain({ images, seconds: 180 });
 * const { accuracy } = await fineTune({ encoder, train, test, ...MAE_DIGITS.fineTune });
 * ```
 */
export async function maeDigitsPretrain(
  o: MaeDigitsPretrainOptions,
): Promise<{ encoder: LayersModel; result: PretrainResult }> {
  const fn = 'maeDigitsPretrain';
  const seconds = o.seconds ?? MAE_DIGITS.pretrain.seconds;
  if (!(seconds > 0)) throw new Error(`${fn}: seconds must be > 0, got ${String(o.seconds)}`);
  if (o.cpuSeconds !== undefined && !(o.cpuSeconds > 0 && hasCpuClock())) {
    throw new Error(
      `${fn}: cpuSeconds must be > 0 and needs Node's process.cpuUsage(), got ${String(o.cpuSeconds)}`,
    );
  }
  const seed = o.seed ?? 0;
  const encoder = vit({ ...MAE_DIGITS.encoder, inputShape: [28, 28, 1], seed });
  const method = mae(MAE_DIGITS.method);
  const optimizer = tf.train.adam(MAE_DIGITS.pretrain.lr);
  const t0 = Date.now();
  const cpuSecondsUsed = cpuClock();
  const budget: Callback = {
    onStepEnd(_logs, control) {
      if ((Date.now() - t0) / 1000 >= seconds) control.stop(`time budget of ${seconds} s spent`);
      else if (o.cpuSeconds !== undefined && cpuSecondsUsed() >= o.cpuSeconds) {
        control.stop(`budget of ${o.cpuSeconds} CPU seconds spent`);
      }
    },
  };
  try {
    const result = await pretrain({
      method,
      encoder,
      data: o.images,
      epochs: 1000,
      batchSize: MAE_DIGITS.pretrain.batchSize,
      optimizer,
      seed,
      workers: o.workers ?? 'auto',
      callbacks: [...(o.callbacks ?? []), budget],
    });
    return { encoder, result };
  } catch (e) {
    encoder.dispose();
    throw e;
  } finally {
    method.dispose();
    optimizer.dispose();
  }
}

function hasCpuClock(): boolean {
  return typeof process !== 'undefined' && typeof process.cpuUsage === 'function';
}

/** CPU seconds (user + system) of the process since the call; 0 where there is no such clock (browser). */
function cpuClock(): () => number {
  if (!hasCpuClock()) return () => 0;
  const start = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
}
