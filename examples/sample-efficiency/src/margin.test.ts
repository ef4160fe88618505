import {
  marginLines,
  marginsOverBaselines,
  pairMargins,
  pipelineFlags,
  SUPERVISED_ONLY,
} from './margin';
import type { SummaryRow } from './results';

const row = (method: string, labelsPerClass: number, mean: number): SummaryRow => ({
  method,
  name: method,
  labelsPerClass,
  mean,
  std: 0,
  seeds: 1,
});

describe('pipelineFlags', () => {
  it('marks supervised-only rows, FixMatch from scratch and the pretrained pipelines', () => {
    expect(pipelineFlags('scratch-bn')).toEqual({ pretrained: false, usesUnlabelled: false });
    expect(pipelineFlags('raw-logreg')).toEqual({ pretrained: false, usesUnlabelled: false });
    expect(pipelineFlags('fixmatch')).toEqual({ pretrained: false, usesUnlabelled: true });
    expect(pipelineFlags('simclr-fixmatch')).toEqual({ pretrained: true, usesUnlabelled: true });
    expect(pipelineFlags('simclr-probe')).toEqual({ pretrained: true, usesUnlabelled: true });
    // issue 24: the ViT from scratch sees the labels only; MAE's rows are pretrained
    expect(pipelineFlags('vit-scratch')).toEqual({ pretrained: false, usesUnlabelled: false });
    expect(pipelineFlags('mae-finetune')).toEqual({ pretrained: true, usesUnlabelled: true });
    expect(pipelineFlags('mae-fixmatch')).toEqual({ pretrained: true, usesUnlabelled: true });
  });
});

describe('marginsOverBaselines', () => {
  const summary = [
    row('raw-logreg', 10, 0.75),
    row('scratch', 10, 0.67),
    row('scratch-bn', 10, 0.86),
    row('fixmatch', 10, 0.93),
    row('simclr-probe', 10, 0.9),
    row('simclr-distill', 10, 0.95),
    row('raw-knn', 1, 0.46),
    row('simclr-probe', 1, 0.62),
  ];

  it('takes the best pretrained row against the best row without pretraining, per setting', () => {
    const m = marginsOverBaselines(summary);
    expect(m.map((x) => [x.labelsPerClass, x.best.method, x.baseline.method])).toEqual([
      [1, 'simclr-probe', 'raw-knn'],
      [10, 'simclr-distill', 'fixmatch'],
    ]);
    expect(m[1].points).toBeCloseTo(2, 10);
    expect(marginLines(m)[1]).toBe(
      '- 10 labels/class: simclr-distill 95.0% vs the best pipeline without pretraining, fixmatch 93.0%: +2.0 points',
    );
  });

  it('against the supervised-only rows, FixMatch from scratch is left out', () => {
    const m = marginsOverBaselines(summary, SUPERVISED_ONLY);
    expect(m[1].baseline.method).toBe('scratch-bn');
    expect(m[1].points).toBeCloseTo(9, 10);
  });
});

describe('pairMargins', () => {
  it('gives row a − row b in points at each setting where both exist', () => {
    const summary = [
      row('vit-scratch', 1, 0.25),
      row('vit-scratch', 10, 0.543),
      row('mae-finetune', 10, 0.698),
      row('mae-finetune', 100, 0.9),
      row('simclr-probe', 10, 0.88),
    ];
    const m = pairMargins(summary, 'mae-finetune', 'vit-scratch');
    expect(m).toHaveLength(1);
    expect(m[0].labelsPerClass).toBe(10);
    expect(m[0].best.method).toBe('mae-finetune');
    expect(m[0].baseline.method).toBe('vit-scratch');
    expect(m[0].points).toBeCloseTo(15.5, 10);
    expect(pairMargins(summary, 'mae-finetune', 'nothing')).toEqual([]);
  });
});
