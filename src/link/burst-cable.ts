import type { Clocked } from '../sim/kernel.js';
import { attachCable, endOwners } from './port.js';
import type { Rng } from '../sim/rng.js';
import { noiseKey, throughCable, type BurstPort, type Segment } from './segment.js';
import { DEFAULT_TIMING, amplitudeAfter, delayCycles } from './timing.js';
import type { CableOptions } from './cable.js';

/**
 * One direction of a burst-mode delay: the edges (segment changes) in flight, each with the cycle
 * it is published at the far end.
 *
 * @remarks What `from.tx` shows at cycle t (committed) appears at `to.rx` at cycle t + delay, as in
 * symbol mode, where each symbol takes the same path. The line must be evaluated at the first
 * cycle after each change of the near end (or be told of it with {@link SegmentLine.push});
 * {@link SegmentLine.pending} tells the kernel so.
 * @example
 * ```ts
 * const line = new SegmentLine(() => a.tx, (s, cycle) => b.deliver(s, cycle), 63, (s) => s, () => {});
 * ```
 * @category Link
 */
export class SegmentLine {
  private seen: Segment | null = null;
  private readonly due: number[] = [];
  private readonly segs: (Segment | null)[] = [];
  private staged: Segment | null = null;
  private change = false;
  private shownSince = 0;

  /**
   * @param read - what the near end shows (committed).
   * @param publish - sets the far end's value.
   * @param delay - cycles from one end to the other (≥ 1).
   * @param transform - what the segment becomes on the way.
   * @param onShown - told, when a value is replaced at the far end, which value it was and for which cycles `[from, to)`.
   */
  constructor(
    private readonly read: () => Segment | null,
    private readonly publish: (s: Segment | null, cycle: number) => void,
    private readonly delay: number,
    private readonly transform: (s: Segment) => Segment,
    private readonly onShown: (s: Segment, from: number, to: number) => void,
  ) {}

  /**
   * The near end changed at `cycle` (called from the driving device's commit): the edge is queued
   * at once, so the line need not be stepped the cycle after to notice it. Same result as polling.
   */
  push(s: Segment | null, cycle: number): void {
    if (s === this.seen) return;
    this.seen = s;
    this.due.push(cycle + this.delay);
    this.segs.push(s === null ? null : this.transform(s));
  }

  /** Reads the near end; stages what reaches the far end at `cycle`. */
  evaluate(cycle: number): void {
    const s = this.read();
    if (s !== this.seen) {
      this.seen = s;
      this.due.push(cycle - 1 + this.delay);
      this.segs.push(s === null ? null : this.transform(s));
    }
    this.change = this.due.length > 0 && this.due[0]! <= cycle;
    if (this.change) {
      this.due.shift();
      this.staged = this.segs.shift()!;
    }
  }

  /** Publishes the far end's value, if it changes at `cycle`; returns the value replaced. */
  commit(cycle: number, current: Segment | null): void {
    if (!this.change) return;
    if (current !== null) this.onShown(current, this.shownSince, cycle);
    this.shownSince = cycle;
    this.publish(this.staged, cycle);
  }

  /** Earliest cycle ≥ `from` at which the line has work. */
  pending(from: number): number {
    if (this.read() !== this.seen) return from;
    return this.due.length > 0 ? Math.max(this.due[0]!, from) : Infinity;
  }
}

/**
 * A point-to-point cable in burst mode: the same cable as {@link Cable}, moving whole segments
 * (frames, jam) with exact start and end cycles instead of one symbol per cycle. Delay,
 * attenuation and the receiver threshold are the same, and a weak segment gets exactly the noise
 * symbol mode would give it, so both modes deliver the same frames at the same cycles.
 *
 * @spec IEEE 802.3-2022 §14.4 (link segment), §25 (100BASE-TX)
 * @example
 * ```ts
 * const k = new Kernel();
 * k.add(new BurstCable('c0', a.port, b.port, { metres: 50 }, k.rng('c0')));
 * ```
 * @category Link
 */
export class BurstCable implements Clocked {
  /** Propagation delay in cycles. */
  readonly delay: number;
  /** Amplitude factor over the whole length. */
  readonly attenuation: number;
  /** Symbols (cycles) corrupted because they arrived below the threshold, as in symbol mode. */
  corrupted = 0;
  private readonly lines: [SegmentLine, SegmentLine];
  private readonly ends: [BurstPort, BurstPort];

  /** @throws {SimError} `sim.port-in-use` when a port already has a cable, `sim.bad-length` for a bad length. */
  constructor(readonly name: string, a: BurstPort, b: BurstPort, options: CableOptions, rng: Rng) {
    attachCable(this, a, b);
    this.delay = delayCycles(options.metres, options.timing ?? DEFAULT_TIMING);
    this.attenuation = amplitudeAfter(options.metres);
    const key = noiseKey(rng);
    const line = (from: BurstPort, to: BurstPort): SegmentLine =>
      new SegmentLine(() => from.tx, (s, cycle) => to.deliver(s, cycle), this.delay, (s) => throughCable(s, this.delay, this.attenuation, key), (s, t0, t1) => {
        const last = s.noise[s.noise.length - 1];
        if (last !== undefined && last.key === key && last.at === s.base) this.corrupted += t1 - t0;
      });
    this.lines = [line(a, b), line(b, a)];
    this.ends = [b, a];
    a.onTx = (s, cycle) => this.lines[0].push(s, cycle);
    b.onTx = (s, cycle) => this.lines[1].push(s, cycle);
  }

  /** Reads each end's transmitter and stages arrivals. */
  evaluate(cycle: number): void {
    this.lines[0].evaluate(cycle);
    this.lines[1].evaluate(cycle);
  }

  /** Publishes arrivals. */
  commit(cycle: number): void {
    this.lines[0].commit(cycle, this.ends[0].rx);
    this.lines[1].commit(cycle, this.ends[1].rx);
  }

  /** The devices at both ends (the kernel's wake-ups). */
  *wakes(): Iterable<Clocked> {
    yield* endOwners(this.ends);
  }

  /** Work at the first cycle after an end changes what it drives, and when an edge arrives. */
  nextEvent(from: number): number {
    return Math.min(this.lines[0].pending(from), this.lines[1].pending(from));
  }
}
