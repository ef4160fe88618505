import type * as tfl from '@tensorflow/tfjs-layers';

import type { Callback, StepLogs } from './callback';
import { knnAccuracy } from '../evaluation/knn';
import { linearProbe, type LinearProbeOptions } from '../evaluation/linear-probe';
import { checkLabelledSet, type LabelledSet } from '../evaluation/labelled-set';

/** Options of {@link knnMonitor}. */
export interface KnnMonitorOptions {
  /** The small labelled set the neighbours (and the probe) are fitted on, e.g. 10 labels per class. */
  labelled: LabelledSet;
  /** The examples scored, e.g. 1,000 test images. */
  test: LabelledSet;
  /** Score after every `every` steps (after step s when (s + 1) % every = 0) and after the run's last step. */
  every: number;
  /** Neighbours of the kNN vote. Default 1 (as `knnAccuracy`). */
  k?: number;
  /** Weighted kNN vote (`exp(sim / temperature)`). Default false. */
  weighted?: boolean;
  /** Temperature of the weighted vote. Default 0.07. */
  temperature?: number;
  /**
   * Also fit a linear probe each time (`true`, or the probe's settings:
   * `epochs`, `lr`, `l2`, `batchSize`, `seed`, `unlabelled`). Default false.
   */
  probe?:
    | boolean
    | Partial<
        Pick<LinearProbeOptions, 'epochs' | 'lr' | 'l2' | 'batchSize' | 'seed' | 'unlabelled'>
      >;
  /** Examples per encoder pass. Default 256. */
  batchSize?: number;
}

/** One score of {@link knnMonitor}. */
export interface KnnMonitorRecord {
  /** The 0-based global step after which it was scored. */
  step: number;
  /** kNN accuracy in [0, 1]. */
  knn: number;
  /** Linear-probe accuracy in [0, 1] (with `probe`). */
  probe?: number;
}

/** The monitor: a callback, and the scores so far. */
export interface KnnMonitor extends Callback {
  /** Every score taken in this run, in order. */
  readonly history: KnnMonitorRecord[];
}

/**
 * An online monitor for pretraining (as solo-learn's and stable-pretraining's
 * online kNN): every `every` steps it embeds `labelled` and `test` with the
 * encoder being trained (inference mode: nothing in the run changes, not even
 * batch-norm statistics or the run's random generator) and scores k-NN
 * accuracy, optionally a linear probe too. The values join the step's metrics
 * as `knn` and `probe`, so `metricsLog` writes them into `metrics.jsonl`
 * (`{"step": 99, ..., "knn": 0.83}`) and `progressBar` shows them; `history`
 * keeps them. Works with `pretrain({ workers })` (the main thread holds the
 * current weights after every step). Browser-safe.
 *
 * @example
 * const monitor = knnMonitor({ labelled: few, test: testSubset, every: 100, probe: true });
 * await pretrain({ ..., callbacks: [monitor, progressBar(), metricsLog('runs/x/metrics.jsonl')] });
 * console.log(monitor.history); // [{ step: 99, knn: 0.71, probe: 0.78 }, ...]
 */
export function knnMonitor(options: KnnMonitorOptions): KnnMonitor {
  const fn = 'knnMonitor';
  if (options == null || typeof options !== 'object') {
    throw new Error(
      `${fn}: options must be an object { labelled, test, every, ... }, got ${options}`,
    );
  }
  const {
    labelled,
    test,
    every,
    k = 1,
    weighted = false,
    temperature = 0.07,
    batchSize = 256,
  } = options;
  const labels = checkLabelledSet(fn, 'labelled', labelled);
  checkLabelledSet(fn, 'test', test);
  if (!(Number.isInteger(every) && every >= 1)) {
    throw new Error(`${fn}: every must be an integer >= 1, got ${every}`);
  }
  if (!(Number.isInteger(k) && k >= 1 && k <= labels.length)) {
    throw new Error(
      `${fn}: k must be an integer in [1, ${labels.length}] (the labelled examples), got ${k}`,
    );
  }
  const probe = options.probe === true ? {} : options.probe || undefined;
  let encoder: tfl.LayersModel | undefined;
  let totalSteps = Infinity;
  const history: KnnMonitorRecord[] = [];
  return {
    history,
    onTrainBegin(info) {
      if (!info.run) throw new Error(`${fn}: the run gives no access to its encoder (info.run)`);
      encoder = info.run.parts.encoder;
      totalSteps = info.totalSteps;
      history.length = 0;
    },
    async stepMetrics(logs: StepLogs): Promise<Record<string, number> | void> {
      const s = logs.step;
      if (!encoder || !((s + 1) % every === 0 || s + 1 === totalSteps)) return;
      if (!Number.isFinite(logs.loss)) return; // a NaN step: the run stops, nothing to score
      const knn = await knnAccuracy({
        encoder,
        train: labelled,
        test,
        k,
        weighted,
        temperature,
        batchSize,
      });
      const record: KnnMonitorRecord = { step: s, knn };
      if (probe) {
        const r = await linearProbe({ ...probe, encoder, train: labelled, test });
        r.classifier.dispose();
        record.probe = r.accuracy;
      }
      history.push(record);
      const values: Record<string, number> = { knn };
      if (record.probe !== undefined) values.probe = record.probe;
      return values;
    },
  };
}
