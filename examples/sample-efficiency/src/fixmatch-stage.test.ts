import { FULL } from './config';
import { scratchFixMatchSteps } from './fixmatch-stage';

describe('scratchFixMatchSteps', () => {
  it('gives FixMatch from scratch the image passes of pretraining + the pretrained FixMatch run', () => {
    // SimCLR 10 epochs of floor(7996 / 128) = 62 steps of 128 images, two views: 158,720 passes;
    // FixMatch 250 steps of 16 labelled + 112 strong + 112 weak (1/3): 250 · 165.33 = 41,333.3;
    // in FixMatch steps: 200,053.3 / 165.33 = 1,210.0
    expect(scratchFixMatchSteps(FULL, 7996)).toBe(1210);
  });
});
