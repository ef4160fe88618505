import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type {
  Batch,
  BuildContext,
  LossResult,
  Method,
  MethodState,
  StepContext,
  Tensors,
} from './method';
import { modelsState, setModelsState } from './model-state';

/**
 * What a method's `build` creates and owns. `defineMethod` saves, restores and
 * disposes all of it by name, so a method file declares only what it holds:
 *
 * - `models`: heads and momentum copies, saved as `<key>/<i>` in `model.weights`
 *   order (the encoder is not one of them: the caller owns it);
 * - `variables`: queues, centers, head weights held as plain variables, saved as `<key>`;
 * - `counters`: integers such as a queue pointer, saved in the checkpoint's JSON.
 */
export interface MethodParts {
  models?: Record<string, LayersModel>;
  variables?: Record<string, tf.Variable>;
  counters?: Record<string, number>;
}

/** The built parts plus the encoder they were built for, as the step functions see them. */
export type Built<P extends MethodParts> = P & { encoder: LayersModel };

/** The declaration of a method: its name and its step functions over its built parts. */
export interface MethodSpec<
  P extends MethodParts,
  V extends Tensors,
  O extends Tensors,
  A extends Tensors,
> {
  name: string;
  /** Name of the factory in messages (`'barlowTwins'`). Default `name`. */
  fn?: string;
  /** The options the factory was called with: with `name`, the method's `recipe` (how workers rebuild it). */
  options?: object;
  /** The batch field the method reads. Default `'images'`. */
  inputKey?: string;
  /** Creates the parts for `encoder` (called again on a rebuild: the old parts are disposed first). */
  build(encoder: LayersModel, ctx: BuildContext): P | Promise<P>;
  /** The variables the optimizer updates (usually the encoder's and the heads' trainable weights). */
  trainableVariables(p: Built<P>): tf.Variable[];
  prepare(p: Built<P>, batch: Batch, ctx: StepContext): V;
  forward(p: Built<P>, views: V, ctx: StepContext): O;
  loss(p: Built<P>, outputs: O, ctx: StepContext): LossResult<A>;
  afterStep?(p: Built<P>, ctx: StepContext, aux: A | undefined): void;
  metrics?(p: Built<P>, ctx: StepContext): Record<string, number>;
  /** The views of examples `[start, end)` (see `Method.shard`); default: every view sliced on axis 0. */
  shard?(p: Built<P>, views: V, start: number, end: number): V;
  /** Checks restored counters (e.g. a queue pointer in range); throw with a clear message. */
  checkCounters?(p: Built<P>, counters: Record<string, number>): void;
}

/**
 * Turns a {@link MethodSpec} into a {@link Method}: owns the build guard
 * ("call build() first"), the checkpoint names of every part, `getState` /
 * `setState` with shape checks, and `dispose`.
 *
 * @example
 * ```ts
 * export const mine = (opts = {}) => defineMethod({
 *   name: 'mine',
 *   build: (encoder, ctx) => ({ models: { projector: methodProjector('mine', 512, 128, 512, ctx.seed) } }),
 *   trainableVariables: (p) => trainableVariables(p.encoder, p.models.projector),
 *   prepare: (p, batch, ctx) => ..., forward: (p, views) => ..., loss: (p, out) => ({ loss: ... }),
 * });
 * ```
 */
export function defineMethod<
  P extends MethodParts,
  V extends Tensors = Tensors,
  O extends Tensors = Tensors,
  A extends Tensors = Tensors,
>(spec: MethodSpec<P, V, O, A>): Method<V, O, A> {
  const fn = spec.fn ?? spec.name;
  let parts: Built<P> | undefined;
  const built = (): Built<P> => {
    if (!parts) throw new Error(`${fn}: call build() first (pretrain does)`);
    return parts;
  };
  const dispose = () => {
    if (!parts) return;
    for (const m of Object.values(parts.models ?? {})) m.dispose();
    for (const v of Object.values(parts.variables ?? {})) v.dispose();
    parts = undefined;
  };
  return {
    name: spec.name,
    inputKey: spec.inputKey ?? 'images',
    ...(spec.options
      ? { recipe: { name: spec.name, options: { ...spec.options } as Record<string, unknown> } }
      : {}),
    ...(spec.shard
      ? { shard: (views: V, s: number, e: number) => spec.shard!(built(), views, s, e) }
      : {}),
    async build(encoder, ctx) {
      dispose();
      const p = await spec.build(encoder, ctx);
      parts = { ...p, encoder };
    },
    trainableVariables: () => spec.trainableVariables(built()),
    prepare: (batch, ctx) => spec.prepare(built(), batch, ctx),
    forward: (views, ctx) => spec.forward(built(), views, ctx),
    loss: (outputs, ctx) => spec.loss(built(), outputs, ctx),
    afterStep: spec.afterStep && ((ctx, aux) => spec.afterStep!(built(), ctx, aux)),
    metrics: spec.metrics && ((ctx) => spec.metrics!(built(), ctx)),
    getState(): MethodState {
      const p = built();
      const state: MethodState = {
        tensors: { ...modelsState(p.models ?? {}), ...(p.variables ?? {}) },
      };
      if (p.counters) state.json = { ...p.counters };
      return state;
    },
    setState(state) {
      const p = built();
      setModelsState(fn, p.models ?? {}, state.tensors);
      for (const [key, v] of Object.entries(p.variables ?? {})) {
        const t = state.tensors[key];
        if (!t || !tf.util.arraysEqual(t.shape, v.shape)) {
          throw new Error(
            `${fn}.setState: '${key}' must have shape [${v.shape}], got ${t ? `[${t.shape}]` : 'none'}`,
          );
        }
      }
      if (p.counters) {
        const next: Record<string, number> = {};
        for (const key of Object.keys(p.counters)) {
          const value = state.json?.[key];
          if (!Number.isInteger(value)) {
            throw new Error(`${fn}.setState: json.${key} must be an integer, got ${String(value)}`);
          }
          next[key] = value as number;
        }
        spec.checkCounters?.(p, next);
        Object.assign(p.counters, next);
      }
      for (const [key, v] of Object.entries(p.variables ?? {})) v.assign(state.tensors[key]);
    },
    dispose,
  };
}
