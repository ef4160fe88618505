/** One line of a recipe-runs jsonl (what `recipe.ts` prints). */
export interface RecipeRun {
  args: Record<string, string | number>;
  pretrainSeconds?: number;
  cpuSeconds: number;
  load: number;
  probe?: number[];
  knn1?: number[];
  raw?: number[];
  [key: string]: unknown;
}

/** The arguments of a run that differ from `defaults`, as `key=value` (`out` left out). */
export function changedArgs(
  args: Record<string, string | number>,
  defaults: Record<string, string | number>,
): string {
  return Object.entries(args)
    .filter(([k, v]) => k !== 'out' && defaults[k] !== v)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** "69.8 / 66.7 (**68.3**)": the draws and their mean, or '–'. */
function draws(xs: unknown): string {
  if (!Array.isArray(xs) || xs.length === 0) return '–';
  const v = xs as number[];
  return `${v.map((x) => x.toFixed(1)).join(' / ')} (**${mean(v).toFixed(1)}**)`;
}

/**
 * A Markdown table of recipe runs: the command (arguments that differ from
 * the defaults), pretraining wall seconds, CPU seconds, load, and at 10
 * labels per class the probe (at each L2 the run tried), 1-NN and the
 * raw-pixel logistic regression of the same draws.
 */
export function recipeTable(runs: RecipeRun[], defaults: Record<string, string | number>): string {
  const scratch = runs.some((r) => Array.isArray(r.scratchBn));
  const l2Keys = [
    ...new Set(runs.flatMap((r) => Object.keys(r).filter((k) => k.startsWith('probe_l2_')))),
  ];
  const header = [
    'command (`node dist/recipe.js …`)',
    'pretraining s, wall',
    'CPU s',
    'load',
    'probe (L2 1e-2)',
    ...l2Keys.map((k) => `probe (L2 ${k.slice('probe_l2_'.length)})`),
    '1-NN',
    'raw-pixel LR (L2 1e-2)',
    ...(scratch ? ['CNN + BN from scratch (`mode=scratchbn`)'] : []),
  ];
  const rows = runs.map((r) => [
    `\`${changedArgs(r.args, defaults)}\``,
    String(r.pretrainSeconds ?? (r.seconds !== undefined ? `${r.seconds} training` : '–')),
    String(r.cpuSeconds),
    r.load.toFixed(1),
    draws(r.probe),
    ...l2Keys.map((k) => draws(r[k])),
    draws(r.knn1),
    draws(r.raw),
    ...(scratch ? [draws(r.scratchBn)] : []),
  ]);
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
