import * as tf from '@tensorflow/tfjs-core';
import {
  describeBackends,
  expectAllClose,
  expectFlatMemory,
  expectNoLeak,
  randomArray,
} from '@ssl/test-utils';
import { convEncoder } from './conv-encoder';
import { projectionHead } from './projection-head';
import { perturbWeights, saveAndLoad } from './testing/round-trip';
import { trainableVariables, trainSteps } from './testing/train';

/** Parameters of a k x k conv: kernel k*k*cin*cout (+ cout biases). */
const convParams = (k: number, cin: number, cout: number, bias = true) =>
  k * k * cin * cout + (bias ? cout : 0);

describeBackends('convEncoder', () => {
  it('is the reference CNN by default: [N,28,28,1] -> [N,128] through the expected layers', () => {
    const model = convEncoder();
    expect(model.inputs[0].shape).toEqual([null, 28, 28, 1]);
    expect(model.outputs[0].shape).toEqual([null, 128]);
    // Layer output shapes: 28 -conv3 valid-> 26 -pool-> 13 -conv3 same-> 13 -pool-> 6 -conv3 s2-> 2.
    const shapes = model.layers.map((l) => [l.getClassName(), l.outputShape]);
    expect(shapes).toEqual([
      ['InputLayer', [null, 28, 28, 1]],
      ['Conv2D', [null, 26, 26, 32]],
      ['MaxPooling2D', [null, 13, 13, 32]],
      ['Conv2D', [null, 13, 13, 64]],
      ['MaxPooling2D', [null, 6, 6, 64]],
      ['Conv2D', [null, 2, 2, 128]],
      ['GlobalAveragePooling2D', [null, 128]],
    ]);
    const y = model.predict(tf.zeros([3, 28, 28, 1])) as tf.Tensor;
    expect(y.shape).toEqual([3, 128]);
    y.dispose();
    model.dispose();
  });

  it('has the hand-computed number of parameters', () => {
    const plain = convEncoder();
    // conv(1->32) 320 + conv(32->64) 18496 + conv(64->128) 73856.
    expect(plain.countParams()).toBe(
      convParams(3, 1, 32) + convParams(3, 32, 64) + convParams(3, 64, 128),
    );
    expect(plain.countParams()).toBe(92672);
    const bn = convEncoder({ filters: [4, 8, 16], batchNorm: true, hiddenDim: 10 });
    // Convs without bias; BN has gamma, beta, moving mean, moving variance per channel.
    expect(bn.countParams()).toBe(
      convParams(3, 1, 4, false) +
        4 * 4 +
        convParams(3, 4, 8, false) +
        4 * 8 +
        convParams(3, 8, 16, false) +
        4 * 16 +
        (16 * 10 + 10),
    );
    plain.dispose();
    bn.dispose();
  });

  it.each([
    [{ filters: [8, 16, 24] as [number, number, number] }, [2, 28, 28, 1], [2, 24]],
    [{ hiddenDim: 10 }, [2, 28, 28, 1], [2, 10]],
    [
      { inputShape: [32, 32, 3] as [number, number, number], batchNorm: true },
      [2, 32, 32, 3],
      [2, 128],
    ],
    [
      {
        inputShape: [14, 20, 2] as [number, number, number],
        filters: [2, 3, 5] as [number, number, number],
      },
      [1, 14, 20, 2],
      [1, 5],
    ],
  ])('output shape for %j', (opts, inShape, outShape) => {
    const model = convEncoder(opts);
    const y = model.predict(tf.ones(inShape)) as tf.Tensor;
    expect(y.shape).toEqual(outShape);
    y.dispose();
    model.dispose();
  });

  it('same seed -> same weights; another seed -> other weights', () => {
    const a = convEncoder({ filters: [2, 2, 2], seed: 1 });
    const b = convEncoder({ filters: [2, 2, 2], seed: 1 });
    const c = convEncoder({ filters: [2, 2, 2], seed: 2 });
    const w = (m: typeof a) => Array.from(m.getWeights()[0].dataSync());
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('save -> load gives identical outputs (with batch norm)', async () => {
    const model = convEncoder({ filters: [4, 6, 8], batchNorm: true, hiddenDim: 5 });
    perturbWeights(model, 11);
    const loaded = await saveAndLoad(model);
    const x = tf.tensor4d(randomArray(2 * 28 * 28, 5, 0, 1), [2, 28, 28, 1]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expectAllClose(b.dataSync(), a.dataSync(), { atol: 1e-6, rtol: 0 });
    // The perturbed weights really changed the model (the round trip is not vacuous).
    const fresh = convEncoder({ filters: [4, 6, 8], batchNorm: true, hiddenDim: 5 });
    const c = fresh.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([x, a, b, c]);
    [model, loaded, fresh].forEach((m) => m.dispose());
  });

  it('forward pass leaks no tensors', async () => {
    const model = convEncoder({ filters: [4, 8, 8], batchNorm: true });
    const x = tf.ones([2, 28, 28, 1]);
    await expectNoLeak(() => model.predict(x));
    await expectNoLeak(() => model.apply(x, { training: true }));
    x.dispose();
    model.dispose();
  });

  it.each([
    [
      { filters: [32, -64, 128] },
      /convEncoder: filters must be a non-empty array of positive integers, got \[32,-64,128\]/,
    ],
    [{ filters: [32, 64] }, /convEncoder: filters must hold exactly 3 widths, got 2/],
    [{ inputShape: [28, 28] }, /convEncoder: inputShape must be 3 positive integers/],
    [{ inputShape: [10, 10, 1] }, /convEncoder: inputShape height and width must be >= 14/],
    [{ hiddenDim: 0 }, /convEncoder: hiddenDim must be an integer >= 1, got 0/],
    [{ hiddenDim: 2.5 }, /convEncoder: hiddenDim must be an integer >= 1, got 2.5/],
    [{ name: '' }, /convEncoder: name must be a non-empty string/],
  ])('rejects %j', (opts, message) => {
    expect(() => convEncoder(opts as never)).toThrow(message);
  });
});

// Training kernels: tfjs-backend-wasm 4.22 lacks Conv2DBackpropFilter (added by
// @ssl/backends), so the gradient tests run on cpu only for now.
describeBackends(
  'convEncoder + projectionHead training',
  () => {
    it('a few Adam steps reduce a regression loss, with flat memory', async () => {
      const encoder = convEncoder({ inputShape: [14, 14, 1], filters: [4, 8, 8], batchNorm: true });
      const head = projectionHead({ inputDim: 8, hiddenDim: 16, outputDim: 4 });
      const x = tf.tensor4d(randomArray(8 * 14 * 14, 1, 0, 1), [8, 14, 14, 1]);
      const target = tf.tensor2d(randomArray(8 * 4, 2), [8, 4]);
      const loss = () =>
        tf.tidy(() => {
          const h = encoder.apply(x, { training: true }) as tf.Tensor;
          const z = head.apply(h, { training: true }) as tf.Tensor;
          return tf.mean(tf.square(tf.sub(z, target))) as tf.Scalar;
        });
      const vars = trainableVariables(encoder, head);
      // Every trainable weight gets a finite, non-zero gradient (all ops have gradients).
      const { grads } = tf.variableGrads(loss, vars);
      for (const v of vars) {
        const g = grads[v.name];
        expect(g).toBeDefined();
        expect(Number.isFinite(tf.sum(tf.abs(g)).dataSync()[0])).toBe(true);
        expect(tf.sum(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
      }
      tf.dispose(grads);

      const losses = trainSteps(loss, vars, 8);
      expect(losses[losses.length - 1]).toBeLessThan(0.8 * losses[0]);

      const optimizer = tf.train.sgd(0.01);
      await expectFlatMemory(() => optimizer.minimize(loss, true, vars));
      optimizer.dispose();
      tf.dispose([x, target]);
      encoder.dispose();
      head.dispose();
    });
  },
  ['cpu'],
);
