import type { TopLevelSpec } from 'vega-lite';
import { accuracyChartSpec, renderSvg, type SeriesRole } from '@ssl/report';

import { BASELINES, marginsOverBaselines, pipelineFlags } from './margin';
import type { SummaryRow } from './results';

// The methods that use no pretraining (margin.ts's BASELINES: the supervised-only rows and
// FixMatch from scratch) are drawn grey and dashed; the title compares with the strongest of them.

/** The pretrained pipeline with the best mean accuracy at the fewest labels (emphasised), if any. */
function headline(summary: SummaryRow[]): SummaryRow | undefined {
  const fewest = Math.min(...summary.map((s) => s.labelsPerClass));
  return summary
    .filter((s) => s.labelsPerClass === fewest && pipelineFlags(s.method).pretrained)
    .sort((a, b) => b.mean - a.mean)[0];
}

/**
 * The chart's title, a sentence computed from the numbers: at the fewest
 * labels, the best pretrained pipeline against the best pipeline without
 * pretraining, and the margin in points.
 */
export function claimTitle(summary: SummaryRow[], dataset = 'MNIST'): string {
  const best = headline(summary);
  const fewest = Math.min(...summary.map((s) => s.labelsPerClass));
  const base = summary
    .filter((s) => s.labelsPerClass === fewest && BASELINES.includes(s.method))
    .sort((a, b) => b.mean - a.mean)[0];
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const labels = `${fewest} label${fewest === 1 ? '' : 's'} per class`;
  if (!best || !base) return `${dataset} test accuracy with ${labels}`;
  const verb = best.mean > base.mean ? 'beats' : 'does not beat';
  return `With ${labels}, ${best.name} (${pct(best.mean)}) ${verb} the best pipeline without pretraining, ${base.name} (${pct(base.mean)})`;
}

/** "best pretrained − best without pretraining: +a (1 label/class), +b (10), +c (100) points". */
export function marginSubtitle(summary: SummaryRow[]): string {
  const m = marginsOverBaselines(summary);
  if (m.length === 0) return '';
  const sign = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;
  return (
    'best pretrained − best without pretraining: ' +
    m
      .map(
        (x, i) =>
          `${sign(x.points)} (${x.labelsPerClass}${i === 0 ? ` label${x.labelsPerClass === 1 ? '' : 's'}/class` : ''})`,
      )
      .join(', ') +
    ' points'
  );
}

/**
 * The Vega-Lite spec of the chart: mean test accuracy (%) against labels per
 * class on a log axis, one line per method with ± one standard deviation
 * error bars; baselines grey and dashed, the headline pipeline thick; the
 * title states the result and `subtitle` says what was run.
 */
export function chartSpec(
  summary: SummaryRow[],
  subtitle: string,
  dataset = 'MNIST',
): TopLevelSpec {
  const roles: Record<string, SeriesRole> = {};
  for (const s of summary) if (BASELINES.includes(s.method)) roles[s.name] = 'baseline';
  const best = headline(summary);
  if (best) roles[best.name] = 'highlight';
  return accuracyChartSpec(
    summary.map((s) => ({ series: s.name, x: s.labelsPerClass, mean: s.mean, std: s.std })),
    {
      title: claimTitle(summary, dataset),
      subtitle: [marginSubtitle(summary), subtitle].filter(Boolean).join(' — '),
      xTitle: 'labels per class (log scale)',
      roles,
    },
  );
}

/** Renders the chart to an SVG string in Node (no browser). */
export async function renderChartSvg(
  summary: SummaryRow[],
  subtitle: string,
  dataset = 'MNIST',
): Promise<string> {
  return renderSvg(chartSpec(summary, subtitle, dataset));
}
