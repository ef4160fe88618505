import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { accuracyChartSpec, VEGA_LITE_SCHEMA, type ChartPoint } from './chart';

const root = path.join(__dirname, '..', '..', '..');

/**
 * Renders a spec in a child Node (vega is ESM-only, which jest's CommonJS
 * runtime cannot load), exactly as `renderSvg` does.
 */
function renderInChild(spec: unknown): string {
  const script = `
    const vega = await import('vega');
    const vegaLite = await import('vega-lite');
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const view = new vega.View(vega.parse(vegaLite.compile(JSON.parse(input)).spec), { renderer: 'none' });
    process.stdout.write(await view.toSVG());
    view.finalize();`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    input: JSON.stringify(spec),
    encoding: 'utf8',
  });
}

const LONG = 'CNN from scratch (same augmentations)';
const points: ChartPoint[] = [1, 10, 100].flatMap((x, i) => [
  { series: LONG, x, mean: 0.3 + 0.2 * i, std: 0.02 },
  { series: 'SimCLR, linear probe', x, mean: 0.6 + 0.1 * i, std: 0.01 },
  { series: 'SimCLR, fine-tuned', x, mean: 0.65 + 0.1 * i, std: 0.01 },
]);
const opts = {
  title: 'Pretraining wins',
  subtitle: 'MNIST',
  xTitle: 'labels per class',
  roles: { [LONG]: 'baseline' as const, 'SimCLR, fine-tuned': 'highlight' as const },
};

describe('accuracyChartSpec', () => {
  it('uses the v6 schema of the vega-lite dependency', () => {
    const installed = JSON.parse(
      readFileSync(path.join(root, 'node_modules', 'vega-lite', 'package.json'), 'utf8'),
    ).version as string;
    expect(`/v${installed.split('.')[0]}.json`).toBe(VEGA_LITE_SCHEMA.slice(-8));
    expect(accuracyChartSpec(points, opts).$schema).toBe(VEGA_LITE_SCHEMA);
    expect(VEGA_LITE_SCHEMA).toContain('/v6.json');
  });

  it('draws baselines grey and dashed, the highlight thick, percent values', () => {
    const spec = accuracyChartSpec(points, opts) as unknown as {
      data: { values: { series: string; role: string; accuracy: number; low: number }[] };
      layer: { encoding: Record<string, { scale?: { domain: unknown[]; range: unknown[] } }> }[];
    };
    const v = spec.data.values.find((p) => p.series === LONG)!;
    expect(v.role).toBe('baseline');
    expect(v.accuracy).toBeCloseTo(30, 10);
    expect(v.low).toBeCloseTo(28, 10);
    const enc = spec.layer[0].encoding;
    expect(enc.color.scale!.domain).toEqual([LONG, 'SimCLR, linear probe', 'SimCLR, fine-tuned']);
    expect(enc.color.scale!.range[0]).toBe('#7f7f7f');
    const style = (n: string) => {
      const p = spec.data.values.find((q) => q.series === n) as unknown as {
        dash: number[];
        width: number;
      };
      return [p.dash, p.width];
    };
    expect(style(LONG)).toEqual([[5, 4], 1.5]);
    expect(style('SimCLR, linear probe')).toEqual([[1, 0], 2]);
    expect(style('SimCLR, fine-tuned')).toEqual([[1, 0], 4]);
  });

  it('renders an SVG with the title and every full legend name', () => {
    const svg = renderInChild(accuracyChartSpec(points, opts));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Pretraining wins');
    for (const name of [LONG, 'SimCLR, linear probe', 'SimCLR, fine-tuned']) {
      expect(svg).toContain(`>${name}</text>`);
    }
    expect(svg).not.toContain('…');
    expect(svg).toContain('stroke-dasharray="5,4"');
    expect(svg).toMatch(/series: SimCLR, fine-tuned[^>]*stroke-width="4"/);
    expect(svg).toMatch(/series: SimCLR, linear probe[^>]*stroke-width="2"/);
  });
});
