import { show } from '../bits/show.js';
import { optionsObject, type Clocked } from '../sim/kernel.js';
import { SimError } from '../sim/kernel.js';
import { Port, type Symbol } from '../link/port.js';

/**
 * A two-port repeater: every symbol arriving on one port leaves on the other after a fixed latency,
 * regenerated to full amplitude and retimed to the same symbol boundaries. A frame that reached the
 * repeater above the receiver threshold therefore crosses the second segment intact, so a run too
 * long for one segment works with a repeater in the middle.
 *
 * @remarks Preamble restoration is trivial here: the model's preamble never shrinks on a cable, so
 * the repeater forwards it as received. Collision handling (jam to both sides) comes with half duplex.
 * @spec IEEE 802.3-2022 §9 (repeater unit for 10 Mb/s), §27 (repeater for 100 Mb/s baseband networks)
 * @example
 * ```ts
 * const r = k.add(new Repeater('rep', { latency: 4 }));
 * k.add(new Cable('c1', a.port, r.ports[0], { metres: 90 }, k.rng('c1')));
 * k.add(new Cable('c2', r.ports[1], b.port, { metres: 90 }, k.rng('c2')));
 * ```
 * @category Devices
 */
export class Repeater implements Clocked {
  /** Port 0 and port 1. */
  readonly ports: readonly [Port, Port];
  /** Symbols regenerated, per direction (0 → 1, 1 → 0). */
  readonly regenerated = [0, 0];
  private readonly latency: number;
  private readonly flight: { due: number; sym: Symbol }[][] = [[], []];
  private readonly staged: (Symbol | null)[] = [null, null];

  /** @throws {SimError} For a latency below 1 cycle. */
  constructor(readonly name: string, options: { readonly latency?: number } = {}) {
    optionsObject(name, options);
    this.latency = options.latency ?? 1;
    if (!Number.isInteger(this.latency) || this.latency < 1) throw new SimError('sim.bad-option', `${name}: latency ${show(this.latency)} is not a positive integer`);
    this.ports = [new Port(`${name}.port0`), new Port(`${name}.port1`)];
    for (const p of this.ports) p.owner = this;
  }

  evaluate(cycle: number): void {
    for (let d = 0; d < 2; d++) {
      const input = this.ports[d]!.rx;
      const q = this.flight[d]!;
      if (input !== null) q.push({ due: cycle - 1 + this.latency, sym: { byte: input.byte, amplitude: 1, first: input.first } });
      this.staged[d] = q.length > 0 && q[0]!.due <= cycle ? q.shift()!.sym : null;
    }
  }

  commit(): void {
    for (let d = 0; d < 2; d++) {
      const out = this.staged[d]!;
      if (out !== null && out.first) this.regenerated[d]!++;
      this.ports[1 - d]!.tx = out;
    }
  }

  /** The cables on this device's ports (the kernel's wake-ups). */
  *wakes(): Iterable<Clocked> {
    for (const p of this.ports) if (p.cable !== undefined) yield p.cable;
  }

  nextEvent(from: number): number {
    let next = Infinity;
    for (let d = 0; d < 2; d++) {
      if (this.ports[d]!.rx !== null || this.ports[d]!.tx !== null) return from;
      const q = this.flight[d]!;
      if (q.length > 0) next = Math.min(next, q[0]!.due);
    }
    return Math.max(next, from);
  }
}
