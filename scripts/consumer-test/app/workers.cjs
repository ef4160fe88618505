// pretrain({ workers: 2 }) from the installed tarballs' CommonJS builds (see workers-check.cjs).
const tf = require('@tensorflow/tfjs-core');
const { useBackend } = require('@ssl/backends');
const { convEncoder } = require('@ssl/encoders');
const { pretrain, simclr } = require('@ssl/trainer');
const checkWorkers = require('./workers-check.cjs');

checkWorkers({ tf, useBackend, convEncoder, pretrain, simclr }).then(console.log, (e) => {
  console.error(e);
  process.exit(1);
});
