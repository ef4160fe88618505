/**
 * The models `npm run bench -- --model NAME` can time, in one registry: each
 * builds a tfjs-layers model (input NHWC -> embedding) that the SimCLR step
 * of simclr-model.ts trains, and names the same model in the PyTorch peer
 * (python/simclr_step.py). To add one: an entry here and a branch of
 * `build_model` in that script.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { resnet } from '@ssl/encoders';
import { buildSimclrModel } from './simclr-model';

export interface BenchModel {
  /** One line for the usage and the report. */
  summary: string;
  /** Image shape [height, width, channels] (NHWC, batch left out). */
  inputShape: [number, number, number];
  /** Images per view per step when --batch-size is not given (cpu: `cpuBatchSize`). */
  batchSize: number;
  cpuBatchSize: number;
  /** The model at `width` (a multiplier of its channel counts, 1 = as named), seeded. */
  build(seed: number, width: number): tfl.LayersModel;
}

/** ResNet-18 (CIFAR stem) -> SimCLR projection head dense(512 w) relu -> dense(128). */
function resnet18Simclr(seed: number, width: number): tfl.LayersModel {
  const encoder = resnet({ depth: 18, inputShape: [32, 32, 3], widthMultiplier: width, seed });
  const hidden = Math.max(1, Math.round(512 * width));
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed + k });
  let z = encoder.outputs[0]; // [N, 512 w]
  z = tfl.layers
    .dense({ units: hidden, activation: 'relu', kernelInitializer: init(1), name: 'proj_hidden' })
    .apply(z) as tfl.SymbolicTensor;
  z = tfl.layers
    .dense({ units: 128, kernelInitializer: init(2), name: 'proj_out' })
    .apply(z) as tfl.SymbolicTensor; // [N, 128]
  return tfl.model({ inputs: encoder.inputs, outputs: z, name: 'resnet18_simclr' });
}

export const BENCH_MODELS = {
  reference: {
    summary:
      'the reference step of the backends issue: 28x28x1, conv32-64-128, dense128, BN, dense64',
    inputShape: [28, 28, 1],
    batchSize: 256,
    cpuBatchSize: 16,
    build: (seed, width) => buildSimclrModel(seed, width),
  },
  resnet18: {
    summary: 'ResNet-18 (CIFAR stem) at 32x32x3 + projection head 512-128',
    inputShape: [32, 32, 3],
    batchSize: 32,
    cpuBatchSize: 2,
    build: resnet18Simclr,
  },
} satisfies Record<string, BenchModel>;

export type BenchModelName = keyof typeof BENCH_MODELS;
export const MODEL_NAMES = Object.keys(BENCH_MODELS) as BenchModelName[];
