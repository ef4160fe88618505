import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { mnistTensors } from '@ssl/data';
import { imageFolder, textCorpus } from '@ssl/data/node';
import { transformerEncoder } from '@ssl/encoders';
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
import { defaultImageEncoder, imageEncoder } from './image-encoder';
import { prepareRunFolder } from './run-folder';
import { lastFiniteLines } from './last-finite';

/** What a pretraining run needs besides the loop settings. */
interface Setup {
  encoder: LayersModel;
  method: AnyMethod;
  data: PretrainData;
  dispose(): void;
}

const DEFAULT_LR = { adam: 1e-3, sgd: 0.05, lars: 0.3 } as const;

function imageSetup(a: PretrainArgs): Setup {
  if (a.data[0] === 'mnist') {
    const { images, labels } = mnistTensors({ split: 'train', limit: a.limit });
    labels.dispose();
    return {
      encoder: imageEncoder(defaultImageEncoder(a.method), [28, 28, 1], a.seed),
      method: createMethod(a.method, methodOptions(a)),
      data: images,
      dispose: () => images.dispose(),
    };
  }
  const ds = imageFolder(a.data[0], {
    size: [a.imageSize, a.imageSize],
    channels: a.channels,
    shuffle: true,
    seed: a.seed,
  });
  return {
    encoder: imageEncoder(
      defaultImageEncoder(a.method),
      [a.imageSize, a.imageSize, a.channels],
      a.seed,
    ),
    method: createMethod(a.method, methodOptions(a)),
    data: ds as unknown as PretrainData, // its forEpoch gives epoch e's order: exact resume
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
  const side = a.data[0] === 'mnist' ? 28 : a.imageSize;
  checkMemory(a, tf.getBackend(), side, side);
  const lock = prepareRunFolder(a.out, { resume: a.resume, overwrite: a.overwrite, log });
  try {
    return await locked(a, log);
  } finally {
    lock.release();
  }
}

/** The run itself, while this process holds the lock of `a.out`. */
async function locked(a: PretrainArgs, log: (line: string) => void): Promise<number> {
  const text = methodEntry(a.method).modality === 'text';
  const setup = text ? await mlmSetup(a, log) : imageSetup(a);
  const lr = a.lr ?? DEFAULT_LR[a.optimizer];
  const optimizer =
    a.optimizer === 'lars'
      ? lars({ learningRate: lr })
      : a.optimizer === 'sgd'
        ? tf.train.momentum(lr, 0.9)
        : tf.train.adam(lr);
  const bar = a.quiet ? undefined : progressBar();
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
    // the bar first: an error in a later callback stops a bar that is drawn
    ...(bar ? [bar] : []),
    metricsLog(path.join(a.out, 'metrics.jsonl')),
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
    setup.dispose();
    optimizer.dispose();
  }
  const last = result.history[result.history.length - 1];
  if (result.stopReason) log(`ssl pretrain: stopped early: ${result.stopReason}`);
  if (result.nonFinite) {
    // a diverged state never replaces a good encoder: exit 1, say where the last finite one is
    for (const line of await lastFiniteLines(a.out)) log(line);
    setup.method.dispose();
    return 1;
  }
  const encoderDir = path.join(a.out, 'encoder');
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
