import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { createRng } from '@ssl/augment';
import type { Method, StepContext } from './methods/method';
import { batchSource, type PretrainData } from './batches';
import type { Callback, EpochLogs, StepLogs, TrainControl } from './callbacks/callback';
import { stopOnNaN as stopOnNaNCallback } from './callbacks/stop-on-nan';
import type { Schedule } from './schedules/schedule';
import { getLearningRate, setLearningRate } from './optimizers/learning-rate';
import type { CheckpointIO, RunState } from './checkpoint-io';
import { finiteGuard, uniformLoss } from './guards/finite-guard';
import { checkResume, describeData, epochsReached } from './guards/resume-check';

/** Options of {@link pretrain}. */
export interface PretrainOptions<B extends tf.Tensor = tf.Tensor> {
  /** The method: `simclr()`, `moco()`, `byol()`, `simsiam()`, `barlowTwins()`, `vicreg()`, MLM. */
  method: Method<B>;
  /** The encoder to train (in place): a tfjs-layers model `[B, ...input] -> [B, D]`. */
  encoder: LayersModel;
  /** Images `[N, H, W, C]` in [0,1], token ids `[N, L]`, or a dataset of examples (see {@link PretrainData}). */
  data: PretrainData;
  epochs: number;
  batchSize: number;
  /** Any tfjs optimizer, or `lars()`. Default `tf.train.adam(1e-3)` (created and disposed by the run). */
  optimizer?: tf.Optimizer;
  /** Learning rate per global step (e.g. `warmupCosine`); default: the optimizer's own rate, unchanged. */
  schedule?: Schedule;
  callbacks?: Callback[];
  /** Seeds batch order and augmentations. Default 0. */
  seed?: number;
  /** Use only the first `limit` examples. */
  limit?: number;
  /** Cap on steps per epoch (default: every full batch; a last partial batch is dropped). */
  stepsPerEpoch?: number;
  /**
   * Node only (or with `checkpointIO`): write a checkpoint here every
   * `checkpointEvery` epochs and after the last one (see `@ssl/trainer/node`).
   */
  checkpointDir?: string;
  /** Epochs between checkpoints. Default 1. */
  checkpointEvery?: number;
  /** Continue from the checkpoint in `checkpointDir` when there is one (else start fresh). Default false. */
  resume?: boolean;
  /**
   * Stop at the first NaN/infinite loss, or NaN/infinite weight, method tensor
   * or optimizer slot after an update, with a message naming the step and the
   * tensor (`finiteGuard`); no checkpoint is written after such a step. Default true.
   */
  stopOnNaN?: boolean;
  /** Checkpoint storage; default: `nodeCheckpointIO` from `@ssl/trainer/node`, imported when needed. */
  checkpointIO?: CheckpointIO;
}

/** One step of the history. */
export interface StepRecord {
  epoch: number;
  step: number;
  loss: number;
  lr: number;
  imagesPerSec: number;
  metrics: Record<string, number>;
}

/** What {@link pretrain} returns. */
export interface PretrainResult {
  /** Every step run by this call (a resumed run starts at `startStep`). */
  history: StepRecord[];
  /** One entry per epoch run by this call. */
  epochs: EpochLogs[];
  startEpoch: number;
  startStep: number;
  /** Global steps completed (including those before a resume). */
  steps: number;
  /** Wall time of this call's training and its throughput. */
  seconds: number;
  imagesPerSec: number;
  /** Set when training stopped early (NaN loss, a callback's `stop`). */
  stopReason?: string;
}

// A variable so that bundlers do not follow it into the browser build.
const NODE_ENTRY = '@ssl/trainer/node';

async function defaultCheckpointIO(): Promise<CheckpointIO> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error(
      'pretrain: checkpointDir needs Node (file system); in a browser pass checkpointIO or save with callbacks',
    );
  }
  const mod = (await import(/* @vite-ignore */ NODE_ENTRY)) as { nodeCheckpointIO: CheckpointIO };
  return mod.nodeCheckpointIO;
}

function positiveInt(name: string, v: number | undefined, optional = false): void {
  if (v === undefined && optional) return;
  if (!Number.isInteger(v) || (v as number) < 1) {
    throw new Error(`pretrain: ${name} must be an integer >= 1, got ${v}`);
  }
}

const now = () => performance.now();

