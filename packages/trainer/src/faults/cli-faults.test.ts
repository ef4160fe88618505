// Faults and bad input met by `ssl` (in process, through main()): a diverged
// run never replaces a good encoder, one process per run folder, nothing read
// or written outside the folders given.
import * as tf from '@tensorflow/tfjs-core';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convEncoder } from '@ssl/encoders';
import '@ssl/test-utils';
import { main } from '../cli/main';
import { LOCK_FILE } from '../cli/run-lock';
import { readCheckpointInfo } from '../io/checkpoint';
import { saveModel } from '../io/model-io';
import { exportWeights } from '../export/export-weights';
import { decodeSafetensors, encodeSafetensors } from '../export/safetensors';
import { captureIO } from '../testing/capture-io';

const pretrain = (out: string, ...extra: string[]) => [
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
  '--workers',
  '1',
  '--seed',
  '1',
  '--quiet',
  '--out',
  out,
  ...extra,
];

async function ssl(args: string[]) {
  const c = captureIO();
  const code = await main(args, c.io);
  return { code, err: c.err, out: c.out };
}

describe('ssl faults', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-faults-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('a run that stops on non-finite values', () => {
    it('exits 1, writes no encoder, and says that nothing finite was saved (--lr 1e6)', async () => {
      const out = path.join(dir, 'diverged');
      const r = await ssl(pretrain(out, '--epochs', '2', '--lr', '1e6'));
      expect(r.code).toBe(1);
      expect(existsSync(path.join(out, 'encoder'))).toBe(false);
      expect(r.err.join('\n')).toMatch(/stopped early: .*non-finite/);
      expect(r.err.join('\n')).toMatch(/no encoder written from it/);
      expect(r.err.at(-1)).toMatch(/no checkpoint was written before it/);
      expect(existsSync(path.join(out, LOCK_FILE))).toBe(false);
    });

    it('a diverging --resume keeps the good encoder and checkpoint, and names them', async () => {
      const out = path.join(dir, 'good');
      expect((await ssl(pretrain(out, '--epochs', '1'))).code).toBe(0);
      const weights = path.join(out, 'encoder', 'weights.bin');
      const before = readFileSync(weights);
      const r = await ssl(pretrain(out, '--epochs', '3', '--lr', '1e6', '--resume'));
      expect(r.code).toBe(1);
      expect(readFileSync(weights).equals(before)).toBe(true);
      const info = await readCheckpointInfo(path.join(out, 'checkpoint'));
      expect(info).toMatchObject({ epoch: 1, step: 2 });
      expect(r.err.at(-1)).toBe(
        `ssl pretrain: the last finite state is the checkpoint in ${path.join(out, 'checkpoint')} (epoch 1, step 2); continue from it with --resume and a lower --lr`,
      );
    });

    it('mlm --mask-prob 0 (nothing to predict: NaN at step 0) is refused up front in one line', async () => {
      const text = path.join(dir, 'tiny.txt');
      writeFileSync(text, 'a few words of text for the refusal.\n\nand another paragraph here.\n');
      const r = await ssl([
        'pretrain',
        '--method',
        'mlm',
        '--data',
        text,
        '--epochs',
        '1',
        '--batch-size',
        '2',
        '--mask-prob',
        '0',
        '--out',
        path.join(dir, 'mlm0'),
      ]);
      expect(r.code).toBe(2);
      expect(r.err).toEqual(["ssl pretrain --method mlm: --mask-prob must be in (0, 1], got '0'"]);
    });
  });

  describe('one process per run folder', () => {
    it('a folder locked by a live process is refused in one line, and left as it was', async () => {
      const out = path.join(dir, 'locked');
      mkdirSync(out);
      // the parent process (jest's) is alive: the lock is not stale
      const owner = {
        pid: process.ppid,
        host: os.hostname(),
        startedAt: '2026-12-01T00:00:00.000Z',
        command: 'ssl pretrain',
      };
      writeFileSync(path.join(out, LOCK_FILE), JSON.stringify(owner));
      for (const extra of [[], ['--resume'], ['--overwrite']]) {
        const r = await ssl(pretrain(out, '--epochs', '1', ...extra));
        expect(r.code).toBe(1);
        expect(r.err).toEqual([
          `ssl pretrain: '${out}' is in use by pid ${process.ppid} on host ${os.hostname()} since 2026-12-01T00:00:00.000Z (ssl pretrain): lock ${path.join(out, LOCK_FILE)}; wait for it to end, or remove the lock if that process is gone`,
        ]);
      }
      expect(readdirSync(out)).toEqual([LOCK_FILE]);
      expect(JSON.parse(readFileSync(path.join(out, LOCK_FILE), 'utf8'))).toEqual(owner);
    });
  });

  describe('nothing outside the folders given is read or written', () => {
    it('a metrics.jsonl that is a symbolic link is refused on --resume; its target is untouched', async () => {
      const out = path.join(dir, 'linked-log');
      expect((await ssl(pretrain(out, '--epochs', '1'))).code).toBe(0);
      const victim = path.join(dir, 'victim.txt');
      writeFileSync(victim, 'precious\n');
      rmSync(path.join(out, 'metrics.jsonl'));
      symlinkSync(victim, path.join(out, 'metrics.jsonl'));
      const r = await ssl(pretrain(out, '--epochs', '2', '--resume'));
      expect(r.code).toBe(2);
      expect(r.err).toEqual([
        `ssl pretrain: ${path.join(out, 'metrics.jsonl')} is a symbolic link; a run reads and writes only files inside --out, refused (remove the link)`,
      ]);
      expect(readFileSync(victim, 'utf8')).toBe('precious\n');
      expect(existsSync(path.join(out, LOCK_FILE))).toBe(false); // released on the error path too
    });

    it('ssl export refuses a tokenizer.json that is a symbolic link (never copies its target)', async () => {
      const run = path.join(dir, 'export-run');
      const enc = convEncoder({ inputShape: [28, 28, 1], filters: [2, 2, 2], hiddenDim: 4 });
      await saveModel(enc, path.join(run, 'encoder'));
      enc.dispose();
      const secret = path.join(dir, 'secret.txt');
      writeFileSync(secret, 'secret');
      symlinkSync(secret, path.join(run, 'tokenizer.json'));
      const file = path.join(dir, 'export-out', 'e.safetensors');
      const r = await ssl(['export', '--encoder', path.join(run, 'encoder'), '--out', file]);
      expect(r.code).toBe(1);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(
        /tokenizer\.json is a symbolic link \(to '.*secret\.txt'\).*refused/,
      );
      expect(existsSync(path.join(dir, 'export-out', 'tokenizer.json'))).toBe(false);
    });

    /** A safetensors export of a tiny encoder whose config and tensors `edit` changes. */
    const exported = (
      name: string,
      edit: (config: Record<string, unknown>) => void,
      nan = false,
    ) => {
      const enc = convEncoder({ inputShape: [28, 28, 1], filters: [2, 2, 2], hiddenDim: 4 });
      const { bytes } = exportWeights(enc);
      enc.dispose();
      const f = decodeSafetensors(bytes);
      const config = JSON.parse(f.metadata.ssl_config);
      edit(config);
      if (nan) [...f.tensors.values()][0].data[0] = NaN;
      const file = path.join(dir, name, 'model.safetensors');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, encodeSafetensors(f.tensors, { ssl_config: JSON.stringify(config) }));
      return file;
    };

    it('ssl import refuses a tokenizer path from the metadata that leaves its folder', async () => {
      const secret = path.join(dir, 'import-secret.txt');
      writeFileSync(secret, 'secret');
      const from = exported('evil', (c) => void (c.tokenizer = '../../../../../../../' + secret));
      const out = path.join(dir, 'imported-evil');
      const r = await ssl(['import', '--from', from, '--out', out]);
      expect(r.code).toBe(1);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(
        /^ssl: readExport: tokenizer: '.*import-secret\.txt' lies outside .*evil; only files inside that folder are read, refused$/,
      );
      expect(existsSync(path.join(out, 'tokenizer.json'))).toBe(false);
    });

    it('ssl import refuses NaN weights in one line', async () => {
      const from = exported('nan', () => undefined, true);
      const r = await ssl(['import', '--from', from, '--out', path.join(dir, 'imported-nan')]);
      expect(r.code).toBe(1);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(
        /importWeights: tensor '.*' holds a non-finite value \(NaN at index 0\); refused/,
      );
      expect(existsSync(path.join(dir, 'imported-nan'))).toBe(false);
    });

    it('ssl import --force onto a folder that holds no model deletes nothing', async () => {
      const from = exported('plain', () => undefined);
      const out = path.join(dir, 'not-a-model');
      mkdirSync(path.join(out, 'other-run'), { recursive: true });
      writeFileSync(path.join(out, 'notes.txt'), 'my notes');
      const r = await ssl(['import', '--from', from, '--out', out, '--force']);
      expect(r.code).toBe(1);
      expect(r.err).toEqual([
        `ssl import: --out '${out}' holds notes.txt, other-run, not only a model; --force replaces only a model folder (model.json, weights.bin, tokenizer.json), refused`,
      ]);
      expect(readdirSync(out).sort()).toEqual(['notes.txt', 'other-run']);
      // a model folder is still replaced
      const model = path.join(dir, 'a-model');
      expect((await ssl(['import', '--from', from, '--out', model])).code).toBe(0);
      expect((await ssl(['import', '--from', from, '--out', model, '--force'])).code).toBe(0);
    });
  });
});
