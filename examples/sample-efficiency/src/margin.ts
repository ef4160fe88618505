import type { SummaryRow } from './results';

/** Rows that see no unlabelled data: the from-scratch baselines. */
export const BASELINES = ['raw-knn', 'raw-logreg', 'scratch', 'scratch-bn'];

/** The best pretrained row and the strongest baseline at one labels-per-class setting. */
export interface Margin {
  labelsPerClass: number;
  best: SummaryRow;
  baseline: SummaryRow;
  /** best.mean − baseline.mean, in percentage points. */
  points: number;
}

/**
 * For each labels-per-class setting: the pretrained row with the highest mean
 * accuracy against the **strongest** from-scratch baseline (highest mean among
 * {@link BASELINES}), and the gap in points — the study's headline figure.
 */
export function marginsOverBaselines(summary: SummaryRow[]): Margin[] {
  const settings = [...new Set(summary.map((s) => s.labelsPerClass))].sort((a, b) => a - b);
  const out: Margin[] = [];
  for (const lpc of settings) {
    const cell = summary.filter((s) => s.labelsPerClass === lpc);
    const top = (rows: SummaryRow[]) =>
      rows.reduce<SummaryRow | undefined>(
        (a, b) => (a == null || b.mean > a.mean ? b : a),
        undefined,
      );
    const best = top(cell.filter((s) => !BASELINES.includes(s.method)));
    const baseline = top(cell.filter((s) => BASELINES.includes(s.method)));
    if (best && baseline)
      out.push({ labelsPerClass: lpc, best, baseline, points: 100 * (best.mean - baseline.mean) });
  }
  return out;
}

/** One Markdown line per setting: "10 labels/class: best … vs strongest baseline …: +x points". */
export function marginLines(margins: Margin[]): string[] {
  const pct = (x: number) => (100 * x).toFixed(1);
  return margins.map(
    (m) =>
      `- ${m.labelsPerClass} label${m.labelsPerClass === 1 ? '' : 's'}/class: ${m.best.name} ${pct(m.best.mean)}% vs the strongest from-scratch baseline, ${m.baseline.name} ${pct(m.baseline.mean)}%: ${m.points >= 0 ? '+' : ''}${m.points.toFixed(1)} points`,
  );
}
