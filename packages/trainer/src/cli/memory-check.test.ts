import type { PretrainArgs } from './args';
import { checkMemory, stepBytes, WASM_HEAP_BYTES } from './memory-check';

const args = (over: Partial<PretrainArgs>) =>
  ({ method: 'simclr', batchSize: 64, maxLength: 64, ...over }) as PretrainArgs;

describe('memory check', () => {
  it('estimates a step by hand: 2 views x batch x H x W x (56 + C) floats x width x 4 bytes x 3', () => {
    expect(stepBytes(args({}), 32, 32)).toBe(2 * 64 * 32 * 32 * 57 * 4 * 3); // 90 MB
    expect(stepBytes(args({ width: 2 }), 32, 32, 3)).toBe(2 * 64 * 32 * 32 * 59 * 2 * 4 * 3);
    // mlm: batch x (4 heads x T^2 x 2 layers + T x 64 x 8) floats
    expect(stepBytes(args({ method: 'mlm', batchSize: 8, maxLength: 16 }), 0, 0)).toBe(
      8 * (4 * 16 * 16 * 2 + 16 * 64 * 8) * 4 * 3,
    );
  });

  it('passes what fits and refuses what the wasm heap cannot hold, naming the flags', () => {
    expect(() => checkMemory(args({}), 'wasm', 28, 28)).not.toThrow();
    expect(stepBytes(args({}), 1024, 1024)).toBeGreaterThan(WASM_HEAP_BYTES);
    expect(() => checkMemory(args({}), 'wasm', 1024, 1024)).toThrow(
      'ssl pretrain: --batch-size 64 with 1024x1024x1 images needs about 85.5 GiB per step, more than the 4.0 GiB the wasm backend can allocate; pass --batch-size 2 or less (or a smaller --image-size)',
    );
  });

  it('prints different numbers when need and limit are close (the issue: "4.0 GiB ... 4.0 GiB")', () => {
    // 2 x B x 32 x 32 x 57 x 12 bytes just above the wasm heap
    const b = Math.ceil(WASM_HEAP_BYTES / (2 * 32 * 32 * 57 * 12));
    expect(() => checkMemory(args({ batchSize: b }), 'wasm', 32, 32)).toThrow(
      /needs about 4\.0+\d* GiB per step, more than the 3\.99\d* GiB/,
    );
  });
});
