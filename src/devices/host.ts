import { show } from '../bits/show.js';
import { optionsObject, type Clocked } from '../sim/kernel.js';
import { SimError, poke } from '../sim/kernel.js';
import type { Rng } from '../sim/rng.js';
import type { Segment } from '../link/segment.js';
import { BROADCAST, FRAME, decodeFrame, encodeFrame, isGroup, isMac, withPreamble, type DecodeResult, type Frame, type FrameDropReason, type Mac } from '../link/frame.js';
import { EXTENSION, Port, type Symbol } from '../link/port.js';
import { DEFAULT_TIMING, cyclesPerByte, type LinkTiming, type RateMbps } from '../link/timing.js';

/** Inter-frame gap: 96 bit times = 12 bytes. @spec IEEE 802.3-2022 §4.4.2 (interFrameGap) @category Devices */
export const IFG_BYTES = 12;
/** Jam: 32 bits = 4 bytes. @spec IEEE 802.3-2022 §4.4.2 (jamSize) @category Devices */
export const JAM_BYTES = 4;
/** Slot time at 10/100 Mb/s: 512 bit times = 64 bytes. @spec IEEE 802.3-2022 §4.4.2 (slotTime) @category Devices */
export const SLOT_BYTES = 64;
/**
 * Slot time of 1 Gb/s half duplex: 4096 bit times = 512 bytes; shorter frames are carrier-extended to it.
 * @spec IEEE 802.3-2022 §4.4.2 (slotTime for 1000 Mb/s), §4.2.3.4 (carrier extension)
 * @category Devices
 */
export const GIGABIT_SLOT_BYTES = 512;
/** Transmission attempts before a frame is discarded. @spec IEEE 802.3-2022 §4.4.2 (attemptLimit) @category Devices */
export const ATTEMPT_LIMIT = 16;
/** Exponent cap of the truncated binary exponential backoff. @spec IEEE 802.3-2022 §4.4.2 (backoffLimit) @category Devices */
export const BACKOFF_LIMIT = 10;
/** The byte a host sends as jam (any pattern that is not a valid FCS will do). @category Devices */
export const JAM_BYTE = 0x99;

/**
 * Why a host dropped a frame, receiving or sending.
 * @category Devices
 */
export type HostDropReason = FrameDropReason | 'no-sfd' | 'not-for-us' | 'queue-full' | 'excessive-collisions';

/**
 * Counters of a host.
 * @category Devices
 */
export interface HostCounters {
  /** Frames whose transmission completed without a collision. */
  txFrames: number;
  /** Bytes of those frames, header to FCS. */
  txBytes: number;
  /** Frames received and accepted by the address filter. */
  rxFrames: number;
  /** Bytes of accepted frames, header to FCS. */
  rxBytes: number;
  /** Collisions this host detected while transmitting. */
  collisions: number;
  /** Of those, collisions detected after the first slot time (512 bits) of the transmission. */
  lateCollisions: number;
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
  /** Full duplex, or half duplex with CSMA/CD (needs `rng`). @defaultValue 'full' */
  readonly duplex?: 'full' | 'half';
  /** The host's random stream (backoff draws); required in half duplex. */
  readonly rng?: Rng;
  /** Transmit queue limit in frames (the frame being sent not included). @defaultValue 100 */
  readonly queueLimit?: number;
  /** Accept every frame. @defaultValue false */
  readonly promiscuous?: boolean;
  /** Group addresses to accept besides broadcast. @defaultValue none */
  readonly multicast?: readonly Mac[];
  /** Called for every accepted frame, at the cycle its last byte arrived. The frame may be shared with other receivers of the same burst: treat it as read-only. `bytes` is the frame as received, header to FCS. */
  readonly onReceive?: (frame: Frame, cycle: number, bytes: Uint8Array) => void;
  /**
   * Called when the header of an arriving frame is in (destination, source and VLAN tag), before
   * the rest: a cut-through switch decides here. `source` lets another MAC of the switch relay the
   * frame as it arrives.
   * @internal
   */
  readonly onHeader?: (header: FrameHeader, cycle: number, source: RelaySource) => void;
  /** Called for every event of the MAC, in order (a trace: transmissions, collisions, receptions, drops). */
  readonly onEvent?: (event: HostEvent) => void;
  /** Called for every backoff draw: the collision count of the frame and the slots drawn. */
  readonly onBackoff?: (attempt: number, slots: number) => void;
}

