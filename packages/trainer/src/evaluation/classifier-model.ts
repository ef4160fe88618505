import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SequencePooling } from '@ssl/mlm';

import type { ClassifierEncoderInfo } from './classifier';
import type { EmbedInputs } from './embed';
import { maskInputIndex } from './embed';
import { cloneModel } from '../methods/momentum-model';

/** The front of a classifier graph: its inputs and the 2-D features `[N, D]` its head reads. */
export interface FeatureGraph {
  inputs: tfl.SymbolicTensor[];
  /** `[N, D]`: the encoder's output pooled / flattened, or the flattened raw inputs. */
  features: tfl.SymbolicTensor;
  encoder: ClassifierEncoderInfo | null;
}

/**
 * Pools a sequence output `[N, T, D]` over the attention mask (when `model`
 * takes one), flattens any other output of rank > 2: the same features as
 * `embed()` computes, as layers.
 */
export function pooledOutput(model: tfl.LayersModel): tfl.SymbolicTensor {
  const out = model.outputs[0];
  const maskAt = maskInputIndex(model);
  if (out.shape.length === 3 && maskAt >= 0) {
    return new SequencePooling({ mode: 'mean' }).apply([
      out,
      model.inputs[maskAt],
    ]) as tfl.SymbolicTensor; // [N, D]
  }
  return out.shape.length > 2 ? (tfl.layers.flatten().apply(out) as tfl.SymbolicTensor) : out;
}

/**
 * The features a classifier reads, as a graph: a copy of `encoder` (the
 * caller's model is never shared or changed) pooled as `embed()` pools, or,
 * without an encoder, the raw inputs shaped like `sample` flattened to `[N, D]`.
 */
export async function featureGraph(
  fn: string,
  encoder: tfl.LayersModel | undefined,
  sample: EmbedInputs,
): Promise<FeatureGraph> {
  if (encoder) {
    const backbone = await cloneModel(encoder);
    const features = pooledOutput(backbone);
    return { inputs: backbone.inputs, features, encoder: encoderInfo(encoder, features) };
  }
  if (!(sample instanceof tf.Tensor)) {
    throw new Error(`${fn}: named inputs [${Object.keys(sample)}] need an encoder`);
  }
  const input = tfl.input({ shape: sample.shape.slice(1) });
  const features =
    sample.rank > 2 ? (tfl.layers.flatten().apply(input) as tfl.SymbolicTensor) : input;
  return { inputs: [input], features, encoder: null };
}

/** What a classifier records of its encoder. */
export function encoderInfo(
  encoder: tfl.LayersModel,
  features: tfl.SymbolicTensor,
): ClassifierEncoderInfo {
  return {
    name: encoder.name,
    featureDim: features.shape[features.shape.length - 1] ?? -1,
    inputNames: encoder.inputs.map((i) => i.name),
  };
}

/** `model`'s logits `[N, C]` followed by a softmax: the probabilities model of a classifier. */
export function withSoftmax(model: tfl.LayersModel): tfl.LayersModel {
  const probs = tfl.layers.activation({ activation: 'softmax' }).apply(model.outputs[0]);
  return tfl.model({ inputs: model.inputs, outputs: probs as tfl.SymbolicTensor });
}
