import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose } from '@ssl/test-utils';
import { colorJitter } from './color-jitter';
import { compose } from './compose';
import { gaussianBlur } from './gaussian-blur';
import { horizontalFlip } from './horizontal-flip';
import { multiView } from './multi-view';
import { randomAffine } from './random-affine';
import { randomGrayscale } from './random-grayscale';
import { randomResizedCrop } from './random-resized-crop';
import { simclrAugment } from './simclr';
import { solarize } from './solarize';
import { augmentationContract } from './testing/contract';
import { randomImages, sameTensor } from './testing/images';

augmentationContract({ name: 'simclrAugment', make: () => simclrAugment(), hasP: false });
augmentationContract({
  name: 'simclrAugment',
  make: () => simclrAugment({ preset: 'digits' }),
  hasP: false,
});

describeBackends('simclrAugment', () => {
  it("preset 'simclr' is crop, flip, jitter (0.8, 0.8, 0.8, 0.2; p 0.8), gray 0.2, blur 0.5 in that order", () => {
    const x = randomImages([6, 16, 16, 3], 1);
    const y = simclrAugment()(x, 3);
    const e = compose([
      randomResizedCrop({ scale: [0.08, 1], ratio: [3 / 4, 4 / 3] }),
      horizontalFlip({ p: 0.5 }),
      colorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, p: 0.8 }),
      randomGrayscale({ p: 0.2 }),
      gaussianBlur({ sigma: [0.1, 2], p: 0.5 }),
    ])(x, 3);
    expect(sameTensor(y, e)).toBe(true);
    tf.dispose([x, y, e]);
  });

  it("preset 'digits' is a mild crop, a small affine and brightness/contrast jitter", () => {
    const x = randomImages([6, 28, 28, 1], 2);
    const y = simclrAugment({ preset: 'digits' })(x, 4);
    const e = compose([
      randomResizedCrop({ scale: [0.6, 1], ratio: [0.75, 1.33] }),
      randomAffine({ degrees: 15, translate: [0.1, 0.1] }),
      colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0, hue: 0, p: 0.8 }),
    ])(x, 4);
    expect(sameTensor(y, e)).toBe(true);
    tf.dispose([x, y, e]);
  });

  it('overrides merge into the preset; false removes a piece; strength scales the jitter', () => {
    const x = randomImages([4, 12, 12, 3], 3);
    const y = simclrAugment({
      blur: { p: 1 },
      flip: false,
      strength: 0.5,
      solarize: { p: 0.2 },
    })(x, 5);
    const e = compose([
      randomResizedCrop({ scale: [0.08, 1], ratio: [3 / 4, 4 / 3] }),
      colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8 }),
      randomGrayscale({ p: 0.2 }),
      gaussianBlur({ sigma: [0.1, 2], p: 1 }),
      solarize({ p: 0.2 }),
    ])(x, 5);
    expect(sameTensor(y, e)).toBe(true);
    const cropped = simclrAugment({ crop: { size: [8, 8] } })(x, 1);
    expect(cropped.shape).toEqual([4, 8, 8, 3]);
    tf.dispose([x, y, e, cropped]);
  });

  it('two views of a digits batch have the batch shape, differ, and stay in [0, 1]', () => {
    const x = randomImages([8, 28, 28, 1], 5);
    const [v1, v2] = multiView(simclrAugment({ preset: 'digits' }), 2)(x, 1);
    expect(v1.shape).toEqual([8, 28, 28, 1]);
    expect(sameTensor(v1, v2)).toBe(false);
    for (const v of [v1, v2]) {
      const d = v.dataSync();
      expect(Math.min(...d) >= 0 && Math.max(...d) <= 1).toBe(true);
    }
    tf.dispose([x, v1, v2]);
  });

  it('rejects a bad preset or strength', () => {
    expect(() => simclrAugment({ preset: 'cifar' as 'simclr' })).toThrow(
      /^simclrAugment: preset must be 'simclr' or 'digits', got cifar/,
    );
    expect(() => simclrAugment({ strength: -1 })).toThrow(
      /^simclrAugment: strength must be a finite number/,
    );
  });
});

describe('simclrAugment across backends', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('the same seed gives the same views on cpu and wasm', async () => {
    const outputs: Float32Array[] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      await tf.ready();
      for (const preset of ['simclr', 'digits'] as const) {
        const x = randomImages([8, 20, 20, preset === 'digits' ? 1 : 3], 6);
        const views = multiView(simclrAugment({ preset }), 2)(x, 123);
        outputs.push(...views.map((v) => v.dataSync() as Float32Array));
        tf.dispose([x, ...views]);
      }
    }
    for (let i = 0; i < 4; i++) expectAllClose(outputs[4 + i], outputs[i], { atol: 1e-4 });
  });
});
