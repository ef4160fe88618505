// Regenerates the README tables from the committed results (never edited by hand):
// `npm run readme -w @ssl/example-sample-efficiency` after `npm run demo` (and
// `npm run demo -- --data fashion-mnist`). Blocks: the example README's
// `study:mnist` and `study:fashion-mnist`, the root README's `results-table`.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { writeFileAtomic } from '@ssl/trainer/node';

import { DEFAULTS as RECIPE_DEFAULTS } from './recipe-defaults';
import { recipeTable, type RecipeRun } from './recipe-table';
import { replaceBlock, studySection, type StudyJson } from './readme-blocks';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const sets = [
    { block: 'study:mnist', dir: 'results' },
    { block: 'study:fashion-mnist', dir: 'results/fashion-mnist' },
  ];
  let example = fs.readFileSync(path.join(EXAMPLE, 'README.md'), 'utf8');
  let root = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const rootParts: string[] = [];
  for (const s of sets) {
    const file = path.join(ROOT, s.dir, 'sample-efficiency.json');
    if (!fs.existsSync(file)) {
      console.log(`readme: no ${path.relative(ROOT, file)}, block ${s.block} left as it is`);
      continue;
    }
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as StudyJson & {
      rows?: { pretrained?: boolean }[];
    };
    if (!json.rows?.every((r) => typeof r.pretrained === 'boolean')) {
      console.log(
        `readme: ${path.relative(ROOT, file)} predates issue 20 (rows without 'pretrained'), block ${s.block} left as it is`,
      );
      continue;
    }
    example = replaceBlock(
      example,
      s.block,
      studySection(json, `../../${s.dir}/sample-efficiency.svg`),
    );
    rootParts.push(
      `### ${json.data.name ?? 'MNIST'}\n\n${studySection(json, `${s.dir}/sample-efficiency.svg`)}`,
    );
  }
  if (rootParts.length) root = replaceBlock(root, 'results-table', rootParts.join('\n\n'));
  // the recipe runs of issue 20 (recipe.ts appends one JSON line per run)
  const runsFile = path.join(EXAMPLE, 'recipe-runs-20.jsonl');
  if (fs.existsSync(runsFile)) {
    const runs = fs
      .readFileSync(runsFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as RecipeRun);
    example = replaceBlock(example, 'recipe-runs-20', recipeTable(runs, RECIPE_DEFAULTS));
  }
  // the repository's prettier settings, so that `npm run format:check` passes on the result
  const prettier = await import('prettier');
  for (const [file, text] of [
    [path.join(EXAMPLE, 'README.md'), example],
    [path.join(ROOT, 'README.md'), root],
  ] as const) {
    const options = (await prettier.resolveConfig(file)) ?? {};
    await writeFileAtomic(file, await prettier.format(text, { ...options, filepath: file }));
  }
  console.log(
    'readme: README.md and examples/sample-efficiency/README.md regenerated from results/',
  );
}

main().catch((e: Error) => {
  console.error(`readme: ${e.message}`);
  process.exit(1);
});
