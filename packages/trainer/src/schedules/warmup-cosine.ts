import type { RunLength, Schedule, ScheduleFactory } from './schedule';

/** Options of {@link warmupCosine}. */
export interface WarmupCosineOptions {
  /** Peak learning rate, reached at the end of the warmup. */
  baseLr: number;
  /** Steps of linear warmup. Default 0 (none); ignored when `warmupEpochs` is given. */
  warmupSteps?: number;
  /** Epochs of linear warmup (`round(warmupEpochs * stepsPerEpoch)` steps). */
  warmupEpochs?: number;
  /** Learning rate at the end of the cosine. Default 0. */
  finalLr?: number;
  /** Steps of the whole schedule; default: the run's `totalSteps` (what you want, unless the schedule must not follow the run). */
  totalSteps?: number;
}

/**
 * Linear warmup followed by cosine decay (Goyal et al. 2017, "Accurate,
 * Large Minibatch SGD"; Loshchilov & Hutter 2017, "SGDR"), the schedule of
 * SimCLR, BYOL and most SSL recipes, as a factory that `pretrain()` resolves
 * with the run's `{ totalSteps, stepsPerEpoch }`:
 *
 * - `step < warmupSteps`: `baseLr * (step + 1) / warmupSteps` (the first step
 *   already trains; the last warmup step is at `baseLr`);
 * - afterwards, with `t = (step - warmupSteps) / (totalSteps - warmupSteps)`
 *   clamped to [0, 1]: `finalLr + (baseLr - finalLr) * (1 + cos(pi t)) / 2`.
 *
 * A warmup longer than the run is cut to the run's length.
 *
 * @example
 * ```ts
 * const schedule = warmupCosine({ baseLr: 0.3, warmupEpochs: 1 });
 * await pretrain({ method, encoder, data, epochs: 10, batchSize: 256, schedule });
 * schedule({ totalSteps: 100, stepsPerEpoch: 10 })(5); // the rate at step 5 of such a run
 * ```
 */
export function warmupCosine({
  baseLr,
  warmupSteps = 0,
  warmupEpochs,
  finalLr = 0,
  totalSteps: fixedTotal,
}: WarmupCosineOptions): ScheduleFactory {
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
  if (warmupEpochs !== undefined) {
    check(
      'warmupEpochs',
      warmupEpochs,
      Number.isFinite(warmupEpochs) && warmupEpochs >= 0,
      'a finite number >= 0',
    );
  }
  return (run: RunLength): Schedule => {
    const { stepsPerEpoch } = run;
    const totalSteps = fixedTotal ?? run.totalSteps;
    check(
      'totalSteps',
      totalSteps,
      Number.isInteger(totalSteps) && totalSteps >= 1,
      'an integer >= 1',
    );
    const asked =
      warmupEpochs !== undefined ? Math.round(warmupEpochs * stepsPerEpoch) : warmupSteps;
    const warm = Math.min(asked, totalSteps);
    const decaySteps = Math.max(1, totalSteps - warm);
    return (step: number) => {
      if (step < warm) return (baseLr * (step + 1)) / warm;
      const t = Math.min(1, Math.max(0, (step - warm) / decaySteps));
      return finalLr + ((baseLr - finalLr) * (1 + Math.cos(Math.PI * t))) / 2;
    };
  };
}
