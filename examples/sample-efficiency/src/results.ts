import { groupBy, markdownTable as table, meanStd, mean, std } from '@ssl/report';

/** One measurement: a method at a labels-per-class setting with one seed of the label draw. */
export interface ResultRow {
  /** Method id, e.g. `simclr-probe`. */
  method: string;
  /** Labelled training examples per class. */
  labelsPerClass: number;
  /** Seed of the label draw (and of the classifier's own randomness). */
  seed: number;
  /** Test accuracy in [0, 1]. */
  accuracy: number;
  /** Wall time of this evaluation. */
  seconds: number;
}

/** Mean and standard deviation over seeds of one method × labels-per-class cell. */
export interface SummaryRow {
  method: string;
  name: string;
  labelsPerClass: number;
  /** Mean test accuracy in [0, 1]. */
  mean: number;
  /** Sample standard deviation over seeds (0 with one seed). */
  std: number;
  seeds: number;
}

/** Groups rows by method and labels per class, in the order methods first appear. */
export function summarize(rows: ResultRow[], names: Record<string, string>): SummaryRow[] {
  return groupBy(rows, (r) => `${r.method}\u0000${r.labelsPerClass}`).map((rs) => {
    const acc = rs.map((r) => r.accuracy);
    return {
      method: rs[0].method,
      name: names[rs[0].method] ?? rs[0].method,
      labelsPerClass: rs[0].labelsPerClass,
      mean: mean(acc),
      std: std(acc),
      seeds: rs.length,
    };
  });
}

/**
 * A Markdown table: one row per method, one column per labels-per-class
 * setting, cells `mean ± std` in percent over the seeds.
 */
export function markdownTable(summary: SummaryRow[]): string {
  const settings = [...new Set(summary.map((s) => s.labelsPerClass))].sort((a, b) => a - b);
  const methods = [...new Set(summary.map((s) => s.method))];
  const rows = methods.map((m) => [
    summary.find((s) => s.method === m)!.name,
    ...settings.map((n) => {
      const s = summary.find((x) => x.method === m && x.labelsPerClass === n);
      return s ? meanStd(s.mean, s.std) : '–';
    }),
  ]);
  return table(['method', ...settings.map((n) => `${n} label${n === 1 ? '' : 's'}/class`)], rows);
}
