import type { TopLevelSpec } from 'vega-lite';

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

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) =>
  xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

export function summarize(runs: RunResult[]): SummaryRow[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of runs) {
    const k = `${r.method}|${r.fraction}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const acc = g.map((r) => r.accuracy);
    const f1 = g.map((r) => r.f1);
    return {
      method: g[0].method,
      fraction: g[0].fraction,
      labels: Math.round(mean(g.map((r) => r.labels))),
      n: g.length,
      accuracyMean: mean(acc),
      accuracyStd: std(acc),
      accuracyMin: Math.min(...acc),
      accuracyMax: Math.max(...acc),
      f1Mean: mean(f1),
      f1Std: std(f1),
    };
  });
}

const pct = (x: number) => (100 * x).toFixed(1);

/** The markdown table: one row per method, one column per label fraction (accuracy and spam F1, mean ± sd). */
export function markdownTable(summary: SummaryRow[], testSize: number): string {
  const fractions = [...new Set(summary.map((s) => s.fraction))].sort((a, b) => a - b);
  const methods = [...new Set(summary.map((s) => s.method))];
  const head = `| method | ${fractions
    .map((f) => `${f * 100}% labels (${summary.find((s) => s.fraction === f)?.labels})`)
    .join(' | ')} |`;
  const rule = `|---|${fractions.map(() => '---').join('|')}|`;
  const rows = methods.map((m) => {
    const cells = fractions.map((f) => {
      const s = summary.find((r) => r.method === m && r.fraction === f);
      return s
        ? `${pct(s.accuracyMean)} ± ${pct(s.accuracyStd)} (F1 ${pct(s.f1Mean)} ± ${pct(s.f1Std)})`
        : '–';
    });
    return `| ${m} | ${cells.join(' | ')} |`;
  });
  return [
    `Test accuracy % (spam F1 %), mean ± sample sd over seeds, on ${testSize} held-out emails.`,
    '',
    head,
    rule,
    ...rows,
  ].join('\n');
}

export function chartSpec(summary: SummaryRow[], title: string): TopLevelSpec {
  const values = summary.map((s) => ({
    method: s.method,
    labels: s.labels,
    accuracy: 100 * s.accuracyMean,
    low: 100 * (s.accuracyMean - s.accuracyStd),
    high: 100 * (s.accuracyMean + s.accuracyStd),
  }));
  const ticks = [...new Set(values.map((v) => v.labels))].sort((a, b) => a - b);
  const x = {
    field: 'labels',
    type: 'quantitative' as const,
    scale: { type: 'log' as const },
    axis: { values: ticks, format: 'd', title: 'labelled emails (log scale)' },
  };
  const color = {
    field: 'method',
    type: 'nominal' as const,
    legend: { title: null, orient: 'bottom' as const },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 520,
    height: 320,
    background: 'white',
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: {
            field: 'accuracy',
            type: 'quantitative',
            scale: { zero: false },
            title: 'test accuracy (%)',
          },
          color,
        },
      },
      {
        mark: { type: 'rule' },
        encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color },
      },
    ],
  };
}

/** Renders the chart to SVG headlessly (Vega's `renderer: 'none'` view). */
export async function renderSvg(summary: SummaryRow[], title: string): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const view = new vega.View(vega.parse(vegaLite.compile(chartSpec(summary, title)).spec), {
    renderer: 'none',
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