/**
 * Pretrains `encoder` with a self-supervised `method`: one loop for every
 * method. Each step draws a batch (a seeded permutation of the data), calls
 * `optimizer.minimize(() => method.loss(batch))` on the method's variables,
 * then `method.afterStep` (momentum encoders, queues), and reports to the
 * callbacks. `tf.memory().numTensors` stays flat from step to step.
 *
 * Learning rate: with `schedule`, the loop sets `schedule(step)` on the
 * optimizer before each step (`setLearningRate`: SGD/momentum/LARS through
 * their `setLearningRate()`, Adam & co. through their `learningRate` field).
 *
 * Checkpoints (`checkpointDir`, Node): written every `checkpointEvery`
 * epochs and after the last one by `@ssl/trainer/node` (loaded with a
 * dynamic import, so this entry stays browser-safe); `resume: true` restores
 * encoder, heads, method state, optimizer slots, epoch, step and the seeded
 * generator, so the continued run draws the same numbers as an uninterrupted one.
 *
 * @example
 * ```ts
 * import { pretrain, simclr } from '@ssl/trainer';
 * import { convEncoder } from '@ssl/encoders';
 * const encoder = convEncoder({ inputShape: [28, 28, 1] });
 * const result = await pretrain({ method: simclr(), encoder, data: images, epochs: 5, batchSize: 128, seed: 1 });
 * console.log(result.history.at(-1)?.loss, result.imagesPerSec);
 * ```
 */
