import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { tuning } from '@ssl/backends';
import type { AnyMethod, BuildContext } from '../methods/method';
import { describeLayout, sharedBuffer, writeTensors, type Slot } from './layout';
import { replicaOf, type Replica } from './replica';
import { COLLECTIVE, collectiveFloats } from './collective';
import {
  CTRL,
  type DoneMessage,
  type FromWorker,
  type InitMessage,
  type OutputsMessage,
  type StepMessage,
  type WireTensor,
} from './protocol';

/** A worker as the pool drives it (a Node `worker_threads.Worker` or a browser `Worker`, adapted). */
export interface WorkerHandle {
  post(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: unknown) => void): void;
  /** Called once if the worker dies (an uncaught error, an exit). */
  onFailure(handler: (error: Error) => void): void;
  terminate(): Promise<void> | void;
}

/** Starts worker `rank` (of `world`). */
export type WorkerSpawner = (rank: number, world: number) => WorkerHandle | Promise<WorkerHandle>;

/** What {@link WorkerPool.start} needs. */
export interface PoolOptions {
  workers: number;
  spawn: WorkerSpawner;
  encoder: LayersModel;
  /** Built. Must have a `recipe` (the registered factories set it). */
  method: AnyMethod;
  build: Omit<BuildContext, 'rng'>;
  backend: string;
  imports?: string[];
  /** Batch norm over the whole global batch (default true); false: each worker's own shard. */
  syncBatchNorm?: boolean;
}

/** Where the last step's time went outside the workers' compute (ms). */
export interface ExchangeStats {
  /** The main thread's copies into and out of the shared buffers (weights, views, outputs, gradients). */
  mainCopyMs: number;
  /** The slowest worker's copies (weights in, outputs out, upstream in, gradients out). */
  workerCopyMs: number;
  /** The main thread's loss and its gradient with respect to the outputs, while the workers wait. */
  lossMs: number;
  /** Per worker: forward, waiting for the upstream gradients, backward (ms). */
  forwardMs: number[];
  waitMs: number[];
  backwardMs: number[];
}

/** Upstream gradients of one rank's outputs. */
export type Upstream = Float32Array[];

class Mailbox {
  private inbox: FromWorker[] = [];
  private waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  deliver(m: FromWorker): void {
    const w = this.waiting.shift();
    if (w) w.resolve(m);
    else this.inbox.push(m);
  }

  fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }

  next(): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
}

interface Member {
  rank: number;
  handle: WorkerHandle;
  mail: Mailbox;
  ctrl: Int32Array;
  grads: SharedArrayBuffer;
  exchange?: SharedArrayBuffer;
  numTensors: number;
}

/** One rank's outputs of `forward`, as read from its exchange buffer. */
export interface RankOutputs {
  keys: string[];
  slots: Slot[];
  data: (Float32Array | Int32Array)[];
}

/**
 * The main thread's side of data-parallel training: W workers, each with a
 * replica of the encoder and the method. Per step (`forward` then
 * `backward`):
 *
 * 1. the main thread writes every replica tensor into one shared buffer and
 *    sends each worker its shard of the views;
 * 2. each worker assigns the weights, runs `forward` on its shard inside
 *    `tf.variableGrads`, writes the outputs into its exchange buffer, says so
 *    and blocks (`Atomics.wait`) with the tape open;
 * 3. the main thread concatenates the outputs, takes the gradient of the
 *    global loss with respect to them once, writes each worker's slice of it
 *    and wakes the workers (`Atomics.notify`);
 * 4. each worker finishes `tf.variableGrads` of `<outputs, upstream>` (its
 *    shard's exact share of the global gradient) and writes its gradients;
 *    rank 0 also writes back the variables `forward` changed (batch-norm
 *    statistics);
 * 5. the main thread sums the gradients in rank order and updates.
 */
export class WorkerPool {
  private closed = false;
  private seq = 0;
  private failure: Error | undefined;
  /** The last step's exchange costs (see {@link ExchangeStats}). */
  readonly stats: ExchangeStats = {
    mainCopyMs: 0,
    workerCopyMs: 0,
    lossMs: 0,
    forwardMs: [],
    waitMs: [],
    backwardMs: [],
  };

