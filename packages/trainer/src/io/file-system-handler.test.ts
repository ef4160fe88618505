import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectAllClose } from '@ssl/test-utils';
import { fileSystemHandler } from './file-system-handler';
import { loadModel, saveModel } from './model-io';
import { tinyEncoder, tinyImages } from '../testing/fixtures';

describe('fileSystemHandler', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-fs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('saves model.json + weights.bin that tf.loadLayersModel reads back (same outputs)', async () => {
    const model = tinyEncoder(4);
    const out = path.join(dir, 'm1');
    await saveModel(model, out);
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]); // no temp left
    const json = JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.format).toBe('layers-model');
    const loaded = await tfl.loadLayersModel(fileSystemHandler(out));
    const x = tinyImages(3);
    expectAllClose(
      (loaded.predict(x) as tf.Tensor).dataSync(),
      (model.predict(x) as tf.Tensor).dataSync(),
    );
    // saving again replaces the folder
    await saveModel(loaded, out);
    const again = await loadModel(out);
    expect(again.weights.length).toBe(model.weights.length);
  });

  it.each([
    ['../x.bin', /escapes the folder/],
    ['sub/../../x.bin', /escapes the folder/],
    ['/etc/passwd', /is absolute/],
    ['', /non-empty string/],
  ])('refuses the weight path %j', async (bad, message) => {
    const out = path.join(dir, 'm2');
    await saveModel(tinyEncoder(4), out);
    const jsonPath = path.join(out, 'model.json');
    const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
    json.weightsManifest[0].paths = [bad];
    writeFileSync(jsonPath, JSON.stringify(json));
    writeFileSync(path.join(dir, 'x.bin'), readFileSync(path.join(out, 'weights.bin')));
    await expect(tfl.loadLayersModel(fileSystemHandler(out))).rejects.toThrow(message);
  });

  it('accepts a weight file in a subfolder, and names a missing model', async () => {
    const out = path.join(dir, 'm3');
    await saveModel(tinyEncoder(4), out);
    const jsonPath = path.join(out, 'model.json');
    const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
    json.weightsManifest[0].paths = ['sub/../weights.bin'];
    writeFileSync(jsonPath, JSON.stringify(json));
    await expect(loadModel(out)).resolves.toBeDefined();
    await expect(loadModel(path.join(dir, 'none'))).rejects.toThrow(/no model folder at/);
  });
});
