import {
  csvField,
  embeddingsCsv,
  embeddingsJsonl,
  npyFloat32,
  scatterSvg,
} from './embedding-files';

const rows = {
  names: ['a.png', 'b,"c".png'],
  labels: ['cat', ''],
  values: Float32Array.from([1, 0.5, -2, 3]),
  dim: 2,
};

describe('embedding files', () => {
  it('CSV: a header, quoted names, one row an image', () => {
    expect(csvField('x')).toBe('x');
    expect(embeddingsCsv(rows)).toBe('file,label,f0,f1\na.png,cat,1,0.5\n"b,""c"".png",,-2,3\n');
  });

  it('JSON lines: one parseable object a line', () => {
    const lines = embeddingsJsonl(rows)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { file: 'a.png', label: 'cat', embedding: [1, 0.5] },
      { file: 'b,"c".png', label: '', embedding: [-2, 3] },
    ]);
  });

  it('.npy 1.0: magic, a 64-byte-aligned header, float32 little-endian data', () => {
    const b = npyFloat32(rows.values, [2, 2]);
    expect(Array.from(b.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const hlen = b[8] + 256 * b[9];
    expect((10 + hlen) % 64).toBe(0);
    const header = new TextDecoder().decode(b.subarray(10, 10 + hlen));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 2\), \} *\n$/);
    const data = new DataView(b.buffer, 10 + hlen);
    expect([0, 1, 2, 3].map((i) => data.getFloat32(4 * i, true))).toEqual([1, 0.5, -2, 3]);
    expect(b.length).toBe(10 + hlen + 16);
  });

  it('SVG: one dot a point, one legend entry a class, coordinates scaled into the frame', () => {
    const svg = scatterSvg([0, 0, 1, 1, 0.5, 0.25], ['1', '0', '1'], 'map <test>');
    expect(svg.match(/<circle [^>]*r="2.5"/g)).toHaveLength(3);
    expect(svg.match(/<circle [^>]*r="5"/g)).toHaveLength(2);
    expect(svg).toContain('map &lt;test&gt;');
    // the first point is the minimum: left-bottom corner of the frame (pad 40, height 540)
    expect(svg).toContain('<circle cx="40.0" cy="500.0"');
    expect(svg).toContain('<circle cx="540.0" cy="40.0"'); // 720 - 140 - 40 = 540
  });
});
