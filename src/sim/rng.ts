/**
 * FNV-1a over a string, 32-bit.
 * @internal
 */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** splitmix32 step: a well-mixed 32-bit value from a counter. @internal */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A well-mixed 32-bit value of a key and a point in time: a stateless random function, for noise
 * that must be the same however often (or seldom) it is asked for.
 * @example
 * ```ts
 * hashAt(7, 1000) === hashAt(7, 1000); // true
 * ```
 * @category Sim Kernel
 */
export function hashAt(key: number, t: number): number {
  const hi = Math.floor(t / 2 ** 32) >>> 0;
  return mix32((mix32((key ^ hi) >>> 0) ^ (t >>> 0)) >>> 0);
}

/**
 * The seed of a named random stream: a function of the simulation seed and the stream's name only,
 * so adding a component never changes another component's draws.
 * @example
 * ```ts
 * streamSeed(1, 'host0') !== streamSeed(1, 'host1'); // true
 * ```
 * @category Sim Kernel
 */
export function streamSeed(seed: number, name: string): number {
  return mix32((mix32(seed >>> 0) ^ fnv1a(name)) >>> 0);
}

/**
 * A deterministic pseudo-random stream (xoshiro128**, 32-bit arithmetic), one per component.
 *
 * @remarks Same seed, same sequence, on every platform: only 32-bit integer operations are used.
 * @example
 * ```ts
 * const r = new Rng(streamSeed(42, 'host0'));
 * r.int(0, 1023); // a backoff draw in [0, 1023]
 * ```
 * @category Sim Kernel
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Draws made so far (for traces and tests). */
  draws = 0;

  /** @param seed - any 32-bit value (taken modulo 2^32). */
  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => (x = mix32(x));
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next unsigned 32-bit value. */
  u32(): number {
    this.draws++;
    const result = Math.imul(((Math.imul(this.s1, 5) << 7) | (Math.imul(this.s1, 5) >>> 25)) >>> 0, 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = ((this.s3 << 11) | (this.s3 >>> 21)) >>> 0;
    return result;
  }

  /**
   * A uniform integer in `[lo, hi]` (inclusive), without modulo bias.
   * @throws {RangeError} If the bounds are not integers with lo ≤ hi and hi − lo < 2^32.
   */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo || hi - lo > 0xffff_ffff) throw new RangeError(`bad range [${lo}, ${hi}]`);
    const span = hi - lo + 1;
    if (span === 2 ** 32) return lo + this.u32();
    const limit = 2 ** 32 - (2 ** 32 % span);
    for (;;) {
      const v = this.u32();
      if (v < limit) return lo + (v % span);
    }
  }

  /** A uniform float in [0, 1) with 32 bits of precision. */
  float(): number {
    return this.u32() / 2 ** 32;
  }
}
