/**
 * Draws pairs of augmented views side by side: row r shows view 1 and view 2 of image r.
 * `views` holds two arrays of single-channel images (H*W values in [0,1]).
 */
export function drawViewPairs(
  canvas: HTMLCanvasElement,
  view1: Float32Array,
  view2: Float32Array,
  count: number,
  size: number,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const scale = 2;
  const cell = size * scale + 6;
  const perRow = Math.max(1, Math.floor(canvas.width / (2 * cell + 10)));
  for (let i = 0; i < count; i++) {
    const col = i % perRow;
    const row = Math.floor(i / perRow);
    const x0 = col * (2 * cell + 10);
    const y0 = row * cell;
    if (y0 + cell > canvas.height) break;
    [view1, view2].forEach((v, j) => {
      const img = ctx.createImageData(size, size);
      for (let p = 0; p < size * size; p++) {
        const g = Math.round(255 * Math.min(1, Math.max(0, v[i * size * size + p])));
        img.data.set([g, g, g, 255], 4 * p);
      }
      const tmp = document.createElement('canvas');
      tmp.width = size;
      tmp.height = size;
      tmp.getContext('2d')?.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(tmp, x0 + j * cell, y0, size * scale, size * scale);
    });
  }
}
