import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describeBackends, expectAllClose, expectNoLeak, randomArray } from '@ssl/test-utils';
import { sincosTable } from './sincos';
import { vit, type VitOptions } from './vit';
import { vitEncode, vitInfo } from './vit-encode';
import { expectSameAfterSaveAndLoad, perturbWeights, saveAndLoad } from './testing/round-trip';

type Mat = number[][];

/** The weights of layer `name` as flat float64 arrays. */
function w(model: tfl.LayersModel, name: string): number[][] {
  return model
    .getLayer(name)
    .getWeights()
    .map((t) => Array.from(t.dataSync()));
}

/** x [T, in] · W [in, out] (row-major flat) + b. */
function dense(x: Mat, k: number[], b: number[], out: number): Mat {
  return x.map((row) =>
    Array.from({ length: out }, (_, o) => row.reduce((s, v, i) => s + v * k[i * out + o], b[o])),
  );
}

function layerNorm(x: Mat, g: number[], b: number[], eps: number): Mat {
  return x.map((row) => {
    const m = row.reduce((a, v) => a + v, 0) / row.length;
    const v = row.reduce((a, u) => a + (u - m) ** 2, 0) / row.length;
    return row.map((u, i) => ((u - m) / Math.sqrt(v + eps)) * g[i] + b[i]);
  });
}

