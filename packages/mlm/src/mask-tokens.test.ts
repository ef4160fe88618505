import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@ssl/augment';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';
import { IGNORE_INDEX } from '@ssl/losses';
import { maskTokens } from './mask-tokens';

const PAD = 0;
const CLS = 2;
const SEP = 3;
const MASK = 4;
const SPECIALS = [0, 1, 2, 3, 4];
const V = 1000;

/** B rows of [CLS] tokens... [SEP] [PAD]..., random lengths, token ids in [5, V). */
function batch(B: number, T: number, seed: number): number[][] {
  const rng = createRng(seed);
  const r = () => rng.next();
  return Array.from({ length: B }, () => {
    const len = 3 + Math.floor(r() * (T - 2)); // content + 2 specials <= T
    return Array.from({ length: T }, (_, t) =>
      t === 0 ? CLS : t < len - 1 ? 5 + Math.floor(r() * (V - 5)) : t === len - 1 ? SEP : PAD,
    );
  });
}

describeBackends('maskTokens', () => {
  const rows = batch(256, 64, 7);
  const opts = { maskTokenId: MASK, vocabSize: V, specialTokenIds: SPECIALS, seed: 42 };

  it('selects ~15% of non-special positions, 80/10/10, specials untouched, labels -100 elsewhere', () => {
    const ids = tf.tensor2d(rows, undefined, 'int32');
    const { inputIds, labels } = maskTokens(ids, opts);
    expect(inputIds.dtype).toBe('int32');
    expect(labels.shape).toEqual([256, 64]);
    const inp = inputIds.arraySync();
    const lab = labels.arraySync();
    let candidates = 0;
    let selected = 0;
    let masked = 0;
    let kept = 0;
    let randomised = 0;
    for (let b = 0; b < rows.length; b++) {
      for (let t = 0; t < rows[b].length; t++) {
        const orig = rows[b][t];
        if (SPECIALS.includes(orig)) {
          expect(lab[b][t]).toBe(IGNORE_INDEX);
          expect(inp[b][t]).toBe(orig);
          continue;
        }
        candidates++;
        if (lab[b][t] === IGNORE_INDEX) {
          expect(inp[b][t]).toBe(orig); // unselected positions are never changed
          continue;
        }
        expect(lab[b][t]).toBe(orig);
        selected++;
        if (inp[b][t] === MASK) masked++;
        else if (inp[b][t] === orig) kept++;
        else {
          randomised++;
          expect(SPECIALS).not.toContain(inp[b][t]);
        }
      }
    }
    expect(candidates).toBeGreaterThan(5000);
    // binomial sd of the 15% rate over ~8000 positions is ~0.4%: 1.5% is > 3 sd
    expect(Math.abs(selected / candidates - 0.15)).toBeLessThan(0.015);
    expect(Math.abs(masked / selected - 0.8)).toBeLessThan(0.04);
    // a random draw equal to the original (p = 1/995) counts as kept
    expect(Math.abs(randomised / selected - 0.1)).toBeLessThan(0.03);
    expect(Math.abs(kept / selected - 0.1)).toBeLessThan(0.03);
    tf.dispose([ids, inputIds, labels]);
  });

  it('is deterministic for a seed and changes with it', () => {
    const ids = tf.tensor2d(rows.slice(0, 32), undefined, 'int32');
    const a = maskTokens(ids, opts);
    const b = maskTokens(ids, opts);
    const c = maskTokens(ids, { ...opts, seed: 43 });
    expect(a.inputIds.arraySync()).toEqual(b.inputIds.arraySync());
    expect(a.labels.arraySync()).toEqual(b.labels.arraySync());
    expect(c.labels.arraySync()).not.toEqual(a.labels.arraySync());
    tf.dispose([ids, a.inputIds, a.labels, b.inputIds, b.labels, c.inputIds, c.labels]);
  });

  it('honours maskProb/replaceProb/randomProb extremes', () => {
    const ids = tf.tensor2d(rows.slice(0, 16), undefined, 'int32');
    const all = maskTokens(ids, { ...opts, maskProb: 1, replaceProb: 1, randomProb: 0 });
    const inp = all.inputIds.arraySync();
    rows
      .slice(0, 16)
      .forEach((r, b) =>
        r.forEach((orig, t) => expect(inp[b][t]).toBe(SPECIALS.includes(orig) ? orig : MASK)),
      );
    const none = maskTokens(ids, { ...opts, maskProb: 0 });
    expect(
      none.labels
        .arraySync()
        .flat()
        .every((l) => l === IGNORE_INDEX),
    ).toBe(true);
    tf.dispose([ids, all.inputIds, all.labels, none.inputIds, none.labels]);
  });

  it('whole-word masking selects a word with all its ## pieces', () => {
    const CONT = new Set<number>();
    for (let v = 500; v < V; v++) CONT.add(v); // ids >= 500 play '##' pieces
    const ids = tf.tensor2d(rows, undefined, 'int32');
    const { labels } = maskTokens(ids, { ...opts, wholeWordMask: { continuationTokenIds: CONT } });
    const lab = labels.arraySync();
    let words = 0;
    let chosen = 0;
    for (let b = 0; b < rows.length; b++) {
      let t = 1;
      while (rows[b][t] !== SEP) {
        let end = t + 1; // the word is [t, end)
        while (CONT.has(rows[b][end])) end++;
        const sel = lab[b].slice(t, end).map((l) => l !== IGNORE_INDEX);
        expect(new Set(sel).size).toBe(1); // all or none
        words++;
        if (sel[0]) chosen++;
        t = end;
      }
    }
    expect(Math.abs(chosen / words - 0.15)).toBeLessThan(0.02);
    tf.dispose([ids, labels]);
  });

  it('refuses bad input with clear errors', () => {
    const f = tf.tensor2d([[1, 2]], [1, 2], 'float32');
    const r1 = tf.tensor1d([1, 2], 'int32');
    const ok = tf.tensor2d([[5, 6]], [1, 2], 'int32');
    expect(() => maskTokens(r1 as unknown as tf.Tensor2D, opts)).toThrow(
      /maskTokens: ids must be a 2-D tensor \[B, T\], got shape \[2\]/,
    );
    expect(() => maskTokens(f, opts)).toThrow(/maskTokens: ids must be int32, got float32/);
    expect(() => maskTokens(ok, { ...opts, replaceProb: 0.9, randomProb: 0.2 })).toThrow(
      /replaceProb \+ randomProb must be <= 1/,
    );
    expect(() => maskTokens(ok, { ...opts, maskProb: 1.5 })).toThrow(
      /maskProb must be in \[0, 1\], got 1.5/,
    );
    expect(() => maskTokens(ok, { ...opts, vocabSize: 6 })).toThrow(
      /ids must lie in \[0, 6\), got 6 at \[0, 1\]/,
    );
    tf.dispose([f, r1, ok]);
  });

  it('leaks no tensors', async () => {
    const ids = tf.tensor2d(rows.slice(0, 8), undefined, 'int32');
    await expectNoLeak(() => maskTokens(ids, opts));
    ids.dispose();
  });
});
