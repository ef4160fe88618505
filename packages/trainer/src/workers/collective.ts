/**
 * Sums across the workers of a pool, in rank order (the same float32 result
 * on every worker), through shared memory, without the main thread: each
 * worker writes its part into its slot, arrives at a barrier (an
 * `Atomics.add` counter) and blocks until all have arrived. Two sets of slots
 * alternate, so that a worker that runs ahead to the next sum never
 * overwrites a slot another worker is still reading (to reach the sum after
 * that it must pass a barrier that every worker has passed).
 */
export interface Collective {
  /** The sum over the workers of `values` (every worker calls it, in the same order, with the same length). */
  allReduce(values: Float32Array): Float32Array;
}

/** Indices of the collective's control array. */
export const COLLECTIVE = { arrived: 0, abort: 1, length: 2 } as const;

/** Floats a collective for `world` workers of `capacity` floats per sum needs. */
export function collectiveFloats(world: number, capacity: number): number {
  return 2 * world * capacity;
}

/** Worker `rank`'s side of the collective over `data` (floats) and `control` (int32). */
export function createCollective(
  data: SharedArrayBuffer,
  control: SharedArrayBuffer,
  rank: number,
  world: number,
  capacity: number,
): Collective {
  const slots = new Float32Array(data);
  const ctrl = new Int32Array(control);
  let calls = 0;
  return {
    allReduce(values) {
      if (values.length > capacity) {
        throw new Error(
          `worker ${rank}: a sum of ${values.length} floats exceeds the collective's ${capacity}`,
        );
      }
      const set = calls % 2;
      calls++;
      const slot = (r: number) => (set * world + r) * capacity;
      slots.set(values, slot(rank));
      Atomics.add(ctrl, COLLECTIVE.arrived, 1);
      Atomics.notify(ctrl, COLLECTIVE.arrived);
      const target = calls * world;
      for (;;) {
        if (Atomics.load(ctrl, COLLECTIVE.abort) !== 0) {
          throw new Error('worker: the run was stopped');
        }
        const now = Atomics.load(ctrl, COLLECTIVE.arrived);
        if (now >= target) break;
        Atomics.wait(ctrl, COLLECTIVE.arrived, now, 200);
      }
      const out = new Float32Array(values.length);
      for (let r = 0; r < world; r++) {
        const base = slot(r);
        for (let j = 0; j < out.length; j++) out[j] += slots[base + j];
      }
      return out;
    },
  };
}
