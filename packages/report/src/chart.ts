import type { TopLevelSpec } from 'vega-lite';

/** The Vega-Lite JSON schema matching the `vega-lite` dependency (v6). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** How a line is drawn: baselines grey and dashed, the headline pipeline thick. */
export type SeriesRole = 'baseline' | 'method' | 'highlight';

/** One point of a line: the mean and standard deviation over seeds at one x. */
export interface ChartPoint {
  /** The line's full name, shown in the legend (never cut). */
  series: string;
  x: number;
  /** Mean accuracy in [0, 1]. */
  mean: number;
  /** Standard deviation over seeds in [0, 1] (the error bar is ± one). */
  std: number;
}

/** Options of {@link accuracyChartSpec}. */
export interface AccuracyChartOptions {
  /** The chart's title: best a sentence that states the result. */
  title: string;
  /** A second, smaller line under the title (data, backend, seeds). */
  subtitle?: string;
  /** Title of the x axis. */
  xTitle: string;
  /** Log scale on x. Default true (labels per class grow by factors of 10). */
  logX?: boolean;
  /** Role of each series; unnamed series are 'method'. */
  roles?: Record<string, SeriesRole>;
  /** Width and height in pixels. Default 560 × 340. */
  width?: number;
  height?: number;
}

/** Greys of the baselines; colours of the methods (Tableau 10 without its grey). */
const GREYS = ['#7f7f7f', '#a5a5a5', '#5f5f5f', '#c0c0c0'];
const COLOURS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#bcbd22',
  '#17becf',
];

const DASH: Record<SeriesRole, number[]> = { baseline: [5, 4], method: [1, 0], highlight: [1, 0] };
const WIDTH: Record<SeriesRole, number> = { baseline: 1.5, method: 2, highlight: 4 };

/**
 * The Vega-Lite spec of an accuracy chart: test accuracy (%) against `x`, one
 * line per series with ± one standard deviation error bars. Baselines are grey
 * and dashed, a 'highlight' series is drawn thick, and the legend (one entry
 * per line, two columns) shows full names.
 */
export function accuracyChartSpec(
  points: readonly ChartPoint[],
  opts: AccuracyChartOptions,
): TopLevelSpec {
  const { title, subtitle, xTitle, logX = true, roles = {}, width = 560, height = 340 } = opts;
  const role = (s: string): SeriesRole => roles[s] ?? 'method';
  const series = [...new Set(points.map((p) => p.series))];
  let grey = 0;
  let colour = 0;
  const range = series.map((s) =>
    role(s) === 'baseline' ? GREYS[grey++ % GREYS.length] : COLOURS[colour++ % COLOURS.length],
  );
  const values = points.map((p) => ({
    series: p.series,
    role: role(p.series),
    dash: DASH[role(p.series)],
    width: WIDTH[role(p.series)],
    x: p.x,
    accuracy: 100 * p.mean,
    low: 100 * (p.mean - p.std),
    high: 100 * (p.mean + p.std),
  }));
  const ticks = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    scale: logX ? { type: 'log' as const } : {},
    axis: { values: ticks, format: 'd', title: xTitle },
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain: series, range },
    legend: {
      title: null,
      orient: 'bottom' as const,
      columns: 2,
      labelLimit: 0,
      symbolType: 'stroke',
    },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: subtitle ? { text: title, subtitle } : title,
    width,
    height,
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
          // drawn as given (no scale): dashes and widths come from the role
          strokeDash: { field: 'dash', type: 'nominal', scale: null },
          strokeWidth: { field: 'width', type: 'quantitative', scale: null },
        },
      },
      {
        mark: { type: 'rule' },
        encoding: {
          x,
          y: { field: 'low', type: 'quantitative' },
          y2: { field: 'high' },
          color,
        },
      },
    ],
  } as TopLevelSpec;
}

/**
 * Renders a Vega-Lite spec to an SVG string in Node, with no browser (Vega's
 * headless view). Vega and Vega-Lite are ES modules, loaded with `import()`.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
