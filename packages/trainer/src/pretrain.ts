import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { createRng } from '@ssl/augment';
import type { AnyMethod } from './methods/method';
import { batchSource, type PretrainData } from './batches';
import type { Callback, EpochLogs, TrainControl } from './callbacks/callback';
import { stopOnNaN as stopOnNaNCallback } from './callbacks/stop-on-nan';
import { checkpointCallback } from './callbacks/checkpoint';
import type { Schedule, ScheduleFactory } from './schedules/schedule';
import { getLearningRate, setLearningRate } from './optimizers/learning-rate';
import type { CheckpointIO, RunState } from './checkpoint-io';
import { runStep } from './training/step';
import { checkPretrainOptions } from './training/validate';
import { defaultCheckpointIO, resumeRun, type StartPoint } from './training/resume';
import { finiteGuard, uniformLoss } from './guards/finite-guard';
import { describeData, type RunIdentity } from './guards/resume-check';
import { resolveWorkers, startWorkers, type WorkerOptions } from './workers/start';
import type { ExchangeStats, WorkerPool } from './workers/pool';
import { prepareParallelStep, runParallelStep, type PreparedStep } from './workers/parallel-step';

/**
 * Options of {@link pretrain}. (The type parameter is unused; it is kept so
 * that code written for the tensor-batch `PretrainOptions<B>` still compiles.)
 */
export interface PretrainOptions<_B = unknown> extends WorkerOptions {
  /** The method: `simclr()`, `moco()`, `byol()`, `simsiam()`, `barlowTwins()`, `vicreg()`, `dino()`, `nnclr()`, `mlm()`. */
  method: AnyMethod;
  /** The encoder to train (in place): a tfjs-layers model `[B, ...input] -> [B, D]` (`[B, T, D]` for MLM). */
  encoder: LayersModel;
  /** Tensors, an object of tensors, a dataset of examples or a per-epoch dataset factory (see {@link PretrainData}). */
  data: PretrainData;
  epochs: number;
  batchSize: number;
  /** Any tfjs optimizer, or `lars()`. Default `tf.train.adam(1e-3)` (created and disposed by the run). */
  optimizer?: tf.Optimizer;
  /** Learning rate per global step, resolved with the run's length (e.g. `warmupCosine({ baseLr, warmupEpochs })`); default: the optimizer's own rate. */
  schedule?: ScheduleFactory;
  callbacks?: Callback[];
  /** Seeds batch order and augmentations. Default 0. */
  seed?: number;
  /** Use only the first `limit` examples. */
  limit?: number;
  /** Cap on steps per epoch (default: every full batch; a last partial batch is dropped). */
  stepsPerEpoch?: number;
  /**
   * Shorthand for the checkpoint callback (`checkpoint({ dir })` from
   * `@ssl/trainer/node`): write a checkpoint here every `checkpointEvery`
   * epochs and after the last one, and resume from it with `resume`.
   */
  checkpointDir?: string;
  /** Epochs between checkpoints. Default 1. */
  checkpointEvery?: number;
  /** Continue from the checkpoint in `checkpointDir` when there is one (else start fresh). Default false. */
  resume?: boolean;
  /** Stop at the first NaN/infinite loss with a message. Default true. */
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
  /**
   * True when the run stopped on a NaN or infinite loss, weight, method
   * tensor or optimizer slot: the model in memory is not a usable result
   * (save no encoder from it); the last checkpoint written, if any, holds the
   * last finite state.
   */
  nonFinite: boolean;
  /** Threads that shared each step (1 = the single-thread path). */
  workers: number;
  /** Per step of a run with workers: the exchange costs (ms) and each worker's tensor count after the step. */
  exchange?: (ExchangeStats & { workerTensors: number[] })[];
}

const now = () => performance.now();
const perSec = (n: number, ms: number) => n / Math.max(ms / 1000, 1e-9);

/**
 * Pretrains `encoder` with a self-supervised `method`: one loop for every
 * method and modality. Per epoch, named batches come from `data` (a seeded
 * permutation of tensors, or a dataset); per step the loop sets the learning
 * rate, runs the method's step (`prepare` outside the tape, `forward` and
 * `loss` inside `optimizer.minimize(f, true, vars)`, then `afterStep`: see
 * `methods/method.ts`) and reports to the callbacks (progress, metrics log,
 * checkpoints). `tf.memory().numTensors` stays flat from step to step.
 *
 * `resume: true` restores encoder, heads, method state, optimizer slots,
 * epoch, step and the seeded generator from `checkpointDir`, so the continued
 * run draws the same numbers as an uninterrupted one.
 *
 * @example
 * ```ts
 * import { pretrain, simclr, warmupCosine } from '@ssl/trainer';
 * import { convEncoder } from '@ssl/encoders';
 * const encoder = convEncoder({ inputShape: [28, 28, 1] });
 * const result = await pretrain({ method: simclr(), encoder, data: images, epochs: 5, batchSize: 128,
 *   schedule: warmupCosine({ baseLr: 1e-3, warmupEpochs: 1 }), seed: 1 });
 * console.log(result.history.at(-1)?.loss, result.imagesPerSec);
 * ```
 */
