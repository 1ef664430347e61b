import { optionsObject, SimError, type Clocked, type Wire } from '../sim/kernel.js';
import { FramePort } from '../link/frame-cable.js';
import { StationBase, type HostOptions } from './host.js';

/**
 * An Ethernet host in frame mode: the same MAC as {@link Host} and {@link BurstHost} (queue,
 * receive filter, counters, events), full duplex only, with each frame's start and end computed
 * instead of stepped. It is a {@link Wire} the kernel runs as timed events: an offer falling due, a
 * transmission starting, one ending, a frame arriving. Each happens at the cycle, and in the order
 * within a cycle, that burst mode gives it (a property checks it), so frame mode is burst mode's
 * timing at a few events per frame.
 *
 * @remarks Half duplex (CSMA/CD), hubs and repeaters need the carrier on the wire, which frame mode
 * does not model: use burst mode for them.
 * @spec IEEE 802.3-2022 §4.1 (half and full duplex operation: full duplex defers to no received
 * carrier), §4.2 (MAC frame transmission and reception), §4.4.2 (interFrameGap)
 * @example
 * ```ts
 * const a = k.add(new FrameHost('a', { mac: parseMac('02:00:00:00:00:01') }));
 * a.send({ dst: BROADCAST, src: a.mac, type: 0x88b5, payload: new Uint8Array(46) });
 * ```
 * @category Devices
 */
export class FrameHost extends StationBase implements Clocked, Wire {
  /** The host's port. */
  readonly port: FramePort;
  /** Never stepped: the kernel runs it as a timed event (see {@link FrameHost.wires}). */
  readonly passive = true;
  /** Set by the kernel. */
  onSchedule: (() => void) | undefined;
  /** Set by the kernel. */
  now: (() => number) | undefined;
  /** Cycle the next transmission starts, or Infinity. */
  private startAt = Infinity;
  /** Cycle of the last symbol of the transmission in progress, or Infinity. */
  private doneAt = Infinity;
  /** The cycle the kernel holds for this MAC (its last `due()`), and whether it is firing now. */
  private held = Infinity;
  private firing = false;

  /** @throws {SimError} `sim.bad-option` for half duplex, a bad rate or queue limit. */
  constructor(name: string, options: HostOptions) {
    optionsObject(name, options);
    if (options.duplex === 'half') throw new SimError('sim.bad-option', `${name}: frame mode is full duplex only (use burst mode for CSMA/CD)`);
    if (options.onHeader !== undefined) throw new SimError('sim.bad-option', `${name}: frame mode does not relay cut-through (use burst mode)`);
    super(name, options);
    this.port = new FramePort(`${name}.port0`);
    this.port.owner = this;
    this.port.onArrival = (due) => this.reschedule(due);
    this.port.clock = () => this.now?.() ?? this.clock;
  }

  /** Whether a frame is being sent. */
  protected get sending(): boolean {
    return this.doneAt !== Infinity;
  }

  /** Nothing: never stepped. */
  evaluate(): void {}

  /** Nothing: never stepped. */
  commit(): void {}

  /** Never any stepped work: its events are timed (see {@link FrameHost.due}). */
  nextEvent(): number {
    return Infinity;
  }

  /** Itself: the kernel runs its events. */
  wires(): Iterable<Wire> {
    return [this];
  }

  /** The next event: an offer, a start, an end, or an arrival. */
  due(): number {
    const a = this.nextOffer;
    const b = this.startAt < this.doneAt ? this.startAt : this.doneAt;
    const c = this.port.nextArrival;
    this.held = a < b ? (a < c ? a : c) : b < c ? b : c;
    return this.held;
  }

  /** A new event at `cycle`: the kernel is told only if it is earlier than what it holds (and not while firing: it asks after). */
  private reschedule(cycle: number): void {
    if (cycle < this.held && !this.firing) this.onSchedule?.();
  }

  /**
   * The events of `cycle`, in the order a burst-mode MAC commits them: offers admitted, then the
   * transmission's start or end, then the frame arriving.
   */
  fire(cycle: number): void {
    this.firing = true;
    if (this.nextOffer <= cycle) this.admitScheduled(cycle);
    else this.clock = cycle;
    if (this.startAt === cycle) {
      const p = this.beginAttempt(cycle);
      const cycles = p.symbols * this.cpb;
      this.startAt = Infinity;
      this.doneAt = cycle + cycles - 1;
      this.port.transmit(p.bytes, cycle, cycles, this.cpb);
    } else if (this.doneAt === cycle) {
      this.finished(cycle);
      this.doneAt = Infinity;
      if (this.queued > 0) this.startAt = this.holdUntil;
    }
    const port = this.port;
    while (port.nextArrival === cycle) {
      const frame = port.take();
      const wire = port.takenWire;
      if (wire === null) this.receivedFrame(frame, cycle, true);
      else this.received(wire, cycle);
    }
    this.firing = false;
  }

  /** Queues the frame as the other modes do; an idle MAC starts it once the gap is over, from the next cycle on. @internal */
  override sendOwned(bytes: Uint8Array): boolean {
    const ok = super.sendOwned(bytes);
    if (ok && this.startAt === Infinity && this.doneAt === Infinity) {
      const now = this.now?.() ?? this.clock;
      this.startAt = this.holdUntil > now ? this.holdUntil : now;
      this.reschedule(this.startAt);
    }
    return ok;
  }

  /** Offers at a future cycle, as {@link Host.sendAt}. @throws {RangeError} As {@link Host.send}. */
  override sendAt(cycle: number, frame: Parameters<StationBase['sendAt']>[1]): void {
    super.sendAt(cycle, frame);
    this.reschedule(cycle);
  }
}