export async function pretrain<B extends tf.Tensor = tf.Tensor>(
  options: PretrainOptions<B>,
): Promise<PretrainResult> {
  const { method, encoder, data, epochs, batchSize } = options;
  if (!method || typeof method.loss !== 'function')
    throw new Error('pretrain: method must be a Method object');
  if (!encoder || typeof encoder.apply !== 'function')
    throw new Error('pretrain: encoder must be a tfjs-layers model');
  positiveInt('epochs', epochs);
  positiveInt('batchSize', batchSize);
  positiveInt('limit', options.limit, true);
  positiveInt('stepsPerEpoch', options.stepsPerEpoch, true);
  positiveInt('checkpointEvery', options.checkpointEvery, true);
  if (options.resume && !options.checkpointDir)
    throw new Error('pretrain: resume needs checkpointDir');
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new Error(`pretrain: seed must be an integer, got ${seed}`);

  const rng = createRng(seed);
  const ownOptimizer = options.optimizer == null;
  const optimizer = options.optimizer ?? tf.train.adam(1e-3);
  const source = await batchSource(data, {
    batchSize,
    limit: options.limit,
    stepsPerEpoch: options.stepsPerEpoch,
    dataKey: method.dataKey ?? 'image',
  });
  const { stepsPerEpoch } = source;
  const totalSteps = epochs * stepsPerEpoch;
  await method.build(encoder, {
    inputShape: source.exampleShape,
    seed,
    rng,
    batchSize,
    stepsPerEpoch,
    totalSteps,
    epochs,
  });

  const io = options.checkpointDir
    ? (options.checkpointIO ?? (await defaultCheckpointIO()))
    : undefined;
  const parts = { encoder, method, optimizer };
  let startEpoch = 0;
  let step = 0;
  let resumed = false;
  let reached: string | undefined;
  const identity = io && {
    method: method.name,
    batchSize,
    limit: options.limit ?? null,
    stepsPerEpoch,
    data: await describeData(data),
  };
  if (options.resume && io && options.checkpointDir) {
    const state = await io.restore(options.checkpointDir, parts);
    if (state) {
      checkResume(options.checkpointDir, state.identity, identity!);
      reached = epochsReached(options.checkpointDir, state, epochs);
      if (state.method !== method.name) {
        throw new Error(
          `pretrain: checkpoint in ${options.checkpointDir} is for method '${state.method}', not '${method.name}'`,
        );
      }
      rng.setState(state.rngState as never);
      startEpoch = state.epoch;
      step = state.step;
      resumed = true;
    }
  }

  const callbacks = [
    ...(options.stopOnNaN === false ? [] : [stopOnNaNCallback()]),
    ...(options.callbacks ?? []),
  ];
  let stopReason: string | undefined = reached;
  const control: TrainControl = {
    stop(reason: string) {
      stopReason ??= reason;
    },
  };
  const vars = method.trainableVariables();
  const guard =
    options.stopOnNaN === false
      ? undefined
      : finiteGuard({ uniformLoss: uniformLoss(method.name, batchSize) });
  const history: StepRecord[] = [];
  const epochLogs: EpochLogs[] = [];
  const startStep = step;
  const t0 = now();
  let images = 0;

  for (const cb of callbacks) {
    await cb.onTrainBegin?.(
      {
        method: method.name,
        epochs,
        stepsPerEpoch,
        totalSteps,
        batchSize,
        startEpoch,
        startStep,
        resumed,
      },
      control,
    );
  }

  let epoch = startEpoch;
  try {
    for (; epoch < epochs && stopReason === undefined; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, control);
      const epochStart = now();
      let lossSum = 0;
      let n = 0;
      let epochImages = 0;
      let completed = true;
      const batches = source.epoch(epoch, rng);
      for (let epochStep = 0; ; epochStep++) {
        const stepStart = now();
        const next = await batches.next();
        if (next.done) break;
        const batch = next.value as B;
        const lr = options.schedule ? options.schedule(step) : getLearningRate(optimizer);
        if (options.schedule) setLearningRate(optimizer, lr);
        const recorded: Record<string, number | tf.Scalar> = {};
        const ctx: StepContext = {
          step,
          epoch,
          totalSteps,
          lr,
          rng,
          record(name, value) {
            if (typeof value !== 'number') tf.keep(value);
            const old = recorded[name];
            if (old && typeof old !== 'number') old.dispose();
            recorded[name] = value;
          },
        };
        const examples = batch.shape[0];
        let lossTensor: tf.Scalar | null;
        try {
          lossTensor = optimizer.minimize(() => method.loss(batch, ctx), true, vars);
        } finally {
          batch.dispose();
        }
        method.afterStep?.(ctx);
        const loss = lossTensor ? (await lossTensor.data())[0] : NaN;
        lossTensor?.dispose();
        const bad = await guard?.afterStep({ step, epoch, loss, lr }, parts);
        if (bad) control.stop(bad);
        const metrics: Record<string, number> = {};
        for (const [k, v] of Object.entries(recorded)) {
          metrics[k] = typeof v === 'number' ? v : (await v.data())[0];
          if (typeof v !== 'number') v.dispose();
        }
        Object.assign(metrics, method.metrics?.(ctx) ?? {});
        const seconds = (now() - stepStart) / 1000;
        images += examples;
        epochImages += examples;
        const logs: StepLogs = {
          epoch,
          step,
          epochStep,
          stepsPerEpoch,
          totalSteps,
          epochs,
          loss,
          lr,
          imagesPerSec: examples / Math.max(seconds, 1e-9),
          elapsedSec: (now() - t0) / 1000,
          metrics,
        };
        history.push({ epoch, step, loss, lr, imagesPerSec: logs.imagesPerSec, metrics });
        lossSum += loss;
        n++;
        step++;
        for (const cb of callbacks) await cb.onStepEnd?.(logs, control);
        if (stopReason !== undefined) {
          completed = epochStep + 1 >= stepsPerEpoch;
          await batches.return(undefined);
          break;
        }
      }
      if (!completed) break;
      const seconds = (now() - epochStart) / 1000;
      const logs: EpochLogs = {
        epoch,
        epochs,
        step,
        loss: lossSum / Math.max(n, 1),
        seconds,
        imagesPerSec: epochImages / Math.max(seconds, 1e-9),
      };
      epochLogs.push(logs);
      const every = options.checkpointEvery ?? 1;
      const finite = Number.isFinite(logs.loss);
      if (
        io &&
        options.checkpointDir &&
        finite &&
        !guard?.tripped &&
        ((epoch + 1) % every === 0 || epoch + 1 === epochs)
      ) {
        const state: RunState = {
          epoch: epoch + 1,
          step,
          seed,
          rngState: rng.getState(),
          method: method.name,
          identity,
        };
        await io.save(options.checkpointDir, parts, state);
      }
      for (const cb of callbacks) await cb.onEpochEnd?.(logs, control);
    }
  } finally {
    if (ownOptimizer) optimizer.dispose();
  }

  const seconds = (now() - t0) / 1000;
  const result: PretrainResult = {
    history,
    epochs: epochLogs,
    startEpoch,
    startStep,
    steps: step,
    seconds,
    imagesPerSec: images / Math.max(seconds, 1e-9),
    stopReason,
  };
  for (const cb of callbacks) {
    await cb.onTrainEnd?.({
      epochsDone: epochLogs.length ? epochLogs[epochLogs.length - 1].epoch + 1 : startEpoch,
      steps: step,
      seconds,
      imagesPerSec: result.imagesPerSec,
      stopReason,
    });
  }
  return result;
}
