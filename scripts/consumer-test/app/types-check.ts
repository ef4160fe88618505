// Compiled by tsc under moduleResolution node16 (as .mts and .cts), bundler and
// node10: every entry point must resolve to real types (an untyped import is an
// error under `strict`), and the assignments below must type-check.
import * as tf from '@tensorflow/tfjs-core';
import { compose, horizontalFlip, simclrAugment } from '@ssl/augment';
import { autoOrder, useBackend, type BackendName } from '@ssl/backends';
import { backendReady as cpuReady } from '@ssl/backends/cpu';
import { registerWasmTrainingKernels } from '@ssl/backends/kernels';
import { backendReady as nodeReady } from '@ssl/backends/node';
import { backendReady as wasmReady } from '@ssl/backends/wasm';
import { backendReady as webglReady } from '@ssl/backends/webgl';
import '@ssl/backends/gradients';
import { loadMnist, mnistTensors, provideMnistDigits, type MnistArrays } from '@ssl/data';
import '@ssl/data/mnist-digits';
import { textCorpus, type TextElement } from '@ssl/data/node';
import { convEncoder } from '@ssl/encoders';
import { ntXentLoss, vicregLoss } from '@ssl/losses';
import { maskTokens } from '@ssl/mlm';
import { loadTokenizer, saveTokenizer } from '@ssl/mlm/node';
import { linearProbe, pretrain, simclr, type PretrainOptions } from '@ssl/trainer';
import { loadModel, saveModel } from '@ssl/trainer/node';

export const ready: Promise<string>[] = [cpuReady, nodeReady, wasmReady, webglReady];
export const backend: Promise<BackendName> = useBackend('auto', { quiet: true });
export const order: BackendName[] = autoOrder();
export const registered: string[] = registerWasmTrainingKernels();
export const mnistArrays: () => MnistArrays = () => loadMnist({ split: 'test' });
export const evalSet: () => { images: tf.Tensor4D; labels: tf.Tensor1D } = () =>
  mnistTensors({ split: 'test', limit: 10 });
export const provide: (d: { id: number; raw: number[] }[]) => void = provideMnistDigits;
export const corpus = (s: string): { files: readonly string[] } => textCorpus(s);
export type Text = TextElement;
export const loss = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Scalar =>
  tf.add(ntXentLoss(a, b, { temperature: 0.5 }), vicregLoss(a, b));
export const fns: unknown[] = [
  compose,
  horizontalFlip,
  simclrAugment,
  convEncoder,
  maskTokens,
  loadTokenizer,
  saveTokenizer,
  linearProbe,
  pretrain,
  simclr,
  loadModel,
  saveModel,
];
export type Options = PretrainOptions;
