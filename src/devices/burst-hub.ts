import { show } from '../bits/show.js';
import { optionsObject, type Clocked } from '../sim/kernel.js';
import { SimError } from '../sim/kernel.js';
import { BurstPort, byteStarts, makeSegment, shifted, type Segment } from '../link/segment.js';

const NO_NOISE: readonly never[] = [];
import { DEFAULT_TIMING, cyclesPerByte } from '../link/timing.js';
import { JAM_BYTE } from './host.js';
import { hubPortCounters, type HubOptions, type HubPortCounters } from './hub.js';

/**
 * The {@link Hub} in burst mode: one collision domain; what arrives on one port leaves on every
 * other port one cycle later; two or more inputs at once make it send jam on every port for as long
 * as they overlap. It acts only when an input changes, and keeps the same counters as the symbol
 * hub, with the same values.
 *
 * @spec IEEE 802.3-2022 §9.5 (repeater functions: signal restoration, collision jam), §27.3 (100 Mb/s repeater)
 * @example
 * ```ts
 * const hub = k.add(new BurstHub('hub', { ports: 4 }));
 * k.add(new BurstCable('c0', host0.port, hub.ports[0]!, { metres: 10 }, k.rng('c0')));
 * ```
 * @category Devices
 */
export class BurstHub implements Clocked {
  /** The ports. */
  readonly ports: readonly BurstPort[];
  /** Cycles spent jamming because two or more ports received at once. */
  collisionCycles = 0;
  /** Collisions: separate episodes of two or more simultaneous inputs. */
  collisions = 0;
  /** Per-port counters, as {@link Hub.portCounters}. */
  readonly portCounters: HubPortCounters[];
  private readonly cpb: number;
  private readonly regenerate: boolean;
  /** Inputs as last acted on, and since which (committed) cycle. */
  private readonly inSeen: (Segment | null)[];
  private readonly inSince: number[];
  private readonly outSince: number[];
  private readonly staged: (Segment | null)[];
  private changed = false;
  private jam: Segment | null = null;
  private jamSince = 0;
  private stagedJam: Segment | null = null;

  /** @throws {SimError} For a port count outside 2..1024 or a bad rate. */
  constructor(readonly name: string, options: HubOptions) {
    optionsObject(name, options);
    if (!Number.isInteger(options.ports) || options.ports < 2 || options.ports > 1024) throw new SimError('sim.bad-option', `${name}: ${show(options.ports)} ports (2..1024)`);
    const n = options.ports;
    this.ports = Array.from({ length: n }, (_, i) => new BurstPort(`${name}.port${i}`));
    for (const p of this.ports) p.owner = this;
    this.cpb = cyclesPerByte(options.rate ?? 100, options.timing ?? DEFAULT_TIMING);
    this.regenerate = options.regenerate === true;
    this.portCounters = hubPortCounters(n);
    this.inSeen = new Array<Segment | null>(n).fill(null);
    this.inSince = new Array<number>(n).fill(0);
    this.outSince = new Array<number>(n).fill(0);
    this.staged = new Array<Segment | null>(n).fill(null);
  }

  /** When an input changed: stages every port's output. */
  evaluate(cycle: number): void {
    this.changed = false;
    let count = 0;
    let active = -1;
    for (let i = 0; i < this.ports.length; i++) {
      const rx = this.ports[i]!.rx;
      if (rx !== this.inSeen[i]) this.changed = true;
      if (rx !== null) {
        count++;
        active = i;
      }
    }
    if (!this.changed) return;
    if (count >= 2) {
      this.stagedJam = this.jam ?? makeSegment(cycle, null, 0, 0, JAM_BYTE, this.cpb, 1, NO_NOISE);
      this.staged.fill(this.stagedJam);
    } else {
      this.stagedJam = null;
      if (count === 1) {
        this.staged.fill(shifted(this.ports[active]!.rx!, 1, this.regenerate));
        this.staged[active] = null;
      } else {
        this.staged.fill(null);
      }
    }
  }

  /** Publishes the outputs that change, and updates the counters of the pieces that ended. */
  commit(cycle: number): void {
    if (!this.changed) return;
    if (this.stagedJam !== this.jam) {
      if (this.jam !== null) this.collisionCycles += cycle - this.jamSince;
      else this.collisions++;
      if (this.stagedJam !== null && this.jam === null) this.jamSince = cycle;
      this.jam = this.stagedJam;
    }
    for (let i = 0; i < this.ports.length; i++) {
      const p = this.ports[i]!;
      const c = this.portCounters[i]!;
      const rx = p.rx;
      const was = this.inSeen[i]!;
      if (rx !== was) {
        // The input changed at cycle − 1; the symbol hub counts inputs one cycle after they arrive.
        if (was !== null) c.bytesIn += byteStarts(was, this.inSince[i]!, cycle - 1);
        else c.burstsIn++;
        this.inSeen[i] = rx;
        this.inSince[i] = cycle - 1;
      }
      const out = this.staged[i]!;
      const prev = p.tx;
      if (out !== prev) {
        if (prev !== null) c.bytesOut += byteStarts(prev, this.outSince[i]!, cycle);
        else c.burstsOut++;
        this.outSince[i] = cycle;
        p.drive(out, cycle);
      }
    }
  }

  /** The cables on this device's ports (the kernel's wake-ups). */
  *wakes(): Iterable<Clocked> {
    for (const p of this.ports) if (p.cable !== undefined) yield p.cable;
  }

  /** Work at the first cycle after any input changes. */
  nextEvent(from: number): number {
    for (let i = 0; i < this.ports.length; i++) if (this.ports[i]!.rx !== this.inSeen[i]) return from;
    return Infinity;
  }
}
