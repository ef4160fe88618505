import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrainBeginInfo } from './callback';
import { metricsLog } from './metrics-log';

describe('metricsLog never writes through a symbolic link', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-log-link-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a new run', false],
    ['a resumed run', true],
  ])('%s: refused in one line, the target untouched', async (_name, resumed) => {
    const victim = path.join(dir, `victim-${resumed}.txt`);
    writeFileSync(victim, '{"step":0}\n{"step":5}\n');
    const file = path.join(dir, `metrics-${resumed}.jsonl`);
    symlinkSync(victim, file);
    const info = { resumed, startStep: 1 } as unknown as TrainBeginInfo;
    const begin = async () => metricsLog(file).onTrainBegin?.(info, { stop: () => undefined });
    await expect(begin()).rejects.toThrow(
      `metricsLog: ${file} is a symbolic link (to '${victim}'); only regular files inside the folder are read or written, refused`,
    );
    expect(readFileSync(victim, 'utf8')).toBe('{"step":0}\n{"step":5}\n');
  });
});
