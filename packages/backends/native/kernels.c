/*
 * WASM SIMD kernels of @ssl/backends, compiled by scripts/build-wasm.mjs
 * (clang --target=wasm32 -msimd128 -O3 -nostdlib, memory imported) twice:
 * the SIMD128 build, and the relaxed-SIMD build (-mrelaxed-simd
 * -DSSL_RELAXED_SIMD) whose multiply-adds are f32x4.relaxed_madd, a fused
 * multiply-add where the hardware has one (x86 FMA3, Arm NEON). The loader
 * picks the relaxed build where WebAssembly validates it (Node >= 21,
 * Chrome >= 114).
 *
 * The module shares the wasm backend's own memory: every pointer is a byte
 * offset into tfjs-backend-wasm's heap (tensor data as they are, scratch
 * from its malloc). So this file must not define static data (the linker
 * would write it into that heap at instantiation); the build script refuses
 * a module with a data section. The shadow stack, if the compiler ever uses
 * one, is pointed into a malloc'd block by the loader (__stack_pointer).
 *
 * Layouts are tfjs's: NHWC activations, [fh, fw, Ci, Co] filters.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef v128_t f4;

static inline f4 splat(const float *p) { return wasm_v128_load32_splat(p); }
static inline f4 ld(const float *p) { return wasm_v128_load(p); }
static inline void st(float *p, f4 v) { wasm_v128_store(p, v); }
/* acc + a * b: fused (one rounding) in the relaxed build where the CPU has FMA, else mul then add */
#ifdef SSL_RELAXED_SIMD
static inline f4 madd(f4 acc, f4 a, f4 b) { return __builtin_wasm_relaxed_madd_f32x4(a, b, acc); }
#else
static inline f4 madd(f4 acc, f4 a, f4 b) { return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b)); }
#endif

/*
 * Zero-padded copy of x [n, h, w, c] into xp [n, hp, wp, c]:
 * xp[n, y + top, x + left, c] = x[n, y, x, c], zeros elsewhere; rows/columns
 * of x beyond hp - top / wp - left are dropped.
 */
EXPORT(pad_nhwc)
void pad_nhwc(const float *x, int n, int h, int w, int c, float *xp, int hp, int wp, int top,
              int left) {
  const int rowOut = wp * c;
  for (int b = 0; b < n; b++) {
    for (int y = 0; y < hp; y++) {
      float *dst = xp + ((long)b * hp + y) * rowOut;
      const int sy = y - top;
      if (sy < 0 || sy >= h) {
        for (int k = 0; k < rowOut; k++) dst[k] = 0.0f;
        continue;
      }
      const float *src = x + ((long)b * h + sy) * w * c;
      for (int xx = 0; xx < wp; xx++) {
        const int sx = xx - left;
        float *d = dst + xx * c;
        if (sx < 0 || sx >= w)
          for (int k = 0; k < c; k++) d[k] = 0.0f;
        else
          for (int k = 0; k < c; k++) d[k] = src[sx * c + k];
      }
    }
  }
}

/*
 * Filter gradient of a 2-D convolution, accumulated into dw (which the caller
 * zeroes), for images [first, first + count):
 *
 *   dw[a, b, ci, co] += sum_{n,i,j} xp[n, i*sh + a*dh, j*sw + b*dw, ci] * dy[n, i, j, co]
 *
 * xp is x already padded ([n, hp, wp, ci], every tap in range). dw is seen
 * as a [m = fh*fw*ci, co] matrix; row m reads xp at offset
 * ((a*dh)*wp + b*dwd)*ci + c from a pixel's origin. Tiles of 4 rows x 8
 * columns hold their sums in registers over `block` images at a time (so
 * that their x and dy stay in cache).
 */
/* Every output row of images [first, last): n, then i. */
#define FOR_PIXEL_ROWS \
  for (int n = first; n < last; n++) \
    for (int i = 0; i < ho; i++)

