import * as tfl from '@tensorflow/tfjs-layers';
import { InitStream } from './init';
import { checkInt, checkName, checkOneOf, checkPositive, checkShape } from './validate';

/** Options of {@link resnet}. Every field is optional. */
export interface ResNetOptions {
  /** Number of layers: 18 (blocks [2,2,2,2]) or 34 (blocks [3,4,6,3]). Default `18`. */
  depth?: 18 | 34;
  /** Image shape `[height, width, channels]` (NHWC, batch left out). Default `[32, 32, 3]` (CIFAR). */
  inputShape?: [number, number, number];
  /**
   * `'cifar'`: one 3x3 stride-1 conv, no max pool (for small images).
   * `'imagenet'`: 7x7 stride-2 conv, then 3x3 stride-2 max pool.
   * Default: `'cifar'` when height and width are <= 64 px, else `'imagenet'`.
   */
  stem?: 'cifar' | 'imagenet';
  /** Scales the base widths 64, 128, 256, 512 (rounded, at least 1); e.g. 0.25 for CPU training. Default `1`. */
  widthMultiplier?: number;
  /** Model name; also the prefix of every layer name. Default `'resnet18'` / `'resnet34'`. */
  name?: string;
  /** Seed of the weight initialisers: same seed, same initial weights. Default `0`. */
  seed?: number;
}

const FN = 'resnet';
const BLOCKS: Record<18 | 34, number[]> = { 18: [2, 2, 2, 2], 34: [3, 4, 6, 3] };
const BASE_WIDTHS = [64, 128, 256, 512];

/**
 * ResNet-18/34 (BasicBlock) as a serializable tfjs-layers model: stem -> four
 * stages of residual blocks (the first block of stages 2-4 halves the spatial
 * size; a 1x1 conv + BN projection shortcut wherever shape changes) -> global
 * average pool -> representation `[N, 512 * widthMultiplier]`.
 *
 * Each block is `conv3x3(stride) -> BN -> ReLU -> conv3x3 -> BN`, added to the
 * shortcut, then ReLU. Convs have no bias (BN follows). BN uses momentum 0.9
 * and epsilon 1e-5 (PyTorch's defaults). Weights: He normal conv kernels,
 * seeded; BN gamma 1, beta 0.
 *
 * Reference: He et al., "Deep Residual Learning for Image Recognition", 2016;
 * the CIFAR stem as in SimCLR's CIFAR-10 experiments.
 *
 * @example
 * ```ts
 * const encoder = resnet({ depth: 18, inputShape: [32, 32, 3], widthMultiplier: 0.25 });
 * const h = encoder.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor2D; // [2, 128]
 * ```
 */
export function resnet(options: ResNetOptions = {}): tfl.LayersModel {
  const { depth = 18, inputShape = [32, 32, 3], widthMultiplier = 1, seed = 0 } = options;
  checkOneOf(FN, 'depth', depth, [18, 34] as const);
  const [height, width] = checkShape(FN, 'inputShape', inputShape, 3);
  const stem = options.stem ?? (Math.max(height, width) <= 64 ? 'cifar' : 'imagenet');
  checkOneOf(FN, 'stem', stem, ['cifar', 'imagenet'] as const);
  checkPositive(FN, 'widthMultiplier', widthMultiplier);
  const name = options.name ?? `resnet${depth}`;
  checkName(FN, 'name', name);
  checkInt(FN, 'seed', seed, 0);

  const widths = BASE_WIDTHS.map((w) => Math.max(1, Math.round(w * widthMultiplier)));

  // Weight initialisation, in one place: He normal conv kernels (ReLU network).
  const init = new InitStream(seed);
  const conv = (filters: number, kernelSize: number, strides: number, layerName: string) =>
    tfl.layers.conv2d({
      filters,
      kernelSize,
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: init.heNormal(),
      name: layerName,
    });
  const bn = (layerName: string) =>
    tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: layerName });
  const relu = (layerName: string) => tfl.layers.reLU({ name: layerName });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) =>
    layer.apply(x) as tfl.SymbolicTensor;

  const input = tfl.input({ shape: inputShape, name: `${name}_input` });
  let x: tfl.SymbolicTensor;
  if (stem === 'cifar') {
    x = apply(conv(widths[0], 3, 1, `${name}_stem_conv`), input);
  } else {
    x = apply(conv(widths[0], 7, 2, `${name}_stem_conv`), input);
  }
  x = apply(bn(`${name}_stem_bn`), x);
  x = apply(relu(`${name}_stem_relu`), x);
  if (stem === 'imagenet') {
    x = apply(
      tfl.layers.maxPooling2d({
        poolSize: 3,
        strides: 2,
        padding: 'same',
        name: `${name}_stem_pool`,
      }),
      x,
    );
  }

  let channels = widths[0];
  BLOCKS[depth].forEach((numBlocks, s) => {
    for (let b = 0; b < numBlocks; b++) {
      const p = `${name}_stage${s + 1}_block${b + 1}`;
      const stride = s > 0 && b === 0 ? 2 : 1;
      const out = widths[s];
      let h = apply(conv(out, 3, stride, `${p}_conv1`), x);
      h = apply(bn(`${p}_bn1`), h);
      h = apply(relu(`${p}_relu1`), h);
      h = apply(conv(out, 3, 1, `${p}_conv2`), h);
      h = apply(bn(`${p}_bn2`), h);
      let shortcut = x;
      if (stride !== 1 || channels !== out) {
        shortcut = apply(conv(out, 1, stride, `${p}_shortcut_conv`), x);
        shortcut = apply(bn(`${p}_shortcut_bn`), shortcut);
      }
      x = apply(tfl.layers.add({ name: `${p}_add` }), [h, shortcut]);
      x = apply(relu(`${p}_relu2`), x);
      channels = out;
    }
  });
  // [N, h, w, C] -> [N, C]
  x = apply(tfl.layers.globalAveragePooling2d({ name: `${name}_gap` }), x);
  return tfl.model({ inputs: input, outputs: x, name });
}
