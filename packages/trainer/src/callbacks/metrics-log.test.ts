import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import '@ssl/test-utils';
import { pretrain } from '../pretrain';
import { byol } from '../methods/byol';
import { noiseAugment, tinyEncoder, tinyImages } from '../testing/fixtures';
import { metricsLog } from './metrics-log';
import { progressBar } from './progress-bar';

describe('metricsLog and progressBar', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-log-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one JSON line per step, as it goes, with the method metrics; draws a bar', async () => {
    const file = path.join(dir, 'run', 'metrics.jsonl');
    const images = tinyImages(16);
    const encoder = tinyEncoder(1);
    const method = byol({
      projectionDim: 8,
      hiddenDim: 16,
      predictorHiddenDim: 8,
      augment: noiseAugment,
    });
    let text = '';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    });
    const linesSeen: number[] = [];
    await pretrain({
      method,
      encoder,
      data: images,
      epochs: 2,
      batchSize: 8,
      callbacks: [
        metricsLog(file),
        progressBar({
          stream: stream as unknown as NodeJS.WritableStream,
          throttleMs: 1,
          nonTTYIntervalMs: 1,
        }),
        // the file is complete up to the current step while training runs
        {
          onStepEnd: () =>
            void linesSeen.push(readFileSync(file, 'utf8').trim().split('\n').length),
        },
      ],
    });
    expect(linesSeen).toEqual([1, 2, 3, 4]);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.epoch, l.step])).toEqual([
      [0, 0],
      [0, 1],
      [1, 2],
      [1, 3],
    ]);
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual([
        'epoch',
        'imagesPerSec',
        'loss',
        'lr',
        'momentum',
        'step',
      ]);
      expect(Number.isFinite(l.loss)).toBe(true);
      expect(l.lr).toBe(0.001);
      expect(l.momentum).toBeGreaterThan(0.996);
    }
    expect(text).toMatch(/epoch \d\/2 .*\/4 steps \| loss -?\d+\.\d{4} \| \d+ img\/s/);
    // a second, fresh run starts a new file
    await pretrain({
      method,
      encoder,
      data: images,
      epochs: 1,
      batchSize: 8,
      callbacks: [metricsLog(file)],
    });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    method.dispose();
    encoder.dispose();
    images.dispose();
  });
});
