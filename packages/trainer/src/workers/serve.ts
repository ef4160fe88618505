import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@ssl/encoders'; // registers the custom layers an encoder's JSON may name
import { createRng, type Rng } from '@ssl/augment';
import { tuning, useBackend, type BackendName } from '@ssl/backends';
import { createMethod } from '../methods/registry';
import type { AnyMethod, StepContext, Tensors } from '../methods/method';
import { describeLayout, layoutOf, assignFrom, type Layout } from './layout';
import { replicaOf, type Replica } from './replica';
import { createCollective } from './collective';
import { synchronizeBatchNorm } from './sync-batch-norm';
import {
  CTRL,
  type FromWorker,
  type InitMessage,
  type Port,
  type StepMessage,
  type ToWorker,
} from './protocol';

/** A generator that refuses: `forward` must not draw randomness (views are made by the main thread). */
const noRng = new Proxy({} as Rng, {
  get() {
    throw new Error('forward: ctx.rng is not available in a worker; draw randomness in prepare()');
  },
});

interface WorkerState {
  init: InitMessage;
  method: AnyMethod;
  encoder: tfl.LayersModel;
  replica: Replica;
  ctrl: Int32Array;
  trainable: tf.Variable[];
  exchange: SharedArrayBuffer;
}

/** Blocks until the main thread has written step `seq`'s upstream gradients (or aborts). */
function waitUpstream(ctrl: Int32Array, seq: number): void {
  for (;;) {
    if (Atomics.load(ctrl, CTRL.abort) !== 0) throw new Error('worker: the run was stopped');
    const v = Atomics.load(ctrl, CTRL.upstream);
    if (v === seq) return;
    Atomics.wait(ctrl, CTRL.upstream, v, 200);
  }
}

async function initialise(msg: InitMessage, load: (spec: string) => Promise<unknown>) {
  for (const spec of msg.imports) await load(spec);
  await useBackend(msg.backend as BackendName, { quiet: true });
  Object.assign(tuning, msg.tuning);
  const encoder = await tfl.models.modelFromJSON({
    modelTopology: msg.topology,
  } as tf.io.ModelJSON);
  const method = createMethod(msg.recipe.name, msg.recipe.options);
  await method.build(encoder, { ...msg.build, rng: createRng(msg.build.seed) });
  const fn = `worker ${msg.rank}`;
  if (msg.collective) {
    const { data, control, capacity } = msg.collective;
    synchronizeBatchNorm(createCollective(data, control, msg.rank, msg.world, capacity));
  }
  const replica = replicaOf(fn, encoder, method);
  const mine = describeLayout(replica.layout);
  if (mine !== msg.describe) {
    throw new Error(
      `${fn}: its copy of '${msg.recipe.name}' does not match the main thread's (${replica.variables.length} tensors: ${mine.slice(0, 200)})`,
    );
  }
  const state: WorkerState = {
    init: msg,
    method,
    encoder,
    replica,
    ctrl: new Int32Array(msg.ctrl),
    trainable: replica.trainable.map((i) => replica.variables[i]),
    exchange: new SharedArrayBuffer(4),
  };
  return state;
}

function toTensors(views: StepMessage['views']): Tensors {
  const out: Tensors = {};
  for (const [k, w] of Object.entries(views)) out[k] = tf.tensor(w.data, w.shape, w.dtype);
  return out;
}

