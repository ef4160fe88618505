import { randomArray } from '@ssl/test-utils';

/** A 2-D convolution problem for the tests (NHWC; `co` is the multiplier M when depthwise). */
export interface ConvCase {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  fh: number;
  fw: number;
  stride: [number, number] | number[];
  dilation?: [number, number] | number[];
  pad: 'same' | 'valid' | number[][];
  depthwise?: boolean;
}

function geometry(c: ConvCase, axis: 0 | 1): { out: number; before: number } {
  const size = axis === 0 ? c.h : c.w;
  const f = axis === 0 ? c.fh : c.fw;
  const s = c.stride[axis];
  const d = c.dilation?.[axis] ?? 1;
  const eff = (f - 1) * d + 1;
  if (c.pad === 'valid') return { out: Math.ceil((size - eff + 1) / s), before: 0 };
  if (c.pad === 'same') {
    const out = Math.ceil(size / s);
    const total = Math.max((out - 1) * s + eff - size, 0);
    return { out, before: Math.floor(total / 2) };
  }
  const [b, a] = c.pad[axis + 1];
  return { out: Math.floor((size + b + a - eff) / s) + 1, before: b };
}

/** Output height (axis 0) or width (axis 1) of the forward convolution. */
export function outSize(c: ConvCase, axis: 0 | 1): number {
  return geometry(c, axis).out;
}

/**
 * The textbook loop over every (output pixel, tap, channel pair) of the
 * forward convolution, accumulating both gradients: the independent reference.
 */
function naiveGrads(
  c: ConvCase,
  x: Float32Array,
  wt: Float32Array,
  dy: Float32Array,
): { dx: Float64Array; dw: Float64Array } {
  const gh = geometry(c, 0);
  const gw = geometry(c, 1);
  const [sh, sw] = c.stride;
  const [dh, dwl] = c.dilation ?? [1, 1];
  const outC = c.depthwise ? c.ci * c.co : c.co;
  const dx = new Float64Array(c.n * c.h * c.w * c.ci);
  const dw = new Float64Array(c.fh * c.fw * c.ci * c.co);
  for (let n = 0; n < c.n; n++)
    for (let i = 0; i < gh.out; i++)
      for (let j = 0; j < gw.out; j++)
        for (let a = 0; a < c.fh; a++)
          for (let b = 0; b < c.fw; b++) {
            const y = i * sh + a * dh - gh.before;
            const xx = j * sw + b * dwl - gw.before;
            if (y < 0 || y >= c.h || xx < 0 || xx >= c.w) continue;
            for (let ci = 0; ci < c.ci; ci++)
              for (let k = 0; k < c.co; k++) {
                const oc = c.depthwise ? ci * c.co + k : k;
                const xi = ((n * c.h + y) * c.w + xx) * c.ci + ci;
                const wi = ((a * c.fw + b) * c.ci + ci) * c.co + k;
                const g = dy[((n * gh.out + i) * gw.out + j) * outC + oc];
                dw[wi] += x[xi] * g;
                dx[xi] += wt[wi] * g;
              }
          }
  return { dx, dw };
}

/** dW of the case with x and dy drawn by `randomArray` from the given seeds. */
export function naiveConvFilterGrad(c: ConvCase, xSeed: number, dySeed: number): Float64Array {
  const outC = c.depthwise ? c.ci * c.co : c.co;
  const x = randomArray(c.n * c.h * c.w * c.ci, xSeed);
  const dy = randomArray(c.n * outSize(c, 0) * outSize(c, 1) * outC, dySeed);
  return naiveGrads(c, x, new Float32Array(c.fh * c.fw * c.ci * c.co), dy).dw;
}

/** dx of the case with the filter and dy drawn by `randomArray` from the given seeds. */
export function naiveConvInputGrad(c: ConvCase, wSeed: number, dySeed: number): Float64Array {
  const outC = c.depthwise ? c.ci * c.co : c.co;
  const wt = randomArray(c.fh * c.fw * c.ci * c.co, wSeed);
  const dy = randomArray(c.n * outSize(c, 0) * outSize(c, 1) * outC, dySeed);
  return naiveGrads(c, new Float32Array(c.n * c.h * c.w * c.ci), wt, dy).dx;
}
