import * as tf from '@tensorflow/tfjs-core';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '@ssl/test-utils';
import { tinyEncoder } from '../testing/fixtures';
import { poisonMethod } from '../testing/poison-method';
import { restoreCheckpoint, saveCheckpoint } from './checkpoint';
import { loadModel, saveModel } from './model-io';

describe('checkpoint integrity', () => {
  let dir: string;
  let good: string;
  const state = { epoch: 1, step: 2, seed: 0, rngState: null, method: 'poison' };
  const parts = () => {
    const encoder = tinyEncoder(1);
    const method = poisonMethod();
    method.build(encoder, {} as never);
    return { encoder, method, optimizer: tf.train.sgd(0.1) };
  };
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-integrity-'));
    good = path.join(dir, 'good');
    const p = parts();
    await saveCheckpoint(good, p, state);
    p.method.dispose();
    p.encoder.dispose();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of the good checkpoint, damaged by `damage`, restored. */
  const restoreDamaged = async (name: string, damage: (ckpt: string) => void) => {
    const ckpt = path.join(dir, name);
    cpSync(good, ckpt, { recursive: true });
    damage(ckpt);
    const p = parts();
    try {
      return await restoreCheckpoint(ckpt, p);
    } finally {
      p.method.dispose();
      p.encoder.dispose();
    }
  };
  const weights = (ckpt: string) => path.join(ckpt, 'encoder', 'weights.bin');

  it('records size and SHA-256 of every file; an intact checkpoint restores', async () => {
    const json = JSON.parse(readFileSync(path.join(good, 'state.json'), 'utf8'));
    expect(json.version).toBe(3);
    expect(json.stateSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(json.files).sort()).toEqual([
      'encoder/model.json',
      'encoder/weights.bin',
      'state.bin',
    ]);
    expect(json.files['encoder/weights.bin'].bytes).toBe(readFileSync(weights(good)).byteLength);
    expect(json.files['state.bin'].sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(restoreDamaged('intact', () => {})).resolves.toMatchObject({ step: 2 });
  });

  it.each([
    [
      'truncated',
      (c: string) => truncateSync(weights(c), 100),
      /weights\.bin is truncated: 100 bytes, expected \d+/,
    ],
    [
      'trailing junk',
      (c: string) => appendFileSync(weights(c), 'junk'),
      /weights\.bin has trailing data/,
    ],
    [
      'corrupted',
      (c: string) => {
        const b = readFileSync(weights(c));
        b[10] ^= 0xff;
        writeFileSync(weights(c), b);
      },
      /weights\.bin is corrupted/,
    ],
    ['missing', (c: string) => unlinkSync(weights(c)), /weights\.bin is missing/],
    [
      'missing state.bin',
      (c: string) => unlinkSync(path.join(c, 'state.bin')),
      /state\.bin is missing/,
    ],
    [
      'truncated state.bin',
      (c: string) => truncateSync(path.join(c, 'state.bin'), 3),
      /state\.bin is truncated/,
    ],
    [
      'truncated state.json',
      (c: string) => truncateSync(path.join(c, 'state.json'), 40),
      /state\.json is not valid JSON/,
    ],
    [
      'state.json epoch edited',
      (c: string) => {
        const f = path.join(c, 'state.json');
        writeFileSync(f, readFileSync(f, 'utf8').replace('"epoch": 1,', '"epoch": 0,'));
      },
      /state\.json was edited or corrupted/,
    ],
    [
      'state.json step edited',
      (c: string) => {
        const f = path.join(c, 'state.json');
        writeFileSync(f, readFileSync(f, 'utf8').replace('"step": 2,', '"step": 1,'));
      },
      /state\.json was edited or corrupted/,
    ],
    [
      'weights.bin a symlink outside',
      (c: string) => {
        const outside = path.join(dir, `outside-${Math.random()}.bin`);
        cpSync(weights(c), outside);
        unlinkSync(weights(c));
        symlinkSync(outside, weights(c));
      },
      /weights\.bin is a symbolic link to '.*', outside .*; refused/,
    ],
  ])('%s: one line naming the file, no tfjs internals', async (name, damage, message) => {
    const err = await restoreDamaged(name.replace(/\W+/g, '-'), damage).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/^(checkpoint|fileSystemHandler): /);
    expect((err as Error).message).not.toMatch(/\n|Based on the provided shape|ENOENT/);
  });

  it('a symlink inside the folder is followed', async () => {
    await expect(
      restoreDamaged('inner-link', (c) => {
        const copy = path.join(c, 'encoder', 'copy.bin');
        cpSync(weights(c), copy);
        unlinkSync(weights(c));
        symlinkSync(copy, weights(c));
      }),
    ).resolves.toMatchObject({ step: 2 });
  });

  it('a version-1 checkpoint (no checksums) still restores, checked for sizes', async () => {
    const toV1 = (c: string) => {
      const f = path.join(c, 'state.json');
      const json = JSON.parse(readFileSync(f, 'utf8'));
      delete json.files;
      json.version = 1;
      writeFileSync(f, JSON.stringify(json));
    };
    await expect(restoreDamaged('v1', toV1)).resolves.toMatchObject({ step: 2 });
    await expect(
      restoreDamaged('v1-truncated', (c) => {
        toV1(c);
        truncateSync(weights(c), 64);
      }),
    ).rejects.toThrow(/weights\.bin is truncated: 64 bytes/);
  });

  it('stale temp folders of a killed writer are removed at the next save and load', async () => {
    const ckpt = path.join(dir, 'stale');
    cpSync(good, ckpt, { recursive: true });
    // pid 2^22+1 is above Linux's pid_max default range: a process that does not exist
    const stale = path.join(dir, `.stale.tmp-4194305-1-abc`);
    mkdirSync(path.join(stale, 'encoder'), { recursive: true });
    const p = parts();
    await restoreCheckpoint(ckpt, p);
    expect(existsSync(stale)).toBe(false);
    mkdirSync(stale);
    await saveCheckpoint(ckpt, p, state);
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('.stale'))).toEqual([]);
    p.method.dispose();
    p.encoder.dispose();
  });

  it.each([
    ['without weightsManifest', (j: Record<string, unknown>) => void delete j.weightsManifest],
    [
      'with an empty weightsManifest',
      (j: Record<string, unknown>) => void (j.weightsManifest = []),
    ],
    [
      'whose manifest names another file',
      (j: Record<string, unknown>) =>
        void (j.weightsManifest = [{ paths: ['other.bin'], weights: [] }]),
    ],
  ])('a model.json %s is refused in one line, never loaded untrained', async (name, edit) => {
    const m = path.join(dir, `manifest-${name.replace(/\W+/g, '-')}`);
    const enc = tinyEncoder(3);
    await saveModel(enc, m);
    enc.dispose();
    const f = path.join(m, 'model.json');
    const json = JSON.parse(readFileSync(f, 'utf8'));
    edit(json);
    writeFileSync(f, JSON.stringify(json));
    if (name.includes('another')) writeFileSync(path.join(m, 'other.bin'), new Uint8Array(0));
    const err = await loadModel(m).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      /^fileSystemHandler: .*model\.json( has no valid weightsManifest|'s weightsManifest does not name weights\.bin)/,
    );
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it('a model folder (saveModel) refuses a truncated or extended weights.bin, naming it', async () => {
    const m = path.join(dir, 'model');
    const enc = tinyEncoder(2);
    await saveModel(enc, m);
    appendFileSync(path.join(m, 'weights.bin'), 'x');
    await expect(loadModel(m)).rejects.toThrow(
      /fileSystemHandler: .*weights\.bin has trailing data/,
    );
    truncateSync(path.join(m, 'weights.bin'), 8);
    await expect(loadModel(m)).rejects.toThrow(/fileSystemHandler: .*weights\.bin is truncated/);
    enc.dispose();
  });
});
