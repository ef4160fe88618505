import {
  accuracyChartSpec,
  groupBy,
  markdownTable as table,
  meanStd,
  renderSvg,
  spread,
} from '@ssl/report';

/** One fine-tuning (or baseline) run. */
export interface RunResult {
  method: string;
  fraction: number;
  labels: number;
  seed: number;
  accuracy: number;
  f1: number;
  seconds: number;
}

/** Mean and spread (sample standard deviation, min, max) over seeds. */
export interface SummaryRow {
  method: string;
  fraction: number;
  labels: number;
  n: number;
  accuracyMean: number;
  accuracyStd: number;
  accuracyMin: number;
  accuracyMax: number;
  f1Mean: number;
  f1Std: number;
}

/** One row per method × label fraction, in the order they first appear. */
export function summarize(runs: RunResult[]): SummaryRow[] {
  return groupBy(runs, (r) => `${r.method}|${r.fraction}`).map((g) => {
    const acc = spread(g.map((r) => r.accuracy));
    const f1 = spread(g.map((r) => r.f1));
    return {
      method: g[0].method,
      fraction: g[0].fraction,
      labels: Math.round(spread(g.map((r) => r.labels)).mean),
      n: g.length,
      accuracyMean: acc.mean,
      accuracyStd: acc.std,
      accuracyMin: acc.min,
      accuracyMax: acc.max,
      f1Mean: f1.mean,
      f1Std: f1.std,
    };
  });
}

/** The markdown table: one row per method, one column per label fraction (accuracy and spam F1, mean ± sd). */
export function markdownTable(summary: SummaryRow[], testSize: number): string {
  const fractions = [...new Set(summary.map((s) => s.fraction))].sort((a, b) => a - b);
  const methods = [...new Set(summary.map((s) => s.method))];
  const header = [
    'method',
    ...fractions.map(
      (f) => `${f * 100}% labels (${summary.find((s) => s.fraction === f)?.labels})`,
    ),
  ];
  const rows = methods.map((m) => [
    m,
    ...fractions.map((f) => {
      const s = summary.find((r) => r.method === m && r.fraction === f);
      return s
        ? `${meanStd(s.accuracyMean, s.accuracyStd)} (F1 ${meanStd(s.f1Mean, s.f1Std)})`
        : '–';
    }),
  ]);
  return [
    `Test accuracy % (spam F1 %), mean ± sample sd over seeds, on ${testSize} held-out emails.`,
    '',
    table(header, rows),
  ].join('\n');
}

/** Methods without pretraining: grey and dashed in the chart. */
const BASELINES = ['bag-of-words logreg', 'BERT from scratch'];
const HEADLINE = 'BERT MLM-pretrained';

/**
 * The chart: test accuracy against labelled emails (log axis), baselines grey
 * and dashed, the pretrained BERT thick; the title compares it with the best
 * baseline at the fewest labels, `subtitle` says what was run.
 */
export async function renderResultsSvg(summary: SummaryRow[], subtitle: string): Promise<string> {
  const fewest = Math.min(...summary.map((s) => s.fraction));
  const at = summary.filter((s) => s.fraction === fewest);
  const pre = at.find((s) => s.method === HEADLINE);
  const base = at
    .filter((s) => BASELINES.includes(s.method))
    .sort((a, b) => b.accuracyMean - a.accuracyMean)[0];
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const title =
    pre && base
      ? `With ${pre.labels} labelled emails, the MLM-pretrained BERT (${pct(pre.accuracyMean)}) ${
          pre.accuracyMean > base.accuracyMean ? 'beats' : 'does not beat'
        } ${base.method} (${pct(base.accuracyMean)})`
      : 'Spam/ham test accuracy against labelled emails';
  const roles = Object.fromEntries([
    ...BASELINES.map((b) => [b, 'baseline' as const]),
    [HEADLINE, 'highlight' as const],
  ]);
  return renderSvg(
    accuracyChartSpec(
      summary.map((s) => ({
        series: s.method,
        x: s.labels,
        mean: s.accuracyMean,
        std: s.accuracyStd,
      })),
      { title, subtitle, xTitle: 'labelled emails (log scale)', roles },
    ),
  );
}
