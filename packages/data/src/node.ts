// @ssl/data/node — datasets that read the file system (Node only).
export {
  CIFAR10_CLASSES,
  CIFAR10_URL,
  cifar10,
  type Cifar10Dataset,
  type Cifar10Element,
  type Cifar10Options,
} from './cifar10';
export {
  mobyDick,
  sotu,
  spamAssassin,
  type MobyDickChapter,
  type SotuSpeech,
  type SpamAssassinEmail,
} from './corpora';
export {
  idxDataset,
  idxTensors,
  readIdx,
  writeIdx,
  type IdxDataset,
  type IdxDatasetOptions,
  type IdxElement,
  type IdxFiles,
  type IdxTensors,
  type WriteIdxOptions,
} from './idx-files';
export {
  IMAGE_EXTENSIONS,
  imageFolder,
  type ImageFolderDataset,
  type ImageFolderElement,
  type ImageFolderOptions,
} from './image-folder';
export {
  textCorpus,
  type BundledCorpus,
  type TextCorpusDataset,
  type TextCorpusOptions,
  type TextElement,
} from './text-corpus';
