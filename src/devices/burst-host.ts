import type { Clocked } from '../sim/kernel.js';
import { BurstPort, byteRange, makeSegment, segmentByte, type Segment } from '../link/segment.js';

const NO_NOISE: readonly never[] = [];
import { EXTENSION } from '../link/port.js';
import { FRAME } from '../link/frame.js';
import { IFG_BYTES, JAM_BYTE, StationBase, headerLength, parseHeader, type HostOptions, type RelaySource } from './host.js';

/** Port changes a sleeping MAC lets pile up before it steps to take them in (memory stays bounded). */
const RX_LOG_LIMIT = 64;

/**
 * Whether `seg`, shown over cycles `[from, to)`, delivered a whole noise-free frame: every byte from
 * the preamble's first to the last (carrier extension included), and nothing else.
 */
function isIntact(seg: Segment, from: number, to: number): boolean {
  if (seg.bytes === null || seg.noise.length !== 0 || seg.pre !== FRAME.preambleSfd) return false;
  const a = Math.max(0, Math.ceil((from - seg.base) / seg.cpb));
  const b = Math.max(a, Math.ceil((to - seg.base) / seg.cpb));
  return a === 0 && b === FRAME.preambleSfd + seg.bytes.length + seg.ext;
}

/**
 * An Ethernet host in burst mode: the same MAC as {@link Host} (queue, CSMA/CD, backoff, receive
 * filter, counters), driving its port with whole segments instead of one symbol per cycle. It is
 * evaluated only at edges: a transmission starting or ending, jam ending, a backoff or gap
 * running out, an offer falling due, or a change of what reaches its port. Given the same inputs it
 * does exactly what the symbol-mode host does, cycle for cycle, at frame level (a property checks it).
 *
 * @spec IEEE 802.3-2022 §4.2 (MAC frame transmission and reception), §4.2.3.2 (deference),
 * §4.2.3.2.5 (collision handling and backoff), §4.4.2 (parameters)
 * @example
 * ```ts
 * const a = k.add(new BurstHost('a', { mac: parseMac('02:00:00:00:00:01'), duplex: 'half', rng: k.rng('a') }));
 * a.send({ dst: BROADCAST, src: a.mac, type: 0x88b5, payload: new Uint8Array(46) });
 * ```
 * @category Devices
 */
export class BurstHost extends StationBase implements Clocked {
  /** The host's port. */
  readonly port: BurstPort;
  /** Start of the transmission in progress, or undefined. */
  private txStart: number | undefined;
  /** The segment being received and the cycle it appeared on the port (committed). */
  private rxSeg: Segment | null = null;
  private rxSince = 0;
  /** Pieces of the carrier burst being received (a burst may change segment without a gap). */
  private readonly pieces: { seg: Segment; from: number; to: number }[] = [];
  /** Last cycle at which carrier was still seen (as the symbol host's `lastCarrier`). */
  private lastCarrier = -Infinity;
  // Staged by evaluate, applied by commit.
  private stagedTx: Segment | null | undefined;
  private stagedEvent: 'none' | 'start' | 'collision' | 'done' = 'none';
  /**
   * Whether the port changed since this MAC last stepped, how many changes it logged (a MAC with
   * nothing to do at a burst's start takes the start in later, with every change since, in order),
   * and the cycle of the last.
   */
  private rxChanged = false;
  private rxTake = 0;
  private rxNewFrom = 0;
  /** Cut-through: the evaluate cycle at which the arriving frame's header is complete, and its length. */
  private headerAt: number | undefined;
  private headerLen = 0;
  private headerFirst = 0;
  private headerDue = false;
  /** The arriving frame as a relay source, once its header was announced. */
  private rxSource: RelaySource | undefined;
  private relayOn = false;
  private relayEnd = false;

  /** @throws {SimError} For a bad rate or queue limit, or half duplex without a random stream. */
  constructor(name: string, options: HostOptions) {
    super(name, options);
    this.port = new BurstPort(`${name}.port0`);
    this.port.owner = this;
    this.port.keepLog = true;
  }


  /** Whether a frame or jam is being sent. */
  protected get sending(): boolean {
    return this.txStart !== undefined || this.port.tx !== null;
  }

