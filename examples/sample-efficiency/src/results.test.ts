import { chartSpec } from './chart';
import { markdownTable, summarize, type ResultRow } from './results';
import { mean, std } from './stats';

const rows: ResultRow[] = [
  { method: 'a', labelsPerClass: 1, seed: 0, accuracy: 0.5, seconds: 1 },
  { method: 'a', labelsPerClass: 1, seed: 1, accuracy: 0.7, seconds: 1 },
  { method: 'a', labelsPerClass: 10, seed: 0, accuracy: 0.9, seconds: 1 },
  { method: 'b', labelsPerClass: 10, seed: 0, accuracy: 0.95, seconds: 1 },
];

describe('stats', () => {
  it('mean and sample standard deviation by hand', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    // deviations -2,-1,0,3: squares 4+1+0+9 = 14, / (4-1)
    expect(std([1, 2, 3, 6])).toBeCloseTo(Math.sqrt(14 / 3), 12);
    expect(std([5])).toBe(0);
    expect(mean([])).toBeNaN();
  });
});

describe('summarize / markdownTable', () => {
  it('groups by method and labels per class', () => {
    const s = summarize(rows, { a: 'Method A' });
    expect(s).toHaveLength(3);
    expect(s[0]).toMatchObject({ method: 'a', name: 'Method A', labelsPerClass: 1, seeds: 2 });
    expect(s[0].mean).toBeCloseTo(0.6, 12);
    expect(s[0].std).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(s[2]).toMatchObject({ method: 'b', name: 'b', mean: 0.95, std: 0 });
  });

  it('writes one row per method, one column per setting, mean ± std in percent', () => {
    const table = markdownTable(summarize(rows, { a: 'Method A' }));
    expect(table.split('\n')).toEqual([
      '| method | 1 label/class | 10 labels/class |',
      '|---|---:|---:|',
      '| Method A | 60.0 ± 14.1 | 90.0 ± 0.0 |',
      '| b | – | 95.0 ± 0.0 |',
    ]);
  });
});

describe('chartSpec', () => {
  it('plots accuracy in percent on a log x axis, one colour per method', () => {
    const spec = chartSpec(summarize(rows, {}), 't') as unknown as {
      data: { values: { method: string; accuracy: number }[] };
      layer: { encoding: { x: { scale: { type: string } }; color: { field: string } } }[];
    };
    expect(spec.data.values.map((v) => Math.round(v.accuracy * 1e6) / 1e6)).toEqual([60, 90, 95]);
    expect(spec.layer[0].encoding.x.scale.type).toBe('log');
    expect(spec.layer[0].encoding.color.field).toBe('method');
  });
});
