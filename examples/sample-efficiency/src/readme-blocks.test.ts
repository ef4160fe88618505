import { minutes, replaceBlock, studySection, type StudyJson } from './readme-blocks';

describe('replaceBlock', () => {
  it('replaces what is between the markers and keeps the rest', () => {
    const text = 'a\n<!-- t:begin -->\nold\n<!-- t:end -->\nb\n';
    expect(replaceBlock(text, 't', 'new')).toBe(
      'a\n<!-- t:begin -->\n\nnew\n\n<!-- t:end -->\nb\n',
    );
    expect(() => replaceBlock('a', 't', 'x')).toThrow(
      "replaceBlock: the README has no '<!-- t:begin -->' … '<!-- t:end -->' block",
    );
  });
});

describe('studySection', () => {
  it('is generated from the JSON: run, table, margins, targets, chart', () => {
    const json: StudyJson = {
      command: 'npm run demo',
      date: '2026-12-05T15:00:00.000Z',
      quick: false,
      backend: 'wasm',
      workers: 2,
      data: { name: 'MNIST', dataset: 'mnist', pretrainImages: 7996, testImages: 2004 },
      pretraining: [{ method: 'simclr', epochs: 12, steps: 744, seconds: 332, imagesPerSec: 287 }],
      totalSeconds: 774,
      totalCpuSeconds: 1209,
      summary: [
        {
          method: 'scratch-bn',
          name: 'CNN + BN',
          labelsPerClass: 10,
          mean: 0.858,
          std: 0.01,
          seeds: 3,
        },
        {
          method: 'simclr-probe',
          name: 'SimCLR, probe',
          labelsPerClass: 10,
          mean: 0.878,
          std: 0.016,
          seeds: 3,
        },
      ],
    };
    const md = studySection(json, 'x.svg');
    expect(md).toContain('Whole study: **12m54s** wall time, 20m09s of CPU time.');
    expect(md).toContain('| SimCLR, probe | 87.8 ± 1.6 |');
    expect(md).toContain(
      '- 10 labels/class: SimCLR, probe 87.8% vs the best pipeline without pretraining, CNN + BN 85.8%: +2.0 points',
    );
    expect(md).toContain(
      '| 10 labels/class: best pipeline ≥ 97.5 % | SimCLR, probe 87.8 ± 1.6 | **missed** |',
    );
    expect(md).toContain('| whole default study ≤ 15 minutes on 2 cores | 12m54s | met |');
    expect(md.endsWith('![MNIST: test accuracy against labels per class](x.svg)')).toBe(true);
    expect(minutes(59.6)).toBe('1m00s');
  });

  it('states what MAE adds to the same ViT when both rows ran, and nothing otherwise', () => {
    const row = (method: string, name: string, labelsPerClass: number, mean: number) => ({
      method,
      name,
      labelsPerClass,
      mean,
      std: 0,
      seeds: 1,
    });
    const base: StudyJson = {
      command: 'npm run demo',
      date: '2026-12-05T15:00:00.000Z',
      quick: true,
      backend: 'wasm',
      data: { name: 'MNIST', dataset: 'mnist', pretrainImages: 1024, testImages: 500 },
      pretraining: [],
      totalSeconds: 60,
      totalCpuSeconds: 100,
      summary: [
        row('vit-scratch', 'ViT', 1, 0.3),
        row('vit-scratch', 'ViT', 10, 0.55),
        row('mae-finetune', 'MAE → FT', 10, 0.7),
      ],
    };
    const md = studySection(base, 'x.svg');
    expect(md).toContain('What MAE pretraining adds to the same ViT');
    // only the setting where both rows exist: 70.0 − 55.0
    expect(md).toContain(
      '- 10 labels/class: MAE → FT 70.0% vs the same ViT from scratch, ViT 55.0%: +15.0 points',
    );
    expect(md).not.toContain('- 1 label/class: MAE');
    const without = studySection({ ...base, summary: base.summary.slice(0, 2) }, 'x.svg');
    expect(without).not.toContain('What MAE pretraining adds');
  });
});
