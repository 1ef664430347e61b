import { show } from '../bits/show.js';
import { SimError } from '../sim/kernel.js';

/**
 * Link rates the model supports, in Mb/s.
 * @category Link
 */
export type RateMbps = 10 | 100 | 1000;

/**
 * Physical parameters of twisted-pair cable as the model uses them.
 * @remarks Propagation at 0.2 m/ns (5 ns per metre, velocity factor ≈ 0.67); attenuation 0.2 dB per
 * metre, and a receiver that needs at least −20 dB: the rated length, 100 m, is exactly the longest
 * clean segment.
 * @spec IEEE 802.3-2022 §14.4 (link segment: 100 m), §25 (100BASE-TX)
 * @category Link
 */
export const CABLE = {
  /** Propagation delay, nanoseconds per metre. */
  nsPerMetre: 5,
  /** Attenuation, dB per metre. */
  dbPerMetre: 0.2,
  /** Rated segment length in metres. */
  ratedLength: 100,
  /** Weakest amplitude a receiver still decodes (relative to a transmitter's 1.0): −20 dB. */
  threshold: 0.1,
  /**
   * Longest cable the model takes, in metres (a policy, far beyond any real link): with it every
   * delay, and every cycle a frame reaches, stays an exact integer (below 2^53).
   */
  maxLength: 1e12,
} as const;

/**
 * The meaning of a cycle: `cycleNs` nanoseconds. The default, 8 ns, is one byte time at 1 Gb/s;
 * a 100 Mb/s link then moves one byte every 10 cycles and a 10 Mb/s link every 100. Every 802.3
 * timing is a whole number of bytes (preamble 8, inter-frame gap 12, jam 4, slot 64 or 512), so
 * every timing stays exact.
 * @category Link
 */
export interface LinkTiming {
  /** Nanoseconds per cycle. @defaultValue 8 */
  readonly cycleNs: number;
}

/** The default timing: 8 ns per cycle. @category Link */
export const DEFAULT_TIMING: LinkTiming = { cycleNs: 8 };

/**
 * Cycles one byte takes on a link of `rate` Mb/s.
 * @throws {SimError} `sim.bad-rate` when a byte time is not a whole number of cycles.
 * @example
 * ```ts
 * cyclesPerByte(100, DEFAULT_TIMING); // 10
 * ```
 * @category Link
 */
export function cyclesPerByte(rate: RateMbps, timing: LinkTiming = DEFAULT_TIMING): number {
  if (typeof rate !== 'number' || typeof timing !== 'object' || timing === null || typeof timing.cycleNs !== 'number') {
    throw new SimError('sim.bad-rate', `rate ${show(rate)} Mb/s with timing ${show(timing)} is not a number of Mb/s and { cycleNs: number }`);
  }
  const ns = 8000 / rate;
  const c = ns / timing.cycleNs;
  if (![10, 100, 1000].includes(rate) || !Number.isInteger(c) || c < 1) {
    throw new SimError('sim.bad-rate', `a byte at ${show(rate)} Mb/s (${show(ns)} ns) is not a whole number of ${show(timing.cycleNs)} ns cycles`);
  }
  return c;
}

/**
 * Propagation delay of `metres` of cable in whole cycles (rounded up, at least 1).
 * @throws {SimError} `sim.bad-length` for a negative or non-finite length, one above
 * {@link CABLE}.maxLength, or a delay above 2^40 cycles (so that cycles stay exact integers).
 * @example
 * ```ts
 * delayCycles(100, DEFAULT_TIMING); // 63 (500 ns)
 * ```
 * @category Link
 */
export function delayCycles(metres: number, timing: LinkTiming = DEFAULT_TIMING): number {
  if (!Number.isFinite(metres) || metres < 0) throw new SimError('sim.bad-length', `cable length ${show(metres)} m is not a non-negative number`);
  if (metres > CABLE.maxLength) throw new SimError('sim.bad-length', `cable length ${show(metres)} m exceeds the model's ${show(CABLE.maxLength)} m`);
  const d = Math.max(1, Math.ceil((metres * CABLE.nsPerMetre) / timing.cycleNs));
  if (d > 2 ** 40) throw new SimError('sim.bad-length', `cable length ${show(metres)} m is ${show(d)} cycles of ${show(timing.cycleNs)} ns, beyond the model's 2^40`);
  return d;
}

/**
 * Whether a signal of `amplitude` (relative to a transmitter's 1.0) arrives below the receiver
 * threshold, so its symbols are corrupted: the one test symbol, burst and frame cables share (with
 * a margin for rounding, so a cable of exactly the rated length stays clean).
 * @internal
 */
export function belowThreshold(amplitude: number): boolean {
  return amplitude < CABLE.threshold - 1e-12;
}

/**
 * Amplitude left after `metres` of cable, relative to the transmitted 1.0.
 * @example
 * ```ts
 * amplitudeAfter(100) >= CABLE.threshold; // true: the rated length is clean
 * ```
 * @category Link
 */
export function amplitudeAfter(metres: number): number {
  return 10 ** (-(CABLE.dbPerMetre * metres) / 20);
}
