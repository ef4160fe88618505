import type { PretrainArgs } from './args';
import { checkMemory, stepBytes, WASM_HEAP_BYTES } from './memory-check';

const args = (over: Partial<PretrainArgs>) =>
  ({ method: 'simclr', batchSize: 64, maxLength: 64, ...over }) as PretrainArgs;

describe('memory check', () => {
  it('estimates a step by hand: 2 views x batch x H x W x 56 floats x 4 bytes x 3', () => {
    expect(stepBytes(args({}), 32, 32)).toBe(2 * 64 * 32 * 32 * 56 * 4 * 3); // 88 MB
    // mlm: batch x (4 heads x T^2 x 2 layers + T x 64 x 8) floats
    expect(stepBytes(args({ method: 'mlm', batchSize: 8, maxLength: 16 }), 0, 0)).toBe(
      8 * (4 * 16 * 16 * 2 + 16 * 64 * 8) * 4 * 3,
    );
  });

  it('passes what fits and refuses what the wasm heap cannot hold, naming the flags', () => {
    expect(() => checkMemory(args({}), 'wasm', 28, 28)).not.toThrow();
    expect(stepBytes(args({}), 1024, 1024)).toBeGreaterThan(WASM_HEAP_BYTES);
    expect(() => checkMemory(args({}), 'wasm', 1024, 1024)).toThrow(
      'ssl pretrain: --batch-size 64 with 1024x1024 images needs about 84.0 GiB per step; the wasm backend can allocate 4.0 GiB (use a smaller --batch-size or --image-size)',
    );
  });
});
