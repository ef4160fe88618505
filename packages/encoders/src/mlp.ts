import * as tfl from '@tensorflow/tfjs-layers';
import { InitStream } from './init';

/** Resolved settings of the MLP that both heads are made of. */
export interface MlpConfig {
  inputDim: number;
  hiddenDim: number;
  outputDim: number;
  numLayers: number;
  batchNorm: boolean;
  name: string;
  seed: number;
}

/**
 * `(Linear -> [BN] -> ReLU) x (numLayers - 1) -> Linear`, the body of
 * {@link projectionHead} and {@link predictionHead}. Hidden linear layers have
 * no bias when BN follows (BN's beta is the bias). Not exported from the package.
 */
export function mlp(o: MlpConfig): tfl.LayersModel {
  // Weight initialisation, in one place: Glorot uniform kernels, zero biases.
  const init = new InitStream(o.seed);
  const input = tfl.input({ shape: [o.inputDim], name: `${o.name}_input` });
  let x = input;
  for (let i = 1; i < o.numLayers; i++) {
    x = tfl.layers
      .dense({
        units: o.hiddenDim,
        useBias: !o.batchNorm,
        kernelInitializer: init.glorotUniform(),
        name: `${o.name}_linear${i}`,
      })
      .apply(x) as tfl.SymbolicTensor;
    if (o.batchNorm) {
      // PyTorch's BatchNorm1d defaults: momentum 0.1 (0.9 in Keras terms), eps 1e-5.
      x = tfl.layers
        .batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: `${o.name}_bn${i}` })
        .apply(x) as tfl.SymbolicTensor;
    }
    x = tfl.layers.reLU({ name: `${o.name}_relu${i}` }).apply(x) as tfl.SymbolicTensor;
  }
  x = tfl.layers
    .dense({
      units: o.outputDim,
      kernelInitializer: init.glorotUniform(),
      name: `${o.name}_linear${o.numLayers}`,
    })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x, name: o.name });
}
