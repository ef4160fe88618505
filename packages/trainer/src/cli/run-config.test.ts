import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCliArgs, type PretrainArgs } from './args';
import { RUN_FILE, resumeArgv, writeRunConfig } from './run-config';

describe('run.json: settings remembered, a changed one refused on --resume', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(path.join(os.tmpdir(), 'run-config-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  const start = async (extra: string[] = []) => {
    const a = parseCliArgs([
      'pretrain',
      '--method',
      'simclr',
      '--data',
      out, // any existing folder
      '--epochs',
      '2',
      '--batch-size',
      '8',
      '--out',
      out,
      '--temperature',
      '0.2',
      ...extra,
    ]) as PretrainArgs;
    await writeRunConfig(a, [28, 28, 1]);
    return a;
  };

  it('writes the resolved settings, versions and augmentation', async () => {
    await start();
    const cfg = JSON.parse(readFileSync(path.join(out, RUN_FILE), 'utf8'));
    expect(cfg.flags).toMatchObject({
      method: 'simclr',
      'batch-size': 8,
      'image-size': 28,
      channels: 1,
      encoder: 'conv',
      width: 1,
      seed: 0,
      temperature: 0.2,
    });
    expect(cfg.resolved.inputShape).toEqual([28, 28, 1]);
    expect(cfg.resolved.augmentation).toMatch(/digits/);
    expect(cfg.packages['@ssl/trainer']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('--resume alone gets every setting back (image size and channels included)', async () => {
    await start();
    const a = parseCliArgs(['pretrain', '--out', out, '--resume']) as PretrainArgs;
    expect(a).toMatchObject({
      method: 'simclr',
      epochs: 2,
      batchSize: 8,
      imageSize: 28,
      channels: 1,
      methodOptions: { temperature: 0.2 },
    });
    // epochs may grow
    expect(
      (parseCliArgs(['pretrain', '--out', out, '--resume', '--epochs', '5']) as PretrainArgs)
        .epochs,
    ).toBe(5);
  });

  it('refuses a changed setting with one line naming the flag', async () => {
    await start();
    expect(() => resumeArgv(['--out', out, '--resume', '--image-size', '32'])).toThrow(
      /^ssl pretrain: --image-size 32 differs from the run's --image-size 28 \(.*run\.json\); drop --image-size to resume/,
    );
    expect(() => resumeArgv(['--out', out, '--resume', '--channels=3'])).toThrow(
      /--channels 3 differs/,
    );
    expect(() => resumeArgv(['--out', out, '--resume', '--temperature', '0.5'])).toThrow(
      /--temperature 0.5 differs/,
    );
    // the same value, written differently, is the same setting
    expect(() => resumeArgv(['--out', out, '--resume', '--temperature', '2e-1'])).not.toThrow();
    // without --resume, run.json is not read
    expect(resumeArgv(['--out', out, '--image-size', '32'])).toEqual([
      '--out',
      out,
      '--image-size',
      '32',
    ]);
  });

  it('names a broken run.json', () => {
    writeFileSync(path.join(out, RUN_FILE), '{');
    expect(() => resumeArgv(['--out', out, '--resume'])).toThrow(/run\.json is not valid JSON/);
  });
});
