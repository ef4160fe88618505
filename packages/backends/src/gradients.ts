/**
 * Side-effect entry: `import '@ssl/backends/gradients'` registers the gradient
 * of every tfjs-core kernel, so that `tf.grad`, `tf.variableGrads` and
 * `optimizer.minimize` work with `@tensorflow/tfjs-core` alone. tfjs-core
 * keeps them in `@tensorflow/tfjs-core/dist/register_all_gradients`, which
 * only `@tensorflow/tfjs-layers` imports; without it a custom loop fails with
 * "gradient function not found for Sub". Every entry of @ssl/backends (and
 * `useBackend`) imports this one, so a program that picks its backend here
 * never has to. Registering twice (tfjs-layers too) is harmless.
 *
 * Bundlers (the `browser` condition) get the bare tfjs-core import, shared
 * with tfjs-layers; Node gets a bundled copy of those registrations, because
 * tfjs-core's ES module files (extensionless imports) cannot be loaded by Node.
 *
 * tfjs-core itself is imported first: the registrations pull in tfjs-core's
 * engine module, which creates the global engine if none exists yet. Were that
 * the bundled copy's engine (this entry imported before tfjs-core, as every
 * entry of @ssl/backends is), every tensor would be of the copy's Tensor
 * class, which has no op handler: `tensor.clone()` throws "Cannot read
 * properties of null (reading 'clone')" inside tfjs-layers' `apply`.
 */
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
