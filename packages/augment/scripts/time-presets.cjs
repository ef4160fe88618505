// Times simclrAugment on MNIST- and CIFAR-sized batches on the cpu and wasm
// backends (one view per call). Wall time and this process's CPU time (the
// latter is robust to other load on a shared machine). Run after
// `npm run build -w @ssl/augment`:
//   node packages/augment/scripts/time-presets.cjs [reps=10]
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
require('@tensorflow/tfjs-backend-wasm');
const aug = require('../dist/index.js');

tf.env().set('IS_TEST', true); // no tfjs-node hint

const reps = Number(process.argv[2] ?? 10);
const cases = [
  {
    name: "simclrAugment({ preset: 'digits' })",
    shape: [256, 28, 28, 1],
    make: () => aug.simclrAugment({ preset: 'digits' }),
  },
  {
    name: "simclrAugment({ preset: 'simclr' })",
    shape: [256, 32, 32, 3],
    make: () => aug.simclrAugment(),
  },
  {
    name: 'randomResizedCrop()',
    shape: [256, 28, 28, 1],
    make: () => aug.randomResizedCrop({ scale: [0.4, 1] }),
  },
  {
    name: 'randomAffine(15°, 10%)',
    shape: [256, 28, 28, 1],
    make: () => aug.randomAffine({ degrees: 15, translate: [0.1, 0.1] }),
  },
  {
    name: 'colorJitter(b, c)',
    shape: [256, 28, 28, 1],
    make: () => aug.colorJitter({ brightness: 0.4, contrast: 0.4, p: 1 }),
  },
  { name: 'colorJitter(all)', shape: [256, 32, 32, 3], make: () => aug.colorJitter({ p: 1 }) },
  { name: 'gaussianBlur(p 1)', shape: [256, 32, 32, 3], make: () => aug.gaussianBlur({ p: 1 }) },
];

(async () => {
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const c of cases) {
      const op = c.make();
      const size = c.shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor4d(
        Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 1000) / 1000),
        c.shape,
      );
      tf.dispose(op(x, 0)); // warm-up
      await tf.nextFrame?.();
      const rng = aug.createRng(1);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) {
        const y = op(x, rng);
        y.dataSync(); // include the computation, not just the dispatch
        y.dispose();
      }
      const ms = (performance.now() - t0) / reps;
      const cpu = process.cpuUsage(c0);
      const cpuMs = (cpu.user + cpu.system) / 1000 / reps;
      console.log(
        `${backend.padEnd(5)} ${c.name.padEnd(38)} [${c.shape}]  wall ${ms.toFixed(1)} ms  cpu ${cpuMs.toFixed(1)} ms /batch`,
      );
      x.dispose();
    }
  }
})();
