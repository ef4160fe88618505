import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describeBackends } from '@ssl/test-utils';

import { knnMonitor } from './knn-monitor';
import { metricsLog } from './metrics-log';
import { monitorText } from './progress-bar';
import type { Callback } from './callback';
import { pretrain } from '../pretrain';
import { simclr } from '../methods/simclr';
import { knnAccuracy } from '../evaluation/knn';
import { linearProbe } from '../evaluation/linear-probe';
import { quadrantImages } from '../evaluation/test-helpers';
import { noiseAugment, tinyEncoder, tinyImages } from '../testing/fixtures';

describeBackends('knnMonitor', () => {
  it('scores on the right steps, equal to direct knnAccuracy / linearProbe calls, into metrics.jsonl', async () => {
    const images = tinyImages(24);
    const few = quadrantImages(2, 1);
    const test = quadrantImages(5, 2);
    const dir = mkdtempSync(path.join(tmpdir(), 'ssl-monitor-'));
    const file = path.join(dir, 'metrics.jsonl');
    const run = async (withMonitor: boolean) => {
      const encoder = tinyEncoder(1);
      const method = simclr({ projectionDim: 8, hiddenDim: 16, augment: noiseAugment });
      const monitor = knnMonitor({ labelled: few, test, every: 2, k: 3, probe: { epochs: 5 } });
      const direct: { step: number; knn: number; probe: number }[] = [];
      const counts: number[] = [];
      // after the monitor in the list: sees the same encoder at the same step
      const check: Callback = {
        async onStepEnd(logs) {
          counts.push(tf.memory().numTensors);
          if (!withMonitor || !('knn' in logs.metrics)) return;
          const knn = await knnAccuracy({ encoder, train: few, test, k: 3 });
          const p = await linearProbe({ encoder, train: few, test, epochs: 5 });
          p.classifier.dispose();
          direct.push({ step: logs.step, knn, probe: p.accuracy });
        },
      };
      // the monitor listed last: its values still reach the metrics log (stepMetrics runs first)
      const callbacks = withMonitor ? [metricsLog(file), check, monitor] : [check];
      const r = await pretrain({
        method,
        encoder,
        data: images,
        epochs: 1,
        batchSize: 4,
        seed: 5,
        callbacks,
      });
      method.dispose();
      encoder.dispose();
      return { r, monitor, direct, counts };
    };
    try {
      const on = await run(true);
      const off = await run(false);
      // 6 steps, every 2: after steps 1, 3 and 5 (the last)
      expect(on.monitor.history.map((h) => h.step)).toEqual([1, 3, 5]);
      expect(on.monitor.history).toEqual(on.direct);
      expect(on.r.history.filter((h) => 'knn' in h.metrics).map((h) => h.step)).toEqual([1, 3, 5]);
      // the same training with and without the monitor
      expect(on.r.history.map((h) => h.loss)).toEqual(off.r.history.map((h) => h.loss));
      // flat memory: steps with and without a score hold the same tensors
      expect(new Set(on.counts.slice(1)).size).toBe(1);
      expect(on.counts.slice(1)).toEqual(off.counts.slice(1));
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, number>);
      expect(
        lines.filter((l) => 'knn' in l).map(({ step, knn, probe }) => ({ step, knn, probe })),
      ).toEqual(on.monitor.history);
      expect(monitorText({ knn: 0.8312, probe: 0.85, loss: 1 })).toBe(' | knn 83.1% probe 85.0%');
      expect(monitorText({ loss: 1 })).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      tf.dispose([images, few.images, few.labels, test.images, test.labels]);
    }
  });

  it('refuses bad options in one line', () => {
    const few = quadrantImages(1, 1);
    expect(() => knnMonitor({ labelled: few, test: few, every: 0 })).toThrow(
      'knnMonitor: every must be an integer >= 1, got 0',
    );
    expect(() => knnMonitor({ labelled: few, test: few, every: 1, k: 9 })).toThrow(
      'knnMonitor: k must be an integer in [1, 4] (the labelled examples), got 9',
    );
    expect(() =>
      knnMonitor({ labelled: { images: few.images } as never, test: few, every: 1 }),
    ).toThrow(/^knnMonitor: labelled must be \{ images: Tensor, labels: Tensor1D \}/);
    tf.dispose([few.images, few.labels]);
  });
});

// worker threads start the same on every backend: once, on cpu
describeBackends(
  'knnMonitor with workers',
  () => {
    it('scores the current weights with pretrain({ workers: 2 }) as with one thread', async () => {
      const images = tinyImages(16);
      const few = quadrantImages(2, 1);
      const test = quadrantImages(3, 2);
      const run = async (workers: number) => {
        const encoder = tinyEncoder(1);
        const method = simclr({ projectionDim: 8, hiddenDim: 16, augment: noiseAugment });
        const monitor = knnMonitor({ labelled: few, test, every: 2, weighted: true, k: 4 });
        await pretrain({
          method,
          encoder,
          data: images,
          epochs: 1,
          batchSize: 4,
          seed: 5,
          workers,
          callbacks: [monitor],
        });
        method.dispose();
        encoder.dispose();
        return monitor.history;
      };
      const one = await run(1);
      const two = await run(2);
      expect(two.map((h) => h.step)).toEqual([1, 3]);
      two.forEach((h, i) => expect(h.knn).toBeCloseTo(one[i].knn, 5));
      tf.dispose([images, few.images, few.labels, test.images, test.labels]);
    });
  },
  ['cpu'],
);