type Event = 'none' | 'start' | 'collision' | 'done';

/**
 * One event of a host's MAC, for traces: a transmission starting (`tx-start`) or completing
 * (`tx-done`), a collision (`collision`, with the attempt count and the backoff drawn, or
 * `excessive-collisions` as the drop reason when it gives up), a frame accepted (`rx`), or a frame
 * dropped with its reason (`drop`). Symbol and burst mode give the same events at the same cycles.
 * @example
 * ```ts
 * const e: HostEvent = { cycle: 120, kind: 'drop', reason: 'bad-fcs', length: 64 };
 * ```
 * @category Devices
 */
export interface HostEvent {
  /** When. */
  readonly cycle: number;
  /** What. */
  readonly kind: 'tx-start' | 'tx-done' | 'collision' | 'rx' | 'drop';
  /** Frame length in bytes, header to FCS, when there is a frame. */
  readonly length?: number;
  /** Why a frame was dropped (`drop`), or `excessive-collisions` on the collision that gave up. */
  readonly reason?: HostDropReason;
  /** The frame's collision count so far (`collision`). */
  readonly attempt?: number;
  /** Backoff slots drawn after the collision (`collision`, unless it gave up). */
  readonly slots?: number;
}

/**
 * The header of a frame still arriving (cut-through forwarding decides on it).
 * @internal
 */
export interface FrameHeader {
  /** Destination address. */
  readonly dst: Mac;
  /** Source address. */
  readonly src: Mac;
  /** The 802.1Q tag's VLAN ID, when tagged. */
  readonly vlan?: { readonly vid: number };
}

/**
 * A frame as it arrives at one MAC, which another MAC of the same switch relays (cut-through): the
 * bytes latched so far (symbol mode) or the segment arriving (burst mode), and, once the frame has
 * ended, how many bytes it had.
 * @internal
 */
export interface RelaySource {
  /** Bytes latched so far, preamble first (symbol mode). */
  readonly bytes: readonly number[];
  /** The segment arriving (burst mode). */
  readonly seg: Segment | undefined;
  /** Whether the frame has ended. */
  done: boolean;
  /** Bytes the frame had, preamble included, once done. */
  length: number;
  /** Index in `seg` of the first byte latched (burst mode; 0 when the segment arrived whole). */
  readonly first: number;
  /** Told when the frame ends (the switch wakes the relaying MACs). */
  onDone: (() => void) | undefined;
}

/** Header bytes after preamble and SFD (18 when tagged), or 0 when the burst does not start like a frame. @internal */
export function headerLength(byteAt: (i: number) => number): number {
  for (let i = 0; i < 7; i++) if (byteAt(i) !== 0x55) return 0;
  if (byteAt(7) !== 0xd5) return 0;
  return byteAt(8 + 12) === 0x81 && byteAt(8 + 13) === 0x00 ? 18 : 14;
}

/** The header of a frame from its bytes (preamble first). @internal */
export function parseHeader(byteAt: (i: number) => number, len: number): FrameHeader {
  const mac = (at: number): Mac => {
    let v = 0;
    for (let i = 0; i < 6; i++) v = v * 256 + byteAt(8 + at + i);
    return v as Mac;
  };
  const h = { dst: mac(0), src: mac(6) };
  return len === 18 ? { ...h, vlan: { vid: ((byteAt(8 + 14) << 8) | byteAt(8 + 15)) & 0xfff } } : h;
}

/**
 * Recently decoded frames, by their (never mutated) byte arrays: in burst mode an intact frame
 * reaches every receiver, through hubs and switches, as the same array, and its receivers see it
 * within a few events of each other, so a small ring catches them and the FCS is checked once. A
 * ring (not a WeakMap) keeps memory fixed however many frames a run makes.
 */
const RECENT = 32;
const recentKeys: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(RECENT).fill(undefined);
const recentValues: (DecodeResult | undefined)[] = new Array<DecodeResult | undefined>(RECENT).fill(undefined);
let recentNext = 0;

