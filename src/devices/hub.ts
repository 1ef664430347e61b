import { show } from '../bits/show.js';
import { optionsObject, type Clocked } from '../sim/kernel.js';
import { SimError } from '../sim/kernel.js';
import { Port, type Symbol } from '../link/port.js';
import { DEFAULT_TIMING, cyclesPerByte, type LinkTiming, type RateMbps } from '../link/timing.js';
import { JAM_BYTE } from './host.js';

/**
 * Options of a {@link Hub}.
 * @category Devices
 */
export interface HubOptions {
  /** Number of ports, 2..1024. */
  readonly ports: number;
  /** Port rate (all ports share it: one collision domain). @defaultValue 100 */
  readonly rate?: RateMbps;
  /** Cycle length. @defaultValue DEFAULT_TIMING */
  readonly timing?: LinkTiming;
  /**
   * Restore full amplitude on every port, as an IEEE 802.3 repeater hub does. By default the hub
   * copies what it receives without restoring amplitude (the passive hub the seed describes).
   * @defaultValue false
   */
  readonly regenerate?: boolean;
}

/**
 * Counters of one hub port: carrier bursts (frames or fragments) and bytes received and sent.
 * @category Devices
 */
export interface HubPortCounters {
  /** Carrier bursts received (frames, fragments, jam). */
  burstsIn: number;
  /** Bytes received. */
  bytesIn: number;
  /** Carrier bursts sent. */
  burstsOut: number;
  /** Bytes sent (jam included). */
  bytesOut: number;
}

/** Zeroed counters for `n` hub ports (both hub models). @internal */
export function hubPortCounters(n: number): HubPortCounters[] {
  return Array.from({ length: n }, () => ({ burstsIn: 0, bytesIn: 0, burstsOut: 0, bytesOut: 0 }));
}

/**
 * An N-port hub: one collision domain. Every symbol arriving on one port goes out on every other
 * port (never back to the sender), one cycle later, with no address filtering, so every station
 * sees every frame. When two or more ports receive at once the hub sends jam on every port, so
 * every station sees the collision.
 *
 * @remarks The default hub copies amplitude as received (the signal keeps weakening across hub and
 * cables); `regenerate: true` makes it an 802.3 repeater hub that restores amplitude. Jam lasts as
 * long as two inputs are active.
 * @spec IEEE 802.3-2022 §9.5 (repeater functions: signal restoration, collision jam), §27.3 (100 Mb/s repeater)
 * @example
 * ```ts
 * const hub = k.add(new Hub('hub', { ports: 4 }));
 * k.add(new Cable('c0', host0.port, hub.ports[0]!, { metres: 10 }, k.rng('c0')));
 * ```
 * @category Devices
 */
export class Hub implements Clocked {
  /** The ports. */
  readonly ports: readonly Port[];
  /** Cycles spent jamming because two or more ports received at once. */
  collisionCycles = 0;
  /** Collisions: separate episodes of two or more simultaneous inputs. */
  collisions = 0;
  /**
   * Per-port counters: carrier bursts (frames or fragments) and bytes received and sent.
   * Index = port number.
   */
  readonly portCounters: HubPortCounters[];
  private readonly carrierIn: boolean[];
  private readonly carrierOut: boolean[];
  private readonly cpb: number;
  private readonly regenerate: boolean;
  private staged: (Symbol | null)[];
  private jamStart = -1;
  private jamming = false;
  private stagedJam = false;
  /** Inputs as read in evaluate (commit must not read the ports: a cable may have updated them). */
  private readonly seen: (Symbol | null)[] = [];

  /** @throws {SimError} For a port count outside 2..1024 or a bad rate. */
  constructor(readonly name: string, options: HubOptions) {
    optionsObject(name, options);
    if (!Number.isInteger(options.ports) || options.ports < 2 || options.ports > 1024) throw new SimError('sim.bad-option', `${name}: ${show(options.ports)} ports (2..1024)`);
    this.ports = Array.from({ length: options.ports }, (_, i) => new Port(`${name}.port${i}`));
    for (const p of this.ports) p.owner = this;
    this.cpb = cyclesPerByte(options.rate ?? 100, options.timing ?? DEFAULT_TIMING);
    this.regenerate = options.regenerate === true;
    this.staged = new Array<Symbol | null>(options.ports).fill(null);
    this.portCounters = hubPortCounters(options.ports);
    this.carrierIn = new Array<boolean>(options.ports).fill(false);
    this.carrierOut = new Array<boolean>(options.ports).fill(false);
  }

  /** Reads every port and stages what each port sends. */
  evaluate(cycle: number): void {
    let active = -1;
    let count = 0;
    for (let i = 0; i < this.ports.length; i++) this.seen[i] = this.ports[i]!.rx;
    for (let i = 0; i < this.ports.length; i++) {
      if (this.ports[i]!.rx !== null) {
        count++;
        active = i;
      }
    }
    this.stagedJam = count >= 2;
    if (count >= 2) {
      const start = this.jamming ? this.jamStart : cycle;
      const jam: Symbol = { byte: JAM_BYTE, amplitude: 1, first: (cycle - start) % this.cpb === 0 };
      this.staged.fill(jam);
    } else if (count === 1) {
      const s = this.ports[active]!.rx!;
      const out: Symbol = this.regenerate ? { byte: s.byte, amplitude: 1, first: s.first } : s;
      this.staged.fill(out);
      this.staged[active] = null;
    } else {
      this.staged.fill(null);
    }
  }

  /** Publishes the outputs. */
  commit(cycle: number): void {
    if (this.stagedJam) {
      if (!this.jamming) {
        this.jamStart = cycle;
        this.collisions++;
      }
      this.collisionCycles++;
    }
    this.jamming = this.stagedJam;
    for (let i = 0; i < this.ports.length; i++) {
      const out = this.staged[i]!;
      const c = this.portCounters[i]!;
      const input = this.seen[i]!;
      if (input !== null && !this.carrierIn[i]) c.burstsIn++;
      if (input !== null && input.first) c.bytesIn++;
      this.carrierIn[i] = input !== null;
      if (out !== null && !this.carrierOut[i]) c.burstsOut++;
      if (out !== null && out.first) c.bytesOut++;
      this.carrierOut[i] = out !== null;
      this.ports[i]!.tx = out;
    }
  }

  /** The cables on this device's ports (the kernel's wake-ups). */
  *wakes(): Iterable<Clocked> {
    for (const p of this.ports) if (p.cable !== undefined) yield p.cable;
  }

  /** Work whenever any port receives or still sends. */
  nextEvent(from: number): number {
    for (const p of this.ports) if (p.rx !== null || p.tx !== null) return from;
    return Infinity;
  }
}
