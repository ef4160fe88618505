import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { mnistTensors } from '@ssl/data';
import { writeFileAtomic } from '../io/atomic';
import { loadModel } from '../io/model-io';
import { configPath, writeExport } from '../export/files';
import { encodeSafetensors, type SafeTensor } from '../export/safetensors';
import type { ExportArgs } from './export-args';
import { encoderMetadata } from '../io/encoder-metadata';
import { loadImageSet } from './image-source';

/**
 * `ssl export`: loads the encoder (and heads), writes FILE (safetensors,
 * PyTorch names and layouts), its config and, for a Transformer encoder, the
 * tokenizer beside it; with `--data mnist` also `mnist.safetensors`.
 * Returns the exit status.
 */
export async function runExport(a: ExportArgs, print: (line: string) => void): Promise<number> {
  if (a.format === 'onnx') {
    const { runExportOnnx } = await import('./run-export-onnx');
    return runExportOnnx(a, print);
  }
  const encoderDir = a.encoder!;
  const models: Record<string, tfl.LayersModel> = { encoder: await loadModel(encoderDir) };
  const shape = encoderMetadata(models.encoder).inputShape;
  try {
    if (a.projectionHead) models.projection_head = await loadModel(a.projectionHead);
    if (a.predictionHead) models.prediction_head = await loadModel(a.predictionHead);
    const tokenizerFile = [encoderDir, path.dirname(path.resolve(encoderDir))]
      .map((d) => path.join(d, 'tokenizer.json'))
      .find((f) => existsSync(f));
    const { config } = await writeExport(a.out, models, { tokenizerFile, overwrite: a.force });
    print(`wrote ${a.out} (${Object.keys(config.models).join(', ')}) and ${configPath(a.out)}`);
    if (tokenizerFile) print(`copied ${tokenizerFile} beside it`);
  } finally {
    Object.values(models).forEach((m) => m.dispose());
  }
  if (a.data !== undefined) {
    const file = path.join(
      path.dirname(a.out),
      a.data === 'mnist' ? 'mnist.safetensors' : 'data.safetensors',
    );
    if (existsSync(file) && !a.force) {
      throw new Error(`ssl export: '${file}' exists; pass --force to replace it`);
    }
    const set =
      a.data === 'mnist'
        ? { ...mnistTensors({ split: 'train', limit: a.limit }), classNames: [] }
        : await loadImageSet(a.data, {
            command: 'ssl export',
            flag: '--data',
            shape,
            limit: a.limit,
          });
    const { images, labels } = set;
    try {
      // [N, H, W, C] in [0, 1] -> uint8 0..255
      const bytes = tf.tidy(() => tf.round(tf.mul(images, 255)).dataSync());
      const data = Uint8Array.from(bytes);
      await writeFileAtomic(
        file,
        encodeSafetensors([
          ['images', { dtype: 'uint8', shape: images.shape, data }],
          ...(labels
            ? [
                [
                  'labels',
                  { dtype: 'int32', shape: labels.shape, data: labels.dataSync() as Int32Array },
                ] as [string, SafeTensor],
              ]
            : []),
        ]),
      );
      print(
        `wrote ${file} (${images.shape[0]} images [${images.shape.slice(1)}], uint8 NHWC${labels ? ', labels' : ''})`,
      );
    } finally {
      tf.dispose([images, labels]);
    }
  }
  return 0;
}
