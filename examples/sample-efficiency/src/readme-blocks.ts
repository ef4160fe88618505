import { marginLines, marginsOverBaselines, pairMargins, SUPERVISED_ONLY } from './margin';
import { markdownTable, type SummaryRow } from './results';
import { checkTargets, targetsTable } from './targets';

/** What a README section needs from a study's `sample-efficiency.json`. */
export interface StudyJson {
  command: string;
  date: string;
  quick: boolean;
  backend: string;
  workers?: number;
  data: { name?: string; dataset: string; pretrainImages: number; testImages: number };
  pretraining: {
    method: string;
    epochs: number;
    steps: number;
    seconds: number;
    imagesPerSec: number;
  }[];
  totalSeconds: number;
  totalCpuSeconds: number;
  summary: SummaryRow[];
}

/** "12m54s". */
export function minutes(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * A README section generated from a study's JSON: how it was run, the table
 * (mean ± std over the label draws), the margins of the best pretrained
 * pipeline, the targets met or missed and the chart (`chartPath`).
 */
export function studySection(json: StudyJson, chartPath: string): string {
  const name = json.data.name ?? 'MNIST';
  const p = json.pretraining
    .map(
      (x) =>
        `${x.method} ${x.epochs} epochs (${x.steps} steps) in ${minutes(x.seconds)} (${Math.round(x.imagesPerSec)} images/s)`,
    )
    .join('; ');
  const seeds = Math.max(...json.summary.map((s) => s.seeds));
  return [
    `Command: \`${json.command}\` (${json.date.slice(0, 10)}), backend \`${json.backend}\`` +
      `${json.workers ? `, ${json.workers} pretraining worker${json.workers === 1 ? '' : 's'}` : ''}. ` +
      `Data: ${json.data.dataset}; ${json.data.pretrainImages} unlabelled train images, ${json.data.testImages} test images. ` +
      `Pretraining: ${p}. Whole study: **${minutes(json.totalSeconds)}** wall time, ${minutes(json.totalCpuSeconds)} of CPU time.`,
    '',
    `Test accuracy (%) on ${name}, mean ± std over ${seeds} label draw${seeds === 1 ? '' : 's'} (where a row has fewer, the std is over those):`,
    '',
    markdownTable(json.summary),
    '',
    'The best pretrained pipeline against the best pipeline **without pretraining** (FixMatch from scratch included):',
    '',
    ...marginLines(marginsOverBaselines(json.summary)),
    '',
    '… and against the best **supervised-only** pipeline (the labels alone):',
    '',
    ...marginLines(
      marginsOverBaselines(json.summary, SUPERVISED_ONLY),
      'the best supervised-only pipeline',
    ),
    ...maeSection(json.summary),
    '',
    `Targets of issue 20 (computed from the JSON by \`readme-blocks.ts\`):`,
    '',
    targetsTable(
      checkTargets({
        dataset: name,
        summary: json.summary,
        totalSeconds: json.totalSeconds,
        quick: json.quick,
      }),
    ),
    '',
    `![${name}: test accuracy against labels per class](${chartPath})`,
  ].join('\n');
}

/** `text` with the lines between `<!-- name:begin -->` and `<!-- name:end -->` replaced by `content`. */
export function replaceBlock(text: string, name: string, content: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    throw new Error(`replaceBlock: the README has no '${begin}' … '${end}' block`);
  }
  return `${text.slice(0, i + begin.length)}\n\n${content}\n\n${text.slice(j)}`;
}

/** "MAE → fine-tune" against the same ViT from scratch, when the study ran both (issue 24); else nothing. */
function maeSection(summary: SummaryRow[]): string[] {
  const m = pairMargins(summary, 'mae-finetune', 'vit-scratch');
  if (m.length === 0) return [];
  return [
    '',
    'What MAE pretraining adds to the same ViT (the same budget of labelled steps; MAE fine-tuned from a probe with the augmentations, the ViT from scratch without them, its better choice):',
    '',
    ...marginLines(m, 'the same ViT from scratch'),
  ];
}
