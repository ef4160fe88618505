/** The settings of a `recipe.ts` run that its `key=value` arguments override. */
export const DEFAULTS = {
  /** 'mnist' or 'fashion-mnist' (the second data set: nothing is tuned on one data set only). */
  data: 'mnist',
  /** Score on the first `testLimit` test images (0: all). */
  testLimit: 0,
  method: 'simclr',
  limit: 0,
  epochs: 3,
  batch: 128,
  lr: 3e-3,
  warmup: 20,
  temperature: 0.2,
  filters: '32,64,128',
  bn: 0,
  cropMin: 0.4,
  degrees: 15,
  translate: 0.1,
  blur: 0,
  /** Horizontal-flip probability (0: off, the 'digits' preset's; right for clothes, wrong for digits). */
  flip: 0,
  /** Comma-separated L2 penalties of the linear probe (and the raw-pixel logistic regression). */
  l2s: '0.01',
  /** Threads sharing each pretraining step (1: one core, the load-independent cost). */
  workers: 1,
  proj: 128,
  hidden: 512,
  lpc: 10,
  seeds: '0,1',
  distill: 0,
  distillEpochs: 1,
  studentInit: 'teacher',
  alpha: 0.5,
  tau: 1,
  dlr: 1e-3,
  out: 'recipe-runs.jsonl',
  /** 'pretrain' (the default) or 'scratchbn': only the BN from-scratch baseline with steps / sbatch / slr. */
  mode: 'pretrain',
  steps: 150,
  sbatch: 50,
  slr: 3e-3,
};
