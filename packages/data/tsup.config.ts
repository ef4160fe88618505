import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// index: browser-safe main entry; node: datasets that read the file system;
// mnist-digits: side-effect entry that bundles the optional 'mnist' package.
export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts', 'src/node.ts', 'src/mnist-digits.ts'],
});
