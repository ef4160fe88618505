// A recipe-search run of the study (`node dist/recipe.js key=value ...`): one
// pretraining with the given settings on the first `limit` train images, then
// the 10-labels-per-class probe / kNN (and optionally the teacher and the
// distilled student) on the test split. Prints one JSON line (and appends it to
// `out`, default recipe-runs.jsonl): the numbers of the README's "what was tried" table.
import { appendFile } from 'node:fs/promises';

import * as tf from '@tensorflow/tfjs-core';
import { simclrAugment } from '@ssl/augment';
import { useBackend } from '@ssl/backends';
import { convEncoder } from '@ssl/encoders';
import {
  createMethod,
  embed,
  knnAccuracy,
  linearProbe,
  methodEntry,
  pretrain,
  selectLabelled,
  warmupCosine,
} from '@ssl/trainer';
import { parseCommandLine, type FlagSpec } from '@ssl/trainer/node';

import { runScratchBn } from './baselines';
import { DEFAULTS } from './recipe-defaults';
import { loadStudyData } from './data-source';
import { runDistillStage } from './distill-stage';
import type { ResultRow } from './results';

async function main(): Promise<void> {
  // the one command-line parser; `key=value` is read as `--key=value`
  const flags: FlagSpec = Object.fromEntries(
    Object.entries(DEFAULTS).map(([k, v]) => [
      k,
      { type: typeof v === 'number' ? 'number' : 'string', default: v, help: k },
    ]),
  );
  const argv = process.argv.slice(2).map((x) => (/^[a-zA-Z][a-zA-Z0-9]*=/.test(x) ? `--${x}` : x));
  const a = parseCommandLine('recipe', argv, flags) as Record<string, string | number>;
  const num = (k: string) => a[k] as number;
  await useBackend('auto');
  const { train, test } = await loadStudyData(String(a.data), {
    testLimit: num('testLimit') || undefined,
  });
  const data = num('limit')
    ? (tf.slice(train.images, 0, num('limit')) as tf.Tensor4D)
    : train.images;
  const augment = simclrAugment({
    preset: 'digits',
    crop: { scale: [num('cropMin'), 1], ratio: [0.75, 1.33] },
    affine:
      num('degrees') || num('translate')
        ? { degrees: num('degrees'), translate: [num('translate'), num('translate')] }
        : false,
    blur: num('blur') ? { p: num('blur'), sigma: [0.1, 1] } : false,
    flip: num('flip') ? { p: num('flip') } : false,
  });
  if (a.mode === 'scratchbn') {
    const rows: ResultRow[] = [];
    const labels = Int32Array.from(train.labels.dataSync());
    const t0 = Date.now();
    await runScratchBn({
      config: {
        filters: String(a.filters).split(',').map(Number) as [number, number, number],
        train: { [num('lpc')]: { steps: num('steps'), batchSize: num('sbatch'), lr: num('slr') } },
      },
      draws: String(a.seeds)
        .split(',')
        .map(Number)
        .map((seed) => ({
          lpc: num('lpc'),
          seed,
          idx: selectLabelled(labels, { labelsPerClass: num('lpc'), seed }),
        })),
      trainImages: train.images,
      trainLabels: train.labels,
      test,
      augment: (x, s) => augment(x, s),
      record: async (row) => void rows.push(row),
      onDraw: () => {},
    });
    const line = {
      args: a,
      seconds: Math.round((Date.now() - t0) / 1000),
      scratchBn: rows.map((x) => +(100 * x.accuracy).toFixed(1)),
      cpuSeconds: cpuSeconds(),
      load: (await import('node:os')).loadavg()[0],
    };
    console.log(JSON.stringify(line));
    await appendFile(String(a.out), JSON.stringify(line) + '\n');
    return;
  }
  const head = { augment, projectionDim: num('proj'), hiddenDim: num('hidden') };
  // any method of the registry; `temperature` only where the method has one
  const name = String(a.method);
  const hasTemperature = methodEntry(name).options.some((o) => o.name === 'temperature');
  const method = createMethod(name, {
    ...head,
    ...(hasTemperature ? { temperature: num('temperature') } : {}),
  });
  const filters = String(a.filters).split(',').map(Number) as [number, number, number];
  const encoder = convEncoder({ filters, batchNorm: num('bn') === 1, seed: 0 });
  const totalSteps = num('epochs') * Math.floor(data.shape[0] / num('batch'));
  const optimizer = tf.train.adam(num('lr'));
  let loss = NaN;
  const r = await pretrain({
    method,
    encoder,
    data,
    epochs: num('epochs'),
    batchSize: num('batch'),
    optimizer,
    schedule: warmupCosine({
      baseLr: num('lr'),
      warmupSteps: Math.min(num('warmup'), totalSteps),
      totalSteps,
    }),
    seed: 1,
    workers: num('workers'),
    callbacks: [{ onStepEnd: (l) => void (loss = l.loss) }],
  });
  optimizer.dispose();
  const labels = Int32Array.from(train.labels.dataSync());
  const trainF = embed(encoder, train.images);
  const testF = embed(encoder, test.images);
  const seeds = String(a.seeds).split(',').map(Number);
  const l2s = String(a.l2s).split(',').map(Number);
  const out: Record<string, number[]> = { probe: [], knn1: [], knn200: [], raw: [] };
  for (const l2 of l2s.slice(1)) {
    out[`probe_l2_${l2}`] = [];
    out[`raw_l2_${l2}`] = [];
  }
  const rawTrain = tf.reshape(train.images, [train.images.shape[0], -1]) as tf.Tensor2D;
  const rawTest = tf.reshape(test.images, [test.images.shape[0], -1]) as tf.Tensor2D;
  const draws = seeds.map((seed) => ({
    lpc: num('lpc'),
    seed,
    idx: selectLabelled(labels, { labelsPerClass: num('lpc'), seed }),
  }));
  for (const d of draws) {
    const idx = tf.tensor1d(d.idx, 'int32');
    const sub = {
      images: tf.gather(trainF, idx) as tf.Tensor2D,
      labels: tf.gather(train.labels, idx) as tf.Tensor1D,
    };
    const testSet = { images: testF, labels: test.labels };
    const rawSub = { images: tf.gather(rawTrain, idx) as tf.Tensor2D, labels: sub.labels };
    for (const [j, l2] of l2s.entries()) {
      const p = await linearProbe({
        train: sub,
        test: testSet,
        l2,
        unlabelled: trainF,
        seed: d.seed,
      });
      const raw = await linearProbe({
        train: rawSub,
        test: { images: rawTest, labels: test.labels },
        l2,
        standardize: false,
        seed: d.seed,
      });
      out[j === 0 ? 'probe' : `probe_l2_${l2}`].push(p.accuracy);
      out[j === 0 ? 'raw' : `raw_l2_${l2}`].push(raw.accuracy);
      p.classifier.dispose();
      raw.classifier.dispose();
    }
    rawSub.images.dispose();
    out.knn1.push(await knnAccuracy({ train: sub, test: testSet, k: 1 }));
    const k = Math.min(200, d.idx.length);
    out.knn200.push(
      await knnAccuracy({ train: sub, test: testSet, k, weighted: true, temperature: 0.1 }),
    );
    tf.dispose([idx, sub.images, sub.labels]);
  }
  const rows: ResultRow[] = [];
  if (num('distill')) {
    const t = { probeSteps: 200, probeLr: 0.01, steps: 120, batchSize: 32, lr: 1e-3 };
    await runDistillStage({
      method: 'x',
      encoder,
      trainImages: train.images,
      trainLabels: train.labels,
      unlabeled: train.images,
      test,
      draws,
      config: {
        teacher: { [num('lpc')]: t },
        epochs: num('distillEpochs'),
        batchSize: 128,
        lr: num('dlr'),
        temperature: num('tau'),
        labelledWeight: num('alpha'),
        studentInit: a.studentInit as 'teacher' | 'probe',
      },
      augment: (x, s) => augment(x, s),
      record: async (row) => void rows.push(row),
      onDraw: () => {},
    });
    out.teacher = rows.filter((x) => x.method === 'x-teacher').map((x) => x.accuracy);
    out.distill = rows.filter((x) => x.method === 'x-distill').map((x) => x.accuracy);
  }
  const line = {
    args: a,
    pretrainSeconds: Math.round(r.seconds),
    imagesPerSec: Math.round(r.imagesPerSec),
    finalLoss: loss,
    ...Object.fromEntries(
      Object.entries(out).map(([k, v]) => [k, v.map((x) => +(100 * x).toFixed(1))]),
    ),
    distillSeconds: rows.filter((x) => x.method === 'x-distill').map((x) => Math.round(x.seconds)),
    cpuSeconds: cpuSeconds(),
    load: (await import('node:os')).loadavg()[0],
  };
  console.log(JSON.stringify(line));
  await appendFile(String(a.out), JSON.stringify(line) + '\n');
}

/** User + system CPU seconds of the whole process: the cost that a shared machine does not inflate. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return Math.round((u.user + u.system) / 1e6);
}

main().catch((e: Error) => {
  console.error(`recipe: ${e.message}`);
  process.exit(1);
});