function decodeShared(bytes: Uint8Array): DecodeResult {
  for (let i = 0; i < RECENT; i++) if (recentKeys[i] === bytes) return recentValues[i]!;
  const r = decodeFrame(bytes);
  recentKeys[recentNext] = bytes;
  recentValues[recentNext] = r;
  recentNext = (recentNext + 1) % RECENT;
  return r;
}

/**
 * What symbol-mode and burst-mode hosts share: the transmit queue and schedule, the counters, the
 * collision bookkeeping (backoff draws, attempt limit) and the receive path (preamble and SFD,
 * frame checks, address filter). Only how the wire is driven and read differs.
 * @internal
 */
export abstract class StationBase {
  /** Counters. */
  readonly counters: HostCounters = {
    txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, collisions: 0, lateCollisions: 0,
    drops: { runt: 0, giant: 0, 'bad-fcs': 0, 'bad-length': 0, 'no-sfd': 0, 'not-for-us': 0, 'queue-full': 0, 'excessive-collisions': 0 },
  };
  /** MAC address. */
  readonly mac: Mac;
  /** Cycles per byte at the host's rate. */
  protected readonly cpb: number;
  /** Half duplex (CSMA/CD). */
  protected readonly half: boolean;
  private readonly queueLimit: number;
  private readonly queue: Uint8Array[] = [];
  /** Offers not yet due, in cycle order, from `schedHead` on (encoded when offered). */
  private readonly scheduled: { cycle: number; bytes: Uint8Array }[] = [];
  private schedHead = 0;
  /** The frame being sent or retried: its bytes, preamble + frame, symbols on the wire (with carrier extension), collision count. */
  protected pending: { bytes: Uint8Array; symbols: number; attempts: number } | undefined;
  /** Slot time in bytes: 64, or 512 at 1 Gb/s half duplex. */
  protected readonly slot: number;
  /** Carrier extension in use (1 Gb/s half duplex). */
  protected readonly extend: boolean;
  /** Earliest cycle a transmission may start (own gap, backoff). */
  protected holdUntil = 0;
  /** End (exclusive) of the jam after a collision. */
  protected jamUntil = -1;
  /** The frame being relayed (cut-through), and the cycle the relay's first symbol goes out. */
  protected relaySrc: RelaySource | undefined;
  /** First cycle of the relay. */
  protected relayStart = 0;
  /** The last cycle committed (for events of offers made by user code between runs). */
  protected clock = 0;
  /** A component containing this MAC (a switch): told instead of the kernels when a frame is offered. @internal */
  parent: { childPoked(m: StationBase): void } | undefined;

  /** @throws {SimError} For a bad rate or queue limit, or half duplex without a random stream. */
  constructor(readonly name: string, protected readonly options: HostOptions) {
    optionsObject(name, options);
    if (!isMac(options.mac)) throw new SimError('sim.bad-option', `${name}: mac ${show(options.mac)} is not a 48-bit address`);
    this.mac = options.mac;
    this.cpb = cyclesPerByte(options.rate ?? 100, options.timing ?? DEFAULT_TIMING);
    this.half = options.duplex === 'half';
    this.extend = this.half && options.rate === 1000;
    this.slot = this.extend ? GIGABIT_SLOT_BYTES : SLOT_BYTES;
    if (this.half && options.rng === undefined) throw new SimError('sim.bad-option', `${name}: half duplex needs a random stream for backoff`);
    this.queueLimit = options.queueLimit ?? 100;
    if (!Number.isInteger(this.queueLimit) || this.queueLimit < 0) throw new SimError('sim.bad-option', `${name}: queue limit ${show(this.queueLimit)}`);
  }

  /** The port (symbol or burst mode). */
  abstract readonly port: { readonly cable: Clocked | undefined };

  /** The cable on the port (the kernel's wake-ups). */
  *wakes(): Iterable<Clocked> {
    const c = this.port.cable;
    if (c !== undefined) yield c;
  }

