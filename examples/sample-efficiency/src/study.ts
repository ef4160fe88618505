import { appendFile } from 'node:fs/promises';
import * as path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { simclrAugment } from '@ssl/augment';
import { useBackend } from '@ssl/backends';
import { convEncoder } from '@ssl/encoders';
import {
  embed,
  fineTune,
  knnAccuracy,
  linearProbe,
  pretrain,
  resolveWorkers,
  selectLabelled,
  createMethod,
  warmupCosine,
  type BatchAugment,
} from '@ssl/trainer';
import { metricsLog, saveModel, writeFileAtomic } from '@ssl/trainer/node';

import type { StudyConfig, PretrainConfig, TrainLabelsConfig } from './config';
import { renderChartSvg } from './chart';
import { SCRATCH_BN_NAME } from './baselines';
import { DISTILL_NAMES, runDistillStage } from './distill-stage';
import { FIXMATCH_NAMES, pretrainedFixMatchName, runFixMatchStage } from './fixmatch-stage';
import { runBaselinesInThread } from './baseline-runner';
import { studyAugment } from './augment';
import { loadStudyData } from './data-source';
import {
  BASELINES,
  SUPERVISED_ONLY,
  marginLines,
  marginsOverBaselines,
  pipelineFlags,
  type PipelineFlags,
} from './margin';
import {
  MAE_NAMES,
  maePretrainSteps,
  pretrainMae,
  vitPatchSize,
  type MaeStageConfig,
} from './mae-stage';
import { StudyProgress, formatSeconds, type Stage } from './progress';
import { markdownTable, summarize, type ResultRow } from './results';

/** Display names of the methods, in the table and the chart. */
export const METHOD_NAMES: Record<string, string> = {
  'raw-knn': 'raw pixels, 1-NN',
  'raw-logreg': 'raw pixels, logistic regression',
  scratch: 'CNN from scratch (same augmentations)',
  'simclr-knn': 'SimCLR, kNN',
  'simclr-probe': 'SimCLR, linear probe',
  'simclr-finetune': 'SimCLR, fine-tuned',
  'vicreg-knn': 'VICReg, kNN',
  'vicreg-probe': 'VICReg, linear probe',
  'vicreg-finetune': 'VICReg, fine-tuned',
  'byol-knn': 'BYOL, kNN',
  'byol-probe': 'BYOL, linear probe',
  'byol-finetune': 'BYOL, fine-tuned',
  'scratch-bn': SCRATCH_BN_NAME,
  'simclr-knn200': 'SimCLR, weighted kNN (k = 200, τ 0.1)',
  'vicreg-knn200': 'VICReg, weighted kNN (k = 200, τ 0.1)',
  'byol-knn200': 'BYOL, weighted kNN (k = 200, τ 0.1)',
  ...DISTILL_NAMES('simclr', 'SimCLR'),
  ...DISTILL_NAMES('vicreg', 'VICReg'),
  ...DISTILL_NAMES('byol', 'BYOL'),
  ...FIXMATCH_NAMES,
  'simclr-fixmatch': pretrainedFixMatchName('SimCLR'),
  'vicreg-fixmatch': pretrainedFixMatchName('VICReg'),
  'byol-fixmatch': pretrainedFixMatchName('BYOL'),
  ...MAE_NAMES,
};

/** What a pretraining run measured. */
export interface PretrainRecord {
  method: string;
  epochs: number;
  batchSize: number;
  steps: number;
  seconds: number;
  imagesPerSec: number;
  finalLoss: number;
  /** CPU seconds (user + system) the process used during pretraining: the cost on a machine shared with others. */
  cpuSeconds: number;
  config: PretrainConfig | MaeStageConfig;
}

/** A row of `sample-efficiency.json`: a measurement and what its pipeline uses besides the labels. */
export type StudyRow = ResultRow & PipelineFlags;