static inline int rowOffset(int m, int ci, int fw, int dh, int dwd, int wp) {
  const int tap = m / ci, c = m - tap * ci;
  const int a = tap / fw, b = tap - a * fw;
  return ((a * dh) * wp + b * dwd) * ci + c;
}

EXPORT(conv2d_filter_grad)
void conv2d_filter_grad(const float *xp, int count, int hp, int wp, int ci, const float *dy,
                        int ho, int wo, int co, int fh, int fw, int sh, int sw, int dh, int dwd,
                        int block, float *dw) {
  const int m = fh * fw * ci;
  const long xImage = (long)hp * wp * ci;
  const long dyImage = (long)ho * wo * co;
  const int xRow = sh * wp * ci; /* next output row */
  const int xCol = sw * ci;      /* next output column */
  const int co8 = co & ~7, co4 = co & ~3;
  for (int first = 0; first < count; first += block) {
    const int last = first + block < count ? first + block : count;
    int r = 0;
    for (; r + 4 <= m; r += 4) {
      const int o0 = rowOffset(r, ci, fw, dh, dwd, wp), o1 = rowOffset(r + 1, ci, fw, dh, dwd, wp);
      const int o2 = rowOffset(r + 2, ci, fw, dh, dwd, wp), o3 = rowOffset(r + 3, ci, fw, dh, dwd, wp);
      float *d0 = dw + (long)r * co, *d1 = d0 + co, *d2 = d1 + co, *d3 = d2 + co;
      int k = 0;
      for (; k < co8; k += 8) {
        f4 a0 = ld(d0 + k), b0 = ld(d0 + k + 4), a1 = ld(d1 + k), b1 = ld(d1 + k + 4);
        f4 a2 = ld(d2 + k), b2 = ld(d2 + k + 4), a3 = ld(d3 + k), b3 = ld(d3 + k + 4);
        FOR_PIXEL_ROWS {
          const float *xr = xp + n * xImage + i * xRow;
          const float *g = dy + n * dyImage + (long)i * wo * co + k;
          for (int j = 0; j < wo; j++, xr += xCol, g += co) {
            const f4 g0 = ld(g), g1 = ld(g + 4);
            f4 v = splat(xr + o0);
            a0 = madd(a0, v, g0), b0 = madd(b0, v, g1);
            v = splat(xr + o1);
            a1 = madd(a1, v, g0), b1 = madd(b1, v, g1);
            v = splat(xr + o2);
            a2 = madd(a2, v, g0), b2 = madd(b2, v, g1);
            v = splat(xr + o3);
            a3 = madd(a3, v, g0), b3 = madd(b3, v, g1);
          }
        }
        st(d0 + k, a0), st(d0 + k + 4, b0), st(d1 + k, a1), st(d1 + k + 4, b1);
        st(d2 + k, a2), st(d2 + k + 4, b2), st(d3 + k, a3), st(d3 + k + 4, b3);
      }
      for (; k < co4; k += 4) {
        f4 a0 = ld(d0 + k), a1 = ld(d1 + k), a2 = ld(d2 + k), a3 = ld(d3 + k);
        FOR_PIXEL_ROWS {
          const float *xr = xp + n * xImage + i * xRow;
          const float *g = dy + n * dyImage + (long)i * wo * co + k;
          for (int j = 0; j < wo; j++, xr += xCol, g += co) {
            const f4 g0 = ld(g);
            a0 = madd(a0, splat(xr + o0), g0), a1 = madd(a1, splat(xr + o1), g0);
            a2 = madd(a2, splat(xr + o2), g0), a3 = madd(a3, splat(xr + o3), g0);
          }
        }
        st(d0 + k, a0), st(d1 + k, a1), st(d2 + k, a2), st(d3 + k, a3);
      }
      for (; k < co; k++) {
        float s0 = d0[k], s1 = d1[k], s2 = d2[k], s3 = d3[k];
        FOR_PIXEL_ROWS {
          const float *xr = xp + n * xImage + i * xRow;
          const float *g = dy + n * dyImage + (long)i * wo * co + k;
          for (int j = 0; j < wo; j++, xr += xCol, g += co) {
            s0 += xr[o0] * *g, s1 += xr[o1] * *g, s2 += xr[o2] * *g, s3 += xr[o3] * *g;
          }
        }
        d0[k] = s0, d1[k] = s1, d2[k] = s2, d3[k] = s3;
      }
    }
    for (; r < m; r++) {
      const int o0 = rowOffset(r, ci, fw, dh, dwd, wp);
      float *d0 = dw + (long)r * co;
      int k = 0;
      for (; k < co8; k += 8) {
        f4 a0 = ld(d0 + k), b0 = ld(d0 + k + 4);
        FOR_PIXEL_ROWS {
          const float *xr = xp + n * xImage + i * xRow;
          const float *g = dy + n * dyImage + (long)i * wo * co + k;
          for (int j = 0; j < wo; j++, xr += xCol, g += co) {
            const f4 v = splat(xr + o0);
            a0 = madd(a0, v, ld(g)), b0 = madd(b0, v, ld(g + 4));
          }
        }
        st(d0 + k, a0), st(d0 + k + 4, b0);
      }
      for (; k < co; k++) {
        float s0 = d0[k];
        FOR_PIXEL_ROWS {
          const float *xr = xp + n * xImage + i * xRow;
          const float *g = dy + n * dyImage + (long)i * wo * co + k;
          for (int j = 0; j < wo; j++, xr += xCol, g += co) s0 += xr[o0] * *g;
        }
        d0[k] = s0;
      }
    }
  }
}

