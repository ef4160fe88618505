import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { transformerEncoder } from '@ssl/encoders';
import { describeBackends, expectAllClose, expectNoLeak, randomArray } from '@ssl/test-utils';
import { sequenceClassifier } from './sequence-classifier';
import { SequencePooling } from './sequence-pooling';

describeBackends('SequencePooling', () => {
  const [B, T, D] = [2, 4, 3];
  const hs = randomArray(B * T * D, 5);
  const maskRows = [
    [1, 1, 0, 0],
    [1, 1, 1, 1],
  ];

  it("'cls' takes position 0; 'mean' averages the unmasked positions (naive loop)", () => {
    const h = tf.tensor3d(hs, [B, T, D]);
    const m = tf.tensor2d(maskRows);
    const cls = new SequencePooling({ mode: 'cls' }).apply([h, m]) as tf.Tensor;
    const mean = new SequencePooling({ mode: 'mean' }).apply([h, m]) as tf.Tensor;
    const wantCls: number[] = [];
    const wantMean: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let d = 0; d < D; d++) {
        wantCls.push(hs[b * T * D + d]);
        let s = 0;
        let n = 0;
        for (let t = 0; t < T; t++) {
          if (!maskRows[b][t]) continue;
          s += hs[(b * T + t) * D + d];
          n++;
        }
        wantMean.push(s / n);
      }
    }
    expect(cls.shape).toEqual([B, D]);
    expectAllClose(cls.dataSync(), wantCls);
    expectAllClose(mean.dataSync(), wantMean);
    tf.dispose([h, m, cls, mean]);
  });

  it('refuses an unknown mode and leaks nothing', async () => {
    expect(() => new SequencePooling({ mode: 'max' as 'cls' })).toThrow(
      /SequencePooling: mode must be 'cls' or 'mean', got "max"/,
    );
    const h = tf.tensor3d(hs, [B, T, D]);
    const m = tf.tensor2d(maskRows);
    await expectNoLeak(() => new SequencePooling({ mode: 'mean' }).apply([h, m]));
    tf.dispose([h, m]);
  });
});

describeBackends(
  'sequenceClassifier',
  () => {
    const V = 30;
    const T = 6;
    const encoder = () =>
      transformerEncoder({
        vocabSize: V,
        maxLength: T,
        dModel: 16,
        numHeads: 2,
        numLayers: 1,
        ffnDim: 32,
        dropout: 0,
      });

    it('outputs [B, numClasses] logits, shares the encoder, and learns a toy task', () => {
      const enc = encoder();
      const clf = sequenceClassifier({ encoder: enc, numClasses: 2, pooling: 'mean', dropout: 0 });
      // the classifier's weights include the encoder's own variables (shared, not copied)
      const encIds = new Set(enc.trainableWeights.map((w) => (w.read() as tf.Variable).id));
      const clfIds = clf.trainableWeights.map((w) => (w.read() as tf.Variable).id);
      expect([...encIds].every((i) => clfIds.includes(i))).toBe(true);
      // class = whether token 7 occurs
      const ids = tf.tensor2d(
        [
          [2, 7, 9, 3, 0, 0],
          [2, 8, 9, 3, 0, 0],
          [2, 10, 7, 11, 3, 0],
          [2, 10, 12, 11, 3, 0],
        ],
        [4, T],
        'int32',
      );
      const mask = tf.cast(tf.notEqual(ids, tf.scalar(0, 'int32')), 'float32');
      const y = tf.oneHot(tf.tensor1d([1, 0, 1, 0], 'int32'), 2);
      const logits0 = clf.predict([ids, mask]) as tf.Tensor;
      expect(logits0.shape).toEqual([4, 2]);
      const opt = tf.train.adam(0.01);
      const loss = () =>
        tf.neg(
          tf.mean(
            tf.sum(
              tf.mul(y, tf.logSoftmax(clf.apply([ids, mask], { training: true }) as tf.Tensor)),
              -1,
            ),
          ),
        ) as tf.Scalar;
      const first = (tf.tidy(loss).dataSync() as Float32Array)[0];
      for (let i = 0; i < 20; i++) opt.minimize(loss, true)?.dispose();
      const last = (tf.tidy(loss).dataSync() as Float32Array)[0];
      expect(last).toBeLessThan(first * 0.5);
      tf.dispose([ids, mask, y, logits0]);
      opt.dispose();
      clf.dispose();
    });

    it('refuses numClasses < 2 and an encoder with one input', () => {
      expect(() => sequenceClassifier({ encoder: encoder(), numClasses: 1 })).toThrow(
        /sequenceClassifier: numClasses must be an integer >= 2, got 1/,
      );
      const i = tfl.input({ shape: [3] });
      const one = tfl.model({
        inputs: i,
        outputs: tfl.layers.dense({ units: 2 }).apply(i) as tfl.SymbolicTensor,
      });
      expect(() => sequenceClassifier({ encoder: one, numClasses: 2 })).toThrow(
        /encoder must be a LayersModel with two inputs/,
      );
    });
  },
  ['cpu'], // training an embedding on wasm awaits @ssl/backends' UnsortedSegmentSum
);
