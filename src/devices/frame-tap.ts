import type { Clocked } from '../sim/kernel.js';
import type { FramePort } from '../link/frame-cable.js';
import { TapBase, type Burst, type PortTapOptions } from './observe.js';

/** A frame seen on the port and not recorded yet (it has not ended by the kernel's clock). */
interface Pending {
  readonly side: 'rx' | 'tx';
  readonly symbols: Uint8Array;
  /** First cycle of symbol `from` on this side (cycle of symbol i: start + (i − from) × cpb). */
  start: number;
  /** First symbol not yet recorded (after a flush cut the frame). */
  from: number;
  readonly end: number;
  readonly cpb: number;
  /** Whether an earlier flush cut it (the rest is a truncated capture). */
  cut: boolean;
}

/**
 * The {@link PortTap} of frame mode: a passive capture point on a {@link FramePort} that records
 * every frame sent or received with its first and last cycle and its symbols, as a
 * {@link BurstTap} on the same port in burst mode records it, so pcap files come out of frame-mode
 * runs too.
 *
 * @remarks The port tells the tap of each frame when it is sent (`rx` frames before they arrive),
 * and the tap records a frame once the kernel's clock has passed its last cycle, in the order the
 * frames end. {@link FrameTap.flush} records what has ended by the clock and cuts a frame still on
 * the wire there (a truncated capture; the rest goes on as another). Unlike a burst-mode tap it is
 * never stepped, so a run of frame-mode components alone still steps nothing.
 * @example
 * ```ts
 * const tap = k.add(new FrameTap('tap0', host.port, { direction: 'both' }));
 * k.run();
 * tap.flush();
 * writeFileSync('h0.pcap', formatPcap(tap.packets()));
 * ```
 * @category Devices
 */
export class FrameTap extends TapBase implements Clocked {
  /** Never stepped: the port tells it of every frame. */
  readonly passive = true;
  private readonly pending: Pending[] = [];

  /**
   * @param name - component name.
   * @param port - the port watched.
   * @param options - direction, timing and bounds.
   * @throws {SimError} `sim.bad-option` for a bad limit, snapshot length or cycle length.
   */
  constructor(name: string, readonly port: FramePort, options: PortTapOptions = {}) {
    super(name, options);
    port.watch((side, symbols, start, cycles, cpb) => {
      if (this.direction !== (side === 'rx' ? 'tx' : 'rx')) {
        this.catchUp(this.clock());
        this.pending.push({ side, symbols, start, from: 0, end: start + cycles - 1, cpb, cut: false });
      }
    });
  }

  /** Nothing: never stepped. */
  evaluate(): void {}

  /** Nothing: never stepped. */
  commit(): void {}

  /** Never any work of its own. */
  nextEvent(): number {
    return Infinity;
  }

  /**
   * Records every frame that has ended by the kernel's clock, and cuts a frame still on the wire
   * there (recorded with `truncated: true`; the rest goes on as a new, truncated capture). Call once
   * the run is over.
   */
  flush(): void {
    const now = this.clock();
    this.catchUp(now);
    for (const p of this.pending) {
      if (p.start >= now) continue;
      const upTo = p.from + Math.ceil((now - p.start) / p.cpb);
      this.recordPart(p, upTo, now - 1, true);
      p.start += (upTo - p.from) * p.cpb;
      p.from = upTo;
      p.cut = true;
    }
  }

  private clock(): number {
    return this.port.clock?.() ?? -Infinity;
  }

  /** Records, in the order they ended, the frames whose last cycle is before `now`. */
  private catchUp(now: number): void {
    const list = this.pending;
    for (;;) {
      let k = -1;
      for (let i = 0; i < list.length; i++) if (list[i]!.end < now && (k < 0 || list[i]!.end < list[k]!.end)) k = i;
      if (k < 0) return;
      const [p] = list.splice(k, 1);
      this.recordPart(p!, p!.symbols.length, p!.end, p!.cut);
    }
  }

  /** Records symbols [from, to) of `p` as one capture ending at cycle `end`. */
  private recordPart(p: Pending, to: number, end: number, cut: boolean): void {
    const b: Burst = { start: p.start, end, bytes: [], total: 0 };
    for (let i = p.from; i < to; i++) this.latch(b, p.symbols[i]!);
    this.record(p.side, b, cut);
  }
}
