import { LAYOUT_RULES, permute } from './layout';

const seq = (n: number) => Float32Array.from({ length: n }, (_, i) => i + 1);

describe('layout', () => {
  it('permute is numpy transpose (checked element by element with a naive index loop)', () => {
    const shape = [2, 3, 4];
    const t = { shape, data: seq(24) };
    const p = permute(t, [2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 3; b++)
        for (let c = 0; c < 4; c++) {
          // out[c, a, b] = in[a, b, c]
          expect(p.data[c * 6 + a * 3 + b]).toBe(t.data[a * 12 + b * 4 + c]);
        }
  });

  it('conv kernels [kh,kw,in,out] -> [out,in,kh,kw] and back', () => {
    const [kh, kw, cin, cout] = [3, 2, 4, 5];
    const t = { shape: [kh, kw, cin, cout], data: seq(kh * kw * cin * cout) };
    const rule = LAYOUT_RULES.Conv2D.kernel;
    const w = rule.toTorch(t);
    expect(w.shape).toEqual([cout, cin, kh, kw]);
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let c = 0; c < cin; c++)
          for (let o = 0; o < cout; o++) {
            const tfIdx = ((i * kw + j) * cin + c) * cout + o;
            const ptIdx = ((o * cin + c) * kh + i) * kw + j;
            expect(w.data[ptIdx]).toBe(t.data[tfIdx]);
          }
    expect(rule.fromTorch(w, t.shape)).toEqual(t);
  });

  it('depthwise kernels [kh,kw,in,m] -> [in*m,1,kh,kw]: output channel c*m+j is tfjs (c, j)', () => {
    const [kh, kw, cin, m] = [2, 3, 3, 2];
    const t = { shape: [kh, kw, cin, m], data: seq(kh * kw * cin * m) };
    const rule = LAYOUT_RULES.DepthwiseConv2D.depthwise_kernel;
    const w = rule.toTorch(t);
    expect(w.shape).toEqual([cin * m, 1, kh, kw]);
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let c = 0; c < cin; c++)
          for (let k = 0; k < m; k++) {
            const tfIdx = ((i * kw + j) * cin + c) * m + k;
            const ptIdx = (c * m + k) * kh * kw + i * kw + j;
            expect(w.data[ptIdx]).toBe(t.data[tfIdx]);
          }
    expect(rule.fromTorch(w, t.shape)).toEqual(t);
  });

  it('dense and attention kernels are transposed; norms and embeddings keep their layout under PyTorch names', () => {
    const t = { shape: [2, 3], data: seq(6) };
    expect(LAYOUT_RULES.Dense.kernel.toTorch(t)).toEqual({
      shape: [3, 2],
      data: Float32Array.from([1, 4, 2, 5, 3, 6]),
    });
    expect(LAYOUT_RULES.MultiHeadSelfAttention.value_kernel.torch).toBe('value.weight');
    expect(LAYOUT_RULES.MultiHeadSelfAttention.value_kernel.toTorch(t).shape).toEqual([3, 2]);
    const bn = LAYOUT_RULES.BatchNormalization;
    expect([bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance].map((r) => r.torch)).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
    ]);
    expect(LAYOUT_RULES.SslLayerNormalization.gamma.torch).toBe('weight');
    expect(LAYOUT_RULES.Embedding.embeddings.toTorch(t)).toBe(t);
  });
});
