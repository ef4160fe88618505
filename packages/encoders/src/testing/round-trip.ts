// Test helpers (not part of the package's public surface).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectAllClose, randomArray } from '@ssl/test-utils';

/**
 * Saves `model` through `model.save()` into memory (topology through a real
 * JSON string, weights copied) and loads it back with `tf.loadLayersModel`.
 */
export async function saveAndLoad(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('saveAndLoad: nothing was saved');
  const topology = JSON.parse(JSON.stringify(saved.modelTopology));
  const weightData = (saved.weightData as ArrayBuffer).slice(0);
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: topology, weightSpecs: saved.weightSpecs, weightData }),
  );
}

/**
 * Saves and reloads `model` ({@link saveAndLoad}) and expects the copy to
 * predict the same outputs on `x` (within `tol`); frees the copy and outputs.
 */
export async function expectSameAfterSaveAndLoad(
  model: tfl.LayersModel,
  x: tf.Tensor,
  tol: { atol?: number; rtol?: number } = { atol: 1e-6, rtol: 0 },
): Promise<void> {
  const loaded = await saveAndLoad(model);
  const a = model.predict(x) as tf.Tensor;
  const b = loaded.predict(x) as tf.Tensor;
  expectAllClose(b.dataSync(), a.dataSync(), tol);
  tf.dispose([a, b]);
  loaded.dispose();
}

/**
 * Overwrites every weight (trainable or not, e.g. BN moving statistics) with
 * seeded values, so that a loaded model can only match if the weights really
 * travelled (a re-initialised model with the same seeds would not). Variances
 * stay positive.
 */
export function perturbWeights(model: tfl.LayersModel, seed: number): void {
  const values = model.weights.map((w, i) => {
    const n = w.shape.reduce((a, b) => (a as number) * (b as number), 1) as number;
    const positive = /variance|gamma/i.test(w.name);
    const data = randomArray(n, seed + i, positive ? 0.5 : -0.5, positive ? 1.5 : 0.5);
    return tf.tensor(data, w.shape as number[]);
  });
  model.setWeights(values);
  tf.dispose(values);
}

/**
 * Frees the weights of a layer that was only called eagerly (tfjs-layers'
 * `Layer.dispose()` refuses layers never applied to symbolic tensors).
 */
export function disposeLayerWeights(layer: tfl.layers.Layer): void {
  for (const w of layer.weights) w.dispose();
}
