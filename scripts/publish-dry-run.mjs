// The release path without publishing: `npm publish --dry-run` for every
// public package (what `npm run release` would upload), after `npm run build`.
// Prints one line per package and exits non-zero when one fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

let failed = 0;
for (const d of readdirSync('packages')) {
  const file = join('packages', d, 'package.json');
  if (!existsSync(file)) continue;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  if (pkg.private) continue;
  const r = spawnSync('npm', ['publish', '--dry-run', '--access', 'public', '--tag', 'dry-run'], {
    cwd: join('packages', d),
    encoding: 'utf8',
  });
  const ok = r.status === 0;
  if (!ok) failed++;
  const size = /package size:\s*(.+)/.exec(r.stderr ?? '')?.[1] ?? '?';
  console.log(
    `${ok ? 'ok' : 'not ok'} - npm publish --dry-run ${pkg.name}@${pkg.version} (${size})`,
  );
  if (!ok) console.log((r.stderr ?? '').split('\n').slice(-10).join('\n'));
}
process.exit(failed ? 1 : 0);