export interface StudyOptions {
  config: StudyConfig;
  /** The data set: 'mnist' (default), 'fashion-mnist', IDX files or a labelled folder (`loadStudyData`). */
  data?: string;
  /** Horizontal flips in every augmentation (default: the data set's choice, on for clothes, off for digits). */
  flip?: boolean;
  outDir: string;
  backend: string;
  /** Threads sharing each pretraining step (`pretrain({ workers })`). Default 'auto'. */
  workers?: number | 'auto';
  quick: boolean;
  command: string;
}

/** Runs the whole study and writes its outputs into `outDir`. Returns the JSON written. */
export async function runStudy({
  config,
  data: dataSpec = 'mnist',
  flip: flipChoice,
  outDir,
  backend: backendChoice,
  workers: workersChoice = 'auto',
  quick,
  command,
}: StudyOptions) {
  const t0 = Date.now();
  const cpuStart = process.cpuUsage();
  const backend = await useBackend(backendChoice as Parameters<typeof useBackend>[0]);
  const data = await loadStudyData(dataSpec, { testLimit: config.testLimit });
  const { images: trainImages, labels: trainLabelsT } = data.train;
  const test = data.test;
  const flip = flipChoice ?? data.flip;
  const trainLabels = Int32Array.from(trainLabelsT.dataSync());
  const pretrainImages = config.pretrainLimit
    ? (tf.slice(trainImages, 0, config.pretrainLimit) as tf.Tensor4D)
    : trainImages;
  const nPretrain = pretrainImages.shape[0];

  // The labelled draws: stratified, seeded, from the train split only.
  const draws = config.labelsPerClass.flatMap((lpc) =>
    config.seeds.map((seed) => ({
      lpc,
      seed,
      idx: selectLabelled(trainLabels, { labelsPerClass: lpc, seed }),
    })),
  );

  const stages = planStages(config, nPretrain, draws.length);
  const progress = new StudyProgress(stages);
  const rows: StudyRow[] = [];
  const pretraining: PretrainRecord[] = [];
  const logFile = path.join(outDir, 'progress.jsonl');
  await writeFileAtomic(logFile, '');
  const logEvent = async (event: Record<string, unknown>) => {
    await appendFile(logFile, JSON.stringify({ t: (Date.now() - t0) / 1000, ...event }) + '\n');
  };
  const record = async (measured: ResultRow) => {
    const row: StudyRow = { ...measured, ...pipelineFlags(measured.method) };
    rows.push(row);
    await logEvent({ event: 'result', ...row });
  };
  // Times `run` (the test accuracy of a pipeline on draw `d`), records it as a row of `method`, returns it.
  const measure = async (
    method: string,
    d: { lpc: number; seed: number },
    run: () => Promise<number>,
  ) => {
    const t = Date.now();
    const accuracy = await run();
    await record({
      method,
      labelsPerClass: d.lpc,
      seed: d.seed,
      accuracy,
      seconds: (Date.now() - t) / 1000,
    });
    return accuracy;
  };
  const workers = await resolveWorkers(
    { workers: workersChoice },
    Math.min(...config.pretrain.map((p) => p.batchSize)),
  );
  await logEvent({
    event: 'start',
    backend,
    workers,
    quick,
    nPretrain,
    nTest: test.images.shape[0],
  });
  progress.log(
    `sample-efficiency study on ${data.name}: backend ${backend}, ${workers} worker${workers === 1 ? '' : 's'} (pretraining), ${nPretrain} unlabelled train images, ${test.images.shape[0]} test images, ` +
      `labels/class ${config.labelsPerClass.join(', ')}, ${config.seeds.length} seeds${quick ? ' (--quick)' : ''}`,
  );

  const augmentOp = simclrAugment(studyAugment(config, flip));
  const augment: BatchAugment = (x, seed) => augmentOp(x, seed);
  const subset = (x: tf.Tensor, idx: number[]) =>
    tf.tidy(() => tf.gather(x, tf.tensor1d(idx, 'int32')));
  const inputShape = trainImages.shape.slice(1) as [number, number, number];
  const newEncoder = (seed: number) =>
    convEncoder({
      filters: config.encoder.filters,
      batchNorm: config.encoder.batchNorm,
      inputShape,
      seed,
    });

  // --- 1. raw-pixel baselines -------------------------------------------------
  progress.begin('raw-pixel baselines');
  {
    const rawTrain = tf.reshape(trainImages, [trainImages.shape[0], -1]) as tf.Tensor2D; // [N, 784]
    const rawTest = tf.reshape(test.images, [test.images.shape[0], -1]) as tf.Tensor2D;
    for (const [i, d] of draws.entries()) {
      const sub = {
        images: subset(rawTrain, d.idx) as tf.Tensor2D,
        labels: subset(trainLabelsT, d.idx) as tf.Tensor1D,
      };
      const testSet = { images: rawTest, labels: test.labels };
      await measure('raw-knn', d, () => knnAccuracy({ train: sub, test: testSet, k: 1 }));
      await measure('raw-logreg', d, async () => {
        const lr = await linearProbe({
          train: sub,
          test: testSet,
          ...config.rawProbe,
          seed: d.seed,
          standardize: false,
        });
        lr.classifier.dispose();
        return lr.accuracy;
      });
      tf.dispose([sub.images, sub.labels]);
      progress.update((i + 1) / draws.length, `${d.lpc}/class seed ${d.seed}`);
    }
    tf.dispose([rawTrain, rawTest]);
  }

  // Fine-tunes `encoder` (or trains a fresh one from scratch) on every draw.
  const trainOnLabels = async (
    method: string,
    encoderFor: (seed: number) => tfl.LayersModel,
    disposeEach: boolean,
    // A pretrained encoder starts from a linear probe's head (LP-FT); a fresh one from random.
    headInit: 'random' | 'probe',
    budget: Record<number, TrainLabelsConfig> = config.train,
  ) => {
    for (const [i, d] of draws.entries()) {
      const c = budget[d.lpc];
      const n = d.idx.length;
      const epochs = Math.max(1, Math.ceil((c.steps * c.batchSize) / n));
      const encoder = encoderFor(d.seed);
      const sub = {
        images: subset(trainImages, d.idx) as tf.Tensor4D,
        labels: subset(trainLabelsT, d.idx) as tf.Tensor1D,
      };
      const accuracy = await measure(method, d, async () => {
        const r = await fineTune({
          encoder,
          train: sub,
          test,
          epochs,
          lr: c.lr,
          batchSize: Math.min(c.batchSize, n),
          augment,
          seed: d.seed,
          headInit,
        });
        r.classifier.dispose();
        return r.accuracy;
      });
      tf.dispose([sub.images, sub.labels]);
      if (disposeEach) encoder.dispose();
      progress.update(
        (i + 1) / draws.length,
        `${d.lpc}/class seed ${d.seed}: ${(100 * accuracy).toFixed(1)}%`,
      );
    }
  };

  // kNN (and the weighted kNN) and a linear probe on the frozen features of `encoder`, every draw:
  // rows `<id>-knn`, `<id>-knn200` (unless `weightedKnn` is false), `<id>-probe`.
  const evaluateFrozen = async (id: string, encoder: tfl.LayersModel, weightedKnn = true) => {
    const trainF = embed(encoder, trainImages, { batchSize: 256 });
    const testF = embed(encoder, test.images, { batchSize: 256 });
    for (const [i, d] of draws.entries()) {
      const sub = {
        images: subset(trainF, d.idx) as tf.Tensor2D,
        labels: subset(trainLabelsT, d.idx) as tf.Tensor1D,
      };
      const testSet = { images: testF, labels: test.labels };
      await measure(`${id}-knn`, d, () =>
        knnAccuracy({ train: sub, test: testSet, k: config.knnK }),
      );
      const weighted = weightedKnn ? config.knnWeighted : undefined;
      if (weighted) {
        await measure(`${id}-knn200`, d, () =>
          knnAccuracy({
            train: sub,
            test: testSet,
            k: Math.min(weighted.k, d.idx.length),
            weighted: true,
            temperature: weighted.temperature,
          }),
        );
      }
      await measure(`${id}-probe`, d, async () => {
        const probe = await linearProbe({
          train: sub,
          test: testSet,
          ...config.probe,
          seed: d.seed,
          unlabelled: trainF,
        });
        probe.classifier.dispose();
        return probe.accuracy;
      });
      tf.dispose([sub.images, sub.labels]);
      progress.update((i + 1) / draws.length, `${d.lpc}/class seed ${d.seed}`);
    }
    tf.dispose([trainF, testF]);
  };

  // --- 2. the from-scratch baselines: the CNN with batch norm, FixMatch from scratch, the ViT.
  // They need nothing from pretraining, so they run in a thread of their own (baseline-thread.ts),
  // on the core the single-thread stages below leave idle; same code and seeds as here.
  const baselines = runBaselinesInThread(
    {
      backend,
      config,
      data: dataSpec,
      flip,
      draws: draws.map((d) => ({ lpc: d.lpc, seed: d.seed, idx: d.idx })),
    },
    record,
    (stage, _done, detail) => progress.log(`${stage} (baseline thread) ${detail}`),
  );
  baselines.catch(() => undefined); // awaited below; a failure is reported there

  // --- 3. masked image modeling (issue 24): MAE on a ViT, then frozen features, fine-tuning, FixMatch.
  // First, so that its single-thread fine-tuning overlaps the baseline thread (the last stage of the
  // main thread leaves a core idle once the baseline thread is done); its rows are listed last.
  if (config.mae) {
    const mc = config.mae;
    progress.begin('pretrain mae');
    const cpu0 = process.cpuUsage();
    const out = await pretrainMae({
      config: mc,
      images: pretrainImages,
      workers,
      seed: 0,
      callbacks: [
        metricsLog(path.join(outDir, 'metrics-mae.jsonl')),
        {
          onStepEnd: (l) =>
            progress.update(
              (l.step + 1) / l.totalSteps,
              `epoch ${l.epoch + 1}/${l.epochs} loss ${l.loss.toFixed(4)} ${l.imagesPerSec.toFixed(0)} img/s`,
            ),
          onEpochEnd: (l) =>
            logEvent({
              event: 'epoch',
              method: 'mae',
              epoch: l.epoch,
              loss: l.loss,
              seconds: l.seconds,
              imagesPerSec: l.imagesPerSec,
            }),
        },
      ],
    });
    const encoder = out.encoder;
    const rec: PretrainRecord = {
      method: 'mae',
      epochs: mc.epochs,
      batchSize: mc.batchSize,
      steps: out.steps,
      seconds: out.seconds,
      imagesPerSec: out.imagesPerSec,
      finalLoss: out.finalLoss,
      cpuSeconds: cpuSecondsSince(cpu0),
      config: mc,
    };
    pretraining.push(rec);
    await logEvent({ event: 'pretrained', ...rec });
    progress.log(
      `pretrained mae (ViT, patch ${vitPatchSize(inputShape[0], inputShape[1], mc.encoder.patchSize)}): ${out.steps} steps in ${formatSeconds(out.seconds)} (${out.imagesPerSec.toFixed(0)} images/s), final loss ${out.finalLoss.toFixed(4)}`,
    );
    await saveModel(encoder, path.join(outDir, 'encoder-mae'));
    progress.begin('evaluate mae');
    await evaluateFrozen('mae', encoder, false);
    progress.begin('fine-tune mae');
    await trainOnLabels('mae-finetune', () => encoder, false, mc.headInit ?? 'probe', mc.train);
    if (config.fixMatch && mc.fixMatchLabelsPerClass?.length) {
      progress.begin('mae → FixMatch');
      await runFixMatchStage({
        method: 'mae-fixmatch',
        encoder,
        steps: config.fixMatch.steps,
        config: config.fixMatch,
        draws,
        labelsPerClass: mc.fixMatchLabelsPerClass,
        trainImages,
        trainLabels: trainLabelsT,
        unlabelled: pretrainImages,
        test,
        flip,
        record,
        onDraw: (f, detail) => progress.update(f, detail),
      });
    }
    encoder.dispose();
  }

  // --- 4. pretraining and evaluation of each contrastive method -----------------------------
  for (const [m, pc] of config.pretrain.entries()) {
    progress.begin(`pretrain ${pc.method}`);
    const encoder = newEncoder(0);
    // any registered method; the study adds its augmentation, SimCLR's temperature and the head size
    const method = createMethod(pc.method, {
      augment: augmentOp,
      ...(pc.temperature !== undefined ? { temperature: pc.temperature } : {}),
      ...pc.head,
    });
    const optimizer = tf.train.adam(pc.lr);
    let lastLoss = NaN;
    const cpu0 = process.cpuUsage();
    const result = await pretrain({
      method,
      encoder,
      data: pretrainImages,
      epochs: pc.epochs,
      batchSize: pc.batchSize,
      optimizer,
      schedule: warmupCosine({ baseLr: pc.lr, warmupSteps: pc.warmupSteps }),
      seed: 1,
      workers,
      callbacks: [
        metricsLog(path.join(outDir, `metrics-${pc.method}.jsonl`)),
        {
          onStepEnd: (l) => {
            lastLoss = l.loss;
            progress.update(
              (l.step + 1) / l.totalSteps,
              `epoch ${l.epoch + 1}/${l.epochs} loss ${l.loss.toFixed(3)} ${l.imagesPerSec.toFixed(0)} img/s`,
            );
          },
          onEpochEnd: (l) =>
            logEvent({
              event: 'epoch',
              method: pc.method,
              epoch: l.epoch,
              loss: l.loss,
              seconds: l.seconds,
              imagesPerSec: l.imagesPerSec,
            }),
        },
      ],
    });
    optimizer.dispose();
    if (result.stopReason)
      throw new Error(`pretraining ${pc.method} stopped: ${result.stopReason}`);
    const rec: PretrainRecord = {
      method: pc.method,
      epochs: pc.epochs,
      batchSize: pc.batchSize,
      steps: result.steps,
      seconds: result.seconds,
      imagesPerSec: result.imagesPerSec,
      finalLoss: lastLoss,
      cpuSeconds: cpuSecondsSince(cpu0),
      config: pc,
    };
    pretraining.push(rec);
    await logEvent({ event: 'pretrained', ...rec });
    progress.log(
      `pretrained ${pc.method}: ${result.steps} steps in ${formatSeconds(result.seconds)} (${result.imagesPerSec.toFixed(0)} images/s), final loss ${lastLoss.toFixed(3)}`,
    );
    if (m === 0) await saveModel(encoder, path.join(outDir, 'encoder'));

    progress.begin(`evaluate ${pc.method}`);
    await evaluateFrozen(pc.method, encoder);

    if (pc.fineTune) {
      progress.begin(`fine-tune ${pc.method}`);
      await trainOnLabels(`${pc.method}-finetune`, () => encoder, false, 'probe');
    }
    if (m === 0 && config.fixMatch) {
      progress.begin(`${pc.method} → FixMatch`);
      await runFixMatchStage({
        method: `${pc.method}-fixmatch`,
        encoder,
        steps: config.fixMatch.steps,
        config: config.fixMatch,
        draws,
        labelsPerClass: config.fixMatch.labelsPerClass,
        trainImages,
        trainLabels: trainLabelsT,
        unlabelled: pretrainImages,
        test,
        flip,
        record,
        onDraw: (f, detail) => progress.update(f, detail),
      });
    }
    if (m === 0 && config.distill) {
      progress.begin(`distill ${pc.method}`);
      await runDistillStage({
        method: pc.method,
        encoder,
        trainImages,
        trainLabels: trainLabelsT,
        unlabeled: pretrainImages,
        test,
        draws,
        config: config.distill,
        augment,
        record,
        onDraw: (f, detail) => progress.update(f, detail),
        keep: {
          lpc: 10,
          use: (model) => saveModel(model, path.join(outDir, 'classifier')),
        },
      });
    }
    encoder.dispose();
  }

  progress.begin('from-scratch baselines (thread)');
  await baselines;

  // --- 5. outputs --------------------------------------------------------------
  progress.begin('write results');
  // the baselines first, as they were computed before the thread ran them, and MAE's rows last (stable sort)
  const rank = (m: string) =>
    BASELINES.includes(m)
      ? BASELINES.indexOf(m)
      : BASELINES.length + (m.startsWith('mae-') ? 1 : 0);
  rows.sort((a, b) => rank(a.method) - rank(b.method));
  const summary = summarize(rows, METHOD_NAMES);
  const table = markdownTable(summary);
  const totalSeconds = (Date.now() - t0) / 1000;
  const main = pretraining[0];
  const json = {
    study: 'sample-efficiency',
    command,
    date: new Date().toISOString(),
    quick,
    backend,
    workers,
    tfjsVersion: tf.version_core,
    data: {
      name: data.name,
      spec: dataSpec,
      dataset: data.description,
      flip,
      trainImages: trainImages.shape[0],
      pretrainImages: nPretrain,
      testImages: test.images.shape[0],
    },
    config,
    pretraining,
    pretrainingSeconds: pretraining.reduce((s, p) => s + p.seconds, 0),
    imagesPerSec: main?.imagesPerSec,
    totalSeconds,
    totalCpuSeconds: cpuSecondsSince(cpuStart),
    rows,
    summary,
    // the best pretrained pipeline against the best pipeline without pretraining (FixMatch from scratch included)
    margins: marginsOverBaselines(summary).map(marginJson),
    // … and against the best supervised-only pipeline (labels alone)
    marginsOverSupervised: marginsOverBaselines(summary, SUPERVISED_ONLY).map(marginJson),
  };
  const chartTitle = `${data.name} test accuracy vs labels (${backend}, ${quick ? 'quick run' : 'full run'})`;
  const svg = await renderChartSvg(summary, chartTitle, data.name);
  const md = [
    `# Sample efficiency on ${data.name}`,
    '',
    `Command: \`${command}\` — backend \`${backend}\`, ${json.date}.`,
    '',
    `Pretraining without labels on ${nPretrain} train images: ` +
      pretraining
        .map(
          (p) =>
            `${p.method} ${p.epochs} epochs (batch ${p.batchSize}, ${p.steps} steps) in ${formatSeconds(p.seconds)}, ${p.imagesPerSec.toFixed(0)} images/s`,
        )
        .join('; ') +
      `. Whole study: ${formatSeconds(totalSeconds)} wall time, ${formatSeconds(json.totalCpuSeconds)} of CPU time.`,
    '',
    `Test accuracy (%) on ${test.images.shape[0]} test images, mean ± std over ${config.seeds.length} seeds of the label draw:`,
    '',
    table,
    '',
    'Best pretrained pipeline against the best pipeline without pretraining (FixMatch from scratch included):',
    '',
    ...marginLines(marginsOverBaselines(summary)),
    '',
    'Best pretrained pipeline against the best supervised-only pipeline (the labels alone):',
    '',
    ...marginLines(
      marginsOverBaselines(summary, SUPERVISED_ONLY),
      'the best supervised-only pipeline',
    ),
    '',
    '![accuracy against labels per class](sample-efficiency.svg)',
    '',
  ].join('\n');
  await writeFileAtomic(
    path.join(outDir, 'sample-efficiency.json'),
    JSON.stringify(json, null, 2) + '\n',
  );
  await writeFileAtomic(path.join(outDir, 'sample-efficiency.md'), md);
  await writeFileAtomic(path.join(outDir, 'sample-efficiency.svg'), svg);
  await logEvent({ event: 'done', totalSeconds });
  progress.stop();

  tf.dispose([trainImages, trainLabelsT, test.images, test.labels]);
  if (pretrainImages !== trainImages) pretrainImages.dispose();
  console.log('\n' + table + '\n');
  console.log(
    `wrote ${path.join(outDir, 'sample-efficiency.{json,md,svg}')} and ${path.join(outDir, 'encoder/model.json')} in ${formatSeconds(totalSeconds)}`,
  );
  return json;
}

