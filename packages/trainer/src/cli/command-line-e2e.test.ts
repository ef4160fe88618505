// The command line end to end on a user's own images: a folder of PNG class
// subfolders made from MNIST digits, through pretrain -> eval -> embed ->
// classify -> predict -> export onnx, each checked by what it wrote.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from './main';
import { captureIO } from '../testing/capture-io';
import { writeDigitFolder } from '../testing/digit-folder';
import { loadClassifier } from '../evaluation';
import { loadModel } from '../io/model-io';
import { runOnnxFile } from '../export/onnx/onnx-runtime';
import { loadImageSet } from './image-source';

describe('ssl on a folder of PNGs: pretrain -> eval -> embed -> classify -> predict -> export onnx', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-e2e-'));
    writeDigitFolder(path.join(dir, 'train'), { perClass: 16 });
    writeDigitFolder(path.join(dir, 'test'), { perClass: 8, split: 'test' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ssl = async (...argv: string[]) => {
    const c = captureIO();
    // export picks its backend itself (little compute)
    const code = await main(argv[0] === 'export' ? argv : [...argv, '--backend', 'wasm'], c.io);
    if (code !== 0) throw new Error(`ssl ${argv[0]} exited ${code}: ${c.err.join(' | ')}`);
    return c;
  };

  it('runs the whole chain, each step checked by content', async () => {
    const run = path.join(dir, 'run');
    const enc = path.join(run, 'encoder');
    const train = path.join(dir, 'train');
    const test = path.join(dir, 'test');

    // pretrain: size and channels come from the folder (28x28 gray), stated on the first line
    const p = await ssl(
      'pretrain',
      ...['--method', 'simclr', '--data', train, '--epochs', '1', '--batch-size', '32'],
      ...['--width', '0.25', '--workers', '1', '--out', run, '--quiet'],
    );
    expect(p.err[0]).toMatch(
      /data .*train: 160 images, read at 28x28x1 \(size the first image's, channels the first image's/,
    );
    const runJson = JSON.parse(readFileSync(path.join(run, 'run.json'), 'utf8'));
    expect(runJson.flags).toMatchObject({
      'image-size': 28,
      channels: 1,
      width: 0.25,
      encoder: 'conv',
    });
    const meta = JSON.parse(readFileSync(path.join(enc, 'model.json'), 'utf8')).userDefinedMetadata
      .ssl;
    expect(meta).toMatchObject({
      inputShape: [28, 28, 1],
      channels: 1,
      pixelRange: [0, 1],
      method: 'simclr',
    });

    // resuming with a changed setting is refused, naming the flag
    const r = captureIO();
    expect(await main(['pretrain', '--out', run, '--resume', '--image-size', '32'], r.io)).toBe(2);
    expect(r.err).toEqual([
      expect.stringMatching(
        /^ssl pretrain: --image-size 32 differs from the run's --image-size 28/,
      ),
    ]);

    // eval: accuracies in range (chance is 10%) and the same in the JSON report
    const e = await ssl(
      'eval',
      '--encoder',
      enc,
      '--data',
      train,
      '--test',
      test,
      '--labels-per-class',
      '5',
    );
    const printed = e.out.join('\n');
    const knn = Number(/kNN \(k=1\) accuracy: ([\d.]+)%/.exec(printed)![1]) / 100;
    const report = JSON.parse(readFileSync(path.join(run, 'eval.json'), 'utf8'));
    expect(report).toMatchObject({
      labelled: 50,
      testImages: 80,
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    });
    expect(report.knn.accuracy).toBeCloseTo(knn, 4);
    for (const acc of [report.knn.accuracy, report.linearProbe.accuracy]) {
      expect(acc).toBeGreaterThan(0.3);
      expect(acc).toBeLessThanOrEqual(1);
    }

    // embed: one CSV row per image, its file and class, the encoder's features
    const csv = path.join(dir, 'emb.csv');
    const svg = path.join(dir, 'map.svg');
    await ssl('embed', '--encoder', enc, '--data', test, '--out', csv, '--map', svg);
    const rows = readFileSync(csv, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const encoder = await loadModel(enc);
    const dim = encoder.outputs[0].shape[1]!;
    expect(rows[0].slice(0, 3)).toEqual(['file', 'label', 'f0']);
    expect(rows).toHaveLength(81);
    expect(rows.every((r) => r.length === 2 + dim)).toBe(true);
    expect(rows.slice(1).every((r) => r[0].split('/')[0] === r[1])).toBe(true); // 3/123.png, 3
    const set = await loadImageSet(test, { command: 't', flag: '--data', shape: [28, 28, 1] });
    const want = tf.tidy(() => encoder.predict(tf.slice(set.images, 0, 1)) as tf.Tensor).dataSync();
    rows[1].slice(2).forEach((v, j) => expect(Number(v)).toBeCloseTo(want[j], 5));
    encoder.dispose();
    expect(readFileSync(svg, 'utf8').match(/<circle [^>]*r="2.5"/g)).toHaveLength(80);

    // classify: a linear probe on 5 labels per class, saved as a Classifier
    const clf = path.join(run, 'classifier');
    const c = await ssl(
      'classify',
      '--encoder',
      enc,
      '--labelled',
      train,
      '--labels-per-class',
      '5',
      '--test',
      test,
      '--out',
      clf,
    );
    const testAcc = Number(/test accuracy: ([\d.]+)%/.exec(c.out.join('\n'))![1]) / 100;
    expect(testAcc).toBeGreaterThan(0.3);

    // predict: file,label,probability for every image; the same labels as the saved classifier gives
    const preds = path.join(dir, 'preds.csv');
    const pr = await ssl('predict', '--classifier', clf, '--data', test, '--out', preds);
    const lines = readFileSync(preds, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(lines[0]).toEqual(['file', 'label', 'probability']);
    expect(lines).toHaveLength(81);
    const classifier = await loadClassifier(clf);
    const { labels, probabilities } = classifier.predict(set.images);
    const ys = Array.from(labels.dataSync());
    expect(lines.slice(1).map((l) => l[1])).toEqual(ys.map((y) => classifier.classNames[y]));
    lines.slice(1).forEach((l) => expect(Number(l[2])).toBeGreaterThan(0.1 - 1e-6)); // the max of 10
    const right = ys.filter(
      (y, i) => lines[i + 1][0].split('/')[0] === classifier.classNames[y],
    ).length;
    expect(pr.out.join('\n')).toContain(`(${right}/80)`);
    expect(right / 80).toBeCloseTo(testAcc, 4);

    // export onnx: the classifier's probabilities from onnxruntime-node equal tfjs's
    const onnx = path.join(dir, 'classifier.onnx');
    await ssl('export', '--classifier', clf, '--out', onnx);
    const x = set.images.dataSync() as Float32Array;
    const got = runOnnxFile(onnx, x, set.images.shape);
    const ref = probabilities.dataSync();
    expect(got.dims).toEqual([80, 10]);
    let worst = 0;
    got.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref[i]))));
    expect(worst).toBeLessThan(1e-4);
    tf.dispose([labels, probabilities, set.images, set.labels]);
    classifier.dispose();
  }, 180_000);
});