  /** Reads the port and stages the next state (the two-phase contract of {@link Clocked}). */
  abstract evaluate(cycle: number): void;
  /** Publishes the staged state. */
  abstract commit(cycle: number): void;
  /** Earliest cycle ≥ `from` with work to do, or `Infinity`. */
  abstract nextEvent(from: number): number;

  /** Whether a transmission (frame or jam) is in progress. */
  protected abstract get sending(): boolean;

  /**
   * Whether this MAC could start relaying a frame (cut-through) at `cycle`: nothing being sent,
   * relayed or queued, and the inter-frame gap over.
   * @internal
   */
  canRelayAt(cycle: number): boolean {
    return !this.sending && this.relaySrc === undefined && this.pending === undefined && this.queue.length === 0 && cycle >= this.holdUntil && cycle >= this.jamUntil;
  }

  /**
   * Starts relaying `source` (cut-through): its first symbol goes out at `cycle` + 1, and the rest
   * follow as they arrive.
   * @internal
   */
  relayFrom(source: RelaySource, cycle: number): void {
    this.relaySrc = source;
    this.relayStart = cycle + 1;
  }

  /** The relay's first symbol goes out at `cycle`. */
  protected relayStarted(cycle: number): void {
    this.options.onEvent?.({ cycle, kind: 'tx-start' });
  }

  /** The relay's last symbol goes out at `cycle`, as {@link StationBase.finished} for a frame of our own. */
  protected relayFinished(cycle: number): void {
    const src = this.relaySrc!;
    const length = Math.max(0, src.length - FRAME.preambleSfd);
    this.options.onEvent?.({ cycle, kind: 'tx-done', length });
    this.counters.txFrames++;
    this.counters.txBytes += length;
    this.relaySrc = undefined;
    this.holdUntil = cycle + 1 + IFG_BYTES * this.cpb;
  }

  /** Frames waiting in the transmit queue (not counting one being sent or retried). */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Offers a frame for transmission now. Returns false, and counts a `queue-full` drop, when the
   * queue is full.
   * @throws {RangeError} If the frame cannot be encoded (too large, bad fields).
   */
  send(frame: Frame): boolean {
    return this.sendOwned(encodeFrame(frame));
  }

  /**
   * Offers an encoded frame (header to FCS, as {@link encodeFrame} makes it) for transmission now,
   * as {@link StationBase.send}. The bytes are sent as they are, FCS included (a copy is taken, so
   * the caller may reuse its buffer).
   */
  sendBytes(bytes: Uint8Array): boolean {
    return this.sendOwned(bytes.slice());
  }

  /**
   * As {@link StationBase.sendBytes}, without the copy: the caller promises never to change
   * `bytes` again (frames are shared between receivers and decoded once).
   * @internal
   */
  sendOwned(bytes: Uint8Array): boolean {
    if (this.parent !== undefined) this.parent.childPoked(this);
    else poke(this);
    if (this.queue.length >= this.queueLimit) {
      this.counters.drops['queue-full']++;
      this.options.onEvent?.({ cycle: this.clock, kind: 'drop', reason: 'queue-full', length: bytes.length });
      return false;
    }
    this.queue.push(bytes);
    return true;
  }

  /**
   * Offers a frame at a future cycle (a traffic generator's schedule).
   * @throws {RangeError} As {@link Host.send}.
   * @throws {SimError} `sim.bad-cycle` when `cycle` is not an integer in 0..2^53 − 3 (the kernel's clock stops at 2^53 − 2).
   */
  sendAt(cycle: number, frame: Frame): void {
    if (!Number.isSafeInteger(cycle) || cycle < 0 || cycle >= Number.MAX_SAFE_INTEGER - 1) throw new SimError('sim.bad-cycle', `${show(this.name)}: offer at cycle ${show(cycle)} is not an integer in 0..2^53 − 3 (the clock stops at 2^53 − 2)`);
    if (this.parent !== undefined) this.parent.childPoked(this);
    else poke(this);
    const entry = { cycle, bytes: encodeFrame(frame) };
    const q = this.scheduled;
    if (q.length === this.schedHead || q[q.length - 1]!.cycle <= cycle) {
      q.push(entry); // the usual case: offers come in time order
      return;
    }
    let i = q.length;
    while (i > this.schedHead && q[i - 1]!.cycle > cycle) i--;
    q.splice(i, 0, entry);
  }