function step(s: WorkerState, msg: StepMessage, port: Port): FromWorker {
  const { replica, init } = s;
  let t = performance.now();
  assignFrom(init.weights, replica.layout, replica.variables);
  const views = toTensors(msg.views);
  let copyMs = performance.now() - t;
  const ctx: StepContext = { ...msg.fields, rng: noRng, record: () => {} };
  let grads: tf.NamedTensorMap = {};
  const time = { forwardMs: 0, waitMs: 0, backwardMs: 0 };
  try {
    let tBackward = 0;
    const tForward = performance.now();
    const result = tf.variableGrads(() => {
      const out = s.method.forward(views, ctx) as Tensors;
      time.forwardMs = performance.now() - tForward;
      const keys = Object.keys(out);
      const tensors = keys.map((k) => out[k]);
      const layout: Layout = layoutOf(tensors, `worker ${init.rank}`);
      let grown: SharedArrayBuffer | undefined;
      if (layout.elements * 4 > s.exchange.byteLength) {
        s.exchange = new SharedArrayBuffer(Math.ceil(layout.elements * 1.25) * 4);
        grown = s.exchange;
      }
      t = performance.now();
      const data = tensors.map((x) => x.dataSync());
      layout.slots.forEach((slot, i) => {
        const dst =
          slot.dtype === 'int32'
            ? new Int32Array(s.exchange, slot.offset * 4, slot.size)
            : new Float32Array(s.exchange, slot.offset * 4, slot.size);
        dst.set(data[i] as Float32Array);
      });
      port.post({ type: 'outputs', seq: msg.seq, keys, slots: layout.slots, exchange: grown });
      copyMs += performance.now() - t;
      waitUpstream(s.ctrl, msg.seq);
      time.waitMs = performance.now() - t;
      t = performance.now();
      // <f(x), dz>: its gradient is this shard's share of the global loss's gradient
      // (outputs the loss ignores get zeros: left out, so that no gradient runs through, e.g., an argmax)
      const terms = layout.slots.flatMap((slot, i) => {
        if (slot.dtype !== 'float32') return [];
        const dz = new Float32Array(s.exchange, slot.offset * 4, slot.size).slice();
        if (dz.every((x) => x === 0)) return [];
        return [tf.sum(tf.mul(tensors[i], tf.tensor(dz, slot.shape)))];
      });
      copyMs += performance.now() - t;
      tBackward = performance.now();
      return (terms.length ? tf.addN(terms) : tf.scalar(0)) as tf.Scalar;
    }, s.trainable);
    time.backwardMs = performance.now() - tBackward;
    result.value.dispose();
    grads = result.grads;
    t = performance.now();
    const present = s.trainable.map((v) => grads[v.name] !== undefined);
    replica.gradLayout.slots.forEach((slot, i) => {
      const dst = new Float32Array(init.grads, slot.offset * 4, slot.size);
      const g = grads[s.trainable[i].name];
      if (g) dst.set(g.dataSync() as Float32Array);
      else dst.fill(0);
    });
    if (init.returned) {
      replica.returnedLayout.slots.forEach((slot, i) => {
        const v = replica.variables[replica.returned[i]];
        const dst =
          slot.dtype === 'int32'
            ? new Int32Array(init.returned!, slot.offset * 4, slot.size)
            : new Float32Array(init.returned!, slot.offset * 4, slot.size);
        dst.set(v.dataSync() as Float32Array);
      });
    }
    copyMs += performance.now() - t;
    return { type: 'done', seq: msg.seq, present, numTensors: 0, copyMs, ...time };
  } finally {
    tf.dispose(views);
    tf.dispose(grads);
  }
}

function describeError(e: unknown): FromWorker {
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: 'error', message: err.message, stack: err.stack };
}

/**
 * The worker side of `pretrain({ workers })`: answers the main thread's
 * messages on `port` (init, steps, close). `load` imports a module by
 * specifier (the `workerImports` of the run) in the worker's own way.
 */
export function serveWorker(port: Port, load: (spec: string) => Promise<unknown>): void {
  let state: WorkerState | undefined;
  let queue: Promise<void> = Promise.resolve();
  port.onMessage((raw) => {
    const msg = raw as ToWorker;
    // one message at a time, in order (init is async)
    queue = queue.then(async () => {
      try {
        if (msg.type === 'init') {
          state = await initialise(msg, load);
          port.post({ type: 'ready', numTensors: tf.memory().numTensors } satisfies FromWorker);
        } else if (msg.type === 'step') {
          if (!state) throw new Error('worker: step before init');
          const done = step(state, msg, port);
          if (done.type === 'done') done.numTensors = tf.memory().numTensors;
          port.post(done);
        } else if (msg.type === 'close') {
          state?.method.dispose();
          state?.encoder.dispose();
          state = undefined;
          port.post({ type: 'closed' } satisfies FromWorker);
        }
      } catch (e) {
        port.post(describeError(e));
      }
    });
  });
}
