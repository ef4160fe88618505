import { changedArgs, recipeTable } from './recipe-table';

describe('recipeTable', () => {
  it('one row per run: changed arguments, costs, the draws and their mean', () => {
    const defaults = { data: 'mnist', epochs: 3, out: 'x' };
    const run = {
      args: { data: 'fashion-mnist', epochs: 3, out: '/tmp/y' },
      pretrainSeconds: 599,
      cpuSeconds: 85,
      load: 14.86,
      probe: [69.8, 66.7],
      'probe_l2_0.1': [70, 68.7],
      knn1: [64.4, 65.8],
      raw: [74.4, 74.5],
    };
    expect(changedArgs(run.args, defaults)).toBe('data=fashion-mnist');
    expect(recipeTable([run], defaults).split('\n')).toEqual([
      '| command (`node dist/recipe.js …`) | pretraining s, wall | CPU s | load | probe (L2 1e-2) | probe (L2 0.1) | 1-NN | raw-pixel LR (L2 1e-2) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      '| `data=fashion-mnist` | 599 | 85 | 14.9 | 69.8 / 66.7 (**68.3**) | 70.0 / 68.7 (**69.3**) | 64.4 / 65.8 (**65.1**) | 74.4 / 74.5 (**74.5**) |',
    ]);
    // a from-scratch run (mode=scratchbn) gets its own column
    const bn = {
      args: { data: 'mnist', epochs: 3, out: 'x' },
      seconds: 144,
      cpuSeconds: 75,
      load: 3,
      scratchBn: [86.7],
    };
    expect(recipeTable([bn], defaults).split('\n')[2]).toBe(
      '| `` | 144 training | 75 | 3.0 | – | – | – | 86.7 (**86.7**) |',
    );
  });
});
