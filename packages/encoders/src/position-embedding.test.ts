import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeBackends, expectAllClose, expectNoLeak, randomArray } from '@ssl/test-utils';
import { PositionEmbedding } from './position-embedding';
import { disposeLayerWeights, saveAndLoad } from './testing/round-trip';

const MAX = 5;
const D = 3;
const table = randomArray(MAX * D, 31);

function knownLayer(): PositionEmbedding {
  const layer = new PositionEmbedding({ maxLength: MAX, name: 'pos' });
  layer.build([null, null, D]);
  const w = tf.tensor2d(table, [MAX, D]);
  layer.setWeights([w]);
  w.dispose();
  return layer;
}

describeBackends('PositionEmbedding', () => {
  it('adds row t of the table to position t of every sequence, for any T <= maxLength', () => {
    const layer = knownLayer();
    for (const t of [1, 4, MAX]) {
      const x = randomArray(2 * t * D, t);
      const y = layer.apply(tf.tensor3d(x, [2, t, D])) as tf.Tensor;
      const expected = Array.from(x, (v, i) => v + table[i % (t * D)]);
      expectAllClose(y.dataSync(), expected, { atol: 1e-6 });
      y.dispose();
    }
    expect(() => layer.apply(tf.zeros([1, MAX + 1, D]))).toThrow(
      /PositionEmbedding: sequence length must be <= maxLength 5, got 6/,
    );
    disposeLayerWeights(layer);
  });

  it('computeOutputShape is the input shape; the table is [maxLength, D]', () => {
    const layer = new PositionEmbedding({ maxLength: 7 });
    expect(layer.computeOutputShape([null, null, 4])).toEqual([null, null, 4]);
    layer.build([null, null, 4]);
    expect(layer.weights.map((w) => w.shape)).toEqual([[7, 4]]);
    expect(() => new PositionEmbedding({ maxLength: 0 })).toThrow(
      /PositionEmbedding: maxLength must be an integer >= 1, got 0/,
    );
    disposeLayerWeights(layer);
  });

  it('forward pass leaks no tensors', async () => {
    const layer = knownLayer();
    const x = tf.ones([2, 4, D]);
    await expectNoLeak(() => layer.apply(x));
    x.dispose();
    disposeLayerWeights(layer);
  });

  it('save -> load of a model holding the layer keeps the table and the config', async () => {
    const input = tfl.input({ shape: [null, D] });
    const layer = new PositionEmbedding({ maxLength: MAX, initializerStddev: 0.5, name: 'pos' });
    const model = tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
    const w = tf.tensor2d(table, [MAX, D]);
    layer.setWeights([w]);
    const loaded = await saveAndLoad(model);
    const restored = loaded.getLayer('pos') as PositionEmbedding;
    expect(restored).toBeInstanceOf(PositionEmbedding);
    expect([restored.maxLength, restored.initializerStddev]).toEqual([MAX, 0.5]);
    expectAllClose(restored.getWeights()[0].dataSync(), table, { atol: 0, rtol: 0 });
    w.dispose();
    model.dispose();
    loaded.dispose();
  });
});

describeBackends(
  'PositionEmbedding gradient',
  () => {
    it('the gradient of sum(y) reaches rows < T only, once per sequence', () => {
      const layer = knownLayer();
      const table0 = layer.weights[0].read() as tf.Variable;
      const x = tf.ones([2, 3, D]);
      const { grads } = tf.variableGrads(
        () => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar,
        [table0],
      );
      const expected = Array.from({ length: MAX * D }, (_, i) => (i < 3 * D ? 2 : 0));
      expectAllClose(grads[table0.name].dataSync(), expected, { atol: 1e-6 });
      tf.dispose([x, grads[table0.name]]);
      disposeLayerWeights(layer);
    });
  },
  ['cpu'],
);
