import type * as tf from '@tensorflow/tfjs-core';

/** The geometry of a 2-D convolution in NHWC, as in tfjs's Conv2DInfo. */
type Geometry = Pick<
  tf.backend_util.Conv2DInfo,
  | 'batchSize'
  | 'inHeight'
  | 'inWidth'
  | 'inChannels'
  | 'outHeight'
  | 'outWidth'
  | 'filterHeight'
  | 'filterWidth'
  | 'strideHeight'
  | 'strideWidth'
  | 'dilationHeight'
  | 'dilationWidth'
> & { padInfo: { top: number; left: number } };

/**
 * Unfolds images `first` .. `first + count - 1` (default: all) of x
 * [N, H, W, C] into the patch matrix cols [count*Ho*Wo, fh*fw*C]: row
 * (n, i, j) holds the receptive field of output pixel (i, j) of image n, tap
 * by tap, channels contiguous (zeros where the field hangs over the padding).
 *
 * cols[(n,i,j), (a,b,c)] = x[n, i*sh + a*dh - padTop, j*sw + b*dw - padLeft, c]
 */
export function im2col(
  x: Float32Array,
  g: Geometry,
  cols: Float32Array,
  first = 0,
  count = g.batchSize,
): void {
  const c = g.inChannels;
  const rowLen = g.filterHeight * g.filterWidth * c;
  let r = 0;
  for (let n = first; n < first + count; n++) {
    const xImage = n * g.inHeight * g.inWidth * c;
    for (let i = 0; i < g.outHeight; i++) {
      const y0 = i * g.strideHeight - g.padInfo.top;
      for (let j = 0; j < g.outWidth; j++, r++) {
        const x0 = j * g.strideWidth - g.padInfo.left;
        let o = r * rowLen;
        for (let a = 0; a < g.filterHeight; a++) {
          const y = y0 + a * g.dilationHeight;
          const inRow = y >= 0 && y < g.inHeight;
          for (let b = 0; b < g.filterWidth; b++, o += c) {
            const xc = x0 + b * g.dilationWidth;
            if (inRow && xc >= 0 && xc < g.inWidth) {
              const p = xImage + (y * g.inWidth + xc) * c;
              for (let k = 0; k < c; k++) cols[o + k] = x[p + k];
            } else {
              cols.fill(0, o, o + c);
            }
          }
        }
      }
    }
  }
}

/**
 * The adjoint of {@link im2col}: adds every patch row of cols [N*Ho*Wo,
 * fh*fw*C] back into the pixels it came from; dx [N, H, W, C] must be zeroed.
 *
 * dx[n, i*sh + a*dh - padTop, j*sw + b*dw - padLeft, c] += cols[(n,i,j), (a,b,c)]
 */
export function col2im(cols: Float32Array, g: Geometry, dx: Float32Array): void {
  const c = g.inChannels;
  const rowLen = g.filterHeight * g.filterWidth * c;
  let r = 0;
  for (let n = 0; n < g.batchSize; n++) {
    const xImage = n * g.inHeight * g.inWidth * c;
    for (let i = 0; i < g.outHeight; i++) {
      const y0 = i * g.strideHeight - g.padInfo.top;
      for (let j = 0; j < g.outWidth; j++, r++) {
        const x0 = j * g.strideWidth - g.padInfo.left;
        let o = r * rowLen;
        for (let a = 0; a < g.filterHeight; a++) {
          const y = y0 + a * g.dilationHeight;
          const inRow = y >= 0 && y < g.inHeight;
          for (let b = 0; b < g.filterWidth; b++, o += c) {
            const xc = x0 + b * g.dilationWidth;
            if (!inRow || xc < 0 || xc >= g.inWidth) continue;
            const p = xImage + (y * g.inWidth + xc) * c;
            for (let k = 0; k < c; k++) dx[p + k] += cols[o + k];
          }
        }
      }
    }
  }
}
