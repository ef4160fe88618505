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

/** Elements of the patch matrix of all images, [N*Ho*Wo, fh*fw*C] (see {@link im2col}). */
export function patchMatrixSize(g: Geometry): number {
  return g.batchSize * g.outHeight * g.outWidth * g.filterHeight * g.filterWidth * g.inChannels;
}

/**
 * For every output pixel (i, j) and tap (a, b) of one image, in that order,
 * the offset in the image [H, W, C] of the input pixel the tap reads,
 * `(y * W + x) * C`, or -1 where it hangs over the padding: [Ho*Wo*fh*fw].
 *
 * y = i*sh + a*dh - padTop, x = j*sw + b*dw - padLeft
 */
function tapSources(g: Geometry): Int32Array {
  const src = new Int32Array(g.outHeight * g.outWidth * g.filterHeight * g.filterWidth);
  let t = 0;
  for (let i = 0; i < g.outHeight; i++) {
    const y0 = i * g.strideHeight - g.padInfo.top;
    for (let j = 0; j < g.outWidth; j++) {
      const x0 = j * g.strideWidth - g.padInfo.left;
      for (let a = 0; a < g.filterHeight; a++) {
        const y = y0 + a * g.dilationHeight;
        const inRow = y >= 0 && y < g.inHeight;
        for (let b = 0; b < g.filterWidth; b++, t++) {
          const x = x0 + b * g.dilationWidth;
          src[t] = inRow && x >= 0 && x < g.inWidth ? (y * g.inWidth + x) * g.inChannels : -1;
        }
      }
    }
  }
  return src;
}

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
  const src = tapSources(g);
  let o = 0;
  for (let n = first; n < first + count; n++) {
    const xImage = n * g.inHeight * g.inWidth * c;
    for (let t = 0; t < src.length; t++, o += c) {
      const p = src[t];
      if (p < 0) cols.fill(0, o, o + c);
      else for (let k = 0; k < c; k++) cols[o + k] = x[xImage + p + k];
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
  const src = tapSources(g);
  let o = 0;
  for (let n = 0; n < g.batchSize; n++) {
    const xImage = n * g.inHeight * g.inWidth * c;
    for (let t = 0; t < src.length; t++, o += c) {
      const p = src[t];
      if (p >= 0) for (let k = 0; k < c; k++) dx[xImage + p + k] += cols[o + k];
    }
  }
}
