import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, randomArray } from '@ssl/test-utils';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

type Loss = (inputs: tf.Tensor[]) => tf.Scalar;

/**
 * Gradients of `loss` w.r.t. every input, on `backend`; checks that taking
 * them leaves no tensor behind.
 */
async function gradsOn(backend: string, loss: Loss, shapes: number[][]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const xs = shapes.map((s, i) => tf.tensor(randomArray(tf.util.sizeFromShape(s), 200 + i), s));
  const grads = tf.grads((...args: tf.Tensor[]) => loss(args))(xs);
  const values = grads.map((g) => Float32Array.from(g.dataSync()));
  tf.dispose([...xs, ...grads]);
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

async function expectSameGrads(loss: Loss, shapes: number[][]): Promise<void> {
  const want = await gradsOn('cpu', loss, shapes);
  const got = await gradsOn('wasm', loss, shapes);
  got.forEach((g, i) => expectAllClose(g, want[i], { atol: 1e-4, rtol: 1e-3 }));
}

// A weighted sum makes every output element's gradient different.
function weightedSum(y: tf.Tensor): tf.Scalar {
  const w = tf.tensor(randomArray(y.size, 999), y.shape);
  return tf.sum(tf.mul(y, w));
}

describe('tf.grad through the wasm training kernels matches cpu', () => {
  it.each([
    [[2, 9, 9, 3], [3, 3, 3, 4], 1, 'same'],
    [[3, 10, 8, 2], [3, 3, 2, 5], 2, 'valid'],
    [[2, 8, 8, 4], [2, 2, 4, 3], 2, 'same'],
  ] as [number[], number[], number, 'same' | 'valid'][])(
    'conv2d x %j filter %j stride %i %s',
    (xs, ws, s, pad) =>
      expectSameGrads(
        ([x, w]) => weightedSum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad)),
        [xs, ws],
      ),
  );

  it.each([
    [[2, 9, 9, 3], [3, 3, 3, 1], 1, 'same'],
    [[3, 10, 8, 2], [3, 3, 2, 2], 2, 'valid'],
  ] as [number[], number[], number, 'same' | 'valid'][])(
    'depthwiseConv2d x %j filter %j stride %i %s',
    (xs, ws, s, pad) =>
      expectSameGrads(
        ([x, w]) => weightedSum(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad)),
        [xs, ws],
      ),
  );

  it.each([
    [[2, 8, 8, 3], 2, 2, 'valid'],
    [[2, 9, 7, 4], 3, 2, 'same'],
  ] as [number[], number, number, 'same' | 'valid'][])(
    'maxPool x %j size %i stride %i %s',
    (xs, f, s, pad) =>
      expectSameGrads(([x]) => weightedSum(tf.maxPool(x as tf.Tensor4D, f, s, pad)), [xs]),
  );

  it('gather (embedding lookup) with repeated indices', async () => {
    const ids = [3, 1, 3, 0, 7, 3];
    await expectSameGrads(
      ([table]) => weightedSum(tf.gather(table, tf.tensor1d(ids, 'int32'))),
      [[8, 5]],
    );
  });
});