const erf = (x: number) => {
  // Abramowitz-Stegun 7.1.26 is too coarse; use a series / continued fraction via Math functions
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x -
          1.26551223 +
          t *
            (1.00002368 +
              t *
                (0.37409196 +
                  t *
                    (0.09678418 +
                      t *
                        (-0.18628806 +
                          t *
                            (0.27886807 +
                              t *
                                (-1.13520398 +
                                  t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
};
const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

/** Multi-head self-attention of one example x [T, D], no mask. */
function attention(x: Mat, ws: number[][], heads: number): Mat {
  const d = x[0].length;
  const [wq, wk, wv, wo, bq, bk, bv, bo] = ws;
  const q = dense(x, wq, bq, d);
  const k = dense(x, wk, bk, d);
  const v = dense(x, wv, bv, d);
  const dh = d / heads;
  const ctx: Mat = x.map(() => new Array(d).fill(0));
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < x.length; i++) {
      const s = x.map((_, j) => {
        let dot = 0;
        for (let c = 0; c < dh; c++) dot += q[i][h * dh + c] * k[j][h * dh + c];
        return dot / Math.sqrt(dh);
      });
      const m = Math.max(...s);
      const e = s.map((u) => Math.exp(u - m));
      const z = e.reduce((a, u) => a + u, 0);
      for (let j = 0; j < x.length; j++)
        for (let c = 0; c < dh; c++) ctx[i][h * dh + c] += (e[j] / z) * v[j][h * dh + c];
    }
  return dense(ctx, wo, bo, d);
}

const add = (a: Mat, b: Mat): Mat => a.map((r, i) => r.map((u, j) => u + b[i][j]));

/**
 * The ViT of `o` on one image [H, W, C] (flat), written from the paper's
 * equations with loops: patches -> linear -> class token and positions ->
 * pre-norm blocks -> norm. `keep` picks the patches. Returns the tokens.
 */
function naiveTokens(
  model: tfl.LayersModel,
  o: Required<Pick<VitOptions, 'depth' | 'heads'>>,
  img: Float32Array,
  shape: number[],
  p: number,
  keep?: number[],
): Mat {
  const [hh, ww, c] = shape;
  const [kernel, bias] = w(model, 'vit_patch_embed'); // [p, p, C, D] row-major == [(r, s, ch), D]
  const d = bias.length;
  const patches: Mat = [];
  for (let i = 0; i < hh / p; i++)
    for (let j = 0; j < ww / p; j++) {
      const row: number[] = [];
      for (let r = 0; r < p; r++)
        for (let s = 0; s < p; s++)
          for (let ch = 0; ch < c; ch++) row.push(img[((i * p + r) * ww + (j * p + s)) * c + ch]);
      patches.push(row);
    }
  const [cls, pos] = w(model, 'vit_embedding');
  let tokens = dense(patches, kernel, bias, d).map((row, l) =>
    row.map((u, k) => u + pos[(1 + l) * d + k]),
  );
  if (keep) tokens = keep.map((l) => tokens[l]);
  let x: Mat = [cls.map((u, k) => u + pos[k]), ...tokens];
  for (let b = 1; b <= o.depth; b++) {
    const n = `vit_block${b}`;
    const [g1, b1] = w(model, `${n}_attention_norm`);
    x = add(x, attention(layerNorm(x, g1, b1, 1e-6), w(model, `${n}_attention`), o.heads));
    const [g2, b2] = w(model, `${n}_ffn_norm`);
    const [k1, c1] = w(model, `${n}_ffn_in`);
    const [k2, c2] = w(model, `${n}_ffn_out`);
    const hdn = dense(layerNorm(x, g2, b2, 1e-6), k1, c1, c1.length).map((r) => r.map(gelu));
    x = add(x, dense(hdn, k2, c2, d));
  }
  const [g, bb] = w(model, 'vit_norm');
  return layerNorm(x, g, bb, 1e-6);
}

const TINY: VitOptions = {
  inputShape: [8, 8, 2],
  patchSize: 4,
  dim: 8,
  depth: 2,
  heads: 2,
  mlpRatio: 2,
};

describeBackends('vit', () => {
  for (const opts of [
    { ...TINY, pooling: 'cls', positions: 'sincos' },
    { ...TINY, pooling: 'mean', positions: 'learned' },
    { ...TINY, inputShape: [6, 4, 1], patchSize: 2, depth: 1, heads: 1 },
  ] as VitOptions[]) {
    it(`forward matches a naive loop: ${JSON.stringify(opts)}`, () => {
      const model = vit(opts);
      perturbWeights(model, 3); // every weight, positions included, away from its initial value
      const shape = opts.inputShape!;
      const n = 2;
      const size = shape[0] * shape[1] * shape[2];
      const data = randomArray(n * size, 5, 0, 1);
      const x = tf.tensor4d(data, [n, ...shape]);
      const y = model.predict(x) as tf.Tensor;
      expect(y.shape).toEqual([n, opts.dim]);
      const got = y.dataSync();
      const full = vitEncode(model, x);
      const keep = tf.tensor2d(
        [
          [2, 0],
          [1, 3],
        ],
        [2, 2],
        'int32',
      );
      const part = vitEncode(model, x, { keep });
      const o = { depth: opts.depth!, heads: opts.heads! };
      for (let i = 0; i < n; i++) {
        const img = data.subarray(i * size, (i + 1) * size);
        const tokens = naiveTokens(model, o, img, shape, opts.patchSize!);
        const pooled =
          opts.pooling === 'mean'
            ? tokens[0].map(
                (_, k) => tokens.slice(1).reduce((s, r) => s + r[k], 0) / (tokens.length - 1),
              )
            : tokens[0];
        expectAllClose(got.subarray(i * opts.dim!, (i + 1) * opts.dim!), pooled, {
          atol: 1e-4,
          rtol: 1e-3,
        });
        const t = full.shape[1];
        expectAllClose(
          full.dataSync().subarray(i * t * opts.dim!, (i + 1) * t * opts.dim!),
          tokens.flat(),
          { atol: 1e-4, rtol: 1e-3 },
        );
        const sub = naiveTokens(model, o, img, shape, opts.patchSize!, i === 0 ? [2, 0] : [1, 3]);
        expectAllClose(
          part.dataSync().subarray(i * 3 * opts.dim!, (i + 1) * 3 * opts.dim!),
          sub.flat(),
          { atol: 1e-4, rtol: 1e-3 },
        );
      }
      tf.dispose([x, y, full, keep, part]);
      model.dispose();
    });
  }

  it('vitInfo reads the patch grid (also after save and load), and defaults fit 28 and 32 px', async () => {
    const a = vit();
    expect(vitInfo(a)).toEqual({
      inputShape: [28, 28, 1],
      patchSize: 4,
      gridSize: [7, 7],
      numPatches: 49,
      dim: 64,
    });
    const loaded = await saveAndLoad(a);
    expect(vitInfo(loaded).numPatches).toBe(49);
    const b = vit({ inputShape: [32, 32, 3] });
    expect(vitInfo(b).gridSize).toEqual([8, 8]);
    const c = vit({ inputShape: [28, 28, 1], patchSize: 7, dim: 32 });
    expect(vitInfo(c).numPatches).toBe(16);
    [a, loaded, b, c].forEach((m) => m.dispose());
  });

  it('saves and loads (every weight perturbed), and sincos positions are not trained', async () => {
    const model = vit(TINY);
    const trainable = model.trainableWeights.map((t) => t.name);
    expect(trainable.some((n) => n.includes('positions'))).toBe(false);
    expect(
      vit({ ...TINY, positions: 'learned' }).trainableWeights.some((t) =>
        t.name.includes('positions'),
      ),
    ).toBe(true);
    perturbWeights(model, 9);
    const x = tf.randomUniform([3, 8, 8, 2], 0, 1, 'float32', 1);
    await expectSameAfterSaveAndLoad(model, x);
    x.dispose();
    model.dispose();
  });

  it('has the hand-computed number of parameters', () => {
    const [p, c, d, depth, f, l] = [4, 2, 8, 2, 16, 4];
    const block = 2 * 2 * d + 4 * (d * d + d) + (d * f + f) + (f * d + d);
    const model = vit(TINY);
    expect(model.countParams()).toBe(p * p * c * d + d + d + (1 + l) * d + depth * block + 2 * d);
    model.dispose();
  });

  it('same seed, same weights; vitEncode leaks nothing', async () => {
    const a = vit({ ...TINY, seed: 4 });
    const b = vit({ ...TINY, seed: 4 });
    a.getWeights().forEach((t, i) =>
      expectAllClose(t.dataSync(), b.getWeights()[i].dataSync(), { atol: 0, rtol: 0 }),
    );
    const x = tf.ones([2, 8, 8, 2]) as tf.Tensor4D;
    const keep = tf.tensor2d([[0], [3]], [2, 1], 'int32');
    await expectNoLeak(() => vitEncode(a, x, { keep }).dispose());
    tf.dispose([x, keep]);
    a.dispose();
    b.dispose();
  });
});

describe('vit options', () => {
  it('refuses bad options with one line', () => {
    expect(() => vit({ inputShape: [30, 30, 1], patchSize: 4 })).toThrow(
      'vit: patchSize (4) must divide the image height and width, got inputShape [30,30,1]',
    );
    expect(() => vit({ dim: 30, heads: 4 })).toThrow(
      'vit: dim (30) must be divisible by heads (4)',
    );
    expect(() => vit({ dim: 6, heads: 2 })).toThrow(
      "vit: dim (6) must be divisible by 4 for 'sincos' positions",
    );
    expect(() => vit({ pooling: 'max' as 'cls' })).toThrow(
      "vit: pooling must be one of 'cls', 'mean', got 'max'",
    );
    expect(() => vit({ depth: 0 })).toThrow('vit: depth must be an integer >= 1, got 0');
    expect(() => vit({ mlpRatio: -1 })).toThrow(
      'vit: mlpRatio must be a number > 0 with mlpRatio * dim an integer, got -1',
    );
  });

  it('sincosTable: row 0 zeros; patch (row 1, column 2) from the closed form', () => {
    const t = sincosTable([2, 3], 8); // quarter 2: ω = 1, 1/100
    expect(Array.from(t.subarray(0, 8))).toEqual(new Array(8).fill(0));
    const row = 1 + 1 * 3 + 2;
    expectAllClose(
      t.subarray(row * 8, row * 8 + 8),
      [
        Math.sin(2),
        Math.sin(0.02),
        Math.cos(2),
        Math.cos(0.02),
        Math.sin(1),
        Math.sin(0.01),
        Math.cos(1),
        Math.cos(0.01),
      ],
      { atol: 1e-7, rtol: 0 },
    );
  });
});
