import { FULL, QUICK } from './config';
import { planStages } from './study';

describe('planStages', () => {
  it('plans the MAE stages first, MAE → FixMatch only when configured', () => {
    const names = planStages(FULL, 7996, 9).map((s) => s.name);
    expect(names.slice(0, 4)).toEqual([
      'raw-pixel baselines',
      'pretrain mae',
      'evaluate mae',
      'fine-tune mae',
    ]);
    expect(names).not.toContain('mae → FixMatch');
    expect(names).toContain('simclr → FixMatch');
    expect(planStages(QUICK, 1024, 6).map((s) => s.name)).toContain('mae → FixMatch');
    const noMae = planStages({ ...FULL, mae: undefined }, 7996, 9).map((s) => s.name);
    expect(noMae.some((n) => n.includes('mae'))).toBe(false);
  });

  it('estimates the default study near its measured 12m37s (757 s) on 2 cores', () => {
    // raw 15.3 + MAE 930 steps · 128 / 430 = 276.8 + 10 + 72,120 passes / 310 = 232.6
    // + SimCLR 620 · 128 / 800 = 99.2 + 9.3 + 44,640 / 950 = 47.0 + 120,000 / 1,700 = 70.6 + 7
    const total = planStages(FULL, 7996, 9).reduce((s, x) => s + x.cost, 0);
    expect(total).toBeCloseTo(767.8, 0);
  });
});
