import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileSystemHandler } from '../io/file-system-handler';
import { main } from './main';
import { captureIO } from '../testing/capture-io';

describe('ssl (main)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the help, listing every method and option', async () => {
    const c = captureIO();
    expect(await main(['--help'], c.io)).toBe(0);
    const help = c.out.join('\n');
    for (const word of [
      'simclr',
      'moco',
      'byol',
      'simsiam',
      'barlow',
      'vicreg',
      'mlm',
      '--batch-size',
      '--resume',
      '--labels-per-class',
      '--backend',
    ]) {
      expect(help).toContain(word);
    }
  });

  it('exits 2 with one line on bad arguments', async () => {
    const c = captureIO();
    expect(await main(['pretrain', '--method', 'nope'], c.io)).toBe(2);
    expect(c.err).toEqual([
      "ssl pretrain: --method must be one of simclr, moco, byol, simsiam, barlow, vicreg, dino, nnclr, mae, mlm, got 'nope'",
    ]);
  });

  it('pretrains on MNIST, resumes, and evaluates the saved encoder', async () => {
    const out = path.join(dir, 'run');
    const args = [
      'pretrain',
      '--method',
      'simclr',
      '--data',
      'mnist',
      '--limit',
      '64',
      '--batch-size',
      '32',
      '--backend',
      'wasm',
      '--out',
      out,
      '--quiet',
    ];
    const c1 = captureIO();
    expect(await main([...args, '--epochs', '1'], c1.io)).toBe(0);
    expect(c1.err.join('\n')).toMatch(/simclr: 2 steps .* encoder saved to/);
    const c2 = captureIO();
    expect(await main([...args, '--epochs', '2', '--resume'], c2.io)).toBe(0);
    expect(c2.err.join('\n')).toMatch(/resuming at epoch 2, step 2/);
    const lines = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([0, 1, 2, 3]);
    expect(existsSync(path.join(out, 'checkpoint', 'state.json'))).toBe(true);
    const encoder = await tfl.loadLayersModel(fileSystemHandler(path.join(out, 'encoder')));
    expect(encoder.outputs[0].shape).toEqual([null, 128]);
    encoder.dispose();
    const c3 = captureIO();
    const code = await main(
      [
        'eval',
        '--encoder',
        path.join(out, 'encoder'),
        '--data',
        'mnist',
        '--labels-per-class',
        '2',
        '--limit',
        '50',
        '--backend',
        'wasm',
      ],
      c3.io,
    );
    expect(c3.err).toEqual([]);
    expect(code).toBe(0);
    expect(c3.out.join('\n')).toMatch(
      /kNN \(k=1\) accuracy: \d+\.\d\d%\nlinear probe accuracy: \d+\.\d\d%/,
    );
    expect(tf.getBackend()).toBe('wasm');
  });
});