  /** Reads the port and stages the change at this cycle, if any. */
  evaluate(cycle: number): void {
    const p = this.port;
    const rx = p.rx;
    // The changes logged since the last step (the last one is `rx`, from rxFrom) are taken in at commit.
    this.rxTake = p.logCount;
    this.rxChanged = this.rxTake > 0;
    this.rxNewFrom = p.rxFrom;
    this.headerDue = this.headerAt === cycle && !this.rxChanged;
    this.stagedTx = undefined;
    this.stagedEvent = 'none';
    this.relayEnd = false;
    const relay = this.relaySrc;
    if (relay !== undefined) {
      if (!this.relayOn && cycle >= this.relayStart) {
        const s = relay.seg!;
        this.stagedTx = makeSegment(this.relayStart - relay.first * s.cpb, s.bytes, s.pre, s.ext, s.jam, s.cpb, 1, s.noise);
      }
      // The last symbol: the relay ends here and the wire is idle from the next cycle.
      if (relay.done && cycle + 1 >= this.relayStart + relay.length * relay.seg!.cpb) this.relayEnd = true;
      return;
    }
    if (cycle < this.jamUntil) return;
    if (this.txStart !== undefined) {
      if (this.half && rx !== null) {
        this.stagedEvent = 'collision';
        this.stagedTx = makeSegment(cycle, null, 0, 0, JAM_BYTE, this.cpb, 1, NO_NOISE);
      } else if (cycle + 1 >= this.txStart + this.pending!.symbols * this.cpb) {
        this.stagedEvent = 'done';
      }
    } else if (this.canStart(cycle, rx)) {
      this.stagedEvent = 'start';
    } else if (this.port.tx !== null) {
      this.stagedTx = null;
    }
  }

  private canStart(cycle: number, rx: Segment | null): boolean {
    if (!this.hasWork || cycle < this.holdUntil || this.relaySrc !== undefined) return false;
    if (!this.half) return true;
    // Carrier last seen: at the cycle before the port went idle, if that is news; now, if busy.
    const lastCarrier = this.rxChanged && rx === null ? this.rxNewFrom : rx !== null ? cycle : this.lastCarrier;
    return rx === null && cycle > lastCarrier + IFG_BYTES * this.cpb;
  }

  /** Applies the staged change. */
  commit(cycle: number): void {
    this.admitScheduled(cycle);
    switch (this.stagedEvent) {
      case 'start': {
        const p = this.beginAttempt(cycle);
        this.txStart = cycle;
        const ext = p.symbols - FRAME.preambleSfd - p.bytes.length;
        this.stagedTx = makeSegment(cycle, p.bytes, FRAME.preambleSfd, ext, JAM_BYTE, this.cpb, 1, NO_NOISE);
        break;
      }
      case 'collision':
        this.collided(cycle, this.txStart!);
        this.txStart = undefined;
        break;
      case 'done':
        this.finished(cycle);
        this.txStart = undefined;
        // The segment's last symbol goes out now; the wire is idle from the next cycle. Telling the
        // cable now saves stepping this host again just to say so.
        this.port.drive(null, cycle + 1);
        break;
      case 'none':
        break;
    }
    if (this.relaySrc !== undefined && this.stagedTx !== undefined && this.stagedTx !== null) {
      this.relayOn = true;
      this.relayStarted(cycle);
    }
    if (this.stagedTx !== undefined) this.port.drive(this.stagedTx, cycle);
    if (this.relayEnd) {
      this.relayFinished(cycle);
      this.relayOn = false;
      this.port.drive(null, cycle + 1);
    }
    if (this.headerDue) {
      this.headerAt = undefined;
      const seg = this.rxSeg!;
      const first = this.headerFirst;
      const src: RelaySource = { bytes: [], seg, done: false, length: 0, onDone: undefined, first };
      this.rxSource = src;
      this.options.onHeader!(parseHeader((i) => segmentByte(seg, first + i), this.headerLen), cycle, src);
    }
    if (this.rxChanged) {
      const p = this.port;
      for (let k = 0; k < this.rxTake; k++) this.rxEdge(p.logSeg[k]!, p.logFrom[k]!, cycle);
      p.taken(this.rxTake);
    }
  }

