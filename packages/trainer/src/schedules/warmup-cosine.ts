import type { Schedule } from './schedule';

/** Options of {@link warmupCosine}. */
export interface WarmupCosineOptions {
  /** Peak learning rate, reached at the end of the warmup. */
  baseLr: number;
  /** Steps of linear warmup (0 = none). */
  warmupSteps: number;
  /** Steps in the whole run (warmup included); the cosine ends here. */
  totalSteps: number;
  /** Learning rate at the end of the cosine. Default 0. */
  finalLr?: number;
}

/**
 * Linear warmup followed by cosine decay (Goyal et al. 2017, "Accurate,
 * Large Minibatch SGD"; Loshchilov & Hutter 2017, "SGDR"), the schedule of
 * SimCLR, BYOL and most SSL recipes:
 *
 * - `step < warmupSteps`: `baseLr * (step + 1) / warmupSteps` (the first step
 *   already trains; the last warmup step is at `baseLr`);
 * - afterwards, with `t = (step - warmupSteps) / (totalSteps - warmupSteps)`
 *   clamped to [0, 1]: `finalLr + (baseLr - finalLr) * (1 + cos(pi t)) / 2`.
 *
 * @example
 * ```ts
 * const schedule = warmupCosine({ baseLr: 0.3, warmupSteps: 100, totalSteps: 1000 });
 * await pretrain({ method, encoder, data, epochs: 10, batchSize: 256, schedule });
 * ```
 */
export function warmupCosine({
  baseLr,
  warmupSteps,
  totalSteps,
  finalLr = 0,
}: WarmupCosineOptions): Schedule {
  const check = (name: string, v: number, ok: boolean, want: string) => {
    if (!ok) throw new Error(`warmupCosine: ${name} must be ${want}, got ${v}`);
  };
  check('baseLr', baseLr, Number.isFinite(baseLr) && baseLr >= 0, 'a finite number >= 0');
  check('finalLr', finalLr, Number.isFinite(finalLr) && finalLr >= 0, 'a finite number >= 0');
  check(
    'warmupSteps',
    warmupSteps,
    Number.isInteger(warmupSteps) && warmupSteps >= 0,
    'an integer >= 0',
  );
  check(
    'totalSteps',
    totalSteps,
    Number.isInteger(totalSteps) && totalSteps >= 1,
    'an integer >= 1',
  );
  check('warmupSteps', warmupSteps, warmupSteps <= totalSteps, `<= totalSteps (${totalSteps})`);
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  return (step: number) => {
    if (step < warmupSteps) return (baseLr * (step + 1)) / warmupSteps;
    const t = Math.min(1, Math.max(0, (step - warmupSteps) / decaySteps));
    return finalLr + ((baseLr - finalLr) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}