export async function pretrain(options: PretrainOptions): Promise<PretrainResult> {
  checkPretrainOptions(options);
  const { method, encoder, data, epochs, batchSize } = options;
  const seed = options.seed ?? 0;
  const rng = createRng(seed);
  const ownOptimizer = options.optimizer == null;
  const optimizer = options.optimizer ?? tf.train.adam(1e-3);
  let pool: WorkerPool | undefined;
  try {
    const workers = await resolveWorkers(options, batchSize);
    // data -> batches; the run's length sizes the method and the schedule
    const source = await batchSource(data, {
      batchSize,
      limit: options.limit,
      stepsPerEpoch: options.stepsPerEpoch,
      inputKey: method.inputKey,
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
    const schedule: Schedule | undefined = options.schedule?.({ totalSteps, stepsPerEpoch });

    // resume, checkpoints
    const parts = { encoder, method, optimizer };
    const dir = options.checkpointDir;
    const io = dir ? (options.checkpointIO ?? (await defaultCheckpointIO())) : undefined;
    // what the run was started with: stored in checkpoints, checked on resume
    const identity: RunIdentity | undefined = io && {
      method: method.name,
      batchSize,
      limit: options.limit ?? null,
      stepsPerEpoch,
      data: await describeData(data),
    };
    const start: StartPoint =
      options.resume && io && dir && identity
        ? await resumeRun(io, dir, parts, rng, { identity, epochs })
        : { epoch: 0, step: 0, resumed: false };
    let step = start.step;
    let epochsDone = start.epoch;
    const callbacks = [
      ...(options.stopOnNaN === false ? [] : [stopOnNaNCallback()]),
      ...(io && dir ? [checkpointCallback({ dir, io, every: options.checkpointEvery })] : []),
      ...(options.callbacks ?? []),
    ];
    let stopReason: string | undefined = start.reached; // the checkpoint already holds `epochs`
    // a non-finite loss, weight or optimizer slot after an update stops the run (and no checkpoint follows)
    const guard =
      options.stopOnNaN === false
        ? undefined
        : finiteGuard({ uniformLoss: uniformLoss(method.name, batchSize) });
    const control: TrainControl = { stop: (reason) => void (stopReason ??= reason) };
    // inside an epoch: its steps done and the generator at its start (a mid-epoch checkpoint)
    let inEpochSteps = 0;
    let epochRngState: unknown = rng.getState();
    const state = (): RunState => ({
      epoch: epochsDone,
      step,
      seed,
      rngState: rng.getState(),
      method: method.name,
      identity,
      ...(inEpochSteps > 0 ? { epochStep: inEpochSteps, epochRngState } : {}),
    });

    const vars = method.trainableVariables();
    if (workers > 1) {
      const build = {
        inputShape: source.exampleShape,
        seed,
        batchSize,
        stepsPerEpoch,
        totalSteps,
        epochs,
      };
      pool = await startWorkers(options, workers, encoder, method, build);
    }
    const exchange: NonNullable<PretrainResult['exchange']> = [];
    const history: StepRecord[] = [];
    const epochLogs: EpochLogs[] = [];
    const t0 = now();
    let examples = 0;
    const info = {
      method: method.name,
      epochs,
      stepsPerEpoch,
      totalSteps,
      batchSize,
      startEpoch: start.epoch,
      startStep: start.step,
      resumed: start.resumed,
      workers,
      backend: tf.getBackend(),
      run: { parts, state },
    };
    for (const cb of callbacks) await cb.onTrainBegin?.(info, control);

    for (let epoch = start.epoch; epoch < epochs && stopReason === undefined; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, control);
      const epochStart = now();
      let lossSum = 0;
      let epochExamples = 0;
      let epochStep = 0;
      let cut = false; // stopped before the epoch's last step
      const resumeInside = epoch === start.epoch ? start.inEpoch : undefined;
      if (resumeInside) rng.setState(resumeInside.rngState as never); // the epoch's order again
      epochRngState = rng.getState();
      inEpochSteps = 0;
      const batches = source.epoch(epoch, rng);
      if (resumeInside) {
        // the steps the checkpoint already holds: drawn and dropped, then the generator as it was
        for (let k = 0; k < resumeInside.steps; k++) {
          const skipped = await batches.next();
          if (!skipped.done) tf.dispose(skipped.value);
        }
        rng.setState(resumeInside.rngAfter as never);
        epochStep = resumeInside.steps;
        inEpochSteps = resumeInside.steps;
      }
      const fieldsAt = (s: number) => ({
        step: s,
        epoch,
        totalSteps,
        stepsPerEpoch,
        lr: schedule ? schedule(s) : getLearningRate(optimizer),
        rng,
      });
      // with workers: the next step of this epoch, prepared while the workers computed this one
      // (the generator draws in the same order as without: prepare k, prepare k + 1, ...)
      let ahead: PreparedStep | undefined;
      for (;;) {
        const stepStart = now();
        let out;
        let lr: number;
        if (pool) {
          const p = pool;
          let prepared = ahead;
          ahead = undefined;
          if (!prepared) {
            const next = await batches.next();
            if (next.done) break;
            try {
              prepared = prepareParallelStep(p, method, next.value, fieldsAt(step));
            } finally {
              tf.dispose(next.value);
            }
          }
          lr = schedule ? schedule(step) : getLearningRate(optimizer);
          if (schedule) setLearningRate(optimizer, lr);
          prepared.ctx.lr = lr;
          const nextStep = step + 1;
          const lookahead =
            epochStep + 1 < stepsPerEpoch
              ? async () => {
                  const next = await batches.next();
                  if (next.done) return;
                  try {
                    ahead = prepareParallelStep(p, method, next.value, fieldsAt(nextStep));
                  } finally {
                    tf.dispose(next.value);
                  }
                }
              : undefined;
          out = await runParallelStep(p, method, optimizer, prepared, lookahead);
          exchange.push({ ...p.stats, workerTensors: p.workerTensors() });
        } else {
          const next = await batches.next();
          if (next.done) break;
          lr = schedule ? schedule(step) : getLearningRate(optimizer);
          if (schedule) setLearningRate(optimizer, lr);
          const fields = { step, epoch, totalSteps, stepsPerEpoch, lr, rng };
          try {
            out = await runStep(method, optimizer, vars, next.value, fields);
          } finally {
            tf.dispose(next.value);
          }
        }
        const bad = await guard?.afterStep({ step, epoch, loss: out.loss, lr }, parts);
        if (bad) control.stop(bad);
        const ms = now() - stepStart;
        examples += out.examples;
        epochExamples += out.examples;
        lossSum += out.loss;
        const imagesPerSec = perSec(out.examples, ms);
        // the method's values, then those callbacks add (stepMetrics, e.g. the kNN monitor's)
        const metrics = { ...out.metrics };
        history.push({ epoch, step, loss: out.loss, lr, imagesPerSec, metrics });
        const logs = {
          epoch,
          step,
          epochStep,
          stepsPerEpoch,
          totalSteps,
          epochs,
          loss: out.loss,
          lr,
          imagesPerSec,
          elapsedSec: (now() - t0) / 1000,
          metrics,
        };
        step++;
        epochStep++;
        inEpochSteps = epochStep < stepsPerEpoch ? epochStep : 0;
        for (const cb of callbacks) Object.assign(metrics, await cb.stepMetrics?.(logs, control));
        for (const cb of callbacks) await cb.onStepEnd?.(logs, control);
        if (stopReason !== undefined) {
          cut = epochStep < stepsPerEpoch;
          await batches.return(undefined);
          break;
        }
      }
      // stopped inside the epoch, or by the finiteness guard: no epoch end, no checkpoint
      if (cut || guard?.tripped) break;
      epochsDone = epoch + 1;
      const ms = now() - epochStart;
      const logs: EpochLogs = {
        epoch,
        epochs,
        step,
        loss: lossSum / Math.max(epochStep, 1),
        seconds: ms / 1000,
        imagesPerSec: perSec(epochExamples, ms),
      };
      epochLogs.push(logs);
      for (const cb of callbacks) await cb.onEpochEnd?.(logs, control);
    }

    const ms = now() - t0;
    const result: PretrainResult = {
      history,
      epochs: epochLogs,
      startEpoch: start.epoch,
      startStep: start.step,
      steps: step,
      seconds: ms / 1000,
      imagesPerSec: perSec(examples, ms),
      stopReason,
      nonFinite: (guard?.tripped ?? false) || history.some((h) => !Number.isFinite(h.loss)),
      workers,
      ...(pool ? { exchange } : {}),
    };
    for (const cb of callbacks) {
      await cb.onTrainEnd?.({
        epochsDone,
        steps: step,
        seconds: result.seconds,
        imagesPerSec: result.imagesPerSec,
        stopReason,
      });
    }
    return result;
  } finally {
    await pool?.close();
    if (ownOptimizer) optimizer.dispose();
  }
}