  /** Cycle of the next scheduled offer, or Infinity. */
  protected get nextOffer(): number {
    return this.schedHead < this.scheduled.length ? this.scheduled[this.schedHead]!.cycle : Infinity;
  }

  /** True when a frame waits to be sent or retried. */
  protected get hasWork(): boolean {
    return this.pending !== undefined || this.queue.length > 0;
  }

  /** Offers whose cycle has come, at commit. */
  protected admitScheduled(cycle: number): void {
    this.clock = cycle;
    const q = this.scheduled;
    while (this.schedHead < q.length && q[this.schedHead]!.cycle <= cycle) this.sendOwned(q[this.schedHead++]!.bytes);
    if (this.schedHead === q.length && this.schedHead > 0) {
      q.length = 0;
      this.schedHead = 0;
    } else if (this.schedHead > 1024 && this.schedHead * 2 > q.length) {
      q.splice(0, this.schedHead);
      this.schedHead = 0;
    }
  }

  /** Takes the next frame from the queue unless one is being retried; returns it (its symbols: preamble, SFD, frame, extension). */
  protected beginAttempt(cycle: number): { readonly bytes: Uint8Array; readonly symbols: number } {
    if (this.pending === undefined) {
      const bytes = this.queue.shift()!;
      this.pending = { bytes, symbols: FRAME.preambleSfd + bytes.length + (this.extend ? Math.max(0, this.slot - bytes.length) : 0), attempts: 0 };
    }
    this.options.onEvent?.({ cycle, kind: 'tx-start', length: this.pending.bytes.length });
    return this.pending;
  }

  /** Collision bookkeeping at `cycle` for a transmission that started at `txStart`: jam, count, back off or give up. */
  protected collided(cycle: number, txStart: number): void {
    const p = this.pending!;
    this.counters.collisions++;
    if (cycle - txStart >= this.slot * this.cpb) this.counters.lateCollisions++;
    this.jamUntil = cycle + JAM_BYTES * this.cpb;
    p.attempts++;
    if (p.attempts >= ATTEMPT_LIMIT) {
      this.counters.drops['excessive-collisions']++;
      this.options.onEvent?.({ cycle, kind: 'collision', attempt: p.attempts, reason: 'excessive-collisions', length: p.bytes.length });
      this.pending = undefined;
      this.holdUntil = this.jamUntil;
    } else {
      const k = Math.min(p.attempts, BACKOFF_LIMIT);
      const slots = this.options.rng!.int(0, 2 ** k - 1);
      this.options.onBackoff?.(p.attempts, slots);
      this.options.onEvent?.({ cycle, kind: 'collision', attempt: p.attempts, slots, length: p.bytes.length });
      this.holdUntil = this.jamUntil + slots * this.slot * this.cpb;
    }
  }

  /** A transmission completed at `cycle` (its last symbol). */
  protected finished(cycle: number): void {
    this.options.onEvent?.({ cycle, kind: 'tx-done', length: this.pending!.bytes.length });
    this.counters.txFrames++;
    this.counters.txBytes += this.pending!.bytes.length;
    this.pending = undefined;
    this.holdUntil = cycle + 1 + IFG_BYTES * this.cpb;
  }

  /** A carrier burst ended at `cycle`: strip preamble and SFD, check the frame, filter, deliver or count. */
  protected received(wire: Uint8Array, cycle: number): void {
    let i = 0;
    while (i < wire.length && wire[i] === 0x55) i++;
    if (i === 0 || i >= wire.length || wire[i] !== 0xd5) {
      this.counters.drops['no-sfd']++;
      this.options.onEvent?.({ cycle, kind: 'drop', reason: 'no-sfd', length: wire.length });
      return;
    }
    this.receivedFrame(wire.subarray(i + 1), cycle);
  }