/*
 * MaxPoolGrad of a 2x2 window at stride 2 without padding, x [n, h, w, c],
 * dy [n, h/2, w/2, c] (floors), dx [n, h, w, c]: every window's first maximum
 * in row-major order takes dy, as on the cpu backend (NaN and -Infinity never
 * win); positions in no window (an odd last row or column) get zero.
 */
static inline float pick(int win, float g) { return win ? g : 0.0f; }

EXPORT(max_pool_grad_2x2)
void max_pool_grad_2x2(const float *x, const float *dy, float *dx, int n, int h, int w, int c) {
  const int ho = h / 2, wo = w / 2;
  const long row = (long)w * c;
  const int c4 = c & ~3;
  const f4 none = wasm_f32x4_splat(-__builtin_inff());
  for (long k = 0, total = (long)n * h * row; k < total; k++) dx[k] = 0.0f;
  for (int b = 0; b < n; b++) {
    for (int i = 0; i < ho; i++) {
      const float *x0 = x + ((long)b * h + 2 * i) * row;
      float *d0 = dx + ((long)b * h + 2 * i) * row;
      const float *g = dy + (((long)b * ho + i) * wo) * c;
      for (int j = 0; j < wo; j++, g += c) {
        const float *p00 = x0 + 2 * j * c, *p01 = p00 + c, *p10 = p00 + row, *p11 = p10 + c;
        float *q00 = d0 + 2 * j * c, *q01 = q00 + c, *q10 = q00 + row, *q11 = q10 + c;
        int k = 0;
        for (; k < c4; k += 4) {
          const f4 v00 = ld(p00 + k), v01 = ld(p01 + k), v10 = ld(p10 + k), v11 = ld(p11 + k);
          const f4 m0 = wasm_f32x4_gt(v00, none);
          f4 best = wasm_v128_bitselect(v00, none, m0);
          const f4 m1 = wasm_f32x4_gt(v01, best);
          best = wasm_v128_bitselect(v01, best, m1);
          const f4 m2 = wasm_f32x4_gt(v10, best);
          best = wasm_v128_bitselect(v10, best, m2);
          const f4 m3 = wasm_f32x4_gt(v11, best);
          /* the last position that raised the maximum wins */
          const f4 w2 = wasm_v128_andnot(m2, m3);
          const f4 w1 = wasm_v128_andnot(m1, wasm_v128_or(m2, m3));
          const f4 w0 = wasm_v128_andnot(m0, wasm_v128_or(m1, wasm_v128_or(m2, m3)));
          const f4 gv = ld(g + k);
          st(q00 + k, wasm_v128_and(gv, w0)), st(q01 + k, wasm_v128_and(gv, w1));
          st(q10 + k, wasm_v128_and(gv, w2)), st(q11 + k, wasm_v128_and(gv, m3));
        }
        for (; k < c; k++) {
          int at = -1;
          float best = -__builtin_inff();
          if (p00[k] > best) at = 0, best = p00[k];
          if (p01[k] > best) at = 1, best = p01[k];
          if (p10[k] > best) at = 2, best = p10[k];
          if (p11[k] > best) at = 3;
          q00[k] = pick(at == 0, g[k]), q01[k] = pick(at == 1, g[k]);
          q10[k] = pick(at == 2, g[k]), q11[k] = pick(at == 3, g[k]);
        }
      }
    }
  }
}

