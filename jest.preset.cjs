// Shared jest settings for every workspace. Tests run on the TypeScript sources
// (compiled by @swc/jest); `@ssl/*` imports resolve to the sibling package's src/,
// so a test never depends on a stale dist/.
const path = require('path');

const packages = path.join(__dirname, 'packages');

/** @param {string} dir the workspace folder (pass __dirname) */
module.exports = function preset(dir) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.test.ts'],
    transform: {
      '^.+\\.(t|j)s$': [
        '@swc/jest',
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2020' },
          module: { type: 'commonjs' },
        },
      ],
    },
    // tfjs-core's gradient registrations (imported by @ssl/backends/gradients) are
    // ES module files: compile them too.
    transformIgnorePatterns: ['/node_modules/(?!@tensorflow/tfjs-core/dist/)'],
    moduleNameMapper: {
      '^@ssl/([a-z-]+)$': path.join(packages, '$1/src/index.ts'),
      '^@ssl/([a-z-]+)/(.+)$': path.join(packages, '$1/src/$2'),
    },
    testTimeout: 120000,
    maxWorkers: process.env.CI ? 2 : '50%',
  };
};
