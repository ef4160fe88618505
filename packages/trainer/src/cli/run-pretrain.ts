import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { mnistTensors } from '@ssl/data';
import { imageFolder, textCorpus } from '@ssl/data/node';
import { convEncoder, resnet, transformerEncoder } from '@ssl/encoders';
import { WordPieceTokenizer } from '@ssl/mlm';
import { pretrain, type PretrainResult } from '../pretrain';
import type { PretrainData } from '../batches';
import type { AnyMethod } from '../methods/method';
import { createMethod, methodEntry } from '../methods/registry';
import { lars } from '../optimizers/lars';
import { warmupCosine } from '../schedules/warmup-cosine';
import type { Callback } from '../callbacks/callback';
import { progressBar } from '../callbacks/progress-bar';
import { metricsLog } from '../callbacks/metrics-log';
import { nodeCheckpointIO } from '../io/checkpoint';
import { writeFileAtomic } from '../io/atomic';
import { saveModel } from '../io/model-io';
import type { PretrainArgs } from './args';
import { checkMemory } from './memory-check';
import { imageEncoder } from './image-encoder';
import { prepareRunFolder } from './run-folder';
import { lastFiniteLines } from './last-finite';
import { UsageError } from './command-line';
import { folderImageShape, loadImageSet } from './image-source';
import { writeRunConfig } from './run-config';
import { setEncoderMetadata } from '../io/encoder-metadata';
import { slownessWarning } from './slowness';
import { stepCheckpoints } from '../callbacks/step-checkpoints';

/** What a pretraining run needs besides the loop settings. */
interface Setup {
  encoder: LayersModel;
  method: AnyMethod;
  data: PretrainData;
  dispose(): void;
}

const DEFAULT_LR = { adam: 1e-3, sgd: 0.05, lars: 0.3 } as const;

/** The image shape a run trains on, and the line that says where it came from. */
interface ImageShape {
  shape: [number, number, number];
  note: string;
  /** Examples available (before --limit). */
  count: number;
}

/**
 * mnist: 28x28x1. A folder: `--image-size` / `--channels`, each defaulting to
 * the folder's first image's (1 channel when it is gray); only the file list
 * is read, and the first image.
 */
async function resolveImageShape(a: PretrainArgs): Promise<ImageShape> {
  if (a.data[0] === 'mnist') {
    if (
      (a.imageSize !== undefined && a.imageSize !== 28) ||
      (a.channels !== undefined && a.channels !== 1)
    ) {
      throw new UsageError(
        'ssl pretrain: --image-size and --channels apply to image folders; mnist is 28x28x1 (drop them)',
      );
    }
    return { shape: [28, 28, 1], note: 'mnist, 28x28x1', count: 60000 };
  }
  const first = await folderImageShape(a.data[0]);
  const side = a.imageSize ?? first.height;
  const channels = a.channels ?? first.channels;
  const from = (given: boolean) => (given ? 'from the flag' : "the first image's");
  return {
    shape: [side, side, channels],
    count: first.count,
    note:
      `${first.count} images, read at ${side}x${side}x${channels} ` +
      `(size ${from(a.imageSize !== undefined)}, channels ${from(a.channels !== undefined)}: ` +
      `${path.basename(first.file)} is ${first.width}x${first.height}, ${first.channels === 1 ? 'gray' : 'colour'}; ` +
      '--image-size and --channels change them)',
  };
}

/** The `--encoder` / `--width` architecture for images of `shape`. */
export function buildEncoder(
  a: Pick<PretrainArgs, 'encoder' | 'width' | 'seed'>,
  shape: [number, number, number],
): LayersModel {
  if (a.encoder === 'vit') return imageEncoder('vit', shape, a.seed);
  if (a.encoder === 'conv') {
    const filters = [32, 64, 128].map((f) => Math.max(1, Math.round(f * a.width))) as [
      number,
      number,
      number,
    ];
    return convEncoder({ inputShape: shape, filters, seed: a.seed });
  }
  return resnet({
    depth: a.encoder === 'resnet34' ? 34 : 18,
    inputShape: shape,
    widthMultiplier: a.width,
    seed: a.seed,
  });
}

