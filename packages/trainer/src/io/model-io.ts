import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystemHandler } from './file-system-handler';

/**
 * Saves a Layers model into `dir` (`model.json` + `weights.bin`, atomically).
 *
 * @example
 * ```ts
 * await saveModel(encoder, 'runs/simclr/encoder');
 * ```
 */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(fileSystemHandler(dir));
}

/**
 * Loads a Layers model saved by {@link saveModel} (or any tfjs Layers model
 * folder); weight paths must stay inside `dir`.
 */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(fileSystemHandler(dir));
}
