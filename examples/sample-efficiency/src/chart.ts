import type { TopLevelSpec } from 'vega-lite';

import type { SummaryRow } from './results';

/**
 * The Vega-Lite spec of the chart: mean test accuracy (%) against labels per
 * class on a log axis, one coloured line per method, error bars of ± one
 * standard deviation over seeds.
 */
export function chartSpec(summary: SummaryRow[], title: string): TopLevelSpec {
  const values = summary.map((s) => ({
    method: s.name,
    labelsPerClass: s.labelsPerClass,
    accuracy: 100 * s.mean,
    low: 100 * (s.mean - s.std),
    high: 100 * (s.mean + s.std),
  }));
  const ticks = [...new Set(summary.map((s) => s.labelsPerClass))].sort((a, b) => a - b);
  const x = {
    field: 'labelsPerClass',
    type: 'quantitative' as const,
    scale: { type: 'log' as const },
    axis: { values: ticks, format: 'd', title: 'labels per class (log scale)' },
  };
  const color = {
    field: 'method',
    type: 'nominal' as const,
    legend: { title: null, orient: 'bottom' as const, columns: 2 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 520,
    height: 340,
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

/**
 * Renders the chart to an SVG string, in Node, with no browser (Vega's headless
 * view). Vega and Vega-Lite are ES modules, loaded with `import()`.
 */
export async function renderChartSvg(summary: SummaryRow[], title: string): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const compiled = vegaLite.compile(chartSpec(summary, title)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
