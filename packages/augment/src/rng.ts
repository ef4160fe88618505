/**
 * The state of an {@link Rng}: the four 32-bit words of xoshiro128**. Plain
 * JSON, so a trainer can write it into a checkpoint and resume the exact stream.
 */
export interface RngState {
  /** Algorithm tag, checked by `setState`. */
  readonly algorithm: 'xoshiro128**';
  /** Four unsigned 32-bit integers, not all zero. */
  readonly s: readonly [number, number, number, number];
}

const TWO_POW_32 = 4294967296;

/** One step of a SplitMix32-style counter hash, used to expand seeds into state. */
function mix32(x: number): number {
  let t = x | 0;
  t ^= t >>> 16;
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  t ^= t >>> 15;
  return t >>> 0;
}

/** Four non-all-zero state words from two 32-bit seed words. */
function expandSeed(lo: number, hi: number): [number, number, number, number] {
  let counter = (lo ^ mix32(hi ^ 0x5bd1e995)) | 0;
  const s: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    counter = (counter + 0x9e3779b9) | 0;
    s[i] = mix32(counter);
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The project's one seeded pseudo-random generator (xoshiro128**, Blackman &
 * Vigna 2018): augmentation parameters, data splits and orders, label draws,
 * MLM masks and test data are all drawn from it in JavaScript, so the same
 * seed gives the same numbers on every tfjs backend.
 *
 * - `next()` is uniform in [0, 1) with 32 random bits;
 * - `fork()` derives an independent stream deterministically (it advances this
 *   stream by four draws), used for one stream per view;
 * - `getState()` / `setState()` checkpoint and resume the exact stream.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.uniform(0.08, 1); // same number on every run
 * const saved = JSON.stringify(rng.getState());
 * const a = rng.next();
 * rng.setState(JSON.parse(saved));
 * rng.next() === a; // true
 * ```
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** @param seed any finite number; integers up to 2^53 are all distinct seeds. */
  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new Error(`Rng: seed must be a finite number, got ${String(seed)}`);
    }
    const t = Math.trunc(seed);
    const lo = t >>> 0;
    const hi = Math.floor(t / TWO_POW_32) >>> 0;
    // A fractional part, if any, perturbs the seed so 0.5 and 0 differ.
    const frac = Math.floor((seed - t) * TWO_POW_32) >>> 0;
    this.setWords(expandSeed(lo ^ frac, hi));
  }

  /** A generator resumed from a state returned by `getState()`. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** The next unsigned 32-bit integer of the stream. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in [lo, hi) (exactly `lo` when lo === hi). */
  uniform(lo: number, hi: number): number {
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) {
      throw new Error(`Rng.uniform: expected finite lo <= hi, got lo=${lo}, hi=${hi}`);
    }
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n), n a positive integer. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new Error(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    return Math.floor(this.next() * n);
  }

  /** Normal with the given mean and standard deviation (Box-Muller, two draws). */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.next(); // (0, 1]: log is finite
    const u2 = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * A new generator whose stream is independent of this one (seeded from four
   * hashed draws of this stream, which advances by four).
   */
  fork(): Rng {
    const child = new Rng(0);
    const w: [number, number, number, number] = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) w[i] = mix32(this.nextUint32() ^ Math.imul(0x85ebca6b, i + 1));
    if ((w[0] | w[1] | w[2] | w[3]) === 0) w[0] = 1;
    child.setWords(w);
    return child;
  }

  /** A JSON-serializable copy of the state. */
  getState(): RngState {
    return {
      algorithm: 'xoshiro128**',
      s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
    };
  }

  /** Resumes the stream at a state returned by `getState()`. */
  setState(state: RngState): void {
    const s = (state as { s?: unknown } | null)?.s;
    const ok =
      state != null &&
      state.algorithm === 'xoshiro128**' &&
      Array.isArray(s) &&
      s.length === 4 &&
      s.every((v) => Number.isInteger(v) && v >= 0 && v < TWO_POW_32) &&
      s.some((v) => v !== 0);
    if (!ok) {
      throw new Error(
        `Rng.setState: state must be { algorithm: 'xoshiro128**', s: [4 uint32, not all 0] }, got ${JSON.stringify(
          state,
        )}`,
      );
    }
    this.setWords(s as [number, number, number, number]);
  }

  private setWords(s: readonly [number, number, number, number]): void {
    this.s0 = s[0] | 0;
    this.s1 = s[1] | 0;
    this.s2 = s[2] | 0;
    this.s3 = s[3] | 0;
  }
}

/**
 * Shuffles `xs` in place (Fisher–Yates, from the last element down, drawing
 * `rng.int(i + 1)` for position `i`) and returns it. The one shuffle of the
 * project: splits, label draws, batch orders.
 */
export function shuffleInPlace<T extends unknown[] | Int32Array | Uint32Array | Float32Array>(
  xs: T,
  rng: Rng,
): T {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t;
  }
  return xs;
}

/** A uniformly random permutation of `0..n-1` drawn from `rng` ({@link shuffleInPlace} of the identity). */
export function permutation(n: number, rng: Rng): Int32Array {
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`permutation: n must be an integer >= 0, got ${n}`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, rng);
}

/** A seeded generator: `createRng(seed)` is `new Rng(seed)`. */
export function createRng(seed: number): Rng {
  return new Rng(seed);
}

/**
 * The generator an op draws from: a seed starts a fresh stream, an `Rng` is
 * used (and advanced) in place. Throws, naming `fn`, for anything else.
 */
export function resolveRng(rng: Rng | number, fn: string): Rng {
  if (rng instanceof Rng) return rng;
  if (typeof rng === 'number' && Number.isFinite(rng)) return new Rng(rng);
  throw new Error(
    `${fn}: rng must be an Rng or a finite numeric seed, got ${
      typeof rng === 'number' ? rng : typeof rng
    }`,
  );
}
