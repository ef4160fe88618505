// Test fixture (plain CommonJS, imported by workers through `workerImports`): an identity layer
// that throws in worker rank 1 on its `failAt`-th call, as a user's custom layer might.
const tf = require('@tensorflow/tfjs-core');
const tfl = require('@tensorflow/tfjs-layers');
const { isMainThread, workerData } = require('worker_threads');

class FailInWorker extends tfl.layers.Layer {
  constructor(config) {
    super(config);
    this.failAt = config.failAt;
    this.calls = 0;
  }
  call(inputs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!isMainThread && workerData && workerData.rank === 1 && ++this.calls >= this.failAt) {
      throw new Error(`FailInWorker: injected failure on call ${this.calls}`);
    }
    return x;
  }
  getConfig() {
    return { ...super.getConfig(), failAt: this.failAt };
  }
}
FailInWorker.className = 'FailInWorker';
tf.serialization.registerClass(FailInWorker);

module.exports = { FailInWorker };
