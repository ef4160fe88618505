import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { convEncoder, resnet } from '@ssl/encoders';
import { toOnnx } from './to-onnx';
import { fineTune, linearProbe } from '../../evaluation';
import { runOnnxFile } from './onnx-runtime';

/** Randomises every weight (BN statistics too, variance > 0) so a layout mistake shows. */
function randomise(model: tfl.LayersModel, seed: number): void {
  model.setWeights(
    model.weights.map((w, i) =>
      w.originalName.includes('variance')
        ? tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', seed + i)
        : tf.randomNormal(w.shape as number[], 0, 0.3, 'float32', seed + i),
    ),
  );
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function check(model: tfl.LayersModel, inputShape: number[]): Promise<void> {
  const x = tf.randomUniform([3, ...inputShape], 0, 1, 'float32', 7);
  const want = (model.predict(x) as tf.Tensor).dataSync();
  const got = runOnnxFile(toOnnx(model), x.dataSync() as Float32Array, x.shape);
  expect(got.dims).toEqual([3, ...model.outputs[0].shape.slice(1)]);
  expect(maxAbsDiff(got.data, want)).toBeLessThan(1e-4);
  x.dispose();
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('toOnnx (run in onnxruntime-node, compared with tfjs)', () => {
  it('conv encoder without batch norm, 1 channel', async () => {
    const m = convEncoder({ inputShape: [28, 28, 1], filters: [4, 6, 8], seed: 1 });
    randomise(m, 1);
    await check(m, [28, 28, 1]);
    m.dispose();
  });

  it('conv encoder with batch norm and a hidden layer, 3 channels, odd size', async () => {
    const m = convEncoder({
      inputShape: [19, 17, 3],
      filters: [4, 6, 8],
      batchNorm: true,
      hiddenDim: 5,
      seed: 2,
    });
    randomise(m, 2);
    await check(m, [19, 17, 3]);
    m.dispose();
  });

  it('ResNet-18 (narrow, cifar stem) and the imagenet stem (strided same padding, max pool)', async () => {
    const a = resnet({ depth: 18, inputShape: [16, 16, 3], widthMultiplier: 1 / 16, seed: 3 });
    randomise(a, 3);
    await check(a, [16, 16, 3]);
    a.dispose();
    const b = resnet({
      depth: 18,
      inputShape: [21, 21, 1],
      stem: 'imagenet',
      widthMultiplier: 1 / 16,
      seed: 4,
    });
    randomise(b, 4);
    await check(b, [21, 21, 1]);
    b.dispose();
  }, 30_000);

  it('a classifier: encoder nested in a model, Flatten, Dense heads, softmax', async () => {
    const enc = convEncoder({ inputShape: [14, 14, 1], filters: [3, 4, 5], seed: 5 });
    const input = tfl.input({ shape: [14, 14, 1] });
    const feats = enc.apply(input) as tfl.SymbolicTensor;
    const h = tfl.layers.dense({ units: 6, activation: 'relu' }).apply(feats) as tfl.SymbolicTensor;
    const out = tfl.layers
      .dense({ units: 3, activation: 'softmax' })
      .apply(h) as tfl.SymbolicTensor;
    const clf = tfl.model({ inputs: input, outputs: out });
    randomise(clf, 5);
    await check(clf, [14, 14, 1]);
    // Flatten keeps tfjs's NHWC order
    const seq = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [5, 4, 2], filters: 3, kernelSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    randomise(seq, 6);
    await check(seq, [5, 4, 2]);
    clf.dispose();
    seq.dispose();
  });

  it('classifiers of the evaluation API: linear probe (standardised features) and fine-tune', async () => {
    const enc = convEncoder({
      inputShape: [14, 14, 1],
      filters: [3, 4, 5],
      batchNorm: true,
      seed: 8,
    });
    randomise(enc, 8);
    const images = tf.randomUniform([12, 14, 14, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32');
    const train = { images, labels };
    const probe = await linearProbe({ encoder: enc, train, test: train, epochs: 3 });
    expect(probe.classifier.model.layers.map((l) => l.getClassName())).toContain('SslStandardize');
    await check(probe.classifier.model, [14, 14, 1]);
    const tuned = await fineTune({ encoder: enc, train, test: train, epochs: 1, batchSize: 4 });
    await check(tuned.classifier.model, [14, 14, 1]);
    probe.classifier.dispose();
    tuned.classifier.dispose();
    tf.dispose([images, labels]);
    enc.dispose();
  }, 30_000);

  it('refuses a layer it cannot convert, naming it', () => {
    const m = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [4], units: 2 }), tfl.layers.layerNormalization()],
    });
    expect(() => toOnnx(m)).toThrow(/layer '.*' \(LayerNormalization\) has no ONNX conversion/);
    m.dispose();
  });
});
