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
export function stepBytes(a: PretrainArgs, height: number, width: number, channels = 1): number {
  const floats =
    a.method === 'mlm'
      ? a.batchSize * (4 * a.maxLength * a.maxLength * 2 + a.maxLength * 64 * 8)
      : 2 * a.batchSize * height * width * (56 + channels) * (a.width ?? 1);
  return floats * 4 * 3;
}

/** Two sizes in GiB with enough digits that different numbers read differently. */
function gibPair(a: number, b: number): [string, string] {
  for (let digits = 1; digits < 6; digits++) {
    const x = (a / 2 ** 30).toFixed(digits);
    const y = (b / 2 ** 30).toFixed(digits);
    if (x !== y) return [`${x} GiB`, `${y} GiB`];
  }
  return [`${a} bytes`, `${b} bytes`];
}

/**
 * Refuses, with one line naming the flags, a run whose step would not fit in
 * what `backend` can allocate (wasm: its heap; the others: the machine's
 * memory), instead of the runtime's `Aborted()` mid-run.
 */
export function checkMemory(
  a: PretrainArgs,
  backend: string,
  height: number,
  width: number,
  channels = 1,
): void {
  const need = stepBytes(a, height, width, channels);
  const limit = backend === 'wasm' ? WASM_HEAP_BYTES : os.totalmem();
  if (need <= limit) return;
  const flags =
    a.method === 'mlm'
      ? `--batch-size ${a.batchSize} --max-length ${a.maxLength}`
      : `--batch-size ${a.batchSize} with ${height}x${width}x${channels} images`;
  const [needText, limitText] = gibPair(need, limit);
  const fit = Math.max(1, Math.floor((a.batchSize * limit) / need));
  throw new UsageError(
    `ssl pretrain: ${flags} needs about ${needText} per step, more than the ${limitText} the ${backend} backend can allocate; pass --batch-size ${fit} or less${a.method === 'mlm' ? ' (or a smaller --max-length)' : ' (or a smaller --image-size)'}`,
  );
}
