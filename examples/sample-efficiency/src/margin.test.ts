import { marginLines, marginsOverBaselines } from './margin';
import type { SummaryRow } from './results';

const row = (method: string, labelsPerClass: number, mean: number): SummaryRow => ({
  method,
  name: method,
  labelsPerClass,
  mean,
  std: 0,
  seeds: 1,
});

describe('marginsOverBaselines', () => {
  it('takes the best pretrained row against the strongest baseline, per setting', () => {
    const summary = [
      row('raw-logreg', 10, 0.75),
      row('scratch', 10, 0.67),
      row('scratch-bn', 10, 0.86),
      row('simclr-probe', 10, 0.9),
      row('simclr-distill', 10, 0.95),
      row('raw-knn', 1, 0.46),
      row('simclr-probe', 1, 0.62),
    ];
    const m = marginsOverBaselines(summary);
    expect(m.map((x) => [x.labelsPerClass, x.best.method, x.baseline.method])).toEqual([
      [1, 'simclr-probe', 'raw-knn'],
      [10, 'simclr-distill', 'scratch-bn'],
    ]);
    expect(m[1].points).toBeCloseTo(9, 10);
    expect(marginLines(m)[1]).toBe(
      '- 10 labels/class: simclr-distill 95.0% vs the strongest from-scratch baseline, scratch-bn 86.0%: +9.0 points',
    );
  });
});
