import { mlm } from './mlm';
import { parseMethodOptions } from './registry';

const tokenizer = { vocabSize: 10, padTokenId: 0, maskTokenId: 1, specialTokenIds: [0, 1] };

describe('mlm maskProb: 0 predicts nothing (a NaN loss at step 0), refused up front', () => {
  it.each([0, -0.1, 1.5, NaN])('mlm({ maskProb: %p }) throws one line', (maskProb) => {
    expect(() => mlm({ tokenizer, maskProb } as never)).toThrow(
      `mlm: maskProb must be a number in (0, 1] (0 leaves no token to predict), got ${maskProb}`,
    );
  });

  it('--mask-prob is range-checked from the registry; 1 and 0.15 pass', () => {
    expect(() => parseMethodOptions('mlm', { 'mask-prob': '0' })).toThrow(
      "ssl pretrain --method mlm: --mask-prob must be in (0, 1], got '0'",
    );
    expect(parseMethodOptions('mlm', { 'mask-prob': '1' })).toEqual({ maskProb: 1 });
    expect(() => mlm({ tokenizer, maskProb: 0.15 } as never)).not.toThrow();
  });
});
