// The `ssl` bin run as a user runs it: a child process, its exit status, one
// line on stderr, and no hang (killed after 10 s, which fails the test).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtCli } from './built-cli';

const built = builtCli();
if ('skip' in built) console.warn(`skipping the ssl process tests: ${built.skip}`);
const suite = 'skip' in built ? describe.skip : describe;

/**
 * As root, permission errors cannot happen: the permission test runs the bin as
 * the unprivileged user `nobody` (uid 65534) through util-linux's `setpriv`,
 * when that user can read the built bin; otherwise it is skipped with the reason.
 */
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
function asNobody(): { prefix: string[] } | { skip: string } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  if ('skip' in built) return { skip: built.skip };
  const probe = spawnSync(
    NOBODY[0],
    [...NOBODY.slice(1), process.execPath, built.cli, '--version'],
    {
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  return probe.status === 0
    ? { prefix: NOBODY }
    : {
        skip: `running as root and 'nobody' cannot run the bin (${probe.error?.message ?? probe.stderr.trim()})`,
      };
}
const unprivileged = asNobody();
if ('skip' in unprivileged) console.warn(`skipping the permission test: ${unprivileged.skip}`);

/** Runs `ssl ...args`; fails the test if it has not exited after `timeoutMs`. */
function ssl(args: string[], timeoutMs = 10_000, prefix: string[] = []) {
  const t0 = Date.now();
  const cmd = [...prefix, process.execPath, (built as { cli: string }).cli, ...args];
  const r = spawnSync(cmd[0], cmd.slice(1), {
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  if (r.signal === 'SIGKILL') {
    throw new Error(`ssl ${args.join(' ')} hung: killed after ${timeoutMs} ms\n${r.stderr}`);
  }
  // the progress bar draws on stderr too: the message is its last line
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines, ms: Date.now() - t0 };
}

/** `ssl pretrain` args; a flag of `extra` that the base sets replaces its value (a flag given twice is refused). */
const pretrain = (out: string, ...extra: string[]) => {
  const base = [
    'pretrain',
    '--method',
    'simclr',
    '--data',
    'mnist',
    '--epochs',
    '1',
    '--batch-size',
    '4',
    '--limit',
    '8',
    '--backend',
    'wasm',
    '--out',
    out,
  ];
  const rest: string[] = [];
  for (let i = 0; i < extra.length; i++) {
    const at = base.indexOf(extra[i]);
    if (extra[i].startsWith('--') && at >= 0 && i + 1 < extra.length) base[at + 1] = extra[++i];
    else rest.push(extra[i]);
  }
  return [...base, ...rest];
};

suite('ssl (the built bin, as a process)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-bin-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ssl pretrain --help and ssl eval --help print that command’s own help', () => {
    const p = ssl(['pretrain', '--help']);
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/^ssl pretrain\n\nUsage: ssl pretrain --method/);
    expect(p.stdout).toMatch(/--batch-size N +examples per step/);
    expect(p.stdout).toMatch(/Methods \(--method M\) and their options:\n {2}simclr +SimCLR/);
    expect(p.stdout).not.toContain('--labels-per-class');
    const e = ssl(['eval', '--help']);
    expect(e.status).toBe(0);
    expect(e.stdout).toMatch(/^ssl eval\n\nUsage: ssl eval --encoder/);
    expect(e.stdout).toContain('--labels-per-class');
    expect(e.stdout).not.toContain('--batch-size');
  });

  it.each([
    [['--epochs', '-1'], "ssl pretrain: --epochs must be an integer >= 1 and <= 100000, got '-1'"],
    [
      ['--epochs', '1e12'],
      "ssl pretrain: --epochs must be an integer >= 1 and <= 100000, got '1e12'",
    ],
    [['--lr', '0x10'], "ssl pretrain: --lr must be a number > 0 and <= 1000000, got '0x10'"],
    [['--limit', ''], "ssl pretrain: --limit must be an integer >= 1 and <= 1000000000, got ''"],
    [
      ['--image-size', '4096'],
      "ssl pretrain: --image-size must be an integer >= 8 and <= 1024, got '4096'",
    ],
    [
      ['--batch-size', '1'],
      'ssl pretrain: --batch-size must be >= 2 for simclr (its loss compares the examples of a batch), got 1',
    ],
  ])('pretrain %j exits 2 with one line', (flags, message) => {
    // each case replaces one of the defaults (a flag given twice is refused)
    const r = ssl(pretrain(path.join(dir, 'never'), ...flags));
    expect(r.lines).toEqual([message]);
    expect(r.status).toBe(2);
    expect(existsSync(path.join(dir, 'never'))).toBe(false);
  });

  it('refuses a step that cannot fit in the wasm heap, before allocating it', () => {
    const r = ssl(pretrain(path.join(dir, 'never'), '--batch-size', '20000'));
    expect(r.status).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(
      /^ssl pretrain: --batch-size 20000 with 28x28x1 images needs about 20\.0 GiB per step, more than the 4\.0 GiB the wasm backend can allocate; pass --batch-size \d+ or less/,
    );
  });

  it('ssl eval --encoder <folder without model.json> names the folder', () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const r = ssl(['eval', '--encoder', empty, '--backend', 'wasm']);
    expect(r.status).toBe(2);
    expect(r.lines).toEqual([
      `ssl eval: --encoder '${empty}' is not an encoder folder (model.json + weights.bin, e.g. DIR/encoder from ssl pretrain)`,
    ]);
  });

  it('--out naming an existing file: one line naming --out', () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'mine');
    const r = ssl(pretrain(file));
    expect(r.status).toBe(2);
    expect(r.lines).toEqual([`ssl pretrain: --out '${file}' is a file, not a folder`]);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('--out inside a file (ENOTDIR) and --data that is not there: one line naming the flag', () => {
    const file = path.join(dir, 'b-file');
    writeFileSync(file, 'mine');
    const r = ssl(pretrain(path.join(file, 'run')));
    expect(r.status).toBe(1);
    expect(r.lines).toEqual([
      `ssl pretrain: --out '${path.join(file, 'run')}' has a file where a folder is expected (ENOTDIR)`,
    ]);
    const d = ssl(pretrain(path.join(dir, 'never'), '--data', path.join(dir, 'no-such')));
    expect(d.status).toBe(2);
    expect(d.lines).toEqual([
      `ssl pretrain: --data '${path.join(dir, 'no-such')}' is neither 'mnist' nor an existing folder of images`,
    ]);
  });

  ('skip' in unprivileged ? it.skip : it)(
    'unwritable --out and unreadable --data: one line naming the flag (as root: run as nobody)',
    () => {
      const { chmodSync } = jest.requireActual('node:fs') as typeof import('node:fs');
      const prefix = 'prefix' in unprivileged ? unprivileged.prefix : [];
      // a folder the unprivileged user may enter, holding what it may not write or read
      const base = path.join(dir, 'perm');
      mkdirSync(base);
      chmodSync(dir, 0o755);
      chmodSync(base, 0o777);
      const locked = path.join(base, 'locked');
      mkdirSync(locked, { mode: 0o555 });
      chmodSync(locked, 0o555);
      const r = ssl(pretrain(locked), 10_000, prefix);
      expect(r.status).toBe(2);
      expect(r.lines).toEqual([
        `ssl pretrain: --out '${locked}' is not writable (permission denied)`,
      ]);
      const images = path.join(base, 'images');
      mkdirSync(path.join(images, 'a'), { recursive: true });
      chmodSync(images, 0o755);
      chmodSync(path.join(images, 'a'), 0o000);
      const d = ssl(
        pretrain(path.join(base, 'r1')).map((a) => (a === 'mnist' ? images : a)),
        10_000,
        prefix,
      );
      chmodSync(path.join(images, 'a'), 0o700);
      expect(d.status).toBe(1);
      expect(d.lines[d.lines.length - 1]).toMatch(
        new RegExp(`^ssl pretrain: --data '${images}' is not accessible \\(permission denied\\)`),
      );
    },
  );

  it('never replaces an earlier run without --resume or --overwrite', () => {
    const out = path.join(dir, 'run');
    const first = ssl(pretrain(out, '--quiet'), 30_000);
    expect(first.status).toBe(0);
    const metrics = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8');
    expect(metrics.trim().split('\n')).toHaveLength(2);
    const again = ssl(pretrain(out, '--quiet'));
    expect(again.status).toBe(2);
    expect(again.lines).toEqual([
      `ssl pretrain: --out '${out}' already holds a run (checkpoint, metrics.jsonl, encoder); pass --resume to continue it or --overwrite to replace it`,
    ]);
    expect(readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')).toBe(metrics);
    const over = ssl(pretrain(out, '--quiet', '--overwrite', '--seed', '1'), 30_000);
    expect(over.status).toBe(0);
    expect(readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')).not.toBe(metrics);
  });

  it('ssl pretrain --method mae trains a ViT with finite losses; ssl eval reads the saved encoder', () => {
    const out = path.join(dir, 'mae');
    const args = pretrain(out, '--quiet', '--workers', '1');
    args[args.indexOf('simclr')] = 'mae';
    const r = ssl(args, 60_000);
    expect(r.status).toBe(0);
    const losses = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).loss as number);
    expect(losses).toHaveLength(2);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(readFileSync(path.join(out, 'encoder', 'model.json'), 'utf8')).toContain(
      'SslVitEmbedding',
    );
    const e = ssl(
      [
        'eval',
        '--encoder',
        path.join(out, 'encoder'),
        '--labels-per-class',
        '1',
        '--limit',
        '20',
        '--backend',
        'wasm',
      ],
      60_000,
    );
    expect(e.status).toBe(0);
    expect(e.stdout).toMatch(/kNN \(k=1\) accuracy: \d+\.\d+%/);
  });

  it('a training error while the progress bar is drawn: one line, exit 1, no hang', () => {
    const out = path.join(dir, 'broken');
    expect(ssl(pretrain(out, '--quiet'), 30_000).status).toBe(0);
    // the resumed run appends to metrics.jsonl after its first step: make that fail
    rmSync(path.join(out, 'metrics.jsonl'));
    mkdirSync(path.join(out, 'metrics.jsonl'));
    const r = ssl(pretrain(out, '--resume', '--epochs', '2'), 30_000);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('epoch 2/2'); // the bar was drawn
    expect(r.lines[r.lines.length - 1]).toBe(
      `ssl pretrain: --out '${out}' is a folder where a file is expected (EISDIR: ${path.join(out, 'metrics.jsonl')})`,
    );
  });
});
