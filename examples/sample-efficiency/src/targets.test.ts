import type { SummaryRow } from './results';
import { checkTargets, targetsTable } from './targets';

const row = (method: string, labelsPerClass: number, mean: number, std = 0): SummaryRow => ({
  method,
  name: method,
  labelsPerClass,
  mean,
  std,
  seeds: 3,
});

describe('checkTargets', () => {
  it('MNIST: each target met or missed from the numbers, by the best row of each group', () => {
    const summary = [
      row('raw-logreg', 10, 0.75),
      row('scratch-bn', 10, 0.9),
      row('fixmatch', 10, 0.96),
      row('simclr-probe', 10, 0.9),
      row('simclr-fixmatch', 10, 0.976, 0.002),
      row('raw-logreg', 1, 0.46),
      row('fixmatch', 1, 0.7),
      row('simclr-probe', 1, 0.8),
    ];
    const checks = checkTargets({ dataset: 'MNIST', summary, totalSeconds: 901, quick: false });
    expect(checks.map((c) => c.met)).toEqual([true, true, true, false, false, true, false]);
    expect(checks[0].measured).toBe('simclr-fixmatch 97.6 ± 0.2');
    expect(checks[1].measured).toBe('+1.6: simclr-fixmatch 97.6 ± 0.2 vs fixmatch 96.0 ± 0.0');
    // against the supervised-only rows FixMatch from scratch does not count: 97.6 − 90.0
    expect(checks[2].measured).toMatch(/^\+7\.6: .* vs scratch-bn 90\.0/);
    expect(checks[4].measured).toMatch(/^\+10\.0: simclr-probe 80\.0 .* vs fixmatch 70\.0/);
    expect(checks[6]).toEqual({
      target: 'whole default study ≤ 15 minutes on 2 cores',
      measured: '15m01s',
      met: false,
    });
    expect(targetsTable(checks).split('\n')[3]).toBe(
      '| 10 labels/class: best pretrained ≥ best without pretraining (FixMatch from scratch included) | +1.6: simclr-fixmatch 97.6 ± 0.2 vs fixmatch 96.0 ± 0.0 | met |',
    );
  });

  it('the second data set: the margin over raw-pixel logistic regression and every baseline', () => {
    const summary = [
      row('raw-logreg', 10, 0.7),
      row('scratch-bn', 10, 0.81),
      row('simclr-probe', 10, 0.795),
    ];
    const checks = checkTargets({
      dataset: 'Fashion-MNIST',
      summary,
      totalSeconds: 0,
      quick: true,
    });
    expect(checks.map((c) => [c.measured.split(':')[0], c.met])).toEqual([
      ['+9.5', false],
      ['−1.5', false],
    ]);
  });
});
