import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak, randomArray } from '@ssl/test-utils';
import { resnet } from './resnet';
import { expectSameAfterSaveAndLoad, perturbWeights } from './testing/round-trip';

const count = (m: ReturnType<typeof resnet>, cls: string) =>
  m.layers.filter((l) => l.getClassName() === cls).length;

describeBackends('resnet', () => {
  it('ResNet-18, CIFAR stem: [N,16,16,3] -> [N,512*w], 20 convs (3 projection shortcuts)', () => {
    const model = resnet({ depth: 18, inputShape: [16, 16, 3], widthMultiplier: 0.0625 });
    // widths 64,128,256,512 x 1/16 = 4, 8, 16, 32
    expect(model.outputs[0].shape).toEqual([null, 32]);
    // stem + 8 blocks x 2 + 3 shortcuts (stages 2-4)
    expect(count(model, 'Conv2D')).toBe(1 + 16 + 3);
    expect(count(model, 'Add')).toBe(8);
    expect(count(model, 'MaxPooling2D')).toBe(0);
    // CIFAR stem keeps 16x16; stages 2-4 halve it: 16 -> 8 -> 4 -> 2.
    expect(model.getLayer('resnet18_stem_relu').outputShape).toEqual([null, 16, 16, 4]);
    expect(model.getLayer('resnet18_stage4_block2_relu2').outputShape).toEqual([null, 2, 2, 32]);
    const y = model.predict(tf.ones([2, 16, 16, 3])) as tf.Tensor;
    expect(y.shape).toEqual([2, 32]);
    y.dispose();
    model.dispose();
  });

  it('ResNet-34: blocks [3,4,6,3] -> 36 convs', () => {
    const model = resnet({ depth: 34, inputShape: [8, 8, 1], widthMultiplier: 0.03125 });
    expect(count(model, 'Conv2D')).toBe(1 + 32 + 3);
    expect(count(model, 'Add')).toBe(16);
    const y = model.predict(tf.ones([1, 8, 8, 1])) as tf.Tensor;
    expect(y.shape).toEqual([1, 16]);
    y.dispose();
    model.dispose();
  });

  it('ImageNet stem (7x7/2 conv + 3x3/2 max pool) is the default above 64 px', () => {
    const model = resnet({ inputShape: [72, 72, 3], widthMultiplier: 0.0625 });
    expect(count(model, 'MaxPooling2D')).toBe(1);
    expect(model.getLayer('resnet18_stem_conv').outputShape).toEqual([null, 36, 36, 4]);
    expect(model.getLayer('resnet18_stem_pool').outputShape).toEqual([null, 18, 18, 4]);
    expect(model.outputs[0].shape).toEqual([null, 32]);
    const small = resnet({ inputShape: [20, 20, 3], stem: 'imagenet', widthMultiplier: 0.0625 });
    const y = small.predict(tf.ones([1, 20, 20, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 32]);
    y.dispose();
    model.dispose();
    small.dispose();
  });

  it('widthMultiplier rounds widths and keeps them >= 1', () => {
    const model = resnet({ inputShape: [8, 8, 3], widthMultiplier: 0.001 });
    expect(model.outputs[0].shape).toEqual([null, 1]);
    model.dispose();
  });

  it('save -> load gives identical outputs', async () => {
    const model = resnet({ inputShape: [8, 8, 3], widthMultiplier: 0.0625 });
    perturbWeights(model, 3);
    const x = tf.tensor4d(randomArray(2 * 8 * 8 * 3, 9, 0, 1), [2, 8, 8, 3]);
    await expectSameAfterSaveAndLoad(model, x, { atol: 1e-5, rtol: 1e-5 });
    x.dispose();
    model.dispose();
  });

  it('forward pass leaks no tensors', async () => {
    const model = resnet({ inputShape: [8, 8, 3], widthMultiplier: 0.0625 });
    const x = tf.ones([2, 8, 8, 3]);
    await expectNoLeak(() => model.predict(x));
    x.dispose();
    model.dispose();
  });

  it.each([
    [{ depth: 50 }, /resnet: depth must be one of 18, 34, got 50/],
    [{ widthMultiplier: 0 }, /resnet: widthMultiplier must be a finite number > 0, got 0/],
    [{ widthMultiplier: -0.25 }, /resnet: widthMultiplier must be a finite number > 0, got -0.25/],
    [{ stem: 'tiny' }, /resnet: stem must be one of 'cifar', 'imagenet', got 'tiny'/],
    [{ inputShape: [32, -32, 3] }, /resnet: inputShape must be 3 positive integers/],
  ])('rejects %j', (opts, message) => {
    expect(() => resnet(opts as never)).toThrow(message);
  });
});

describeBackends(
  'resnet parameter count',
  () => {
    it('ResNet-18 has the hand-computed number of trainable parameters', () => {
      // conv k x k, cin -> cout without bias, + BN gamma and beta.
      const cb = (k: number, cin: number, cout: number) => k * k * cin * cout + 2 * cout;
      const stage = (cin: number, cout: number, stride: number) =>
        cb(3, cin, cout) +
        cb(3, cout, cout) +
        (stride !== 1 || cin !== cout ? cb(1, cin, cout) : 0) +
        cb(3, cout, cout) +
        cb(3, cout, cout);
      const count = (w: number[]) =>
        cb(3, 3, w[0]) +
        stage(w[0], w[0], 1) +
        stage(w[0], w[1], 2) +
        stage(w[1], w[2], 2) +
        stage(w[2], w[3], 2);
      // Full width = torchvision's resnet18 (11,689,512) - fc (513,000) - 7x7 stem (9,408)
      // + 3x3 stem (1,728). (Building the full model is too slow for a unit test.)
      expect(count([64, 128, 256, 512])).toBe(11168832);
      const model = resnet({ widthMultiplier: 0.25 });
      const trainable = model.trainableWeights.reduce(
        (s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1),
        0,
      );
      expect(trainable).toBe(count([16, 32, 64, 128]));
      // Non-trainable: BN moving mean and variance, 2 per channel of every BN.
      expect(model.countParams() - trainable).toBe(
        2 * (16 + 4 * 16 + 4 * 32 + 4 * 64 + 4 * 128 + 32 + 64 + 128),
      );
      model.dispose();
    });
  },
  ['cpu'],
);