async function imageSetup(a: PretrainArgs, shape: [number, number, number]): Promise<Setup> {
  const encoder = buildEncoder(a, shape);
  const method = createMethod(a.method, methodOptions(a));
  if (a.data[0] === 'mnist') {
    const { images, labels } = mnistTensors({ split: 'train', limit: a.limit });
    labels.dispose();
    return { encoder, method, data: images, dispose: () => images.dispose() };
  }
  if (a.limit !== undefined) {
    // a fixed subset of the folder, drawn once (seeded), held in memory
    const set = await loadImageSet(a.data[0], {
      command: 'ssl pretrain',
      flag: '--data',
      shape,
      limit: a.limit,
      seed: a.seed,
    });
    set.labels?.dispose();
    return { encoder, method, data: set.images, dispose: () => set.images.dispose() };
  }
  const ds = imageFolder(a.data[0], {
    size: [shape[0], shape[1]],
    channels: shape[2] as 1 | 3,
    shuffle: true,
    seed: a.seed,
  });
  const count = ds.files.length;
  // epoch e's order (exact resume); its size from the file list, so no counting pass
  const open = (epoch: number) => Object.assign(ds.forEpoch(epoch), { size: count });
  return {
    encoder,
    method,
    data: open as unknown as PretrainData,
    dispose: () => undefined,
  };
}

async function mlmSetup(a: PretrainArgs, log: (line: string) => void): Promise<Setup> {
  const corpus = textCorpus(a.data, { split: 'paragraphs', minLength: 20 });
  const texts: string[] = [];
  const source = a.limit ? corpus.take(a.limit) : corpus;
  await source.forEachAsync((e) => void texts.push(e.text));
  const tokFile = path.join(a.out, 'tokenizer.json');
  let tokenizer: WordPieceTokenizer;
  if (a.resume && existsSync(tokFile)) {
    tokenizer = WordPieceTokenizer.fromJSON(readFileSync(tokFile, 'utf8'));
  } else {
    log(
      `ssl pretrain: training a WordPiece vocabulary (${a.vocabSize}) on ${texts.length} paragraphs`,
    );
    tokenizer = WordPieceTokenizer.train(texts, { vocabSize: a.vocabSize });
    await writeFileAtomic(tokFile, JSON.stringify(tokenizer.toJSON()));
  }
  const enc = tokenizer.encodeBatch(texts, { maxLength: a.maxLength, padding: 'max_length' });
  const n = enc.ids.length;
  const data = {
    inputIds: tf.tensor2d(enc.ids, [n, a.maxLength], 'int32'), // [N, T]
    attentionMask: tf.tensor2d(enc.attentionMask, [n, a.maxLength], 'int32'), // [N, T]
  };
  const encoder = transformerEncoder({
    vocabSize: tokenizer.vocabSize,
    maxLength: a.maxLength,
    dModel: 64,
    numHeads: 4,
    numLayers: 2,
    ffnDim: 128,
    seed: a.seed,
  });
  return {
    encoder,
    method: createMethod('mlm', { ...methodOptions(a), tokenizer }),
    data,
    dispose: () => tf.dispose(data),
  };
}

/** The method's own options from the command line (`--temperature 0.2`, ...). */
function methodOptions(a: PretrainArgs): Record<string, unknown> {
  return { ...a.methodOptions };
}

/**
 * `ssl pretrain`: trains, logging to `out/metrics.jsonl`, checkpointing into
 * `out/checkpoint/`, and saves the encoder to `out/encoder/`. Returns the
 * process exit status (1 when training stopped on a non-finite loss or
 * state: then no encoder is written, see `last-finite.ts`).
 */
export async function runPretrain(a: PretrainArgs, log: (line: string) => void): Promise<number> {
  const text = methodEntry(a.method).modality === 'text';
  const image = text ? undefined : await resolveImageShape(a);
  const [side, , channels] = image?.shape ?? [28, 28, 1];
  checkMemory(a, tf.getBackend(), side, side, channels);
  if (image) {
    const n = Math.min(image.count, a.limit ?? Infinity);
    if (a.batchSize > n) {
      throw new UsageError(
        `ssl pretrain: --batch-size ${a.batchSize} is larger than the ${n} examples of --data${a.limit !== undefined ? ` (--limit ${a.limit})` : ''}; pass --batch-size ${n} or less`,
      );
    }
  }
  // the signals are this command's own (finish the step, checkpoint); the lock goes in `finally`
  const lock = prepareRunFolder(a.out, {
    resume: a.resume,
    overwrite: a.overwrite,
    log,
    signals: false,
  });
  try {
    return await locked(a, log, text, image);
  } finally {
    lock.release();
  }
}

