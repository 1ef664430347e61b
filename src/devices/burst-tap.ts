import type { Clocked } from '../sim/kernel.js';
import { byteRange, segmentByte, type BurstPort, type Segment } from '../link/segment.js';
import { TapBase, type Burst, type PortTapOptions } from './observe.js';

/**
 * The {@link PortTap} of burst mode: a passive capture point on a {@link BurstPort} that records
 * each carrier burst with its first and last cycle and its bytes, exactly as a tap on the same port
 * in symbol mode would (a property checks it), so pcap files come out of burst-mode runs too.
 *
 * @remarks The port tells the tap of every edge on each side with the cycle it holds from
 * ({@link BurstPort.watch}), so the tap sees every burst even when nothing is stepped between its
 * edges. It is stepped with every other component (`observer`) only to know the last cycle run,
 * where {@link BurstTap.flush} cuts a burst still open.
 * @example
 * ```ts
 * const tap = k.add(new BurstTap('tap0', host.port, { direction: 'both' }));
 * k.run();
 * tap.flush();
 * writeFileSync('h0.pcap', formatPcap(tap.packets()));
 * ```
 * @category Devices
 */
export class BurstTap extends TapBase implements Clocked {
  private readonly seen: { rx: Segment | null; tx: Segment | null } = { rx: null, tx: null };
  private readonly since = { rx: 0, tx: 0 };
  private readonly open: { rx: Burst | undefined; tx: Burst | undefined } = { rx: undefined, tx: undefined };
  private lastCommit = -1;

  /**
   * @param name - component name.
   * @param port - the port watched.
   * @param options - direction, timing and bounds.
   * @throws {SimError} `sim.bad-option` for a bad limit, snapshot length or cycle length.
   */
  constructor(name: string, readonly port: BurstPort, options: PortTapOptions = {}) {
    super(name, options);
    // What the port shows already (a tap added in the middle of a burst), then every edge.
    if (this.direction !== 'tx') this.observe('rx', port.rx, port.rxFrom);
    if (this.direction !== 'rx') this.observe('tx', port.tx, port.txFrom);
    port.watch((side, s, from) => {
      if (this.direction !== (side === 'rx' ? 'tx' : 'rx')) this.observe(side, s, from);
    });
  }

  /** Nothing to read: the port tells the tap of every edge. */
  evaluate(): void {}

  /** Notes the last cycle stepped (the end of a burst still open at {@link BurstTap.flush}). */
  commit(cycle: number): void {
    this.lastCommit = cycle;
  }

  /** Never any work of its own: a tap only observes. */
  nextEvent(_from: number): number {
    return Infinity;
  }

  /**
   * Takes in the port state the last step published and records every burst still open (with
   * `truncated: true`, its end the last stepped cycle). Call once the run is over.
   * @example
   * ```ts
   * k.run();
   * tap.flush();
   * ```
   */
  flush(): void {
    const p = this.port;
    if (this.direction !== 'tx') this.observe('rx', p.rx, p.rxFrom);
    if (this.direction !== 'rx') this.observe('tx', p.tx, p.txFrom);
    for (const side of ['rx', 'tx'] as const) {
      const b = this.open[side];
      if (b === undefined) continue;
      this.take(side, b, this.seen[side]!, this.since[side], Math.max(this.lastCommit + 1, this.since[side]));
      this.open[side] = undefined;
      this.record(side, b, true);
      this.since[side] = this.lastCommit + 1;
      // A burst still going goes on as a new capture (without its start, so truncated), as with PortTap.
      if (this.seen[side] !== null) this.open[side] = { start: this.since[side], end: this.since[side], bytes: [], total: 0 };
    }
  }

  /** A side now shows `seg` from cycle `from` on. */
  private observe(side: 'rx' | 'tx', seg: Segment | null, from: number): void {
    const was = this.seen[side];
    if (seg === was) return;
    const b = this.open[side];
    if (was !== null && b !== undefined) this.take(side, b, was, this.since[side], from);
    if (seg === null) {
      if (b !== undefined) {
        this.open[side] = undefined;
        this.record(side, b, false);
      }
    } else if (b === undefined) {
      this.open[side] = { start: from, end: from, bytes: [], total: 0 };
    }
    this.seen[side] = seg;
    this.since[side] = from;
  }

  /** Adds the bytes `seg` showed over cycles [from, to) to the burst. */
  private take(_side: 'rx' | 'tx', b: Burst, seg: Segment, from: number, to: number): void {
    if (to <= from) return;
    b.end = to - 1;
    const [x, y] = byteRange(seg, from, to);
    for (let i = x; i < y; i++) this.latch(b, segmentByte(seg, i));
  }
}
