/**
 * The fixed 2-D sine-cosine position table of MAE (He et al. 2022, the
 * authors' `get_2d_sincos_pos_embed`), for a `gh x gw` grid of patches in
 * raster order, with a zero row first for the class token:
 * `[1 + gh·gw, dim]`, row-major in a Float32Array.
 *
 * Patch (row i, column j) gets `[enc(j), enc(i)]`: the first `dim/2` values
 * encode the column, the last `dim/2` the row, where for `k < dim/4`
 * `enc(x)[k] = sin(x·ω_k)`, `enc(x)[dim/4 + k] = cos(x·ω_k)`,
 * `ω_k = 10000^(-k/(dim/4))`. `dim` must be divisible by 4.
 */
export function sincosTable(gridSize: [number, number], dim: number): Float32Array {
  const [gh, gw] = gridSize;
  if (dim % 4 !== 0) {
    throw new Error(`sincosTable: dim must be divisible by 4 (2-D sin-cos positions), got ${dim}`);
  }
  const quarter = dim / 4;
  const out = new Float32Array((1 + gh * gw) * dim); // row 0: the class token, zeros
  for (let i = 0; i < gh; i++)
    for (let j = 0; j < gw; j++) {
      const row = (1 + i * gw + j) * dim;
      for (let k = 0; k < quarter; k++) {
        const omega = 1 / Math.pow(10000, k / quarter);
        out[row + k] = Math.sin(j * omega);
        out[row + quarter + k] = Math.cos(j * omega);
        out[row + 2 * quarter + k] = Math.sin(i * omega);
        out[row + 3 * quarter + k] = Math.cos(i * omega);
      }
    }
  return out;
}
