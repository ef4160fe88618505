import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  describeBackends,
  expectAllClose,
  expectFlatMemory,
  expectNoLeak,
  uniformFn,
  randomArray,
} from '@ssl/test-utils';
import { LayerNormalization } from './layer-normalization';
import { MultiHeadSelfAttention } from './multi-head-self-attention';
import { PositionEmbedding } from './position-embedding';
import { getTokenEmbedding, transformerEncoder } from './transformer-encoder';
import { perturbWeights, saveAndLoad } from './testing/round-trip';
import { trainableVariables, trainSteps } from './testing/train';

const TINY = { vocabSize: 13, maxLength: 8, dModel: 8, numHeads: 2, numLayers: 2, ffnDim: 16 };

function randomIds(b: number, t: number, seed: number, vocab = TINY.vocabSize): number[] {
  const r = uniformFn(seed);
  return Array.from({ length: b * t }, () => Math.floor(r() * vocab));
}

const ids = (data: number[], b: number, t: number) => tf.tensor2d(data, [b, t], 'int32');

describeBackends('transformerEncoder', () => {
  it.each([
    [{ ...TINY }, 2, 5],
    [{ ...TINY, numLayers: 1, numHeads: 1 }, 3, 8],
    [{ vocabSize: 30, dModel: 12, numHeads: 3, numLayers: 3, maxLength: 16 }, 1, 16],
  ])('%j: [B,T] ids + mask -> [B,T,dModel]', (opts, b, t) => {
    const model = transformerEncoder(opts);
    expect(model.inputLayers.map((l) => l.name)).toEqual(['input_ids', 'attention_mask']);
    expect(model.inputs.map((i) => i.dtype)).toEqual(['int32', 'float32']);
    expect(model.outputs[0].shape).toEqual([null, null, opts.dModel]);
    const mask = tf.ones([b, t]);
    const x = ids(randomIds(b, t, 1, opts.vocabSize), b, t);
    const y = model.predict([x, mask]) as tf.Tensor;
    expect(y.shape).toEqual([b, t, opts.dModel]);
    tf.dispose([x, mask, y]);
    model.dispose();
  });

  it('has the hand-computed number of parameters (defaults: ffnDim = 4 dModel)', () => {
    const [V, L, D, F, N] = [50, 16, 8, 32, 2];
    const model = transformerEncoder({
      vocabSize: V,
      maxLength: L,
      dModel: D,
      numHeads: 2,
      numLayers: N,
    });
    const block = 4 * (D * D + D) + 2 * D + (D * F + F) + (F * D + D) + 2 * D;
    expect(model.countParams()).toBe(V * D + L * D + 2 * D + N * block);
    model.dispose();
  });

  it('exposes token_embedding (a [vocabSize, dModel] Embedding) and the custom layers', () => {
    const model = transformerEncoder(TINY);
    const emb = getTokenEmbedding(model);
    expect(emb.name).toBe('token_embedding');
    expect(emb.getClassName()).toBe('Embedding');
    expect(emb.weights.map((w) => w.shape)).toEqual([[TINY.vocabSize, TINY.dModel]]);
    expect(model.layers.filter((l) => l instanceof MultiHeadSelfAttention)).toHaveLength(2);
    expect(model.layers.filter((l) => l instanceof PositionEmbedding)).toHaveLength(1);
    const other = model.layers.find((l) => l.name !== 'token_embedding')!;
    expect(() => getTokenEmbedding({ layers: [other], name: 'x' } as never)).toThrow(
      /getTokenEmbedding: model 'x' has no layer named 'token_embedding'/,
    );
    model.dispose();
  });

  it('uses the fast LayerNormalization: one after the embeddings, two per block', () => {
    const model = transformerEncoder({ ...TINY, layerNormEps: 1e-9 });
    const norms = model.layers.filter((l) => l instanceof LayerNormalization);
    expect(norms.map((l) => l.name)).toEqual([
      'transformer_encoder_embedding_norm',
      'transformer_encoder_layer1_attention_norm',
      'transformer_encoder_layer1_ffn_norm',
      'transformer_encoder_layer2_attention_norm',
      'transformer_encoder_layer2_ffn_norm',
    ]);
    expect(norms.every((l) => (l as LayerNormalization).epsilon === 1e-9)).toBe(true);
    expect(model.layers.some((l) => l.getClassName() === 'LayerNormalization')).toBe(false);
    model.dispose();
  });

  it('getTokenEmbedding finds the embedding of an encoder nested in other models', async () => {
    const encoder = transformerEncoder(TINY);
    const emb = getTokenEmbedding(encoder);
    // encoder -> dense head, as one model; then that model inside another one.
    const wrap = (inner: tfl.LayersModel, name: string) => {
      const ids = tfl.input({ shape: [null], dtype: 'int32' });
      const mask = tfl.input({ shape: [null] });
      const h = inner.apply([ids, mask]) as tfl.SymbolicTensor;
      const out =
        h.shape.length === 3 && h.shape[2] === TINY.dModel
          ? (tfl.layers.dense({ units: 3, name: `${name}_head` }).apply(h) as tfl.SymbolicTensor)
          : h;
      return tfl.model({ inputs: [ids, mask], outputs: out, name });
    };
    const outer = wrap(encoder, 'outer');
    const outermost = wrap(outer, 'outermost');
    expect(outer.layers.some((l) => l.name === 'token_embedding')).toBe(false); // not at the top
    expect(getTokenEmbedding(outer)).toBe(emb);
    expect(getTokenEmbedding(outermost)).toBe(emb);
    // ... also after save -> load, where the nested model is rebuilt from JSON.
    const loaded = await saveAndLoad(outermost);
    expect(getTokenEmbedding(loaded).weights[0].shape).toEqual([TINY.vocabSize, TINY.dModel]);
    expect(getTokenEmbedding(loaded)).not.toBe(emb);
    // A model without any token embedding, nested or not, still throws.
    const ids = tfl.input({ shape: [4] });
    const plain = tfl.model({
      inputs: ids,
      outputs: tfl.layers.dense({ units: 2 }).apply(ids) as tfl.SymbolicTensor,
      name: 'plain',
    });
    const x = tfl.input({ shape: [4] });
    const nested = tfl.model({
      inputs: x,
      outputs: plain.apply(x) as tfl.SymbolicTensor,
      name: 'nested',
    });
    expect(() => getTokenEmbedding(nested)).toThrow(
      /getTokenEmbedding: model 'nested' has no layer named 'token_embedding' \(nested models searched too\)/,
    );
    [outermost, loaded, nested].forEach((m) => m.dispose());
  });

  it('tokens at padded positions do not change the outputs at real positions', () => {
    const model = transformerEncoder(TINY);
    perturbWeights(model, 4); // larger-than-init weights make any leak visible
    const [b, t] = [2, 6];
    const base = randomIds(b, t, 2);
    const mask = [1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0];
    const changed = base.map((v, i) => (mask[i] === 0 ? (v + 5) % TINY.vocabSize : v));
    const run = (data: number[], m: number[]) => {
      const inputs = [ids(data, b, t), tf.tensor2d(m, [b, t])];
      const y = model.predict(inputs) as tf.Tensor;
      const out = Array.from(y.dataSync());
      tf.dispose([...inputs, y]);
      return out;
    };
    const realRows = (y: number[], m: number[]) =>
      y.filter((_, i) => m[Math.floor(i / TINY.dModel)] === 1);
    const maxDiff = (a: number[], c: number[]) => Math.max(...a.map((v, i) => Math.abs(v - c[i])));

    const a = run(base, mask);
    const c = run(changed, mask);
    expect(maxDiff(realRows(a, mask), realRows(c, mask))).toBeLessThan(1e-5);
    // Falsifiable: the padded positions' own outputs do change ...
    expect(maxDiff(a, c)).toBeGreaterThan(1e-3);
    // ... and without the mask, the same change reaches the real positions.
    const ones = mask.map(() => 1);
    expect(
      maxDiff(realRows(run(base, ones), mask), realRows(run(changed, ones), mask)),
    ).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('an int32 attention mask gives the same outputs as a float32 one', () => {
    const model = transformerEncoder(TINY);
    const x = ids(randomIds(2, 4, 3), 2, 4);
    const m = [1, 1, 1, 0, 1, 1, 0, 0];
    const a = model.predict([x, tf.tensor2d(m, [2, 4])]) as tf.Tensor;
    const b = model.predict([x, tf.tensor2d(m, [2, 4], 'int32')]) as tf.Tensor;
    expectAllClose(b.dataSync(), a.dataSync(), { atol: 1e-6, rtol: 0 });
    tf.dispose([x, a, b]);
    model.dispose();
  });

  it('dropout acts only when called with { training: true }', () => {
    const model = transformerEncoder({ ...TINY, dropout: 0.5 });
    const inputs = [ids(randomIds(2, 5, 4), 2, 5), tf.ones([2, 5])];
    const p1 = model.predict(inputs) as tf.Tensor;
    const p2 = model.predict(inputs) as tf.Tensor;
    expectAllClose(p2.dataSync(), p1.dataSync(), { atol: 0, rtol: 0 });
    const t1 = model.apply(inputs, { training: true }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(t1, p1))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([...inputs, p1, p2, t1]);
    model.dispose();
  });

  it('save -> load gives identical outputs, custom layers included', async () => {
    const model = transformerEncoder({ ...TINY, dropout: 0.2, layerNormEps: 1e-6 });
    perturbWeights(model, 9);
    const loaded = await saveAndLoad(model);
    expect(loaded.layers.filter((l) => l instanceof MultiHeadSelfAttention)).toHaveLength(2);
    expect(getTokenEmbedding(loaded).weights[0].shape).toEqual([TINY.vocabSize, TINY.dModel]);
    const inputs = [
      ids(randomIds(2, 7, 5), 2, 7),
      tf.tensor2d([1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1], [2, 7]),
    ];
    const a = model.predict(inputs) as tf.Tensor;
    const b = loaded.predict(inputs) as tf.Tensor;
    expectAllClose(b.dataSync(), a.dataSync(), { atol: 1e-5, rtol: 0 });
    const fresh = transformerEncoder({ ...TINY, dropout: 0.2, layerNormEps: 1e-6 });
    const c = fresh.predict(inputs) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([...inputs, a, b, c]);
    [model, loaded, fresh].forEach((m) => m.dispose());
  });

  it('forward pass leaks no tensors (inference and training mode)', async () => {
    const model = transformerEncoder(TINY);
    const inputs = [ids(randomIds(2, 5, 6), 2, 5), tf.ones([2, 5])];
    await expectNoLeak(() => model.predict(inputs));
    await expectNoLeak(() => model.apply(inputs, { training: true }));
    tf.dispose(inputs);
    model.dispose();
  });

  it('rejects sequences longer than maxLength', () => {
    const model = transformerEncoder(TINY);
    const inputs = [ids(randomIds(1, 9, 6), 1, 9), tf.ones([1, 9])];
    expect(() => model.predict(inputs)).toThrow(/sequence length must be <= maxLength 8, got 9/);
    tf.dispose(inputs);
    model.dispose();
  });

  it.each([
    [
      { vocabSize: 10, dModel: 130, numHeads: 4 },
      /transformerEncoder: dModel \(130\) must be divisible by numHeads \(4\)/,
    ],
    [{ vocabSize: 0 }, /transformerEncoder: vocabSize must be an integer >= 1, got 0/],
    [{ vocabSize: 10, dModel: -8 }, /transformerEncoder: dModel must be an integer >= 1, got -8/],
    [
      { vocabSize: 10, numLayers: 0 },
      /transformerEncoder: numLayers must be an integer >= 1, got 0/,
    ],
    [
      { vocabSize: 10, dropout: 1 },
      /transformerEncoder: dropout must be a number in \[0, 1\), got 1/,
    ],
    [
      { vocabSize: 10, layerNormEps: 0 },
      /transformerEncoder: layerNormEps must be a finite number > 0, got 0/,
    ],
    [{ vocabSize: 10, ffnDim: 2.5 }, /transformerEncoder: ffnDim must be an integer >= 1, got 2.5/],
  ])('rejects %j', (opts, message) => {
    expect(() => transformerEncoder(opts as never)).toThrow(message);
  });
});

// The embedding gradient needs UnsortedSegmentSum, which tfjs-backend-wasm 4.22
// lacks: @ssl/test-utils imports @ssl/backends/kernels, which registers it.
describeBackends('transformerEncoder training', () => {
  it('every weight gets a gradient; a few Adam steps reduce a loss; memory stays flat', async () => {
    const model = transformerEncoder({ ...TINY, dropout: 0 });
    const [b, t] = [4, 6];
    const x = ids(randomIds(b, t, 7), b, t);
    const mask = tf.tensor2d(
      Array.from({ length: b * t }, (_, i) => (i % t < t - 1 ? 1 : 0)),
      [b, t],
    );
    const target = tf.tensor3d(randomArray(b * t * TINY.dModel, 8), [b, t, TINY.dModel]);
    const loss = () =>
      tf.tidy(() => {
        const h = model.apply([x, mask], { training: true }) as tf.Tensor;
        return tf.mean(tf.square(tf.sub(h, target))) as tf.Scalar;
      });
    const vars = trainableVariables(model);
    const { grads } = tf.variableGrads(loss, vars);
    for (const v of vars) {
      const total = tf.sum(tf.abs(grads[v.name])).dataSync()[0];
      expect(Number.isFinite(total)).toBe(true);
      expect(total).toBeGreaterThan(0);
    }
    tf.dispose(grads);

    const losses = trainSteps(loss, vars, 8, 0.02);
    expect(losses[losses.length - 1]).toBeLessThan(0.9 * losses[0]);

    const optimizer = tf.train.sgd(0.01);
    await expectFlatMemory(() => optimizer.minimize(loss, true, vars));
    optimizer.dispose();
    tf.dispose([x, mask, target]);
    model.dispose();
  });
});