  private constructor(
    private readonly members: Member[],
    readonly replica: Replica,
    private readonly weights: SharedArrayBuffer,
    private readonly returned: SharedArrayBuffer,
    private readonly collectiveControl?: SharedArrayBuffer,
  ) {}

  private abortAll(): void {
    for (const m of this.members) {
      Atomics.store(m.ctrl, CTRL.abort, 1);
      Atomics.notify(m.ctrl, CTRL.upstream);
    }
    if (this.collectiveControl) {
      const c = new Int32Array(this.collectiveControl);
      Atomics.store(c, COLLECTIVE.abort, 1);
      Atomics.notify(c, COLLECTIVE.arrived);
    }
  }

  get size(): number {
    return this.members.length;
  }

  /** Starts the workers and waits until each has built its replica (or one failed). */
  static async start(o: PoolOptions): Promise<WorkerPool> {
    const fn = 'pretrain';
    if (!o.method.recipe) {
      throw new Error(
        `${fn}: workers > 1 needs a method made by a registered factory (simclr(), moco(), ... or createMethod()); '${o.method.name}' has no recipe`,
      );
    }
    if (typeof SharedArrayBuffer === 'undefined') {
      throw new Error(
        `${fn}: workers > 1 needs SharedArrayBuffer (in a browser: a cross-origin isolated page, COOP/COEP headers)`,
      );
    }
    const replica = replicaOf(fn, o.encoder, o.method);
    const weights = sharedBuffer(replica.layout.elements);
    const returned = sharedBuffer(replica.returnedLayout.elements);
    const members: Member[] = [];
    // synchronized batch norm: sums of [C + 1] and [2 C] floats; C is at most the longest 1-D weight
    const longest = Math.max(
      1,
      ...replica.layout.slots.filter((s) => s.shape.length === 1).map((s) => s.size),
    );
    const capacity = 2 * longest + 1;
    const collective =
      o.syncBatchNorm === false
        ? undefined
        : {
            data: sharedBuffer(collectiveFloats(o.workers, capacity)),
            control: new SharedArrayBuffer(COLLECTIVE.length * 4),
            capacity,
          };
    const pool = new WorkerPool(members, replica, weights, returned, collective?.control);
    try {
      for (let rank = 0; rank < o.workers; rank++) {
        const handle = await o.spawn(rank, o.workers);
        const mail = new Mailbox();
        const m: Member = {
          rank,
          handle,
          mail,
          ctrl: new Int32Array(new SharedArrayBuffer(CTRL.length * 4)),
          grads: sharedBuffer(replica.gradLayout.elements),
          numTensors: 0,
        };
        members.push(m);
        handle.onMessage((msg) => {
          const fm = msg as FromWorker;
          if (fm.type === 'error') pool.fail(new Error(`worker ${rank}: ${fm.message}`));
          else mail.deliver(fm);
        });
        handle.onFailure((e) => pool.fail(new Error(`worker ${rank}: ${e.message}`)));
        const init: InitMessage = {
          type: 'init',
          rank,
          world: o.workers,
          backend: o.backend,
          tuning: { ...tuning },
          imports: o.imports ?? [],
          recipe: { name: o.method.recipe.name, options: workerOptions(o.method.recipe.options) },
          topology: o.encoder.toJSON(null, false),
          build: o.build,
          describe: describeLayout(replica.layout),
          weights,
          grads: m.grads,
          returned: rank === 0 ? returned : undefined,
          ctrl: m.ctrl.buffer as SharedArrayBuffer,
          collective,
        };
        handle.post(init);
      }
      for (const m of members) {
        const ready = await pool.expect(m, 'ready');
        m.numTensors = ready.numTensors;
      }
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.abortAll();
    for (const m of this.members) m.mail.fail(this.failure);
  }

  private async expect<T extends FromWorker['type']>(
    m: Member,
    type: T,
  ): Promise<Extract<FromWorker, { type: T }>> {
    const msg = await m.mail.next();
    if (msg.type !== type)
      throw new Error(`worker ${m.rank}: expected '${type}', got '${msg.type}'`);
    return msg as Extract<FromWorker, { type: T }>;
  }

  /**
   * Steps 1–2: broadcasts the weights, sends each rank its views, runs
   * `whileWaiting` (if any) and waits for every rank's outputs.
   */
  async forward(
    shards: Record<string, WireTensor>[],
    fields: StepMessage['fields'],
    whileWaiting?: () => Promise<void> | void,
  ): Promise<RankOutputs[]> {
    if (this.failure) throw this.failure;
    const seq = ++this.seq;
    const t0 = performance.now();
    writeTensors(this.weights, this.replica.layout, this.replica.variables);
    this.members.forEach((m, r) => {
      const views = shards[r];
      const transfer = Object.values(views).map((w) => w.data.buffer as ArrayBuffer);
      const msg: StepMessage = { type: 'step', seq, fields, views };
      m.handle.post(msg, transfer);
    });
    let copyMs = performance.now() - t0;
    // the main thread's own work (the next step's views) while the workers compute
    await whileWaiting?.();
    const outs: RankOutputs[] = [];
    for (const m of this.members) {
      const o: OutputsMessage = await this.expect(m, 'outputs');
      const t1 = performance.now();
      if (o.exchange) m.exchange = o.exchange;
      const buf = m.exchange!;
      outs.push({
        keys: o.keys,
        slots: o.slots,
        data: o.slots.map((s) =>
          s.dtype === 'int32'
            ? new Int32Array(buf, s.offset * 4, s.size).slice()
            : new Float32Array(buf, s.offset * 4, s.size).slice(),
        ),
      });
      copyMs += performance.now() - t1;
    }
    this.stats.mainCopyMs = copyMs;
    return outs;
  }

  /**
   * Steps 3–5: hands each rank the upstream gradients of its outputs (same
   * order as its slots), waits for the gradients and returns their sum per
   * trainable variable (`undefined` where no rank had one), rank 0's changed
   * variables already assigned.
   */
  async backward(upstream: Upstream[]): Promise<(Float32Array | undefined)[]> {
    if (this.failure) throw this.failure;
    const seq = this.seq;
    const t0 = performance.now();
    this.members.forEach((m, r) => {
      const buf = m.exchange!;
      let offset = 0;
      for (const u of upstream[r]) {
        new Float32Array(buf, offset * 4, u.length).set(u);
        offset += u.length;
      }
      Atomics.store(m.ctrl, CTRL.upstream, seq);
      Atomics.notify(m.ctrl, CTRL.upstream);
    });
    let copyMs = performance.now() - t0;
    const dones: DoneMessage[] = [];
    for (const m of this.members) {
      const d = await this.expect(m, 'done');
      m.numTensors = d.numTensors;
      dones.push(d);
    }
    const t1 = performance.now();
    const { gradLayout, returnedLayout, returned, variables } = this.replica;
    const sums = gradLayout.slots.map((slot, i) => {
      if (!dones.some((d) => d.present[i])) return undefined;
      const acc = new Float32Array(slot.size);
      for (const m of this.members) {
        const g = new Float32Array(m.grads, slot.offset * 4, slot.size);
        for (let j = 0; j < slot.size; j++) acc[j] += g[j];
      }
      return acc;
    });
    tf.tidy(() => {
      returnedLayout.slots.forEach((slot, i) => {
        const data =
          slot.dtype === 'int32'
            ? new Int32Array(this.returned, slot.offset * 4, slot.size).slice()
            : new Float32Array(this.returned, slot.offset * 4, slot.size).slice();
        variables[returned[i]].assign(tf.tensor(data, slot.shape, slot.dtype));
      });
    });
    copyMs += performance.now() - t1;
    this.stats.mainCopyMs += copyMs;
    this.stats.workerCopyMs = Math.max(...dones.map((d) => d.copyMs));
    this.stats.forwardMs = dones.map((d) => d.forwardMs);
    this.stats.waitMs = dones.map((d) => d.waitMs);
    this.stats.backwardMs = dones.map((d) => d.backwardMs);
    return sums;
  }

  /** `tf.memory().numTensors` of each worker after its last step. */
  workerTensors(): number[] {
    return this.members.map((m) => m.numTensors);
  }

  /** Stops every worker (idempotent); waits until they are gone. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abortAll();
    await Promise.all(this.members.map((m) => m.handle.terminate()));
  }
}

/**
 * The options a worker rebuilds the method with: functions (augmentations,
 * which only the main thread's `prepare` uses) are left out.
 */
export function workerOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (typeof v === 'function' || v === undefined) continue;
    out[k] = v;
  }
  return out;
}
