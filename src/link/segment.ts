import type { Clocked } from '../sim/kernel.js';
import { hashAt, type Rng } from '../sim/rng.js';
import { belowThreshold } from './timing.js';
import { EXTENSION } from './port.js';

/**
 * Noise one weak stretch of cable added to a {@link Segment}: byte `i` of the segment arrived at
 * that cable's far end at cycle `at + i × cpb` and was XORed with {@link noiseByte}`(key, that cycle)`.
 * @category Link
 */
export interface Noise {
  /** The cable's noise key (drawn once from its random stream). */
  readonly key: number;
  /** Cycle at which byte 0 of the segment arrived at the cable's far end. */
  readonly at: number;
}

/**
 * What a wire carries, in burst mode, from one edge to the next: a stretch of byte symbols that all
 * come from one source (a frame with its preamble, or jam), with the same amplitude and the same
 * corruption history.
 *
 * @remarks In symbol mode the wire carries one {@link Symbol} per cycle; the symbol a segment stands
 * for at cycle `t` is byte `(t − base) / cpb` when that is a whole number ≥ 0 (the byte's first
 * cycle) and the rest of that byte otherwise. A segment may be shown on a wire from a cycle after
 * `base` (a hub that stops jamming and goes on with the remaining input), so receivers count only
 * the byte starts that fall inside the time the segment was on their wire. Segments are immutable:
 * a device that changes what it drives publishes a new one, and receivers see an edge.
 * @category Link
 */
export interface Segment {
  /** Cycle, on this wire, at which byte 0 starts. */
  readonly base: number;
  /**
   * The bytes, or null for jam (every byte is the jam byte). With `pre` > 0 the segment starts with
   * `pre` − 1 preamble bytes (0x55) and the SFD (0xD5) before `bytes`, which then hold the frame
   * alone, so a frame crosses hubs and switches without being copied.
   */
  readonly bytes: Uint8Array | null;
  /** Preamble and SFD symbols before `bytes` (8 for a frame from a host, 0 for jam). */
  readonly pre: number;
  /** Carrier-extension symbols after `bytes` (1 Gb/s half duplex), each {@link EXTENSION}; usually 0. */
  readonly ext: number;
  /** The jam byte, when `bytes` is null. */
  readonly jam: number;
  /** Cycles per byte of the device that produced the segment. */
  readonly cpb: number;
  /** Amplitude relative to a transmitter's 1.0. */
  readonly amplitude: number;
  /** Noise added by weak cables, oldest first. */
  readonly noise: readonly Noise[];
}

/**
 * A segment, built with every field in the same order (one object shape, which keeps the hot path fast).
 * @example
 * ```ts
 * const jam = makeSegment(100, null, 0, 0, 0x99, 10, 1, []);
 * ```
 * @category Link
 */
export function makeSegment(base: number, bytes: Uint8Array | null, pre: number, ext: number, jam: number, cpb: number, amplitude: number, noise: readonly Noise[]): Segment {
  return { base, bytes, pre, ext, jam, cpb, amplitude, noise };
}

/**
 * The byte a weak cable adds (XORs) to a symbol arriving at cycle `t`: never 0, so a symbol below
 * the receiver threshold is always wrong. Symbol mode and burst mode use the same function, so
 * both corrupt the same bytes the same way.
 * @example
 * ```ts
 * noiseByte(1, 100) >= 1 && noiseByte(1, 100) <= 255; // true
 * ```
 * @category Link
 */
export function noiseByte(key: number, t: number): number {
  return 1 + (hashAt(key, t) % 255);
}

/**
 * Byte `i` of a segment as a receiver decodes it (noise applied).
 * @example
 * ```ts
 * segmentByte(makeSegment(0, Uint8Array.of(0x00), 8, 0, 0, 1, 1, []), 0); // 0x55 (preamble)
 * ```
 * @category Link
 */
export function segmentByte(s: Segment, i: number): number {
  let b: number;
  if (s.bytes === null) b = s.jam;
  else {
    const j = i - s.pre;
    b = j < 0 ? (j === -1 ? 0xd5 : 0x55) : j < s.bytes.length ? s.bytes[j]! : EXTENSION;
  }
  for (const n of s.noise) b ^= noiseByte(n.key, n.at + i * s.cpb);
  return b;
}

/**
 * The byte indices whose first cycle falls in `[from, to)` on the wire: `[first, end)`.
 * @example
 * ```ts
 * byteRange(makeSegment(10, null, 0, 0, 0x99, 10, 1, []), 15, 40); // [1, 3]
 * ```
 * @category Link
 */
export function byteRange(s: Segment, from: number, to: number): [number, number] {
  const first = Math.max(0, Math.ceil((from - s.base) / s.cpb));
  const end = Math.max(first, Math.ceil((to - s.base) / s.cpb));
  return [first, end];
}

/**
 * The segment as it leaves a stretch of cable: `delay` cycles later, attenuated by `factor`, with a
 * noise layer when the result is below the receiver threshold.
 * @example
 * ```ts
 * const far = throughCable(seg, delayCycles(150), amplitudeAfter(150), 42); // 150 m: weak, so noisy
 * far.noise.length === seg.noise.length + 1; // true
 * ```
 * @category Link
 */