/*
 * Sum over the leading axis of x seen as [rows, inner]: out[k] = sum_r x[r, k].
 * Rows are added in float32 by blocks of 256, and the blocks' sums in float64
 * (acc, `inner` doubles of scratch), then rounded once into out.
 */
#define SUM_BLOCK 256

EXPORT(sum_rows)
void sum_rows(const float *x, long rows, int inner, double *acc, float *out) {
  const int i8 = inner & ~7, i4 = inner & ~3;
  for (int k = 0; k < inner; k++) acc[k] = 0.0;
  for (long first = 0; first < rows; first += SUM_BLOCK) {
    const long last = first + SUM_BLOCK < rows ? first + SUM_BLOCK : rows;
    int k = 0;
    for (; k < i8; k += 8) {
      f4 s0 = wasm_f32x4_splat(0.0f), s1 = s0;
      const float *p = x + first * inner + k;
      for (long r = first; r < last; r++, p += inner) s0 = wasm_f32x4_add(s0, ld(p)), s1 = wasm_f32x4_add(s1, ld(p + 4));
      acc[k] += wasm_f32x4_extract_lane(s0, 0), acc[k + 1] += wasm_f32x4_extract_lane(s0, 1);
      acc[k + 2] += wasm_f32x4_extract_lane(s0, 2), acc[k + 3] += wasm_f32x4_extract_lane(s0, 3);
      acc[k + 4] += wasm_f32x4_extract_lane(s1, 0), acc[k + 5] += wasm_f32x4_extract_lane(s1, 1);
      acc[k + 6] += wasm_f32x4_extract_lane(s1, 2), acc[k + 7] += wasm_f32x4_extract_lane(s1, 3);
    }
    for (; k < i4; k += 4) {
      f4 s0 = wasm_f32x4_splat(0.0f);
      const float *p = x + first * inner + k;
      for (long r = first; r < last; r++, p += inner) s0 = wasm_f32x4_add(s0, ld(p));
      acc[k] += wasm_f32x4_extract_lane(s0, 0), acc[k + 1] += wasm_f32x4_extract_lane(s0, 1);
      acc[k + 2] += wasm_f32x4_extract_lane(s0, 2), acc[k + 3] += wasm_f32x4_extract_lane(s0, 3);
    }
    for (; k < inner; k++) {
      float s = 0.0f;
      const float *p = x + first * inner + k;
      for (long r = first; r < last; r++, p += inner) s += *p;
      acc[k] += s;
    }
  }
  for (int k = 0; k < inner; k++) out[k] = (float)acc[k];
}

/*
 * Forward 2-D convolution, out [n, ho, wo, co] (written, not accumulated):
 *
 *   out[n, i, j, co] = sum_{a,b,c} xp[n, i*sh + a*dh, j*sw + b*dwd, c] * w[a, b, c, co]
 *
 * xp is x already padded ([n, hp, wp, ci], every tap in range). Tiles of
 * 4 output pixels x 8 channels hold their sums in registers over the
 * fh*fw*ci reduction. Cache blocking: images go by in blocks of `block`
 * (their xp fits in L2), and within a block one 8-column slice of w
 * (fh*fw*ci x 8: 147 KB at 3x3x512) serves every pixel of every image of
 * the block before the next slice, so w — 9 MB at 3x3x512x512, more than
 * L2 — is read once per block rather than once per image.
 */
