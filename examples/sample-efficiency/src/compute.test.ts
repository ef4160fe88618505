import {
  equalComputeSteps,
  fineTunePasses,
  fixMatchPassesPerStep,
  pretrainPasses,
} from './compute';

describe('compute accounting', () => {
  it('counts image passes by hand', () => {
    // SimCLR, 744 steps of 128 images, two views each
    expect(pretrainPasses(744, 128)).toBe(190464);
    // FixMatch, B 32, μ 3: 32 labelled + 96 strong (forward + backward) + 96 weak (forward, 1/3)
    expect(fixMatchPassesPerStep(32, 3)).toBeCloseTo(32 + 96 + 32, 10);
    expect(fineTunePasses(120, 32)).toBe(3840);
  });

  it('gives FixMatch from scratch the steps of pretraining + FixMatch fine-tuning', () => {
    const pretrained = pretrainPasses(744, 128) + 200 * fixMatchPassesPerStep(32, 3);
    // (190464 + 200 · 160) / 160 = 1190.4 + 200
    expect(equalComputeSteps(pretrained, 32, 3)).toBe(1390);
    expect(equalComputeSteps(0, 32, 3)).toBe(1);
    expect(() => equalComputeSteps(10, 0, 3)).toThrow(
      'equalComputeSteps: passes must be >= 0, batchSize > 0 and mu >= 0, got 10, 0, 3',
    );
  });
});
