/** Draws the loss curve (raw values and a moving average) on a canvas. */
export function drawLossChart(canvas: HTMLCanvasElement, losses: number[]): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width: w, height: h } = canvas;
  const pad = 30;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = '#999';
  ctx.strokeRect(pad, 5, w - pad - 5, h - pad - 5);
  if (losses.length < 2) return;
  const lo = losses.reduce((m, v) => Math.min(m, v), Infinity);
  const hi = losses.reduce((m, v) => Math.max(m, v), -Infinity);
  const span = hi - lo || 1;
  const x = (i: number) => pad + ((w - pad - 5) * i) / (losses.length - 1);
  const y = (v: number) => 5 + (h - pad - 10) * (1 - (v - lo) / span);
  const line = (values: number[], color: string) => {
    ctx.strokeStyle = color;
    ctx.beginPath();
    values.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
    ctx.stroke();
  };
  line(losses, '#bcd');
  const k = Math.max(1, Math.floor(losses.length / 20));
  line(
    losses.map((_, i) => {
      const from = Math.max(0, i - k + 1);
      const win = losses.slice(from, i + 1);
      return win.reduce((a, b) => a + b, 0) / win.length;
    }),
    '#1f5fa8',
  );
  ctx.fillStyle = '#333';
  ctx.font = '11px sans-serif';
  ctx.fillText(hi.toFixed(2), 2, 14);
  ctx.fillText(lo.toFixed(2), 2, h - pad);
  ctx.fillText(`step ${losses.length}`, w - 60, h - 10);
}