static inline int pixelOffset(int q, int wo, int sh, int sw, int wp, int ci) {
  const int i = q / wo, j = q - i * wo;
  return (i * sh * wp + j * sw) * ci;
}

EXPORT(conv2d_forward)
void conv2d_forward(const float *xp, int n, int hp, int wp, int ci, const float *w, int fh, int fw,
                    int co, int ho, int wo, int sh, int sw, int dh, int dwd, int block,
                    float *out) {
  const long xImage = (long)hp * wp * ci;
  const int pixels = ho * wo;
  const int co8 = co & ~7, co4 = co & ~3;
  const int tapRow = dh * wp * ci, tapCol = dwd * ci;
  for (int first = 0; first < n; first += block) {
    const int last = first + block < n ? first + block : n;
    int k = 0;
    for (; k < co8; k += 8) {
      for (int b = first; b < last; b++) {
        const float *xi = xp + b * xImage;
        float *oi = out + (long)b * pixels * co;
        int q = 0;
        for (; q + 4 <= pixels; q += 4) {
          const float *x0 = xi + pixelOffset(q, wo, sh, sw, wp, ci);
          const float *x1 = xi + pixelOffset(q + 1, wo, sh, sw, wp, ci);
          const float *x2 = xi + pixelOffset(q + 2, wo, sh, sw, wp, ci);
          const float *x3 = xi + pixelOffset(q + 3, wo, sh, sw, wp, ci);
          f4 a0 = wasm_f32x4_splat(0.0f), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
          const float *wr = w + k;
          for (int ta = 0; ta < fh; ta++) {
            for (int tb = 0; tb < fw; tb++) {
              const int t = ta * tapRow + tb * tapCol;
              for (int c = 0; c < ci; c++, wr += co) {
                const f4 w0 = ld(wr), w1 = ld(wr + 4);
                f4 v = splat(x0 + t + c);
                a0 = madd(a0, v, w0), b0 = madd(b0, v, w1);
                v = splat(x1 + t + c);
                a1 = madd(a1, v, w0), b1 = madd(b1, v, w1);
                v = splat(x2 + t + c);
                a2 = madd(a2, v, w0), b2 = madd(b2, v, w1);
                v = splat(x3 + t + c);
                a3 = madd(a3, v, w0), b3 = madd(b3, v, w1);
              }
            }
          }
          float *o = oi + (long)q * co + k;
          st(o, a0), st(o + 4, b0), st(o + co, a1), st(o + co + 4, b1);
          st(o + 2 * co, a2), st(o + 2 * co + 4, b2), st(o + 3 * co, a3), st(o + 3 * co + 4, b3);
        }
        for (; q < pixels; q++) {
          const float *x0 = xi + pixelOffset(q, wo, sh, sw, wp, ci);
          f4 a0 = wasm_f32x4_splat(0.0f), b0 = a0;
          const float *wr = w + k;
          for (int ta = 0; ta < fh; ta++)
            for (int tb = 0; tb < fw; tb++) {
              const int t = ta * tapRow + tb * tapCol;
              for (int c = 0; c < ci; c++, wr += co) {
                const f4 v = splat(x0 + t + c);
                a0 = madd(a0, v, ld(wr)), b0 = madd(b0, v, ld(wr + 4));
              }
            }
          float *o = oi + (long)q * co + k;
          st(o, a0), st(o + 4, b0);
        }
      }
    }
    for (; k < co4; k += 4) {
      for (int b = first; b < last; b++) {
        const float *xi = xp + b * xImage;
        float *oi = out + (long)b * pixels * co;
        for (int q = 0; q < pixels; q++) {
          const float *x0 = xi + pixelOffset(q, wo, sh, sw, wp, ci);
          f4 a0 = wasm_f32x4_splat(0.0f);
          const float *wr = w + k;
          for (int ta = 0; ta < fh; ta++)
            for (int tb = 0; tb < fw; tb++) {
              const int t = ta * tapRow + tb * tapCol;
              for (int c = 0; c < ci; c++, wr += co) a0 = madd(a0, splat(x0 + t + c), ld(wr));
            }
          st(oi + (long)q * co + k, a0);
        }
      }
    }
    for (; k < co; k++) {
      for (int b = first; b < last; b++) {
        const float *xi = xp + b * xImage;
        float *oi = out + (long)b * pixels * co;
        for (int q = 0; q < pixels; q++) {
          const float *x0 = xi + pixelOffset(q, wo, sh, sw, wp, ci);
          float s = 0.0f;
          const float *wr = w + k;
          for (int ta = 0; ta < fh; ta++)
            for (int tb = 0; tb < fw; tb++) {
              const int t = ta * tapRow + tb * tapCol;
              for (int c = 0; c < ci; c++, wr += co) s += x0[t + c] * *wr;
            }
          oi[(long)q * co + k] = s;
        }
      }
    }
  }
}