  /**
   * A frame (after preamble and SFD) arrived at `cycle`: check it, filter, deliver or count.
   * `shared`: the bytes are an intact frame other receivers get as the same array (decoded once).
   */
  protected receivedFrame(bytes: Uint8Array, cycle: number, shared = false): void {
    const r = shared ? decodeShared(bytes) : decodeFrame(bytes);
    if (!r.ok) {
      this.counters.drops[r.reason]++;
      this.options.onEvent?.({ cycle, kind: 'drop', reason: r.reason, length: bytes.length });
      return;
    }
    const dst = r.frame.dst;
    const mine = dst === this.mac || dst === BROADCAST || this.options.promiscuous === true || (isGroup(dst) && (this.options.multicast ?? []).includes(dst));
    if (!mine) {
      this.counters.drops['not-for-us']++;
      this.options.onEvent?.({ cycle, kind: 'drop', reason: 'not-for-us', length: bytes.length });
      return;
    }
    this.options.onEvent?.({ cycle, kind: 'rx', length: bytes.length });
    this.counters.rxFrames++;
    this.counters.rxBytes += bytes.length;
    this.options.onReceive?.(r.frame, cycle, bytes);
  }
}

/**
 * An Ethernet host (NIC endpoint) in symbol mode: a transmit queue with a limit; preamble, SFD and
 * inter-frame gap on the wire; full duplex, or half duplex with CSMA/CD (carrier sense with
 * deferral and the inter-frame gap, collision detection, a 32-bit jam, truncated binary exponential
 * backoff with r in [0, 2^min(n, 10) − 1] slots of 512 bit times, and discard after 16 attempts);
 * and a receive filter (own unicast, broadcast, chosen multicast, or promiscuous). Every frame
 * offered is transmitted or counted as dropped; every frame received is delivered or counted as
 * dropped with a reason.
 *
 * @spec IEEE 802.3-2022 §4.2 (MAC frame transmission and reception), §4.2.3.2 (deference),
 * §4.2.3.2.5 (collision handling and backoff), §4.4.2 (parameters)
 * @example
 * ```ts
 * const a = k.add(new Host('a', { mac: parseMac('02:00:00:00:00:01'), duplex: 'half', rng: k.rng('a') }));
 * a.send({ dst: BROADCAST, src: a.mac, type: 0x88b5, payload: new Uint8Array(46) });
 * ```
 * @category Devices
 */
export class Host extends StationBase implements Clocked {
  /** The host's port. */
  readonly port: Port;
  /** The cycle the current transmission started, while transmitting. */
  private txStart: number | undefined;
  private jamStart = -1;
  /** Last cycle carrier was seen (half duplex). */
  private lastCarrier = -Infinity;
  private staged: Symbol | null = null;
  private stagedCarrier = false;
  private event: Event = 'none';
  private rxBuf: number[] = [];
  private rxDone: Uint8Array | undefined;
  /** Preamble, SFD and frame of the transmission in progress. */
  private wire: Uint8Array | undefined;
  /** The arriving frame as a relay source, once its header was announced. */
  private rxSource: RelaySource | undefined;
  private headerDue = false;
  private relayEnd = false;
  private relayFirst = false;

  /** @throws {SimError} For a bad rate or queue limit, or half duplex without a random stream. */
  constructor(name: string, options: HostOptions) {
    super(name, options);
    this.port = new Port(`${name}.port0`);
    this.port.owner = this;
  }


  /** Whether a frame or jam is being sent. */
  protected get sending(): boolean {
    return this.txStart !== undefined;
  }

  private canStart(cycle: number): boolean {
    if (!this.hasWork || this.relaySrc !== undefined) return false;
    if (cycle < this.holdUntil) return false;
    if (!this.half) return true;
    return this.port.rx === null && cycle > this.lastCarrier + IFG_BYTES * this.cpb;
  }