/** A margin as stored in the JSON: method ids and points. */
function marginJson(m: ReturnType<typeof marginsOverBaselines>[number]) {
  return {
    labelsPerClass: m.labelsPerClass,
    best: m.best.method,
    baseline: m.baseline.method,
    points: m.points,
  };
}

/** User + system CPU seconds of this process since `start`. */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

/**
 * The stages with rough costs (seconds of wall time on 2 cores, WASM), for the
 * overall progress and ETA, in the order the main thread runs them. The rates
 * are those of the issue-24 run of `npm run demo` (12m37s), with the baseline
 * thread running beside: MAE ≈ 430 images/s and SimCLR ≈ 800 images/s on 2
 * workers, fine-tuning ≈ 950 image passes/s for the CNN and ≈ 310 for the
 * ViT, FixMatch ≈ 1,700 (CNN) and ≈ 650 (ViT) images/s counting μ's views twice.
 */
export function planStages(config: StudyConfig, nPretrain: number, draws: number): Stage[] {
  const stages: Stage[] = [{ name: 'raw-pixel baselines', cost: 1.7 * draws }];
  const perSeed = draws / config.labelsPerClass.length;
  const passes = (budget: Record<number, { steps: number; batchSize: number }>) =>
    config.labelsPerClass.reduce((s, lpc) => s + budget[lpc].steps * budget[lpc].batchSize, 0) *
    perSeed;
  const fixMatchImages = (labelsPerClass: number[]) => {
    const fm = config.fixMatch!;
    return labelsPerClass.length * fm.seeds.length * fm.steps * fm.batchSize * (1 + 2 * fm.mu);
  };
  if (config.mae) {
    const mc = config.mae;
    stages.push({
      name: 'pretrain mae',
      cost: (maePretrainSteps(mc, nPretrain) * mc.batchSize) / 430,
    });
    stages.push({ name: 'evaluate mae', cost: 1 + draws });
    stages.push({ name: 'fine-tune mae', cost: passes(mc.train) / 310 });
    if (config.fixMatch && mc.fixMatchLabelsPerClass?.length) {
      stages.push({
        name: 'mae → FixMatch',
        cost: fixMatchImages(mc.fixMatchLabelsPerClass) / 650,
      });
    }
  }
  const trainCost = passes(config.train) / 950;
  for (const [m, p] of config.pretrain.entries()) {
    const steps = p.epochs * Math.floor(nPretrain / p.batchSize);
    stages.push({ name: `pretrain ${p.method}`, cost: (steps * p.batchSize) / 800 });
    stages.push({ name: `evaluate ${p.method}`, cost: 3 + draws * 0.7 });
    if (p.fineTune) stages.push({ name: `fine-tune ${p.method}`, cost: trainCost });
    if (m === 0 && config.fixMatch) {
      stages.push({
        name: `${p.method} → FixMatch`,
        cost: fixMatchImages(config.fixMatch.labelsPerClass) / 1700,
      });
    }
    if (m === 0 && config.distill) {
      const dc = config.distill;
      const perDraw = (dc.epochs * nPretrain) / 400 + trainCost / draws;
      stages.push({ name: `distill ${p.method}`, cost: perDraw * draws });
    }
  }
  // the baselines run in their thread meanwhile: what may be left of them at the end
  stages.push({ name: 'from-scratch baselines (thread)', cost: 5 });
  stages.push({ name: 'write results', cost: 2 });
  return stages;
}
