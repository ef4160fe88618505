import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { createRng } from '@ssl/augment';

/**
 * Gaussian-ish clusters: `perClass` points of each of `classes` classes in
 * `dim` dimensions, centred at `spread` times a one-hot direction, with
 * uniform noise of half-width `noise`. Returns JS arrays.
 */
export function clusters(
  classes: number,
  perClass: number,
  dim: number,
  seed: number,
  spread = 3,
  noise = 1,
): { x: number[][]; y: number[] } {
  const rng = createRng(seed);
  const r = () => rng.next();
  const x: number[][] = [];
  const y: number[] = [];
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < perClass; i++) {
      x.push(Array.from({ length: dim }, (_, j) => (j === c ? spread : 0) + noise * (2 * r() - 1)));
      y.push(c);
    }
  }
  return { x, y };
}

/**
 * Images [N, 8, 8, 1] in [0, 1] whose class (0..3) is the bright quadrant, on a noisy background.
 */
export function quadrantImages(
  perClass: number,
  seed: number,
): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  const rng = createRng(seed);
  const r = () => rng.next();
  const data: number[] = [];
  const ys: number[] = [];
  for (let c = 0; c < 4; c++) {
    for (let i = 0; i < perClass; i++) {
      for (let h = 0; h < 8; h++) {
        for (let w = 0; w < 8; w++) {
          const q = (h < 4 ? 0 : 2) + (w < 4 ? 0 : 1);
          data.push(q === c ? 0.6 + 0.4 * r() : 0.4 * r());
        }
      }
      ys.push(c);
    }
  }
  return {
    images: tf.tensor4d(data, [4 * perClass, 8, 8, 1]),
    labels: tf.tensor1d(ys, 'int32'),
  };
}

/** A tiny conv encoder with batch norm: [N, 8, 8, 1] -> [N, 8]. */
export function tinyEncoder(seed: number): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 1] });
  let h = tfl.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    })
    .apply(input) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.reLU().apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.maxPooling2d({ poolSize: 4 }).apply(h) as tfl.SymbolicTensor; // [N, 2, 2, 4]
  h = tfl.layers.flatten().apply(h) as tfl.SymbolicTensor; // [N, 16]
  h = tfl.layers
    .dense({ units: 8, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) })
    .apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: h });
}
