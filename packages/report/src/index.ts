export { mean, std, spread, meanStd, groupBy, type Spread } from './stats';
export { markdownTable, type Align } from './table';
export {
  accuracyChartSpec,
  renderSvg,
  VEGA_LITE_SCHEMA,
  type AccuracyChartOptions,
  type ChartPoint,
  type SeriesRole,
} from './chart';