/*
 * The inverse of pad_nhwc: dx [n, h, w, c] gets xp [n, hp, wp, c] shifted by
 * (top, left), dx[n, y, x, c] = xp[n, y + top, x + left, c], and zero where
 * that position is outside xp (rows/columns no convolution tap reached).
 */
EXPORT(crop_nhwc)
void crop_nhwc(const float *xp, int n, int hp, int wp, int c, float *dx, int h, int w, int top,
               int left) {
  for (int b = 0; b < n; b++) {
    for (int y = 0; y < h; y++) {
      float *dst = dx + ((long)b * h + y) * w * c;
      const int sy = y + top;
      if (sy < 0 || sy >= hp) {
        for (int k = 0; k < w * c; k++) dst[k] = 0.0f;
        continue;
      }
      const float *src = xp + ((long)b * hp + sy) * wp * c;
      for (int xx = 0; xx < w; xx++) {
        const int sx = xx + left;
        float *d = dst + xx * c;
        if (sx < 0 || sx >= wp)
          for (int k = 0; k < c; k++) d[k] = 0.0f;
        else
          for (int k = 0; k < c; k++) d[k] = src[sx * c + k];
      }
    }
  }
}

/*
 * Input gradient of a 2-D convolution into the padded frame, dxp [n, hp, wp, ci]
 * (the caller zeroes it; crop_nhwc then takes dx out of it):
 *
 *   dxp[n, i*sh + a*dh, j*sw + b*dwd, c] += sum_co dy[n, i, j, co] * wt[a, b, co, c]
 *
 * wt is the filter with its channel axes swapped ([fh, fw, co, ci]). One tap
 * at a time, tiles of 4 output pixels x 8 input channels load their 4 x 8 sums
 * from dxp, add the co-long reduction in registers, and store them back: a
 * GEMM per tap whose rows scatter to the pixels that tap reaches, so strided
 * and 1x1 convolutions multiply no inserted zeros. Within one tap, distinct
 * output pixels reach distinct input pixels, so a tile never overlaps itself.
 * Cache blocking as in conv2d_forward: images in blocks of `block`; a tap's
 * co x 8 slice of wt (16 KB at co = 512) stays in L1 while the pixels of
 * every image of the block go by.
 */
