import * as tf from '@tensorflow/tfjs-core';
import type { CheckpointParts } from '../checkpoint-io';
import type { NamedTensor } from './scan-tensors';

/**
 * Every tensor a run's state is made of, named for messages: the encoder's
 * weights (`encoder/<weight name>`, trainable and not), the method's state
 * (`method/<name>`: heads, momentum encoders, queues) and the optimizer's
 * slots (`optimizer/<name>`), each tensor once. Call `release()` when done:
 * it frees the temporaries `optimizer.getWeights()` creates (the iteration
 * counter), never the run's own variables.
 */
export async function runTensors(
  parts: CheckpointParts,
): Promise<{ tensors: NamedTensor[]; release(): void }> {
  const seen = new Set<number>();
  const tensors: NamedTensor[] = [];
  const add = (name: string, tensor: tf.Tensor) => {
    if (seen.has(tensor.id)) return;
    seen.add(tensor.id);
    tensors.push({ name, tensor });
  };
  for (const w of parts.encoder.weights) add(`encoder/${w.originalName ?? w.name}`, w.read());
  for (const [name, t] of Object.entries(parts.method.getState().tensors)) add(`method/${name}`, t);
  const opt = await parts.optimizer.getWeights();
  for (const w of opt) add(`optimizer/${w.name}`, w.tensor);
  return {
    tensors,
    release() {
      tf.dispose(opt.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
    },
  };
}
