import * as tf from '@tensorflow/tfjs-core';

/** Time spent in one kernel name during a profiled step. */
export interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
}

/** One kernel call of a profiled step, with the shapes of its inputs. */
export interface KernelCall {
  kernel: string;
  ms: number;
  inputShapes: number[][];
}

/**
 * Runs `fn` under `tf.profile` and sums kernel time by kernel name, slowest
 * first; `slowest` lists the slowest single calls (default 12) with their
 * input shapes. Scopes of custom-gradient ops (names ending in `__op`) also appear,
 * and their time includes the kernels they call: they are left out of `totalMs`.
 */
export async function profileKernels(
  fn: () => void | Promise<void>,
  slowestCount = 12,
): Promise<{ kernels: KernelTime[]; totalMs: number; slowest: KernelCall[] }> {
  const info = await tf.profile(async () => {
    await fn();
  });
  const byName = new Map<string, KernelTime>();
  for (const k of info.kernels) {
    const entry = byName.get(k.name) ?? { kernel: k.name, ms: 0, calls: 0 };
    entry.ms += Number(k.kernelTimeMs);
    entry.calls += 1;
    byName.set(k.name, entry);
  }
  const kernels = [...byName.values()].sort((a, b) => b.ms - a.ms);
  const slowest = info.kernels
    .filter((k) => !k.name.endsWith('__op'))
    .map((k) => ({
      kernel: k.name,
      ms: Number(k.kernelTimeMs),
      inputShapes: k.inputShapes.map((s) => [...(s ?? [])]),
    }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, slowestCount);
  const totalMs = kernels.filter((k) => !k.kernel.endsWith('__op')).reduce((s, k) => s + k.ms, 0);
  return { kernels, totalMs, slowest };
}
