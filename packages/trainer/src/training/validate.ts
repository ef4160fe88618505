/** Throws unless `v` is an integer >= 1 (or undefined, when `optional`), naming `pretrain`'s argument. */
export function positiveInt(name: string, v: number | undefined, optional = false): void {
  if (v === undefined && optional) return;
  if (!Number.isInteger(v) || (v as number) < 1) {
    throw new Error(`pretrain: ${name} must be an integer >= 1, got ${v}`);
  }
}

/** The checks `pretrain()` makes before reading any data. */
export function checkPretrainOptions(o: {
  method: unknown;
  encoder: unknown;
  epochs: number;
  batchSize: number;
  limit?: number;
  stepsPerEpoch?: number;
  checkpointEvery?: number;
  checkpointDir?: string;
  resume?: boolean;
  seed?: number;
}): void {
  const m = o.method as { prepare?: unknown; forward?: unknown; loss?: unknown } | undefined;
  if (
    !m ||
    typeof m.prepare !== 'function' ||
    typeof m.forward !== 'function' ||
    typeof m.loss !== 'function'
  )
    throw new Error('pretrain: method must be a Method object (prepare, forward, loss)');
  if (!o.encoder || typeof (o.encoder as { apply?: unknown }).apply !== 'function')
    throw new Error('pretrain: encoder must be a tfjs-layers model');
  positiveInt('epochs', o.epochs);
  positiveInt('batchSize', o.batchSize);
  positiveInt('limit', o.limit, true);
  positiveInt('stepsPerEpoch', o.stepsPerEpoch, true);
  positiveInt('checkpointEvery', o.checkpointEvery, true);
  if (o.resume && !o.checkpointDir) throw new Error('pretrain: resume needs checkpointDir');
  if (o.seed !== undefined && !Number.isInteger(o.seed))
    throw new Error(`pretrain: seed must be an integer, got ${o.seed}`);
}
