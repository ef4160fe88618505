import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';
import { SeededDropout, dropoutRowSeeds, withDropoutSeeds } from './seeded-dropout';
import { transformerEncoder } from './transformer-encoder';
import { saveAndLoad } from './testing/round-trip';

const training = { training: true };
const run = (layer: SeededDropout, x: tf.Tensor, seeds?: ArrayLike<number>): number[] =>
  tf.tidy(() => {
    const y = seeds
      ? withDropoutSeeds(seeds, () => layer.apply(x, training) as tf.Tensor)
      : (layer.apply(x, training) as tf.Tensor);
    return Array.from(y.dataSync());
  });

describeBackends('SeededDropout', () => {
  it('passes the input through unchanged in inference mode', () => {
    const layer = new SeededDropout({ rate: 0.5, name: 'd' });
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from((layer.apply(x, { training: false }) as tf.Tensor).dataSync())).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    x.dispose();
  });

  it('zeroes about `rate` of the values and scales the rest by 1 / (1 - rate)', () => {
    const layer = new SeededDropout({ rate: 0.3, name: 'd' });
    const x = tf.ones([40, 500]);
    const y = run(layer, x, dropoutRowSeeds(7, 0, 40));
    const zeros = y.filter((v) => v === 0).length;
    expect(y.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    // 20,000 Bernoulli(0.3) draws: sd of the fraction 0.0032; 5 sd
    expect(Math.abs(zeros / y.length - 0.3)).toBeLessThan(0.016);
    x.dispose();
  });

  it('same row seeds, same masks; other seeds, other masks; a row keeps its mask in any batch', () => {
    const layer = new SeededDropout({ rate: 0.5, name: 'attention_dropout' });
    const x = tf.ones([3, 64]);
    const seeds = [11, 22, 33];
    const a = run(layer, x, seeds);
    expect(run(layer, x, seeds)).toEqual(a); // the call count does not matter inside the context
    expect(run(layer, x, [11, 22, 34])).not.toEqual(a);
    expect(run(layer, x, [11, 22, 34]).slice(0, 128)).toEqual(a.slice(0, 128));
    // row 1 alone, with its seed: the same mask as inside the batch of 3 (a worker's shard)
    const one = tf.ones([1, 64]);
    expect(run(layer, one, [22])).toEqual(a.slice(64, 128));
    // another layer name: other masks from the same seeds
    expect(run(new SeededDropout({ rate: 0.5, name: 'ffn_dropout' }), x, seeds)).not.toEqual(a);
    tf.dispose([x, one]);
  });

  it('outside withDropoutSeeds: a seeded stream per layer (fresh layers repeat it)', () => {
    const x = tf.ones([2, 50]);
    const first = new SeededDropout({ rate: 0.5, seed: 3, name: 'd' });
    const again = new SeededDropout({ rate: 0.5, seed: 3, name: 'd' });
    const a1 = run(first, x);
    const a2 = run(first, x);
    expect(a2).not.toEqual(a1); // a new mask per call
    expect(run(again, x)).toEqual(a1);
    expect(run(again, x)).toEqual(a2);
    expect(run(new SeededDropout({ rate: 0.5, seed: 4, name: 'd' }), x)).not.toEqual(a1);
    x.dispose();
  });

  it('its gradient is the mask: d/dx sum(dropout(x)) = y / x', () => {
    const layer = new SeededDropout({ rate: 0.4, name: 'd' });
    const x = tf.tensor2d([[0.5, -1, 2, 3, -4, 5, 6, 7]]);
    const seeds = [5];
    const y = tf.tidy(() => withDropoutSeeds(seeds, () => layer.apply(x, training) as tf.Tensor));
    const g = tf.grad((v: tf.Tensor) =>
      withDropoutSeeds(seeds, () => tf.sum(layer.apply(v, training) as tf.Tensor)),
    )(x);
    const xs = x.dataSync();
    const ys = y.dataSync();
    Array.from(g.dataSync()).forEach((gi, i) => expect(gi).toBeCloseTo(ys[i] / xs[i], 5));
    tf.dispose([x, y, g]);
  });

  it('refuses a number of row seeds that is not the batch size, naming the layer', () => {
    const layer = new SeededDropout({ rate: 0.1, name: 'emb_dropout' });
    const x = tf.ones([2, 4]);
    expect(() => run(layer, x, [1, 2, 3])).toThrow(
      "SeededDropout: layer 'emb_dropout' got a batch of 2 rows but withDropoutSeeds gave 3 row seeds",
    );
    expect(() => new SeededDropout({ rate: 1 })).toThrow(
      'SeededDropout: rate must be a number in [0, 1), got 1',
    );
    x.dispose();
  });

  it('leaks no tensor, and restores the seeds after an error', () => {
    const layer = new SeededDropout({ rate: 0.2, name: 'd' });
    const x = tf.ones([2, 8]);
    expectNoLeak(() =>
      tf.tidy(() => withDropoutSeeds([1, 2], () => layer.apply(x, training) as tf.Tensor)),
    );
    expect(() =>
      withDropoutSeeds([1, 2], () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    // outside again: the layer's own stream, any batch size
    expect(run(layer, tf.ones([3, 8]))).toHaveLength(24);
    x.dispose();
  });

  it('a transformerEncoder uses it, saved as SslDropout and loaded back', async () => {
    const enc = transformerEncoder({
      vocabSize: 11,
      maxLength: 6,
      dModel: 8,
      numHeads: 2,
      numLayers: 1,
      ffnDim: 8,
      dropout: 0.3,
    });
    const names = enc.layers.filter((l) => l.getClassName() === 'SslDropout').map((l) => l.name);
    expect(names).toEqual([
      'transformer_encoder_embedding_dropout',
      'transformer_encoder_layer1_attention_dropout',
      'transformer_encoder_layer1_ffn_dropout',
    ]);
    const loaded = await saveAndLoad(enc);
    expect(loaded.layers.filter((l) => l.getClassName() === 'SslDropout')).toHaveLength(3);
    const ids = tf.tensor2d([[2, 5, 7, 3]], [1, 4], 'int32');
    const mask = tf.ones([1, 4]);
    const fwd = (m: tfl.LayersModel) =>
      tf.tidy(() =>
        Array.from(
          withDropoutSeeds([9], () => m.apply([ids, mask], training) as tf.Tensor).dataSync(),
        ),
      );
    expect(fwd(loaded)).toEqual(fwd(enc));
    expect(fwd(enc)).not.toEqual(
      tf.tidy(() => Array.from((enc.apply([ids, mask], training) as tf.Tensor).dataSync())),
    );
    tf.dispose([ids, mask]);
    enc.dispose();
    loaded.dispose();
  });
});