  /** The port shows `now` from cycle `at` on; the value before showed over [rxSince, at). */
  private rxEdge(now: Segment | null, at: number, cycle: number): void {
    {
      const was = this.rxSeg;
      if (this.headerAt !== undefined && cycle <= this.headerAt) this.headerAt = undefined; // the frame broke off inside its header
      // A burst that was one intact frame, now ended, is taken whole (no piece, no copy).
      const whole = was !== null && now === null && this.pieces.length === 0 && isIntact(was, this.rxSince, at) ? was.bytes : null;
      if (was !== null) {
        if (whole === null) this.pieces.push({ seg: was, from: this.rxSince, to: at });
        if (now === null) this.lastCarrier = at;
        const src = this.rxSource;
        if (src !== undefined) {
          const [a, b] = byteRange(was, this.rxSince, at);
          src.done = true;
          src.length = b - a;
          this.rxSource = undefined;
          src.onDone?.();
        }
      } else if (now !== null && this.options.onHeader !== undefined) {
        // A burst starts: when will its header be in (as the symbol-mode MAC latches it)?
        const seg = now;
        const [a] = byteRange(seg, at, Infinity);
        const len = headerLength((i) => segmentByte(seg, a + i));
        if (len > 0) {
          this.headerAt = seg.base + (a + FRAME.preambleSfd + len - 1) * seg.cpb + 1;
          this.headerLen = len;
          this.headerFirst = a;
        }
      }
      this.rxSeg = now;
      this.rxSince = at;
      if (whole !== null) {
        this.receivedFrame(whole, cycle, true);
      } else if (now === null && this.pieces.length > 0) {
        const wire = this.assemble();
        if (wire.length > 0) this.received(wire, cycle); // a blip shorter than a byte leaves nothing, as in symbol mode
      }
    }
  }

  /** The bytes of the burst just ended, from its pieces. */
  private assemble(): Uint8Array {
    const pieces = this.pieces;
    let total = 0;
    for (const { seg, from, to } of pieces) {
      const [a, b] = byteRange(seg, from, to);
      total += b - a;
    }
    const out = new Uint8Array(total);
    let n = 0;
    for (const { seg, from, to } of pieces) {
      const [a, b] = byteRange(seg, from, to);
      for (let i = a; i < b; i++) {
        const byte = segmentByte(seg, i);
        if (byte < EXTENSION) out[n++] = byte; // carrier extension is not part of the frame
      }
    }
    pieces.length = 0;
    return n === total ? out : out.subarray(0, n);
  }

  /** Edges only: the next change of the port, the end of the transmission or jam, the next allowed start, the next offer. */
  nextEvent(from: number): number {
    const p = this.port;
    if (p.logCount > 0) {
      // A MAC without a header hook that cannot collide (full duplex, or half duplex and not
      // sending) has nothing to do while a burst goes on: it takes every change in, in order, when
      // the burst ends (the port goes idle) or at its next step for any other reason. Its deferral
      // needs only the end.
      // The log stays short: past RX_LOG_LIMIT changes in one burst (a jabbering source), it steps anyway.
      const lazy = p.rx !== null && p.logCount < RX_LOG_LIMIT && this.options.onHeader === undefined && (!this.half || (!this.sending && this.relaySrc === undefined));
      if (!lazy) return from;
    }
    let next = this.headerAt ?? Infinity;
    const relay = this.relaySrc;
    if (relay !== undefined) {
      if (!this.relayOn) next = Math.min(next, this.relayStart);
      else if (relay.done) next = Math.min(next, this.relayStart + relay.length * relay.seg!.cpb - 1);
      return Math.max(Math.min(next, this.nextOffer), from);
    }
    if (from < this.jamUntil) next = Math.min(next, this.jamUntil);
    else if (this.txStart !== undefined) next = Math.min(next, this.txStart + this.pending!.symbols * this.cpb - 1);
    else if (this.port.tx !== null) return from;
    else if (this.hasWork && !(this.half && p.rx !== null)) next = Math.min(next, Math.max(this.holdUntil, this.half ? Math.floor(this.lastCarrier + IFG_BYTES * this.cpb + 1) : 0));
    next = Math.min(next, this.nextOffer);
    return Math.max(next, from);
  }
}
