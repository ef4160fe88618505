import * as os from 'node:os';
import { UsageError } from './command-line';
import type { PretrainArgs } from './args';

/** The most the wasm backend can allocate: its heap's maximum (emscripten `getHeapMax`, just under 4 GiB). */
export const WASM_HEAP_BYTES = 4294901760;

/**
 * A rough upper estimate of the bytes one training step holds: two views of
 * the batch through the conv encoder (32, 64, 128 channels at full, half and
 * quarter resolution: 56 floats per pixel) or the Transformer's attention
 * maps (4 heads × T² per layer, 2 layers), times 3 for the backward pass.
 */
export function stepBytes(a: PretrainArgs, height: number, width: number): number {
  const floats =
    a.method === 'mlm'
      ? a.batchSize * (4 * a.maxLength * a.maxLength * 2 + a.maxLength * 64 * 8)
      : 2 * a.batchSize * height * width * 56;
  return floats * 4 * 3;
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * Refuses, with one line naming the flags, a run whose step would not fit in
 * what `backend` can allocate (wasm: its heap; the others: the machine's
 * memory), instead of the runtime's `Aborted()` mid-run.
 */
export function checkMemory(a: PretrainArgs, backend: string, height: number, width: number): void {
  const need = stepBytes(a, height, width);
  const limit = backend === 'wasm' ? WASM_HEAP_BYTES : os.totalmem();
  if (need <= limit) return;
  const flags =
    a.method === 'mlm'
      ? `--batch-size ${a.batchSize} --max-length ${a.maxLength}`
      : `--batch-size ${a.batchSize} with ${height}x${width} images`;
  throw new UsageError(
    `ssl pretrain: ${flags} needs about ${gib(need)} per step; the ${backend} backend can allocate ${gib(limit)} (use a smaller --batch-size${a.method === 'mlm' ? ' or --max-length' : ' or --image-size'})`,
  );
}
