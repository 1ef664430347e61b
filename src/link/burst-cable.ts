import { poke, type Clocked, type Wire } from '../sim/kernel.js';
import type { Rng } from '../sim/rng.js';
import { BurstPort, throughCable, type Segment } from './segment.js';
import { setUpCable, type CableOptions } from './cable.js';

/**
 * A polled burst-mode delay inside a device (a repeater's latency): the edges (segment changes) in
 * flight, each with the cycle it is published at the far end.
 *
 * @remarks What `read()` shows at cycle t (committed) is published at cycle t + delay. The owning
 * device evaluates the line at the first cycle after each change of what it reads;
 * {@link SegmentLine.pending} tells it when. (Cables do not poll: see {@link BurstCable}.)
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
 * One direction of a burst-mode cable, run by the kernel as timed events (a {@link Wire}): each
 * edge its near end drives at cycle t is published at the far end at t + delay, without the cable
 * being stepped. At most one edge is published per cycle (a later one waits a cycle), as a
 * stepped line would do.
 */
class CableLine implements Wire {
  private seen: Segment | null = null;
  /** Edges in flight: a ring of publication cycles and segments (grows by doubling when full). */
  private dues = new Float64Array(4);
  private segs: (Segment | null)[] = [null, null, null, null];
  private head = 0;
  private count = 0;
  private last = -Infinity;
  private shownSince = 0;
  onSchedule: (() => void) | undefined;

  constructor(
    private readonly to: BurstPort,
    private readonly delay: number,
    private readonly transform: (s: Segment) => Segment,
    private readonly onShown: (s: Segment, from: number, to: number) => void,
  ) {}

  /** The near end drives `s` from `cycle` on (from the driving device's commit). */
  push(s: Segment | null, cycle: number): void {
    if (s === this.seen) return;
    this.seen = s;
    if (this.count === this.dues.length) this.grow();
    const at = (this.head + this.count) & (this.dues.length - 1);
    this.dues[at] = cycle + this.delay;
    this.segs[at] = s === null ? null : this.transform(s);
    if (++this.count === 1) this.onSchedule?.();
  }

  due(): number {
    return this.count > 0 ? Math.max(this.dues[this.head]!, this.last + 1) : Infinity;
  }

  fire(cycle: number): void {
    const to = this.to;
    const s = this.segs[this.head]!;
    this.segs[this.head] = null;
    this.head = (this.head + 1) & (this.dues.length - 1);
    this.count--;
    this.last = cycle;
    if (to.rx !== null) this.onShown(to.rx, this.shownSince, cycle);
    this.shownSince = cycle;
    to.deliver(s, cycle);
    const owner = to.owner;
    if (owner !== undefined) poke(owner);
  }

  private grow(): void {
    const n = this.dues.length;
    const dues = new Float64Array(n * 2);
    const segs = new Array<Segment | null>(n * 2).fill(null);
    for (let k = 0; k < n; k++) {
      dues[k] = this.dues[(this.head + k) & (n - 1)]!;
      segs[k] = this.segs[(this.head + k) & (n - 1)]!;
    }
    this.dues = dues;
    this.segs = segs;
    this.head = 0;
  }
}

/**
 * A point-to-point cable in burst mode: the same cable as {@link Cable}, moving whole segments
 * (frames, jam) with exact start and end cycles instead of one symbol per cycle. Delay,
 * attenuation and the receiver threshold are the same, and a weak segment gets exactly the noise
 * symbol mode would give it, so both modes deliver the same frames at the same cycles.
 *
 * @remarks The cable is passive: it is never stepped. Each direction is a {@link Wire} that the
 * kernel runs as timed events, so an edge costs no kernel step of its own.
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
  /** Never stepped: its two directions are wires the kernel runs. */
  readonly passive = true;
  private readonly lines: [CableLine, CableLine];

  /** @throws {SimError} `sim.port-in-use` when a port already has a cable, `sim.bad-length` for a bad length. */
  constructor(readonly name: string, a: BurstPort, b: BurstPort, options: CableOptions, rng: Rng) {
    const { delay, attenuation, key } = setUpCable(this, a, b, BurstPort, options, rng);
    this.delay = delay;
    this.attenuation = attenuation;
    const line = (to: BurstPort): CableLine =>
      new CableLine(to, this.delay, (s) => throughCable(s, this.delay, this.attenuation, key), (s, t0, t1) => {
        const last = s.noise[s.noise.length - 1];
        if (last !== undefined && last.key === key && last.at === s.base) this.corrupted += t1 - t0;
      });
    const ab = line(b);
    const ba = line(a);
    this.lines = [ab, ba];
    a.onTx = (s, cycle) => ab.push(s, cycle);
    b.onTx = (s, cycle) => ba.push(s, cycle);
  }

  /** Nothing: the cable is never stepped (see {@link BurstCable.wires}). */
  evaluate(): void {}

  /** Nothing: the cable is never stepped. */
  commit(): void {}

  /** The two directions, run by the kernel as timed events. */
  wires(): Iterable<Wire> {
    return this.lines;
  }

  /** Never any work of its own: its wires carry the edges. */
  nextEvent(): number {
    return Infinity;
  }
}
