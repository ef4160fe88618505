// Every browser entry point, bundled by Vite for production.
import '@ssl/backends/wasm';
import '@ssl/backends/webgl';
import '@ssl/backends/cpu';
import '@ssl/data/mnist-digits';
import { useBackend } from '@ssl/backends';
import { simclrAugment } from '@ssl/augment';
import { loadMnist } from '@ssl/data';
import { convEncoder } from '@ssl/encoders';
import { ntXentLoss } from '@ssl/losses';
import { maskTokens } from '@ssl/mlm';
import { pretrain, simclr } from '@ssl/trainer';

globalThis.ssl = {
  useBackend,
  simclrAugment,
  loadMnist,
  convEncoder,
  ntXentLoss,
  maskTokens,
  pretrain,
  simclr,
};
