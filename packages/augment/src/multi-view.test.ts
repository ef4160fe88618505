import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';
import { colorJitter } from './color-jitter';
import { horizontalFlip } from './horizontal-flip';
import { multiView } from './multi-view';
import { randomResizedCrop } from './random-resized-crop';
import { createRng } from './rng';
import { randomImages, sameTensor } from './testing/images';
import type { Augmentation } from './types';

describeBackends('multiView', () => {
  const pipeline = randomResizedCrop({ size: [6, 6] });

  it('returns n views, each the pipeline on its own forked stream', () => {
    const x = randomImages([5, 8, 8, 3], 1);
    const views = multiView(pipeline, 3)(x, 11);
    expect(views.length).toBe(3);
    const root = createRng(11);
    const streams = [root.fork(), root.fork(), root.fork()];
    views.forEach((v, i) => {
      expect(v.shape).toEqual([5, 6, 6, 3]);
      const e = pipeline(x, streams[i]);
      expect(sameTensor(v, e)).toBe(true);
      e.dispose();
    });
    expect(sameTensor(views[0], views[1])).toBe(false);
    expect(sameTensor(views[1], views[2])).toBe(false);
    tf.dispose([x, ...views]);
  });

  it('defaults to 2 views; same seed same views, different seed different views', () => {
    const x = randomImages([4, 8, 8, 1], 2);
    const twoViews = multiView(pipeline);
    const a = twoViews(x, 5);
    const b = twoViews(x, 5);
    const c = twoViews(x, 6);
    expect(a.length).toBe(2);
    expect(sameTensor(a[0], b[0]) && sameTensor(a[1], b[1])).toBe(true);
    expect(sameTensor(a[0], c[0])).toBe(false);
    tf.dispose([x, ...a, ...b, ...c]);
  });

  it('an array of pipelines gives one view each (asymmetric views)', () => {
    const x = randomImages([3, 8, 8, 3], 3);
    const flipOnly = horizontalFlip({ p: 1 });
    const views = multiView([flipOnly, colorJitter({ p: 0 })])(x, 1);
    expect(views.length).toBe(2);
    const flipped = tf.reverse(x, 2);
    expect(sameTensor(views[0], flipped)).toBe(true);
    expect(sameTensor(views[1], x)).toBe(true);
    tf.dispose([x, flipped, ...views]);
  });

  it('an Rng argument is advanced (consecutive steps differ) and nothing leaks', async () => {
    const x = randomImages([4, 8, 8, 3], 4);
    const rng = createRng(1);
    const views = multiView(pipeline);
    const s1 = views(x, rng);
    const s2 = views(x, rng);
    expect(sameTensor(s1[0], s2[0])).toBe(false);
    await expectNoLeak(() => views(x, 3));
    tf.dispose([x, ...s1, ...s2]);
  });

  it('rejects bad arguments', () => {
    expect(() => multiView(pipeline, 0)).toThrow(/^multiView: n must be an integer >= 1, got 0/);
    expect(() => multiView([pipeline, pipeline], 3)).toThrow(
      /^multiView: n must equal the number of pipelines \(2\), got 3/,
    );
    expect(() => multiView([])).toThrow(/^multiView: pipeline must be/);
    expect(() => multiView('crop' as unknown as Augmentation)).toThrow(
      /^multiView: pipeline must be an Augmentation function/,
    );
    const bad = tf.zeros([1, 4, 4, 4]) as tf.Tensor4D;
    expect(() => multiView(pipeline)(bad, 1)).toThrow(/^multiView: images must be .*\[1,4,4,4\]/);
    bad.dispose();
  });
});
