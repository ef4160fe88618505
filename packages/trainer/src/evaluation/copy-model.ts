import * as tfl from '@tensorflow/tfjs-layers';

/**
 * An independent copy of a Layers model: same topology (through its JSON
 * config, so custom layers must be registered with `serialization`), same
 * weight values, new variables. Training the copy leaves `model` untouched.
 */
export async function copyModel(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  const topology = model.toJSON(null, false) as unknown as Parameters<
    typeof tfl.models.modelFromJSON
  >[0];
  const copy = await tfl.models.modelFromJSON({ modelTopology: topology } as never);
  const weights = model.getWeights();
  copy.setWeights(weights);
  return copy;
}