export function throughCable(s: Segment, delay: number, factor: number, key: number): Segment {
  const amplitude = s.amplitude * factor;
  const base = s.base + delay;
  if (belowThreshold(amplitude)) return makeSegment(base, s.bytes, s.pre, s.ext, s.jam, s.cpb, amplitude, [...s.noise, { key, at: base }]);
  // A hub drives one segment into every cable on its ports; cables of the same length make the same
  // (immutable) result, so the last one is shared. Receivers compare segments only on one port.
  if (s === lastIn && delay === lastDelay && factor === lastFactor) return lastOut!;
  lastIn = s;
  lastDelay = delay;
  lastFactor = factor;
  lastOut = makeSegment(base, s.bytes, s.pre, s.ext, s.jam, s.cpb, amplitude, s.noise);
  return lastOut;
}

let lastIn: Segment | undefined;
let lastDelay = 0;
let lastFactor = 0;
let lastOut: Segment | undefined;

/**
 * The segment moved `delay` cycles later, optionally restored to full amplitude (noise already
 * added stays: a repeater cannot repair corrupted bytes).
 * @example
 * ```ts
 * const out = shifted(seg, 4, true); // what a repeater with a latency of 4 cycles sends on
 * ```
 * @category Link
 */
export function shifted(s: Segment, delay: number, restore: boolean): Segment {
  return makeSegment(s.base + delay, s.bytes, s.pre, s.ext, s.jam, s.cpb, restore ? 1 : s.amplitude, s.noise);
}

/**
 * A device's attachment to a burst-mode cable: the segment it drives (`tx`, published at its
 * commit) and the segment reaching it (`rx`, published by the cable). An edge is a change of
 * object; null is idle.
 * @category Link
 */
export class BurstPort {
  /** What the device drives (committed), or null for idle. */
  tx: Segment | null = null;
  /** What reaches the device (committed by the cable), or null for idle. */
  rx: Segment | null = null;
  /** The cycle from which `tx` holds (a device may set idle a cycle ahead, see {@link BurstPort.drive}). */
  txFrom = 0;
  /** The cycle from which `rx` holds. */
  rxFrom = -1;
  /**
   * Every change of `rx` not yet taken by the device (oldest first, the last one being `rx`
   * itself), when the device keeps a log ({@link BurstPort.keepLog}): a device that does not step
   * at each edge still sees them all, in order, with their cycles.
   */
  readonly logSeg: (Segment | null)[] = [];
  /** The cycle of each logged change. */
  readonly logFrom: number[] = [];
  /** Changes logged and not yet taken (see {@link BurstPort.taken}). */
  logCount = 0;
  /** Whether `deliver` logs changes (set by a device that takes them with {@link BurstPort.taken}). */
  keepLog = false;
  /** Whether a cable is attached. */
  get attached(): boolean {
    return this.cable !== undefined;
  }
  /** The component that drives `tx` and reads `rx` (set by the device that owns the port), for the kernel's wake-ups. */
  owner: Clocked | undefined;
  /** The cable attached (set by the cable), for the kernel's wake-ups. */
  cable: Clocked | undefined;
  /** Called by the cable when it changes `rx` (a device holding many ports uses it to step only the ports that changed). */
  onRx: (() => void) | undefined;
  /** Set by the cable: told of every change of `tx` with its cycle (see {@link BurstPort.drive}). */
  onTx: ((s: Segment | null, cycle: number) => void) | undefined;

  /** The device took the first `n` logged changes. */
  taken(n: number): void {
    const rest = this.logCount - n;
    for (let k = 0; k < rest; k++) {
      this.logSeg[k] = this.logSeg[n + k]!;
      this.logFrom[k] = this.logFrom[n + k]!;
    }
    for (let k = rest; k < this.logCount; k++) this.logSeg[k] = null;
    this.logCount = rest;
  }

  /** Passive watchers (taps), told of every edge on either side, in order. */
  private watchers: ((side: 'rx' | 'tx', s: Segment | null, from: number) => void)[] | undefined;

  /** @param name - `device.portN`, for traces and errors. */
  constructor(readonly name: string) {}

  /**
   * Adds a passive watcher, told of every change of `tx` (as driven) and `rx` (as delivered) with
   * the cycle it holds from: a tap sees every edge even when no component steps between two edges.
   */
  watch(fn: (side: 'rx' | 'tx', s: Segment | null, from: number) => void): void {
    (this.watchers ??= []).push(fn);
  }

  /**
   * Drives `s` from `cycle` on (call from the device's commit): sets `tx` and tells the cable at
   * once. This is the only way to change `tx`: the cable is never stepped to look.
   */
  drive(s: Segment | null, cycle: number): void {
    this.tx = s;
    this.txFrom = cycle;
    this.onTx?.(s, cycle);
    if (this.watchers !== undefined) for (const w of this.watchers) w('tx', s, cycle);
  }

  /** Sets what reaches the device from `cycle` on (called by the cable when the edge arrives). */
  deliver(s: Segment | null, cycle: number): void {
    if (this.keepLog) {
      const k = this.logCount++;
      this.logSeg[k] = s;
      this.logFrom[k] = cycle;
    }
    this.rx = s;
    this.rxFrom = cycle;
    this.onRx?.();
    if (this.watchers !== undefined) for (const w of this.watchers) w('rx', s, cycle);
  }
}

/** The noise key of a cable: one draw from its random stream (symbol and burst cables alike). @internal */
export function noiseKey(rng: Rng): number {
  return rng.int(0, 0x7fff_ffff);
}

/** Count of byte starts of `s` in `[from, to)`. @internal */
export function byteStarts(s: Segment, from: number, to: number): number {
  const [a, b] = byteRange(s, from, to);
  return b - a;
}
