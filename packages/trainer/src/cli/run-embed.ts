import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { embed } from '../evaluation';
import { loadModel } from '../io/model-io';
import { writeFileAtomic } from '../io/atomic';
import { encoderMetadata } from '../io/encoder-metadata';
import type { EmbedArgs } from './image-args';
import { loadImageSet } from './image-source';
import {
  embeddingsCsv,
  embeddingsJsonl,
  npyFloat32,
  scatterSvg,
  type EmbeddingRows,
} from './embedding-files';
import { pca } from './pca';

/** Where `ssl embed --out FILE.npy` writes the row names: `FILE.rows.csv`. */
export const npyRowsFile = (out: string) => out.replace(/\.npy$/i, '') + '.rows.csv';

/**
 * `ssl embed`: the encoder's features of every --data image, written as
 * --out (.csv, .jsonl or .npy with its names in FILE.rows.csv), and with
 * --map a 2-D PCA scatter plot (SVG) coloured by class. Returns the exit status.
 */
export async function runEmbed(a: EmbedArgs, print: (line: string) => void): Promise<number> {
  const encoder = await loadModel(a.encoder);
  const meta = encoderMetadata(encoder);
  const set = await loadImageSet(a.data, {
    command: 'ssl embed',
    flag: '--data',
    shape: meta.inputShape,
    split: 'test',
    limit: a.limit,
    seed: a.seed,
  }).catch((e) => {
    encoder.dispose();
    throw e;
  });
  try {
    const feats = embed(encoder, set.images); // [N, D]
    const [n, dim] = feats.shape;
    const values = (await feats.data()) as Float32Array;
    feats.dispose();
    const ys = set.labels ? Array.from(await set.labels.data()) : undefined;
    const root = path.resolve(a.data);
    const rows: EmbeddingRows = {
      names: set.files
        ? set.files.map((f) => (f.startsWith(root + path.sep) ? path.relative(root, f) : f))
        : Array.from({ length: n }, (_, i) => String(i)),
      labels: ys ? ys.map((y) => set.classNames[y] ?? String(y)) : new Array<string>(n).fill(''),
      values,
      dim,
    };
    if (a.format === 'csv') await writeFileAtomic(a.out, embeddingsCsv(rows));
    else if (a.format === 'jsonl') await writeFileAtomic(a.out, embeddingsJsonl(rows));
    else {
      await writeFileAtomic(a.out, npyFloat32(values, [n, dim]));
      await writeFileAtomic(
        npyRowsFile(a.out),
        embeddingsCsv({ ...rows, values: new Float32Array(0), dim: 0 }),
      );
    }
    print(
      `wrote ${a.out}: ${n} embeddings of ${dim} numbers${a.format === 'npy' ? ` (names and labels in ${npyRowsFile(a.out)})` : ''}`,
    );
    if (a.map) {
      const { projected } = pca(values, n, dim, Math.min(2, dim));
      const xy =
        dim >= 2
          ? projected
          : Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 ? 0 : projected[i / 2]));
      await writeFileAtomic(
        a.map,
        scatterSvg(
          xy,
          rows.labels,
          `${n} embeddings of ${a.data} by ${a.encoder}: first two principal components (PCA)`,
        ),
      );
      print(`wrote ${a.map}: PCA map of the embeddings (first two principal components)`);
    }
  } finally {
    tf.dispose([set.images, set.labels]);
    encoder.dispose();
  }
  return 0;
}
