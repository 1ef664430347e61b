import type { Clocked } from '../sim/kernel.js';
import { SimError } from '../sim/kernel.js';
import { BROADCAST, decodeFrame, encodeFrame, isGroup, withPreamble, type Frame, type FrameDropReason, type Mac } from '../link/frame.js';
import { Port, type Symbol } from '../link/port.js';
import { DEFAULT_TIMING, cyclesPerByte, type LinkTiming, type RateMbps } from '../link/timing.js';

/** Inter-frame gap: 96 bit times = 12 bytes. @spec IEEE 802.3-2022 §4.4.2 (interFrameGap) @category Devices */
export const IFG_BYTES = 12;

/**
 * Why a host dropped a frame, receiving or sending.
 * @category Devices
 */
export type HostDropReason = FrameDropReason | 'no-sfd' | 'not-for-us' | 'queue-full';

/**
 * Counters of a host.
 * @category Devices
 */
export interface HostCounters {
  /** Frames whose transmission completed. */
  txFrames: number;
  /** Bytes transmitted, header to FCS. */
  txBytes: number;
  /** Frames received and accepted by the address filter. */
  rxFrames: number;
  /** Bytes of accepted frames, header to FCS. */
  rxBytes: number;
  /** Frames dropped, by reason. */
  drops: Record<HostDropReason, number>;
}

/**
 * Options of a {@link Host}.
 * @category Devices
 */
export interface HostOptions {
  /** The host's MAC address. */
  readonly mac: Mac;
  /** Link rate in Mb/s. @defaultValue 100 */
  readonly rate?: RateMbps;
  /** Cycle length. @defaultValue DEFAULT_TIMING */
  readonly timing?: LinkTiming;
  /** Transmit queue limit in frames (the frame being sent not included). @defaultValue 100 */
  readonly queueLimit?: number;
  /** Accept every frame. @defaultValue false */
  readonly promiscuous?: boolean;
  /** Group addresses to accept besides broadcast. @defaultValue none */
  readonly multicast?: readonly Mac[];
  /** Called for every accepted frame, at the cycle its last byte arrived. */
  readonly onReceive?: (frame: Frame, cycle: number) => void;
}

/**
 * A full-duplex Ethernet host (NIC endpoint) in symbol mode: a transmit queue with a limit, the
 * preamble, SFD and inter-frame gap on the wire, and a receive filter (own unicast, broadcast,
 * chosen multicast, or promiscuous). Every frame offered is transmitted or counted as dropped; every
 * frame received is delivered or counted as dropped with a reason.
 *
 * @remarks Half duplex (CSMA/CD) is not implemented yet; a host only drives its port while it has
 * something to send, so two hosts on one cable never collide in full duplex.
 * @spec IEEE 802.3-2022 §4.2 (MAC frame transmission and reception), §3.2 (frame)
 * @example
 * ```ts
 * const a = k.add(new Host('a', { mac: parseMac('02:00:00:00:00:01') }));
 * a.send({ dst: BROADCAST, src: a.mac, type: 0x88b5, payload: new Uint8Array(46) });
 * ```
 * @category Devices
 */
export class Host implements Clocked {
  /** The host's port. */
  readonly port: Port;
  /** Counters. */
  readonly counters: HostCounters = { txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, drops: { runt: 0, giant: 0, 'bad-fcs': 0, 'bad-length': 0, 'no-sfd': 0, 'not-for-us': 0, 'queue-full': 0 } };
  /** MAC address. */
  readonly mac: Mac;
  private readonly cpb: number;
  private readonly queueLimit: number;
  private readonly queue: Uint8Array[] = [];
  private readonly scheduled: { cycle: number; frame: Frame }[] = [];
  /** Wire bytes being sent, the cycle the current frame started, and when the gap after it ends. */
  private current: { wire: Uint8Array; start: number; frameBytes: number } | undefined;
  private gapUntil = -1;
  private staged: Symbol | null = null;
  private readonly rxBuf: number[] = [];
  private rxDone: Uint8Array | undefined;

  /** @throws {SimError} For a bad rate or queue limit. */
  constructor(readonly name: string, private readonly options: HostOptions) {
    this.mac = options.mac;
    this.port = new Port(`${name}.port0`);
    this.cpb = cyclesPerByte(options.rate ?? 100, options.timing ?? DEFAULT_TIMING);
    this.queueLimit = options.queueLimit ?? 100;
    if (!Number.isInteger(this.queueLimit) || this.queueLimit < 0) throw new SimError('sim.bad-option', `${name}: queue limit ${this.queueLimit}`);
  }

