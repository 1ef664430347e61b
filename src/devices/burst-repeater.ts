import { show } from '../bits/show.js';
import { optionsObject, type Clocked } from '../sim/kernel.js';
import { SimError } from '../sim/kernel.js';
import { SegmentLine } from '../link/burst-cable.js';
import { BurstPort, byteStarts, shifted } from '../link/segment.js';

/**
 * The two-port {@link Repeater} in burst mode: each direction is a delay line of `latency` cycles
 * that restores full amplitude (corrupted bytes stay corrupted). Same counters, same values.
 *
 * @spec IEEE 802.3-2022 §9 (repeater unit for 10 Mb/s), §27 (repeater for 100 Mb/s baseband networks)
 * @example
 * ```ts
 * const r = k.add(new BurstRepeater('rep', { latency: 4 }));
 * k.add(new BurstCable('c1', a.port, r.ports[0], { metres: 90 }, k.rng('c1')));
 * ```
 * @category Devices
 */
export class BurstRepeater implements Clocked {
  /** Port 0 and port 1. */
  readonly ports: readonly [BurstPort, BurstPort];
  /** Symbols (bytes) regenerated, per direction (0 → 1, 1 → 0). */
  readonly regenerated = [0, 0];
  private readonly lines: [SegmentLine, SegmentLine];

  /** @throws {SimError} For a latency below 1 cycle. */
  constructor(readonly name: string, options: { readonly latency?: number } = {}) {
    optionsObject(name, options);
    const latency = options.latency ?? 1;
    if (!Number.isInteger(latency) || latency < 1) throw new SimError('sim.bad-option', `${name}: latency ${show(latency)} is not a positive integer`);
    const p: [BurstPort, BurstPort] = [new BurstPort(`${name}.port0`), new BurstPort(`${name}.port1`)];
    this.ports = p;
    for (const x of p) x.owner = this;
    const line = (d: 0 | 1): SegmentLine =>
      new SegmentLine(() => p[d].rx, (s, cycle) => p[1 - d]!.drive(s, cycle), latency, (s) => shifted(s, latency, true), (s, from, to) => {
        this.regenerated[d]! += byteStarts(s, from, to);
      });
    this.lines = [line(0), line(1)];
  }

  /** Reads each input side; stages what leaves the other side. */
  evaluate(cycle: number): void {
    this.lines[0].evaluate(cycle);
    this.lines[1].evaluate(cycle);
  }

  /** Publishes outputs. */
  commit(cycle: number): void {
    this.lines[0].commit(cycle, this.ports[1].tx);
    this.lines[1].commit(cycle, this.ports[0].tx);
  }

  /** The cables on this device's ports (the kernel's wake-ups). */
  *wakes(): Iterable<Clocked> {
    for (const p of this.ports) if (p.cable !== undefined) yield p.cable;
  }

  /** Work at the first cycle after an input changes, and when a delayed edge is due. */
  nextEvent(from: number): number {
    return Math.min(this.lines[0].pending(from), this.lines[1].pending(from));
  }
}
