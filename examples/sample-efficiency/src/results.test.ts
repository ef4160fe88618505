import { chartSpec, claimTitle } from './chart';
import { markdownTable, summarize, type ResultRow } from './results';

const rows: ResultRow[] = [
  { method: 'a', labelsPerClass: 1, seed: 0, accuracy: 0.5, seconds: 1 },
  { method: 'a', labelsPerClass: 1, seed: 1, accuracy: 0.7, seconds: 1 },
  { method: 'a', labelsPerClass: 10, seed: 0, accuracy: 0.9, seconds: 1 },
  { method: 'b', labelsPerClass: 10, seed: 0, accuracy: 0.95, seconds: 1 },
];

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
  const study: ResultRow[] = [
    { method: 'scratch', labelsPerClass: 1, seed: 0, accuracy: 0.4, seconds: 1 },
    { method: 'raw-knn', labelsPerClass: 1, seed: 0, accuracy: 0.45, seconds: 1 },
    { method: 'simclr-probe', labelsPerClass: 1, seed: 0, accuracy: 0.7, seconds: 1 },
    { method: 'simclr-finetune', labelsPerClass: 1, seed: 0, accuracy: 0.8, seconds: 1 },
    { method: 'simclr-finetune', labelsPerClass: 10, seed: 0, accuracy: 0.95, seconds: 1 },
  ];
  const names = {
    scratch: 'CNN from scratch (same augmentations)',
    'raw-knn': 'raw pixels, 1-NN',
    'simclr-probe': 'SimCLR, linear probe',
    'simclr-finetune': 'SimCLR, fine-tuned',
  };

  it('plots accuracy in percent on a log x axis, one line per method, full names', () => {
    const spec = chartSpec(summarize(rows, {}), 't') as unknown as {
      data: { values: { series: string; accuracy: number }[] };
      layer: { encoding: { x: { scale: { type: string } }; color: { field: string } } }[];
    };
    expect(spec.data.values.map((v) => Math.round(v.accuracy * 1e6) / 1e6)).toEqual([60, 90, 95]);
    expect(spec.layer[0].encoding.x.scale.type).toBe('log');
    expect(spec.layer[0].encoding.color.field).toBe('series');
  });

  it('marks baselines and the best pretrained pipeline; the title states the result', () => {
    const summary = summarize(study, names);
    const spec = chartSpec(summary, 'MNIST, wasm') as unknown as {
      title: { text: string; subtitle: string };
      data: { values: { series: string; role: string }[] };
    };
    const role = (n: string) => spec.data.values.find((v) => v.series === n)!.role;
    expect(role('CNN from scratch (same augmentations)')).toBe('baseline');
    expect(role('raw pixels, 1-NN')).toBe('baseline');
    expect(role('SimCLR, fine-tuned')).toBe('highlight');
    expect(role('SimCLR, linear probe')).toBe('method');
    expect(spec.title).toEqual({
      text: 'With 1 label per class, SimCLR, fine-tuned (80%) beats the best pipeline without pretraining, raw pixels, 1-NN (45%)',
      subtitle:
        'best pretrained − best without pretraining: +35.0 (1 label/class) points — MNIST, wasm',
    });
    const worse = study.map((r) => (r.method === 'raw-knn' ? { ...r, accuracy: 0.9 } : r));
    expect(claimTitle(summarize(worse, names))).toContain(
      'does not beat the best pipeline without pretraining',
    );
  });
});
