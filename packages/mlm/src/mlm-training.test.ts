import * as tf from '@tensorflow/tfjs-core';
import { transformerEncoder } from '@ssl/encoders';
import { maskedCrossEntropy } from '@ssl/losses';
import { describeBackends, expectFlatMemory } from '@ssl/test-utils';
import { maskTokens } from './mask-tokens';
import { maskedAccuracy } from './metrics';
import { mlmModel } from './mlm-model';
import { WordPieceTokenizer } from './tokenizer';

const CORPUS = [
  'the cat sat on the mat',
  'the dog sat on the log',
  'a cat and a dog played',
  'the cat saw the dog on the mat',
  'a dog sat on a log and a cat sat on a mat',
  'the mat and the log',
];

describeBackends(
  'MLM end to end (tokenizer -> maskTokens -> mlmModel -> maskedCrossEntropy)',
  () => {
    it('a few optimizer steps reduce the masked loss on a tiny corpus, with flat memory', async () => {
      const tok = WordPieceTokenizer.train(CORPUS, { vocabSize: 40 });
      const T = 12;
      const enc = tok.encodeBatch(CORPUS, { maxLength: T, padding: 'max_length' });
      const ids = tf.tensor2d(enc.ids, undefined, 'int32');
      const mask = tf.tensor2d(enc.attentionMask);
      const encoder = transformerEncoder({
        vocabSize: tok.vocabSize,
        maxLength: T,
        dModel: 32,
        numHeads: 2,
        numLayers: 1,
        ffnDim: 64,
        dropout: 0,
      });
      const model = mlmModel({ encoder });
      const opt = tf.train.adam(2e-2);
      const maskOpts = {
        maskTokenId: tok.maskTokenId,
        vocabSize: tok.vocabSize,
        specialTokenIds: tok.specialTokenIds,
        maskProb: 0.3,
      };
      // a fixed evaluation mask: same seed every time
      const evalLoss = () => {
        const { inputIds, labels } = maskTokens(ids, { ...maskOpts, seed: 999 });
        const out = tf.tidy(() => {
          const logits = model.apply(inputIds, mask);
          return [
            maskedCrossEntropy(logits, labels).dataSync()[0],
            maskedAccuracy(logits, labels).dataSync()[0],
          ];
        });
        tf.dispose([inputIds, labels]);
        return out;
      };
      let step = 0;
      const trainStep = () => {
        const { inputIds, labels } = maskTokens(ids, { ...maskOpts, seed: step++ });
        const loss = opt.minimize(
          () => maskedCrossEntropy(model.apply(inputIds, mask, true), labels),
          true,
        );
        tf.dispose([inputIds, labels]);
        return loss;
      };
      const [before] = evalLoss();
      await expectFlatMemory(trainStep, 4);
      for (let i = 0; i < 8; i++) trainStep()?.dispose();
      const [after, acc] = evalLoss();
      expect(before).toBeGreaterThan(Math.log(tok.vocabSize) - 1.5); // near uniform at init
      expect(after).toBeLessThan(before - 0.5);
      expect(acc).toBeGreaterThan(0);
      tf.dispose([ids, mask]);
      opt.dispose();
      model.dispose();
    });
  },
  ['cpu'], // training an embedding on wasm awaits @ssl/backends' UnsortedSegmentSum
);
