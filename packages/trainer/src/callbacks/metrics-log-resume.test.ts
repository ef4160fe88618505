import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { metricsLog } from './metrics-log';
import type { StepLogs, TrainBeginInfo } from './callback';

const begin = (startStep: number, resumed: boolean): TrainBeginInfo => ({
  method: 'simclr',
  epochs: 3,
  stepsPerEpoch: 2,
  totalSteps: 6,
  batchSize: 8,
  startEpoch: Math.floor(startStep / 2),
  startStep,
  resumed,
});
const step = (s: number): StepLogs => ({
  epoch: Math.floor(s / 2),
  step: s,
  epochStep: s % 2,
  stepsPerEpoch: 2,
  totalSteps: 6,
  epochs: 3,
  loss: 1,
  lr: 0.1,
  imagesPerSec: 1,
  elapsedSec: 0,
  metrics: {},
});
const control = { stop() {} };

describe('metricsLog after a resume', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-log-resume-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const steps = (file: string) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).step);

  it('drops the lines of steps the resumed run repeats (and a line cut by a crash): each step once', async () => {
    const file = path.join(dir, 'metrics.jsonl');
    const first = metricsLog(file);
    await first.onTrainBegin!(begin(0, false), control);
    for (let s = 0; s < 5; s++) await first.onStepEnd!(step(s), control);
    // killed while writing step 5's line; the checkpoint holds step 2 (epoch 1)
    writeFileSync(file, readFileSync(file, 'utf8') + '{"epoch":2,"st');
    const resumed = metricsLog(file);
    await resumed.onTrainBegin!(begin(2, true), control);
    expect(steps(file)).toEqual([0, 1]);
    for (let s = 2; s < 6; s++) await resumed.onStepEnd!(step(s), control);
    expect(steps(file)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('append: true on a fresh run keeps every line', async () => {
    const file = path.join(dir, 'append.jsonl');
    const a = metricsLog(file);
    await a.onTrainBegin!(begin(0, false), control);
    for (let s = 0; s < 3; s++) await a.onStepEnd!(step(s), control);
    const b = metricsLog(file, { append: true });
    await b.onTrainBegin!(begin(0, false), control);
    await b.onStepEnd!(step(0), control);
    expect(steps(file)).toEqual([0, 1, 2, 0]);
  });
});