  /** Frames waiting in the transmit queue. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Offers a frame for transmission now (it waits in the queue). Returns false, and counts a
   * `queue-full` drop, when the queue is full.
   * @throws {RangeError} If the frame cannot be encoded (too large, bad fields).
   */
  send(frame: Frame): boolean {
    const bytes = encodeFrame(frame);
    if (this.queue.length >= this.queueLimit) {
      this.counters.drops['queue-full']++;
      return false;
    }
    this.queue.push(bytes);
    return true;
  }

  /** Offers a frame at a future cycle (a traffic generator's schedule). */
  sendAt(cycle: number, frame: Frame): void {
    encodeFrame(frame);
    const i = this.scheduled.findIndex((s) => s.cycle > cycle);
    this.scheduled.splice(i < 0 ? this.scheduled.length : i, 0, { cycle, frame });
  }

  evaluate(cycle: number): void {
    // Receive: latch each byte on its first cycle; the end of carrier ends the frame.
    const rx = this.port.rx;
    this.rxDone = undefined;
    if (rx !== null) {
      if (rx.first) this.rxBuf.push(rx.byte);
    } else if (this.rxBuf.length > 0) {
      this.rxDone = Uint8Array.from(this.rxBuf);
    }
    // Transmit: one byte every `cpb` cycles, then the inter-frame gap.
    this.staged = null;
    const cur = this.current;
    if (cur !== undefined) {
      const k = cycle - cur.start;
      const byte = Math.floor(k / this.cpb);
      if (byte < cur.wire.length) this.staged = { byte: cur.wire[byte]!, amplitude: 1, first: k % this.cpb === 0 };
    } else if (cycle >= this.gapUntil && this.queue.length > 0) {
      this.staged = { byte: 0x55, amplitude: 1, first: true }; // first preamble byte of the next frame
    }
  }

  commit(cycle: number): void {
    while (this.scheduled.length > 0 && this.scheduled[0]!.cycle <= cycle) this.send(this.scheduled.shift()!.frame);
    // Transmit state.
    if (this.current === undefined && this.staged !== null) {
      const frame = this.queue.shift()!;
      this.current = { wire: withPreamble(frame), start: cycle, frameBytes: frame.length };
    }
    const cur = this.current;
    if (cur !== undefined && cycle - cur.start + 1 >= cur.wire.length * this.cpb) {
      this.counters.txFrames++;
      this.counters.txBytes += cur.frameBytes;
      this.current = undefined;
      this.gapUntil = cycle + 1 + IFG_BYTES * this.cpb;
    }
    this.port.tx = this.staged;
    // Receive state.
    if (this.rxDone !== undefined) {
      this.rxBuf.length = 0;
      this.receive(this.rxDone, cycle);
    }
  }

  private receive(wire: Uint8Array, cycle: number): void {
    let i = 0;
    while (i < wire.length && wire[i] === 0x55) i++;
    if (i === 0 || i >= wire.length || wire[i] !== 0xd5) {
      this.counters.drops['no-sfd']++;
      return;
    }
    const r = decodeFrame(wire.subarray(i + 1));
    if (!r.ok) {
      this.counters.drops[r.reason]++;
      return;
    }
    const dst = r.frame.dst;
    const mine = dst === this.mac || dst === BROADCAST || this.options.promiscuous === true || (isGroup(dst) && (this.options.multicast ?? []).includes(dst));
    if (!mine) {
      this.counters.drops['not-for-us']++;
      return;
    }
    this.counters.rxFrames++;
    this.counters.rxBytes += wire.length - i - 1;
    this.options.onReceive?.(r.frame, cycle);
  }

  nextEvent(from: number): number {
    if (this.current !== undefined || this.port.rx !== null || this.rxBuf.length > 0 || this.port.tx !== null) return from;
    let next = Infinity;
    if (this.queue.length > 0) next = Math.max(this.gapUntil, from);
    if (this.scheduled.length > 0) next = Math.min(next, this.scheduled[0]!.cycle);
    return Math.max(next, from);
  }
}