/** The run itself, while this process holds the lock of `a.out`. */
async function locked(
  a: PretrainArgs,
  log: (line: string) => void,
  text: boolean,
  image: ImageShape | undefined,
): Promise<number> {
  if (image) log(`ssl pretrain: data ${a.data[0]}: ${image.note}`);
  await writeRunConfig(a, image?.shape);
  const setup = text || !image ? await mlmSetup(a, log) : await imageSetup(a, image.shape);
  const lr = a.lr ?? DEFAULT_LR[a.optimizer];
  const optimizer =
    a.optimizer === 'lars'
      ? lars({ learningRate: lr })
      : a.optimizer === 'sgd'
        ? tf.train.momentum(lr, 0.9)
        : tf.train.adam(lr);
  const bar = a.quiet ? undefined : progressBar();
  // Ctrl-C / SIGTERM: the step under way finishes, a checkpoint is written, the resume command printed
  const steps = stepCheckpoints({
    dir: path.join(a.out, 'checkpoint'),
    io: nodeCheckpointIO,
    everySteps: a.checkpointEverySteps,
  });
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) process.exit(130); // a second Ctrl-C: now
    log(
      `ssl pretrain: ${sig}: finishing the step, then writing a checkpoint (again to quit at once)`,
    );
    steps.interrupt(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const callbacks: Callback[] = [
    {
      onTrainBegin(info) {
        const w = info.workers ?? 1;
        log(
          `ssl pretrain: ${a.method} on ${a.data.join(', ')}, backend ${info.backend}, ${w} worker${w === 1 ? '' : 's'}` +
            (w === 1 && a.workers === 'auto'
              ? info.backend === 'wasm' || info.backend === 'cpu'
                ? ' (one core available)'
                : ` (${info.backend} uses every core or the GPU itself)`
              : ''),
        );
        if (info.resumed)
          log(`ssl pretrain: resuming at epoch ${info.startEpoch + 1}, step ${info.startStep}`);
      },
    },
    ...(text ? [] : [slownessWarning(a, log)]),
    // the bar first: an error in a later callback stops a bar that is drawn
    ...(bar ? [bar] : []),
    metricsLog(path.join(a.out, 'metrics.jsonl')),
    // a turn of the event loop after each step, so that a signal's handler runs before the next
    { onStepEnd: () => new Promise<void>((resolve) => setImmediate(resolve)) },
    steps,
  ];
  let result: PretrainResult;
  try {
    result = await pretrain({
      method: setup.method,
      encoder: setup.encoder,
      data: setup.data,
      epochs: a.epochs,
      batchSize: a.batchSize,
      optimizer,
      schedule: warmupCosine({ baseLr: lr, warmupEpochs: a.warmupEpochs }),
      callbacks,
      seed: a.seed,
      workers: a.workers,
      limit: text ? undefined : a.limit,
      checkpointDir: path.join(a.out, 'checkpoint'),
      checkpointEvery: a.checkpointEvery,
      resume: a.resume,
      checkpointIO: nodeCheckpointIO,
    });
  } catch (e) {
    // the bar's redraw timer would keep the process alive after the error
    await bar?.onTrainEnd?.({ epochsDone: 0, steps: 0, seconds: 0, imagesPerSec: 0 });
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    setup.dispose();
    optimizer.dispose();
  }
  const last = result.history[result.history.length - 1];
  if (result.stopReason?.startsWith('interrupted')) {
    setup.method.dispose();
    log(
      steps.savedStep !== undefined
        ? `ssl pretrain: ${result.stopReason} after step ${steps.savedStep}; checkpoint written to ${path.join(a.out, 'checkpoint')}`
        : `ssl pretrain: ${result.stopReason}; with workers only epoch ends are checkpointed: the steps since the last one will run again`,
    );
    log(`ssl pretrain: continue with: ssl pretrain --out ${a.out} --resume`);
    return 130;
  }
  if (result.stopReason) log(`ssl pretrain: stopped early: ${result.stopReason}`);
  if (result.nonFinite || (last && !Number.isFinite(last.loss))) {
    // a diverged state never replaces a good encoder: exit 1, say where the last finite one is
    for (const line of await lastFiniteLines(a.out)) log(line);
    setup.method.dispose();
    return 1;
  }
  const encoderDir = path.join(a.out, 'encoder');
  if (image) {
    setEncoderMetadata(setup.encoder, {
      inputShape: image.shape,
      channels: image.shape[2],
      pixelRange: [0, 1],
      method: a.method,
      encoder: a.encoder,
      width: a.width,
      data: a.data[0],
    });
  }
  await saveModel(setup.encoder, encoderDir);
  setup.method.dispose();
  log(
    `ssl pretrain: ${a.method}: ${result.steps - result.startStep} steps in ${result.seconds.toFixed(1)} s ` +
      `(${result.imagesPerSec.toFixed(0)} examples/s)` +
      (last ? `, last loss ${last.loss.toFixed(4)}` : '') +
      `; encoder saved to ${encoderDir}`,
  );
  return 0;
}
