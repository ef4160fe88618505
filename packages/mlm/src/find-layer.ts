import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Finds the layer called `name` upstream of `start` in a built functional graph,
 * looking inside nested models (an encoder used as a layer) as well.
 */
export function findLayerUpstream(
  start: tfl.layers.Layer,
  name: string,
): tfl.layers.Layer | undefined {
  const seen = new Set<tfl.layers.Layer>();
  const queue: tfl.layers.Layer[] = [start];
  while (queue.length > 0) {
    const layer = queue.shift() as tfl.layers.Layer;
    if (seen.has(layer)) continue;
    seen.add(layer);
    if (layer !== start && layer.name === name) return layer;
    const inner = findInModel(layer, name);
    if (inner) return inner;
    for (const node of layer.inboundNodes) queue.push(...node.inboundLayers);
  }
  return undefined;
}

/** Finds the layer called `name` inside `model` (when it is a `LayersModel`) and the models nested in it. */
export function findInModel(model: tfl.layers.Layer, name: string): tfl.layers.Layer | undefined {
  if (!(model instanceof tfl.LayersModel)) return undefined;
  for (const l of model.layers) {
    if (l.name === name) return l;
    const inner = findInModel(l, name);
    if (inner) return inner;
  }
  return undefined;
}