EXPORT(conv2d_input_grad)
void conv2d_input_grad(const float *dy, int n, int ho, int wo, int co, const float *wt, int fh,
                       int fw, int ci, int sh, int sw, int dh, int dwd, float *dxp, int hp,
                       int wp, int block) {
  const int pixels = ho * wo;
  const long dxImage = (long)hp * wp * ci;
  const int ci8 = ci & ~7, ci4 = ci & ~3;
  for (int first = 0; first < n; first += block) {
    const int last = first + block < n ? first + block : n;
    for (int ta = 0; ta < fh; ta++) {
      for (int tb = 0; tb < fw; tb++) {
        const float *wtap = wt + (long)(ta * fw + tb) * co * ci;
        const long tap = ((long)ta * dh * wp + tb * dwd) * ci;
        int k = 0;
        for (; k < ci8; k += 8) {
          for (int b = first; b < last; b++) {
            const float *gi = dy + (long)b * pixels * co;
            float *dtap = dxp + b * dxImage + tap;
            int q = 0;
            for (; q + 4 <= pixels; q += 4) {
              float *o0 = dtap + pixelOffset(q, wo, sh, sw, wp, ci) + k;
              float *o1 = dtap + pixelOffset(q + 1, wo, sh, sw, wp, ci) + k;
              float *o2 = dtap + pixelOffset(q + 2, wo, sh, sw, wp, ci) + k;
              float *o3 = dtap + pixelOffset(q + 3, wo, sh, sw, wp, ci) + k;
              const float *g0 = gi + (long)q * co, *g1 = g0 + co, *g2 = g1 + co, *g3 = g2 + co;
              f4 a0 = ld(o0), b0 = ld(o0 + 4), a1 = ld(o1), b1 = ld(o1 + 4);
              f4 a2 = ld(o2), b2 = ld(o2 + 4), a3 = ld(o3), b3 = ld(o3 + 4);
              const float *wr = wtap + k;
              for (int c = 0; c < co; c++, wr += ci) {
                const f4 w0 = ld(wr), w1 = ld(wr + 4);
                f4 v = splat(g0 + c);
                a0 = madd(a0, v, w0), b0 = madd(b0, v, w1);
                v = splat(g1 + c);
                a1 = madd(a1, v, w0), b1 = madd(b1, v, w1);
                v = splat(g2 + c);
                a2 = madd(a2, v, w0), b2 = madd(b2, v, w1);
                v = splat(g3 + c);
                a3 = madd(a3, v, w0), b3 = madd(b3, v, w1);
              }
              st(o0, a0), st(o0 + 4, b0), st(o1, a1), st(o1 + 4, b1);
              st(o2, a2), st(o2 + 4, b2), st(o3, a3), st(o3 + 4, b3);
            }
            for (; q < pixels; q++) {
              float *o0 = dtap + pixelOffset(q, wo, sh, sw, wp, ci) + k;
              const float *g0 = gi + (long)q * co;
              f4 a0 = ld(o0), b0 = ld(o0 + 4);
              const float *wr = wtap + k;
              for (int c = 0; c < co; c++, wr += ci) {
                const f4 v = splat(g0 + c);
                a0 = madd(a0, v, ld(wr)), b0 = madd(b0, v, ld(wr + 4));
              }
              st(o0, a0), st(o0 + 4, b0);
            }
          }
        }
        for (; k < ci4; k += 4) {
          for (int b = first; b < last; b++) {
            const float *gi = dy + (long)b * pixels * co;
            float *dtap = dxp + b * dxImage + tap;
            for (int q = 0; q < pixels; q++) {
              float *o0 = dtap + pixelOffset(q, wo, sh, sw, wp, ci) + k;
              const float *g0 = gi + (long)q * co;
              f4 a0 = ld(o0);
              const float *wr = wtap + k;
              for (int c = 0; c < co; c++, wr += ci) a0 = madd(a0, splat(g0 + c), ld(wr));
              st(o0, a0);
            }
          }
        }
        for (; k < ci; k++) {
          for (int b = first; b < last; b++) {
            const float *gi = dy + (long)b * pixels * co;
            float *dtap = dxp + b * dxImage + tap;
            for (int q = 0; q < pixels; q++) {
              float *o0 = dtap + pixelOffset(q, wo, sh, sw, wp, ci) + k;
              const float *g0 = gi + (long)q * co;
              float s = *o0;
              const float *wr = wtap + k;
              for (int c = 0; c < co; c++, wr += ci) s += g0[c] * *wr;
              *o0 = s;
            }
          }
        }
      }
    }
  }
}
