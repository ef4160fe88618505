import * as tf from '@tensorflow/tfjs-core';

/**
 * What a run was started with, stored in its checkpoints (`state.json`,
 * `identity`) so that a resumed run can be checked against it.
 */
export interface RunIdentity {
  method: string;
  batchSize: number;
  /** `pretrain({ limit })`, null when unset. */
  limit: number | null;
  stepsPerEpoch: number;
  /** A description of the data (see {@link describeData}). */
  data: string;
}

/** FNV-1a over a string, as 8 hex digits (a fingerprint, not a security hash). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * A short description of a run's data that changes when the data does: for
 * a tensor its shape, dtype and sum (one reduction); for a dataset its size
 * and, when it lists them (`imageFolder`, `cifar10`, `textCorpus`), a
 * fingerprint of its files and class names.
 */
export async function describeData(data: unknown): Promise<string> {
  if (data instanceof tf.Tensor) {
    const sum = tf.tidy(() => tf.sum(tf.cast(data, 'float32')));
    const value = (await sum.data())[0];
    sum.dispose();
    return `tensor [${data.shape}] ${data.dtype} sum ${value.toPrecision(7)}`;
  }
  if (typeof data === 'function') return 'per-epoch dataset factory';
  const fields = data && typeof data === 'object' ? Object.entries(data) : [];
  if (fields.length > 0 && fields.every(([, v]) => v instanceof tf.Tensor)) {
    // named tensors ({ inputIds, attentionMask }): each field, by name
    const described = await Promise.all(
      fields.map(async ([k, v]) => `${k}: ${await describeData(v)}`),
    );
    return described.join('; ');
  }
  const d = data as { size?: number; files?: unknown; classNames?: unknown };
  const parts = [`dataset size ${d?.size ?? 'unknown'}`];
  if (Array.isArray(d?.files)) parts.push(`${d.files.length} files ${fnv1a(d.files.join('\n'))}`);
  if (Array.isArray(d?.classNames) && d.classNames.length > 0) {
    parts.push(`classes ${fnv1a(d.classNames.join('\n'))}`);
  }
  return parts.join(', ');
}

const LABELS: Record<keyof RunIdentity, string> = {
  method: 'method',
  batchSize: 'batchSize',
  limit: 'limit',
  stepsPerEpoch: 'stepsPerEpoch',
  data: 'data',
};

/**
 * Refuses, with one line, to resume a run whose method, batch size, limit,
 * steps per epoch or data differ from what the checkpoint in `dir` holds
 * (such a run would not continue the same training). `saved` undefined (a
 * checkpoint written before identities were stored) checks nothing.
 */
export function checkResume(
  dir: string,
  saved: Partial<RunIdentity> | undefined,
  current: RunIdentity,
): void {
  if (!saved) return;
  const diffs: string[] = [];
  for (const key of Object.keys(LABELS) as (keyof RunIdentity)[]) {
    if (!(key in saved)) continue;
    if (saved[key] !== current[key]) {
      diffs.push(
        `${LABELS[key]} ${JSON.stringify(saved[key])} (this run: ${JSON.stringify(current[key])})`,
      );
    }
  }
  if (diffs.length > 0) {
    throw new Error(
      `pretrain: cannot resume from ${dir}: the checkpoint was written with ${diffs.join(', ')}; ` +
        'resume with the same settings, or start a new run folder',
    );
  }
}

/**
 * The line a resumed run reports when the checkpoint already holds `epochs`
 * (or more): nothing is trained. Undefined when there is work left.
 */
export function epochsReached(
  dir: string,
  state: { epoch: number; step: number },
  epochs: number,
): string | undefined {
  if (state.epoch < epochs) return undefined;
  return (
    `pretrain: the checkpoint in ${dir} already holds epoch ${state.epoch} (step ${state.step}); ` +
    `epochs ${epochs} ${state.epoch === epochs ? 'is' : 'was passed and'} reached: nothing to train (pass epochs > ${state.epoch} to continue)`
  );
}
