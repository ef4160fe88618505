import { BASELINES, SUPERVISED_ONLY, pipelineFlags } from './margin';
import type { SummaryRow } from './results';

/** One target of issue 20 with what was measured. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** What the targets are checked against: a study's summary, its data set and its wall time. */
export interface TargetInput {
  /** 'MNIST' or another data set's name (the second data set's targets). */
  dataset: string;
  summary: SummaryRow[];
  totalSeconds: number;
  /** Whether the run was the default one (the 15-minute target applies to it). */
  quick: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}`;
const signed = (points: number) => `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(1)}`;

/** The highest-mean row at `lpc` among those `keep` accepts. */
function best(summary: SummaryRow[], lpc: number, keep: (method: string) => boolean) {
  return summary
    .filter((s) => s.labelsPerClass === lpc && keep(s.method))
    .reduce<SummaryRow | undefined>((a, b) => (a == null || b.mean > a.mean ? b : a), undefined);
}

const cell = (s: SummaryRow) => `${s.name} ${pct(s.mean)} ± ${pct(s.std)}`;

/**
 * The targets of issue 20 that a study's numbers decide, each met or missed:
 * on MNIST the 10- and 1-label targets, the supervised-only anchor and the
 * 15-minute budget; on the second data set the margin over raw-pixel logistic
 * regression and over every pipeline without pretraining. A target whose rows
 * are missing from the summary is left out.
 */
export function checkTargets({
  dataset,
  summary,
  totalSeconds,
  quick,
}: TargetInput): TargetCheck[] {
  const out: TargetCheck[] = [];
  const pretrained = (m: string) => pipelineFlags(m).pretrained;
  const any = () => true;
  const notPretrained = (m: string) => BASELINES.includes(m);
  const supervised = (m: string) => SUPERVISED_ONLY.includes(m);
  const versus = (lpc: number, label: string, need: number, group: (m: string) => boolean) => {
    const p = best(summary, lpc, pretrained);
    const b = best(summary, lpc, group);
    if (!p || !b) return;
    const points = 100 * (p.mean - b.mean);
    out.push({
      target: label,
      measured: `${signed(points)}: ${cell(p)} vs ${cell(b)}`,
      met: points >= need - 1e-9,
    });
  };
  const atLeast = (lpc: number, label: string, need: number, keep: (m: string) => boolean) => {
    const p = best(summary, lpc, keep);
    if (!p) return;
    out.push({ target: label, measured: cell(p), met: 100 * p.mean >= need - 1e-9 });
  };
  if (dataset === 'MNIST') {
    atLeast(10, '10 labels/class: best pipeline ≥ 97.5 %', 97.5, any);
    versus(
      10,
      '10 labels/class: best pretrained ≥ best without pretraining (FixMatch from scratch included)',
      0,
      notPretrained,
    );
    versus(10, '10 labels/class: best pretrained ≥ best supervised-only + 7 points', 7, supervised);
    atLeast(1, '1 label/class: best pipeline ≥ 85 %', 85, any);
    versus(
      1,
      '1 label/class: best pretrained ≥ best without pretraining + 15 points',
      15,
      notPretrained,
    );
    atLeast(
      10,
      '10 labels/class: supervised-only CNN ≥ 89 % (the PyTorch anchor: 89.8 %)',
      89,
      (m) => m === 'scratch-bn',
    );
    if (!quick) {
      out.push({
        target: 'whole default study ≤ 15 minutes on 2 cores',
        measured: `${Math.floor(totalSeconds / 60)}m${String(Math.round(totalSeconds % 60)).padStart(2, '0')}s`,
        met: totalSeconds <= 900,
      });
    }
  } else {
    versus(
      10,
      '10 labels/class: best pretrained ≥ raw-pixel logistic regression + 10 points',
      10,
      (m) => m === 'raw-logreg',
    );
    versus(
      10,
      '10 labels/class: best pretrained ≥ every pipeline without pretraining',
      0,
      notPretrained,
    );
  }
  return out;
}

/** The checks as a Markdown table (target | measured | met / missed). */
export function targetsTable(checks: TargetCheck[]): string {
  return [
    '| target | measured (%, mean ± std over the label draws) | |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.target} | ${c.measured} | ${c.met ? 'met' : '**missed**'} |`),
  ].join('\n');
}
