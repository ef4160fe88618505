import { UMAP } from 'umap-js';

export const DIGIT_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** A small seeded generator for UMAP, so the same embeddings give the same map. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Projects `features` (n rows of dim values) to 2-D with UMAP (umap-js). */
export async function umap2d(features: Float32Array, n: number, dim: number): Promise<number[][]> {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(features.subarray(i * dim, (i + 1) * dim)));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: 15,
    minDist: 0.1,
    nEpochs: 200,
    random: seeded(0),
  });
  return umap.fitAsync(rows);
}

/** Scatter plot of 2-D points coloured by digit label. */
export function drawEmbedding(
  canvas: HTMLCanvasElement,
  points: number[][],
  labels: ArrayLike<number>,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const lo = (v: number[]) => v.reduce((m, a) => Math.min(m, a), Infinity);
  const hi = (v: number[]) => v.reduce((m, a) => Math.max(m, a), -Infinity);
  const [x0, x1, y0, y1] = [lo(xs), hi(xs), lo(ys), hi(ys)];
  const pad = 10;
  points.forEach((p, i) => {
    ctx.fillStyle = DIGIT_COLORS[labels[i] % 10];
    const x = pad + ((w - 2 * pad) * (p[0] - x0)) / (x1 - x0 || 1);
    const y = pad + ((h - 2 * pad) * (p[1] - y0)) / (y1 - y0 || 1);
    ctx.beginPath();
    ctx.arc(x, y, 2.5, 0, 2 * Math.PI);
    ctx.fill();
  });
}
