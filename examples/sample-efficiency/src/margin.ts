import type { SummaryRow } from './results';

/** Rows that see only the labelled images: no pretraining, no unlabelled data. */
export const SUPERVISED_ONLY = ['raw-knn', 'raw-logreg', 'scratch', 'scratch-bn', 'vit-scratch'];

/**
 * Rows without pretraining (drawn as baselines): the supervised-only ones and
 * FixMatch from scratch, which uses the unlabelled images but no pretraining.
 */
export const BASELINES = [...SUPERVISED_ONLY, 'fixmatch'];

/** What a pipeline uses besides its labels (the `pretrained` / `usesUnlabelled` flags of a row). */
export interface PipelineFlags {
  /** Starts from (or evaluates) an encoder pretrained without labels. */
  pretrained: boolean;
  /** Sees the unlabelled train images (pretraining, FixMatch, distillation). */
  usesUnlabelled: boolean;
}

/** The flags of a method id: every row that is not a baseline is a pretrained pipeline. */
export function pipelineFlags(method: string): PipelineFlags {
  if (SUPERVISED_ONLY.includes(method)) return { pretrained: false, usesUnlabelled: false };
  if (BASELINES.includes(method)) return { pretrained: false, usesUnlabelled: true };
  return { pretrained: true, usesUnlabelled: true };
}

/** The best pretrained row and the strongest row of a comparison group at one labels-per-class setting. */
export interface Margin {
  labelsPerClass: number;
  best: SummaryRow;
  baseline: SummaryRow;
  /** best.mean − baseline.mean, in percentage points. */
  points: number;
}

/** The row with the highest mean, if any. */
function top(rows: SummaryRow[]): SummaryRow | undefined {
  return rows.reduce<SummaryRow | undefined>(
    (a, b) => (a == null || b.mean > a.mean ? b : a),
    undefined,
  );
}

/**
 * For each labels-per-class setting: the pretrained row with the highest mean
 * accuracy against the **strongest** row without pretraining (highest mean among
 * `group`, by default {@link BASELINES}: FixMatch from scratch included), and
 * the gap in points — the study's headline figure. With `group` =
 * {@link SUPERVISED_ONLY}: the gain over the best pipeline that sees only the labels.
 */
export function marginsOverBaselines(summary: SummaryRow[], group: string[] = BASELINES): Margin[] {
  const settings = [...new Set(summary.map((s) => s.labelsPerClass))].sort((a, b) => a - b);
  const out: Margin[] = [];
  for (const lpc of settings) {
    const cell = summary.filter((s) => s.labelsPerClass === lpc);
    const best = top(cell.filter((s) => pipelineFlags(s.method).pretrained));
    const baseline = top(cell.filter((s) => group.includes(s.method)));
    if (best && baseline)
      out.push({ labelsPerClass: lpc, best, baseline, points: 100 * (best.mean - baseline.mean) });
  }
  return out;
}

/** One Markdown line per setting: "10 labels/class: best … vs the best pipeline without pretraining …: +x points". */
export function marginLines(
  margins: Margin[],
  against = 'the best pipeline without pretraining',
): string[] {
  const pct = (x: number) => (100 * x).toFixed(1);
  return margins.map(
    (m) =>
      `- ${m.labelsPerClass} label${m.labelsPerClass === 1 ? '' : 's'}/class: ${m.best.name} ${pct(m.best.mean)}% vs ${against}, ${m.baseline.name} ${pct(m.baseline.mean)}%: ${m.points >= 0 ? '+' : ''}${m.points.toFixed(1)} points`,
  );
}

/**
 * For each labels-per-class setting where both rows exist: row `a` against
 * row `b` and the gap in points (e.g. "MAE → fine-tune" against the same ViT
 * from scratch: what the pretraining adds to that architecture).
 */
export function pairMargins(summary: SummaryRow[], a: string, b: string): Margin[] {
  const settings = [...new Set(summary.map((s) => s.labelsPerClass))].sort((x, y) => x - y);
  const out: Margin[] = [];
  for (const lpc of settings) {
    const best = summary.find((s) => s.labelsPerClass === lpc && s.method === a);
    const baseline = summary.find((s) => s.labelsPerClass === lpc && s.method === b);
    if (best && baseline)
      out.push({ labelsPerClass: lpc, best, baseline, points: 100 * (best.mean - baseline.mean) });
  }
  return out;
}
