// Throughput of the @ssl/data datasets on the cpu backend (needs `npm run build -w @ssl/data`):
//   node packages/data/scripts/throughput.mjs
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import { mnist, batchImages, loadMnist } from '@ssl/data';
import { imageFolder, cifar10 } from '@ssl/data/node';
await tf.setBackend('cpu');
let t = performance.now();
loadMnist({ split: 'all' });
console.log(`loadMnist all (first call) ${(performance.now() - t).toFixed(0)} ms`);
for (const shuffle of [false, true]) {
  t = performance.now();
  let n = 0;
  await batchImages(mnist({ shuffle, seed: 0 }), 256).forEachAsync(({ images, labels }) => {
    n += images.shape[0];
    tf.dispose([images, labels]);
  });
  const s = (performance.now() - t) / 1000;
  console.log(
    `mnist train epoch shuffle=${shuffle}: ${n} images in ${s.toFixed(2)} s = ${(n / s).toFixed(0)} img/s, tensors after: ${tf.memory().numTensors}`,
  );
}
// image folder: 500 PNGs 64x64 RGB, resized to 32x32
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssl-bench-'));
for (let i = 0; i < 500; i++) {
  const png = new PNG({ width: 64, height: 64 });
  for (let p = 0; p < png.data.length; p++) png.data[p] = (p * 7 + i) & 255;
  fs.writeFileSync(path.join(dir, `${i}.png`), PNG.sync.write(png));
}
t = performance.now();
let n = 0;
await batchImages(imageFolder(dir, { size: [32, 32] }), 64).forEachAsync(({ images }) => {
  n += images.shape[0];
  images.dispose();
});
let s = (performance.now() - t) / 1000;
console.log(
  `imageFolder 64x64 PNG -> 32x32: ${n} images in ${s.toFixed(2)} s = ${(n / s).toFixed(0)} img/s, tensors after: ${tf.memory().numTensors}`,
);
// cifar: one synthetic batch of 10000 records
const cdir = path.join(dir, 'cifar');
fs.mkdirSync(cdir);
const bytes = Buffer.alloc(10000 * 3073);
for (let r = 0; r < 10000; r++) bytes[r * 3073] = r % 10;
fs.writeFileSync(path.join(cdir, 'test_batch.bin'), bytes);
for (const shuffle of [false, true]) {
  t = performance.now();
  n = 0;
  await batchImages(cifar10(cdir, { split: 'test', shuffle }), 256).forEachAsync(
    ({ images, labels }) => {
      n += images.shape[0];
      tf.dispose([images, labels]);
    },
  );
  s = (performance.now() - t) / 1000;
  console.log(
    `cifar10 10000 records shuffle=${shuffle}: ${s.toFixed(2)} s = ${(n / s).toFixed(0)} img/s, tensors after: ${tf.memory().numTensors}`,
  );
}
fs.rmSync(dir, { recursive: true, force: true });
