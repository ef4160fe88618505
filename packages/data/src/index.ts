// @ssl/data — main entry, browser-safe (no Node built-ins). Node-only datasets
// (image folders, CIFAR-10 files, text corpora) are in '@ssl/data/node'.
export { batchImages, type BatchImagesOptions, type ImageBatch } from './batch-images';
export {
  FASHION_MNIST_CLASSES,
  fashionMnistTensors,
  provideFashionMnist,
  type FashionMnistClassFile,
  type FashionMnistSplit,
  type FashionMnistTensors,
  type FashionMnistTensorsOptions,
} from './fashion-mnist';
export {
  encodeIdx,
  idxImageArrays,
  isGzip,
  parseIdx,
  type Idx,
  type IdxArray,
  type IdxImageArrays,
  type IdxNames,
  type IdxType,
  type ParseIdxOptions,
} from './idx';
export { provideMnistDigits, type MnistDigit } from './mnist-source';
export { loadMnist, type LoadMnistOptions, type MnistArrays, type MnistSplit } from './load-mnist';
export {
  mnist,
  mnistTensors,
  type MnistElement,
  type MnistOptions,
  type MnistTensorsOptions,
} from './mnist';
export { type ShuffleOptions, type EpochDataset, epochOrder } from './order';
export { splitText, type SplitTextOptions, type TextSplit } from './split-text';
export { trainTestSplit, type TrainTestSplitOptions } from './train-test-split';
