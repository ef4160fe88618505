// The files `ssl embed` writes: embeddings as CSV, JSON lines or NumPy .npy,
// and a 2-D map of them as SVG.

/** One row: the image's name (file or index), its class name ('' when unknown), its embedding. */
export interface EmbeddingRows {
  names: string[];
  labels: string[];
  /** [n, d] row-major. */
  values: Float32Array;
  dim: number;
}

/** A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `file,label,f0,...,f{d-1}` and one line a row. */
export function embeddingsCsv(r: EmbeddingRows): string {
  const head = ['file', 'label', ...Array.from({ length: r.dim }, (_, j) => `f${j}`)].join(',');
  const lines = r.names.map((name, i) => {
    const v = Array.from(r.values.subarray(i * r.dim, (i + 1) * r.dim), String);
    return [csvField(name), csvField(r.labels[i]), ...v].join(',');
  });
  return `${[head, ...lines].join('\n')}\n`;
}

/** One JSON object a line: `{"file", "label", "embedding": [...]}`. */
export function embeddingsJsonl(r: EmbeddingRows): string {
  return r.names
    .map(
      (file, i) =>
        `${JSON.stringify({ file, label: r.labels[i], embedding: Array.from(r.values.subarray(i * r.dim, (i + 1) * r.dim)) })}\n`,
    )
    .join('');
}

/**
 * A NumPy .npy file (format 1.0) holding float32 `[n, d]` little-endian:
 * magic, version, a header dict padded with spaces to a multiple of 64 bytes
 * (ending in a newline), then the data.
 */
export function npyFloat32(values: Float32Array, shape: number[]): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pre = 10; // magic (6) + version (2) + header length (2)
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const header = `${dict}${' '.repeat(total - pre - dict.length - 1)}\n`;
  const out = new Uint8Array(total + values.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  const data = new Float32Array(values); // a copy, so its bytes can be read in order
  const le = new DataView(out.buffer, total);
  data.forEach((v, i) => le.setFloat32(4 * i, v, true));
  return out;
}

/** Ten well-separated colours (Tableau 10), then a hue wheel for more classes. */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const colour = (i: number, n: number) =>
  n <= PALETTE.length ? PALETTE[i] : `hsl(${Math.round((360 * i) / n)}, 65%, 50%)`;

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * An SVG scatter plot of 2-D points (`xy`, [n, 2] row-major), one colour a
 * class (`labels`, '' for none), a legend and a title. Pure text, no renderer.
 */
export function scatterSvg(xy: ArrayLike<number>, labels: string[], title: string): string {
  const W = 720;
  const H = 540;
  const pad = 40;
  const legendW = 140;
  const n = labels.length;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, xy[2 * i]);
    x1 = Math.max(x1, xy[2 * i]);
    y0 = Math.min(y0, xy[2 * i + 1]);
    y1 = Math.max(y1, xy[2 * i + 1]);
  }
  const sx = (v: number) => pad + ((v - x0) / (x1 - x0 || 1)) * (W - legendW - 2 * pad);
  const sy = (v: number) => H - pad - ((v - y0) / (y1 - y0 || 1)) * (H - 2 * pad);
  const classes = [...new Set(labels)].sort((a, b) =>
    a.localeCompare(b, undefined, { numeric: true }),
  );
  const index = new Map(classes.map((c, i) => [c, i]));
  const dots = labels.map(
    (l, i) =>
      `<circle cx="${sx(xy[2 * i]).toFixed(1)}" cy="${sy(xy[2 * i + 1]).toFixed(1)}" r="2.5" fill="${colour(index.get(l)!, classes.length)}" fill-opacity="0.7"/>`,
  );
  const legend = classes.map((c, i) => {
    const y = pad + 18 * i;
    return (
      `<circle cx="${W - legendW + 10}" cy="${y}" r="5" fill="${colour(i, classes.length)}"/>` +
      `<text x="${W - legendW + 22}" y="${y + 4}" font-size="12">${esc(c === '' ? '(no label)' : c)}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${pad}" y="22" font-size="14">${esc(title)}</text>`,
    `<rect x="${pad}" y="${pad}" width="${W - legendW - 2 * pad}" height="${H - 2 * pad}" fill="none" stroke="#ccc"/>`,
    `<text x="${(W - legendW) / 2}" y="${H - 10}" font-size="12" text-anchor="middle">PC 1</text>`,
    `<text x="12" y="${H / 2}" font-size="12" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">PC 2</text>`,
    ...dots,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
