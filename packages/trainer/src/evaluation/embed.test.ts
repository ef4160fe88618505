import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import { describeBackends, expectAllClose, expectNoLeak } from '@ssl/test-utils';

import { embed } from './embed';
import { transformerEncoder } from '@ssl/encoders';
import { knnAccuracy } from './knn';
import { tinyEncoder } from './test-helpers';

describeBackends('embed', () => {
  it('equals one whole-batch inference pass, for any batch size, without leaks', async () => {
    const encoder = tinyEncoder(1);
    const images = tf.randomUniform([11, 8, 8, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    const whole = encoder.predict(images) as tf.Tensor2D;
    for (const batchSize of [1, 4, 11, 256]) {
      await expectNoLeak(() => {
        const out = embed(encoder, images, { batchSize });
        expect(out.shape).toEqual([11, 8]);
        expectAllClose(out.dataSync(), whole.dataSync(), { atol: 1e-5 });
        return out;
      });
    }
    tf.dispose([images, whole]);
    encoder.dispose();
  });

  it('rejects bad input', () => {
    const encoder = tinyEncoder(1);
    const flat = tf.zeros([2, 64]);
    expect(() => embed(encoder, 'x' as never)).toThrow(
      'embed: inputs must be a tensor [N, ...] or an object of such tensors, got string',
    );
    expect(() => embed(encoder, { a: flat, b: tf.zeros([3, 1]) })).toThrow(
      'embed: every tensor of inputs must have the same number of rows, got [2,3]',
    );
    const x = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    expect(() => embed(encoder, x, { batchSize: 0 })).toThrow(
      'embed: batchSize must be an integer >= 1, got 0',
    );
    expect(() => embed(null as unknown as never, x)).toThrow(
      /embed: encoder must be a tfjs LayersModel/,
    );
    tf.dispose([flat, x]);
    encoder.dispose();
  });

  it('embeds text: named inputs by name, a masked mean over the tokens; kNN runs on it', async () => {
    const bert = transformerEncoder({
      vocabSize: 20,
      maxLength: 5,
      dModel: 8,
      numHeads: 2,
      numLayers: 1,
      ffnDim: 16,
      dropout: 0,
      seed: 2,
    });
    const ids = [
      [1, 5, 6, 2, 0],
      [1, 7, 2, 0, 0],
      [1, 8, 9, 10, 2],
    ];
    const masks = ids.map((r) => r.map((v) => (v === 0 ? 0 : 1)));
    const inputIds = tf.tensor2d(ids, undefined, 'int32');
    const attentionMask = tf.tensor2d(masks, undefined, 'int32');
    const out = embed(bert, { inputIds, attentionMask }, { batchSize: 2 });
    const h = (bert.predict([inputIds, attentionMask]) as tf.Tensor3D).arraySync();
    // naive masked mean over the tokens of each row
    const want = h.map((row, i) =>
      Array.from({ length: 8 }, (_, d) => {
        let s = 0;
        let c = 0;
        row.forEach((tok, t) => {
          if (masks[i][t]) {
            s += tok[d];
            c++;
          }
        });
        return s / c;
      }),
    );
    expectAllClose(out.dataSync(), want.flat(), { atol: 1e-5 });
    const labels = tf.tensor1d([0, 1, 0], 'int32');
    const acc = await knnAccuracy({
      encoder: bert,
      train: { images: { inputIds, attentionMask }, labels },
      test: { images: { inputIds, attentionMask }, labels },
      k: 1,
    });
    expect(acc).toBe(1); // each example is its own nearest neighbour
    expect(() => embed(bert, { ids: inputIds })).toThrow(
      /embed: inputs has no tensor for the encoder input 'input_ids(_\d+)?', got \[ids\]/,
    );
    tf.dispose([inputIds, attentionMask, out, labels]);
    bert.dispose();
  });

  it('embeds any dataset: a labelled set, a tf.data.Dataset of examples or batches, { xs } or { images }', async () => {
    const encoder = tinyEncoder(1);
    const images = tf.randomUniform([7, 8, 8, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2, 3, 0, 1, 2], 'int32');
    const want = embed(encoder, images);
    const rows = tf.unstack(images);
    const cases: [string, () => tf.Tensor2D | Promise<tf.Tensor2D>][] = [
      ['labelled set', () => embed(encoder, { images, labels })],
      ['examples', () => embed(encoder, tfd.array(rows), { batchSize: 3 })],
      [
        '{ xs, ys } examples',
        () => embed(encoder, tfd.array(rows.map((x, i) => ({ xs: x, ys: i }))), { batchSize: 4 }),
      ],
      [
        '{ images, labels } batches',
        () => embed(encoder, tfd.array(rows.map((x) => ({ images: x, labels: 0 }))).batch(3)),
      ],
    ];
    for (const [name, run] of cases) {
      await expectNoLeak(async () => {
        const out = await run();
        expect([name, out.shape]).toEqual([name, [7, 8]]);
        expectAllClose(out.dataSync(), want.dataSync(), { atol: 1e-5 });
        return out;
      });
    }
    await expect(embed(encoder, tfd.array([] as tf.Tensor[]))).rejects.toThrow(
      'embed: the dataset is empty',
    );
    await expect(embed(encoder, tfd.array(['a']))).rejects.toThrow(
      /^embed: dataset elements must be tensors/,
    );
    tf.dispose([images, labels, want, ...rows]);
    encoder.dispose();
  });
});
