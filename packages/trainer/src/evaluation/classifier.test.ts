import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describeBackends, expectAllClose } from '@ssl/test-utils';
import { transformerEncoder } from '@ssl/encoders';

import { linearProbe } from './linear-probe';
import { knnAccuracy } from './knn';
import { knnClassifier } from './knn-classifier';
import { fineTune } from './fine-tune';
import { distill } from './distill';
import { loadClassifier } from './load-classifier';
import { CLASSIFIER_METADATA_KEY, type Classifier } from './classifier';
import { quadrantImages, tinyEncoder } from './test-helpers';
import { fileSystemHandler } from '../io/file-system-handler';

/** An IOHandler that keeps what is saved, and loads it back. */
function memoryIO(): tf.io.IOHandler & { artifacts?: tf.io.ModelArtifacts } {
  const io: tf.io.IOHandler & { artifacts?: tf.io.ModelArtifacts } = {
    async save(artifacts) {
      io.artifacts = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
    async load() {
      return io.artifacts!;
    },
  };
  return io;
}

/** Argmax of each row of `p` (JS), the first on ties. */
function argmaxRows(p: number[][]): number[] {
  return p.map((row) => row.indexOf(Math.max(...row)));
}

async function roundTrip(c: Classifier, x: tf.Tensor | Record<string, tf.Tensor>): Promise<void> {
  const io = memoryIO();
  await c.save(io);
  const meta = io.artifacts!.userDefinedMetadata![CLASSIFIER_METADATA_KEY] as Record<
    string,
    unknown
  >;
  expect(meta).toMatchObject({ format: 'ssl-classifier', kind: c.kind, classNames: c.classNames });
  const back = await loadClassifier(io);
  const a = c.predict(x);
  const b = back.predict(x);
  expect(Array.from(b.probabilities.dataSync())).toEqual(Array.from(a.probabilities.dataSync()));
  expect(Array.from(b.labels.dataSync())).toEqual(Array.from(a.labels.dataSync()));
  expect(back.classNames).toEqual(c.classNames);
  expect(back.inputShape).toEqual(c.inputShape);
  expect(back.kind).toBe(c.kind);
  // plain tfjs loads it too, metadata included
  const plain = await tfl.loadLayersModel(io);
  const p = plain.predict(x instanceof tf.Tensor ? x : Object.values(x)) as tf.Tensor;
  expectAllClose(p.dataSync(), a.probabilities.dataSync(), { atol: 0 });
  expect(plain.getUserDefinedMetadata()).toHaveProperty(CLASSIFIER_METADATA_KEY);
  tf.dispose([a.labels, a.probabilities, b.labels, b.probabilities, p]);
  plain.dispose();
  back.dispose();
}

describeBackends(
  'Classifier',
  () => {
    const train = () => quadrantImages(3, 1);
    const test = () => quadrantImages(8, 2);

    it('linearProbe: evaluate = the reported accuracy, predict = evaluate, round trip, no leak', async () => {
      const tr = train();
      const te = test();
      const encoder = tinyEncoder(3);
      const before = tf.memory().numTensors;
      for (const enc of [encoder, undefined]) {
        const r = await linearProbe({
          encoder: enc,
          train: tr,
          test: te,
          epochs: 5,
          lr: 0.05,
          unlabelled: te.images,
        });
        const c = r.classifier;
        expect(c.kind).toBe('linear-probe');
        expect(c.classNames).toEqual(['0', '1', '2', '3']);
        expect(c.inputShape).toEqual([8, 8, 1]);
        expect(c.pixelRange).toEqual([0, 1]);
        expect(c.encoder?.featureDim ?? null).toBe(enc ? 8 : null);
        expect(await c.evaluate(te)).toBe(r.accuracy);
        expect(await c.evaluate(tr, { batchSize: 5 })).toBe(r.trainAccuracy);
        const { labels, probabilities } = c.predict(te.images, { batchSize: 7 });
        expect(probabilities.shape).toEqual([32, 4]);
        const ys = Array.from(te.labels.dataSync());
        const pred = Array.from(labels.dataSync());
        expect(pred).toEqual(argmaxRows(probabilities.arraySync()));
        expect(pred.filter((p, i) => p === ys[i]).length / ys.length).toBe(r.accuracy);
        // rows are probabilities
        probabilities
          .arraySync()
          .forEach((row) => expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5));
        tf.dispose([labels, probabilities]);
        await roundTrip(c, te.images);
        c.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
      encoder.dispose();
      tf.dispose([tr.images, tr.labels, te.images, te.labels]);
    });

    it('knnClassifier classifies as knnAccuracy does (k, weighted), and round-trips', async () => {
      const tr = quadrantImages(4, 5);
      const te = quadrantImages(8, 6);
      const encoder = tinyEncoder(4);
      const before = tf.memory().numTensors;
      for (const opts of [
        { k: 1 },
        { k: 3 },
        { k: 5, weighted: true, temperature: 0.1 },
        { k: 4 },
      ]) {
        const want = await knnAccuracy({ encoder, train: tr, test: te, ...opts });
        const c = await knnClassifier({
          encoder,
          train: tr,
          ...opts,
          classNames: ['a', 'b', 'c', 'd'],
        });
        expect(c.kind).toBe('knn');
        expect(await c.evaluate(te)).toBe(want);
        await roundTrip(c, te.images);
        c.dispose();
      }
      // raw pixels, 1-NN: every train example is its own nearest neighbour
      const raw = await knnClassifier({ train: tr });
      expect(await raw.evaluate(tr)).toBe(1);
      expect(await raw.evaluate(te)).toBe(await knnAccuracy({ train: tr, test: te }));
      raw.dispose();
      expect(tf.memory().numTensors).toBe(before);
      encoder.dispose();
      tf.dispose([tr.images, tr.labels, te.images, te.labels]);
    });

    it('knnClassifier breaks a tie as knnAccuracy does: the nearest neighbour class', async () => {
      // features [N, 2]: query (1, 0); class 1 at cos 0.99 (nearest), class 0 at 0.9 — a 1:1 tie at k = 2
      const a = (deg: number) => [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
      const tr = {
        images: tf.tensor2d([a(25), a(8), a(120)]),
        labels: tf.tensor1d([0, 1, 2], 'int32'),
      };
      const te = { images: tf.tensor2d([a(0), a(16)]), labels: tf.tensor1d([1, 0], 'int32') };
      const c = await knnClassifier({ train: tr, k: 2 });
      const { labels, probabilities } = c.predict(te.images);
      expect(Array.from(labels.dataSync())).toEqual([1, 1]);
      expect(await knnAccuracy({ train: tr, test: te, k: 2 })).toBe(0.5);
      expect(await c.evaluate(te)).toBe(0.5);
      const p = probabilities.arraySync();
      expect(p[0][1]).toBeGreaterThan(p[0][0]);
      expect(p[0][0]).toBeCloseTo(0.5, 2);
      tf.dispose([labels, probabilities, tr.images, tr.labels, te.images, te.labels]);
      c.dispose();
    });

    it('fineTune and distill return classifiers that give their figures', async () => {
      const tr = train();
      const te = test();
      const encoder = tinyEncoder(5);
      const before = tf.memory().numTensors;
      const r = await fineTune({ encoder, train: tr, test: te, epochs: 2, batchSize: 6 });
      expect(r.classifier.kind).toBe('fine-tune');
      expect(await r.classifier.evaluate(te)).toBe(r.accuracy);
      const { labels, probabilities } = r.classifier.predict(te.images);
      expect(Array.from(labels.dataSync())).toEqual(r.predictions);
      tf.dispose([labels, probabilities]);
      await roundTrip(r.classifier, te.images);

      // distill: the classifier is a copy of the student (+ softmax)
      const input = tfl.input({ shape: [8, 8, 1] });
      const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
      const out = tfl.layers
        .dense({ units: 4, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) })
        .apply(flat) as tfl.SymbolicTensor;
      const student = tfl.model({ inputs: input, outputs: out });
      const d = await distill({
        teacher: r.classifier.model,
        student,
        unlabeled: te.images,
        epochs: 1,
        batchSize: 16,
      });
      expect(d.classifier.kind).toBe('distill');
      const logits = student.predict(te.images) as tf.Tensor2D;
      const want = argmaxRows(logits.arraySync());
      const got = d.classifier.predict(te.images);
      expect(Array.from(got.labels.dataSync())).toEqual(want);
      const soft = tf.softmax(logits);
      expectAllClose(got.probabilities.dataSync(), soft.dataSync(), { atol: 1e-6 });
      soft.dispose();
      student.dispose(); // the classifier has its own copy
      expect(await d.classifier.evaluate(te)).toBeGreaterThanOrEqual(0);
      tf.dispose([logits, got.labels, got.probabilities]);
      d.classifier.dispose();
      r.classifier.dispose();
      expect(tf.memory().numTensors).toBe(before);
      encoder.dispose();
      tf.dispose([tr.images, tr.labels, te.images, te.labels]);
    });

    it('works for text: a probe on a transformer over { inputIds, attentionMask }', async () => {
      const bert = transformerEncoder({
        vocabSize: 12,
        maxLength: 4,
        dModel: 8,
        numHeads: 2,
        numLayers: 1,
        ffnDim: 8,
        dropout: 0,
        seed: 2,
      });
      // class = whether token 3 occurs
      const rows = [
        [1, 3, 2, 0],
        [1, 4, 2, 0],
        [1, 5, 3, 2],
        [1, 6, 7, 2],
        [1, 3, 3, 2],
        [1, 8, 2, 0],
      ];
      const inputIds = tf.tensor2d(rows, undefined, 'int32');
      const attentionMask = tf.tensor2d(
        rows.map((r) => r.map((v) => (v ? 1 : 0))),
        undefined,
        'int32',
      );
      const labels = tf.tensor1d([1, 0, 1, 0, 1, 0], 'int32');
      const set = { images: { inputIds, attentionMask }, labels };
      const r = await linearProbe({ encoder: bert, train: set, test: set, epochs: 20 });
      expect(r.classifier.inputShape).toEqual([-1]); // any sequence length
      expect(r.classifier.pixelRange).toBeUndefined();
      expect(await r.classifier.evaluate(set)).toBe(r.accuracy);
      await roundTrip(r.classifier, { inputIds, attentionMask });
      const knn = await knnClassifier({ encoder: bert, train: set });
      expect(await knn.evaluate(set)).toBe(1);
      knn.dispose();
      r.classifier.dispose();
      bert.dispose();
      tf.dispose([inputIds, attentionMask, labels]);
    });
  },
  ['cpu', 'wasm'],
);

describe('Classifier files and errors', () => {
  it('saves into a folder (Node) and loads back; a plain model is refused in one line', async () => {
    await tf.setBackend('cpu');
    const tr = quadrantImages(2, 1);
    const { classifier } = await linearProbe({
      train: tr,
      test: tr,
      epochs: 2,
      classNames: ['nw', 'ne', 'sw', 'se'],
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'ssl-classifier-'));
    try {
      await classifier.save(path.join(dir, 'probe'));
      const json = JSON.parse(readFileSync(path.join(dir, 'probe', 'model.json'), 'utf8'));
      expect(json.userDefinedMetadata[CLASSIFIER_METADATA_KEY]).toEqual({
        format: 'ssl-classifier',
        version: 1,
        kind: 'linear-probe',
        classNames: ['nw', 'ne', 'sw', 'se'],
        inputShape: [8, 8, 1],
        pixelRange: [0, 1],
        encoder: null,
      });
      const back = await loadClassifier(path.join(dir, 'probe'));
      const a = classifier.predict(tr.images);
      const b = back.predict(tr.images);
      expect(Array.from(b.probabilities.dataSync())).toEqual(
        Array.from(a.probabilities.dataSync()),
      );
      tf.dispose([a.labels, a.probabilities, b.labels, b.probabilities]);
      back.dispose();

      const plain = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
      await plain.save(fileSystemHandler(path.join(dir, 'plain')));
      await expect(loadClassifier(path.join(dir, 'plain'))).rejects.toThrow(
        /^loadClassifier: ".*plain" holds no classifier metadata/,
      );
      plain.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const bad = tf.zeros([2, 8, 8, 3]);
    expect(() => classifier.predict(bad)).toThrow(
      'Classifier.predict: x must be [N, 8, 8, 1], got [2,8,8,3]',
    );
    expect(() => classifier.predict(tr.images, { batchSize: 0 })).toThrow(
      'Classifier.predict: batchSize must be an integer >= 1, got 0',
    );
    await expect(classifier.save(42 as never)).rejects.toThrow(
      'Classifier.save: dest must be a folder path, a URL or a tf.io.IOHandler, got 42',
    );
    await expect(
      linearProbe({ train: tr, test: tr, epochs: 1, classNames: ['a'] }),
    ).rejects.toThrow('linearProbe: classNames must be 4 strings (one per class), got ["a"]');
    classifier.dispose();
    expect(() => classifier.predict(tr.images)).toThrow(
      'Classifier.predict: the classifier was disposed',
    );
    tf.dispose([bad, tr.images, tr.labels]);
  });
});