  /** Reads the port and stages this cycle's symbol and state change. */
  evaluate(cycle: number): void {
    const rx = this.port.rx;
    this.stagedCarrier = rx !== null;
    this.rxDone = undefined;
    this.headerDue = false;
    this.relayEnd = false;
    this.relayFirst = false;
    if (rx !== null) {
      if (rx.first && rx.byte < EXTENSION) {
        const buf = this.rxBuf;
        buf.push(rx.byte);
        if (this.options.onHeader !== undefined && (buf.length === FRAME.preambleSfd + 14 || buf.length === FRAME.preambleSfd + 18)) {
          const at = (i: number): number => buf[i]!;
          this.headerDue = FRAME.preambleSfd + headerLength(at) === buf.length;
        }
      }
    } else if (this.rxBuf.length > 0) {
      this.rxDone = Uint8Array.from(this.rxBuf);
    }
    this.staged = null;
    this.event = 'none';
    if (this.relaySrc !== undefined) {
      const src = this.relaySrc;
      const k = cycle - this.relayStart;
      const i = Math.floor(k / this.cpb);
      if (k >= 0 && i < src.bytes.length && !(src.done && i >= src.length)) {
        this.staged = { byte: src.bytes[i]!, amplitude: 1, first: k % this.cpb === 0 };
        this.relayFirst = k === 0;
        this.relayEnd = src.done && k + 1 >= src.length * this.cpb; // the last symbol
      } else if (src.done && k >= 0) {
        this.relayEnd = true; // past the end without having seen it (cannot happen at one rate): end now rather than hang
      }
    } else if (cycle < this.jamUntil) {
      this.staged = { byte: JAM_BYTE, amplitude: 1, first: (cycle - this.jamStart) % this.cpb === 0 };
    } else if (this.txStart !== undefined) {
      const { symbols } = this.pending!;
      const wire = this.wire!;
      const k = cycle - this.txStart;
      if (this.half && rx !== null) {
        this.event = 'collision';
        this.staged = { byte: JAM_BYTE, amplitude: 1, first: true };
      } else {
        const i = Math.floor(k / this.cpb);
        this.staged = { byte: i < wire.length ? wire[i]! : EXTENSION, amplitude: 1, first: k % this.cpb === 0 };
        if (k + 1 >= symbols * this.cpb) this.event = 'done';
      }
    } else if (this.canStart(cycle)) {
      this.event = 'start';
      this.staged = { byte: 0x55, amplitude: 1, first: true };
    }
  }

  /** Publishes the symbol and applies the staged state change. */
  commit(cycle: number): void {
    this.admitScheduled(cycle);
    if (this.stagedCarrier) this.lastCarrier = cycle; // as read in evaluate: the port may have changed since
    switch (this.event) {
      case 'start':
        this.wire = withPreamble(this.beginAttempt(cycle).bytes);
        this.txStart = cycle;
        break;
      case 'collision':
        this.collided(cycle, this.txStart!);
        this.txStart = undefined;
        this.jamStart = cycle;
        break;
      case 'done':
        this.finished(cycle);
        this.txStart = undefined;
        break;
      case 'none':
        break;
    }
    if (this.relayFirst) this.relayStarted(cycle);
    if (this.relayEnd) this.relayFinished(cycle);
    this.port.tx = this.staged;
    if (this.headerDue) {
      const buf = this.rxBuf;
      const at = (i: number): number => buf[i]!;
      const src: RelaySource = { bytes: buf, seg: undefined, done: false, length: 0, onDone: undefined, first: 0 };
      this.rxSource = src;
      this.options.onHeader!(parseHeader(at, buf.length - FRAME.preambleSfd), cycle, src);
    }
    if (this.rxDone !== undefined) {
      const src = this.rxSource;
      if (src !== undefined) {
        src.done = true;
        src.length = this.rxBuf.length;
        this.rxSource = undefined;
        this.rxBuf = []; // the relaying MACs keep reading the old one
        src.onDone?.();
      } else {
        this.rxBuf.length = 0;
      }
      this.received(this.rxDone, cycle);
    }
  }

  /** Work while sending, jamming or receiving; otherwise at the next allowed start or scheduled offer. */
  nextEvent(from: number): number {
    if (this.txStart !== undefined || this.relaySrc !== undefined || from < this.jamUntil || this.port.rx !== null || this.rxBuf.length > 0 || this.port.tx !== null) return from;
    let next = Infinity;
    if (this.hasWork) {
      next = Math.max(this.holdUntil, this.half ? Math.floor(this.lastCarrier + IFG_BYTES * this.cpb + 1) : 0);
    }
    next = Math.min(next, this.nextOffer);
    return Math.max(next, from);
  }
}
