import { optionsObject, type Clocked } from '../sim/kernel.js';
import type { Rng } from '../sim/rng.js';
import { Port, attachCable, endOwners, type CableEnd, type Symbol } from './port.js';
import { noiseByte, noiseKey } from './segment.js';
import { DEFAULT_TIMING, belowThreshold, amplitudeAfter, delayCycles, type LinkTiming } from './timing.js';

/** One direction of a cable: a ring of symbols in flight with the cycle each arrives. */
interface Line {
  readonly from: Port;
  readonly to: Port;
  due: Float64Array;
  sym: (Symbol | null)[];
  head: number;
  len: number;
  staged: Symbol | null;
}

/** First capacity of a line's ring of symbols in flight. */
const RING_START = 64;

/** Doubles a full ring, keeping its symbols in order from slot 0. */
function grow(l: Line): void {
  const cap = l.due.length;
  const due = new Float64Array(cap * 2);
  const sym = new Array<Symbol | null>(cap * 2).fill(null);
  for (let i = 0; i < l.len; i++) {
    due[i] = l.due[(l.head + i) % cap]!;
    sym[i] = l.sym[(l.head + i) % cap]!;
  }
  l.due = due;
  l.sym = sym;
  l.head = 0;
}

/**
 * Options of a {@link Cable}.
 * @category Link
 */
export interface CableOptions {
  /** Length in metres. */
  readonly metres: number;
  /** Timing (cycle length). @defaultValue DEFAULT_TIMING */
  readonly timing?: LinkTiming;
}

/**
 * What every cable does first, whatever its link mode: refuses options that are not an object,
 * attaches to its two ports ({@link attachCable}), and derives its delay and attenuation from its
 * length and its noise key from one draw of `rng` (the same draw in every mode, so a weak cable
 * corrupts the same bytes the same way in all three).
 * @throws {SimError} As {@link attachCable} and {@link delayCycles}; `sim.bad-option` for options that are not an object.
 * @internal
 */
export function setUpCable(
  cable: Clocked, a: CableEnd, b: CableEnd, type: abstract new (...args: never[]) => CableEnd, options: CableOptions, rng: Rng,
): { readonly delay: number; readonly attenuation: number; readonly key: number } {
  optionsObject(cable.name, options);
  attachCable(cable, a, b, type);
  return { delay: delayCycles(options.metres, options.timing ?? DEFAULT_TIMING), attenuation: amplitudeAfter(options.metres), key: noiseKey(rng) };
}

/**
 * A point-to-point cable in symbol mode: each direction is a delay line; what one end drives at
 * cycle t reaches the other end at t + delay, attenuated with length. A symbol weaker than the
 * receiver threshold arrives corrupted (the frame then fails its FCS).
 *
 * @remarks Full duplex: the two directions are independent. The corruption comes from a key drawn
 * once from the cable's own random stream and the arrival cycle ({@link noiseByte}), so runs are
 * deterministic and {@link BurstCable} corrupts exactly the same bytes.
 * @spec IEEE 802.3-2022 §14.4 (link segment), §25 (100BASE-TX)
 * @example
 * ```ts
 * const k = new Kernel();
 * k.add(new Cable('c0', a.port, b.port, { metres: 50 }, k.rng('c0')));
 * ```
 * @category Link
 */
export class Cable implements Clocked {
  /** Propagation delay in cycles. */
  readonly delay: number;
  /** Amplitude factor over the whole length. */
  readonly attenuation: number;
  /** Symbols corrupted because they arrived below the threshold. */
  corrupted = 0;
  private readonly lines: Line[];
  private readonly key: number;
  private readonly ends: [Port, Port];

  /**
   * @throws {SimError} `sim.port-in-use` when a port already has a cable, `sim.bad-length` for a bad length.
   */
  constructor(readonly name: string, a: Port, b: Port, options: CableOptions, rng: Rng) {
    ({ delay: this.delay, attenuation: this.attenuation, key: this.key } = setUpCable(this, a, b, Port, options, rng));
    this.ends = [a, b];
    // At most one symbol enters per cycle and each stays `delay` cycles, so delay + 1 slots would
    // always do; the ring starts small and doubles when full, so memory follows the symbols really
    // in flight, not the length of the cable (a kilometre-long cable must not allocate millions).
    const line = (from: Port, to: Port): Line => ({ from, to, due: new Float64Array(RING_START), sym: new Array<Symbol | null>(RING_START).fill(null), head: 0, len: 0, staged: null });
    this.lines = [line(a, b), line(b, a)];
  }

  /** Reads what each end drove last cycle and stages what arrives at each end this cycle. */
  evaluate(cycle: number): void {
    for (const l of this.lines) {
      const s = l.from.tx;
      if (s !== null && l.len === l.due.length) grow(l);
      const cap = l.due.length;
      if (s !== null) {
        let byte = s.byte;
        const amplitude = s.amplitude * this.attenuation;
        if (belowThreshold(amplitude)) {
          byte ^= noiseByte(this.key, cycle - 1 + this.delay);
          this.corrupted++;
        }
        const tail = (l.head + l.len) % cap;
        l.due[tail] = cycle - 1 + this.delay;
        l.sym[tail] = { byte, amplitude, first: s.first };
        l.len++;
      }
      if (l.len > 0 && l.due[l.head]! <= cycle) {
        l.staged = l.sym[l.head]!;
        l.sym[l.head] = null;
        l.head = (l.head + 1) % cap;
        l.len--;
      } else {
        l.staged = null;
      }
    }
  }

  /** Publishes the arrivals. */
  commit(): void {
    for (const l of this.lines) {
      if (l.to.rx === l.staged) continue;
      l.to.rx = l.staged;
      l.to.onRx?.();
    }
  }

  /** The devices at both ends (the kernel's wake-ups). */
  *wakes(): Iterable<Clocked> {
    yield* endOwners(this.ends);
  }

  /** Work while anything is in flight, driven, or still showing at an end. */
  nextEvent(from: number): number {
    let next = Infinity;
    for (const l of this.lines) {
      if (l.from.tx !== null || l.to.rx !== null) return from;
      if (l.len > 0) next = Math.min(next, l.due[l.head]!);
    }
    return Math.max(next, from);
  }
}
