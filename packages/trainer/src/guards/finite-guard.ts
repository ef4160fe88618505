import type { CheckpointParts } from '../checkpoint-io';
import { runTensors } from './run-tensors';
import { scanTensors } from './scan-tensors';

/** Options of {@link finiteGuard}. */
export interface FiniteGuardOptions {
  /**
   * The loss of a collapsed model whose similarities are all equal, e.g.
   * `ln(2B - 1)` for NT-Xent with batch size B (see {@link uniformLoss}).
   * When the loss stays within `1e-3` of it for `patience` steps, the guard
   * warns once. Default: none (no plateau check).
   */
  uniformLoss?: number;
  /** Steps the loss must sit at `uniformLoss` before the warning. Default 20. */
  patience?: number;
  /**
   * An encoder weight or method tensor (not an optimizer slot: Adam's second
   * moments are squared gradients) with |value| above this is reported as
   * exploding (warned once). Default 1e8.
   */
  maxAbs?: number;
  /** Receives the warnings. Default `console.warn`. */
  warn?: (message: string) => void;
}

/** Where the loop is: the step just done, its epoch, loss and learning rate. */
export interface StepAt {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
}

/** The guard a training loop runs after each optimizer update. */
export interface FiniteGuard {
  /**
   * Checks the loss of step `step` and every tensor of `parts` after its
   * update (one fused reduction, one read-back). Returns null when all is
   * finite, else the message to stop the run with (and sets `tripped`).
   */
  afterStep(at: StepAt, parts: CheckpointParts): Promise<string | null>;
  /** True once a step was non-finite: the loop must not write a checkpoint after that. */
  readonly tripped: boolean;
}

/** The NT-Xent loss of a collapsed model (all 2B-1 similarities equal): `ln(2B - 1)`. */
export function uniformLoss(method: string, batchSize: number): number | undefined {
  return method === 'simclr' && batchSize > 1 ? Math.log(2 * batchSize - 1) : undefined;
}

/**
 * A finiteness guard for the training loop. After each optimizer update it
 * checks the step's loss and every encoder weight, method tensor (heads,
 * momentum encoders, queues) and optimizer slot; the first NaN or ±Infinity
 * stops the run with a message naming the step and the first bad tensor, so
 * that the last checkpoint written stays the last finite state. It also
 * warns (once each, without stopping) when the loss sits at the collapsed
 * value `uniformLoss` for `patience` steps, or a weight's magnitude passes
 * `maxAbs` (a proxy for exploding embeddings).
 *
 * @example
 * ```ts
 * const guard = finiteGuard({ uniformLoss: uniformLoss('simclr', 64) });
 * // in the loop, after optimizer.minimize(...) and method.afterStep(...):
 * const message = await guard.afterStep({ step, epoch, loss, lr }, { encoder, method, optimizer });
 * if (message) control.stop(message);
 * ```
 */
export function finiteGuard(options: FiniteGuardOptions = {}): FiniteGuard {
  const patience = options.patience ?? 20;
  const maxAbs = options.maxAbs ?? 1e8;
  const warn = options.warn ?? ((m: string) => console.warn(m));
  if (!Number.isInteger(patience) || patience < 1) {
    throw new Error(`finiteGuard: patience must be an integer >= 1, got ${options.patience}`);
  }
  if (!(maxAbs > 0)) throw new Error(`finiteGuard: maxAbs must be > 0, got ${options.maxAbs}`);
  let tripped = false;
  let plateau = 0;
  let warnedPlateau = false;
  let warnedNorm = false;
  const advice =
    'training stopped; the last checkpoint holds the last finite state: lower the learning rate or check the data';
  return {
    get tripped() {
      return tripped;
    },
    async afterStep({ step, epoch, loss, lr }, parts) {
      if (!Number.isFinite(loss)) {
        tripped = true;
        return `pretrain: loss is ${loss} at epoch ${epoch}, step ${step} (lr ${lr}); ${advice}`;
      }
      const { tensors, release } = await runTensors(parts);
      let scan;
      try {
        scan = await scanTensors(tensors, (name) => !name.startsWith('optimizer/'));
      } finally {
        release();
      }
      if (scan.firstNonFinite !== null) {
        tripped = true;
        return `pretrain: ${scan.firstNonFinite} holds non-finite values after the update of epoch ${epoch}, step ${step} (loss ${loss}, lr ${lr}); ${advice}`;
      }
      if (!warnedNorm && scan.maxAbs > maxAbs) {
        warnedNorm = true;
        warn(
          `pretrain: ${scan.maxAbsName} reached |value| ${scan.maxAbs.toExponential(2)} at step ${step} (> ${maxAbs}): the run is diverging; lower the learning rate`,
        );
      }
      if (options.uniformLoss !== undefined) {
        plateau = Math.abs(loss - options.uniformLoss) < 1e-3 ? plateau + 1 : 0;
        if (plateau >= patience && !warnedPlateau) {
          warnedPlateau = true;
          warn(
            `pretrain: the loss has sat at ${options.uniformLoss.toFixed(4)} (all similarities equal: collapse) for ${patience} steps up to step ${step}; lower the learning rate`,
          );
        }
      }
      return null;
    },
  };
}
