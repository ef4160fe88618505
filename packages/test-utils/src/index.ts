export { describeBackends, TEST_BACKENDS, type TestBackend } from './backends';
export { expectNoLeak, expectFlatMemory } from './leaks';
export { expectAllClose, numericGradient } from './numeric';
export { mulberry32, randomArray, uniformFn } from './random';
