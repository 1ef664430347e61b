import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Kernel, Rng, type Clocked } from '../../src/sim/index.js';

/**
 * Test components that follow the two-phase contract: nodes send messages at random cycles (from
 * their own random stream) over wires with fixed delays; every send and receive is traced.
 */
class Node implements Clocked {
  private out: string[] = [];
  private staged: string[] = [];
  private nextSend: number;
  private sent = 0;
  readonly inputs: Wire[] = [];
  constructor(readonly name: string, private readonly rng: Rng, private readonly trace: string[], private readonly maxSends: number) {
    this.nextSend = rng.int(0, 50);
  }
  outbox(): readonly string[] {
    return this.out;
  }
  evaluate(cycle: number): void {
    this.staged = [];
    for (const w of this.inputs) for (const m of w.arrived()) this.trace.push(`${cycle} ${this.name} recv ${m} via ${w.name}`);
    if (cycle === this.nextSend && this.sent < this.maxSends) this.staged.push(`${this.name}#${this.sent}`);
  }
  commit(cycle: number): void {
    this.out = this.staged;
    if (cycle === this.nextSend && this.sent < this.maxSends) {
      this.trace.push(`${cycle} ${this.name} send ${this.out[0]}`);
      this.sent++;
      this.nextSend = cycle + 1 + this.rng.int(0, 200);
    }
  }
  nextEvent(from: number): number {
    if (this.out.length > 0 || this.inputs.some((w) => w.arrived().length > 0)) return from;
    return this.sent < this.maxSends ? Math.max(this.nextSend, from) : Infinity;
  }
}

class Wire implements Clocked {
  private flight: { due: number; m: string }[] = [];
  private stagedFlight: { due: number; m: string }[] = [];
  private landed: string[] = [];
  private stagedLanded: string[] = [];
  constructor(readonly name: string, private readonly src: Node, private readonly delay: number) {}
  arrived(): readonly string[] {
    return this.landed;
  }
  evaluate(cycle: number): void {
    const keep = this.flight.filter((f) => f.due > cycle);
    this.stagedLanded = this.flight.filter((f) => f.due <= cycle).map((f) => f.m);
    this.stagedFlight = [...keep, ...this.src.outbox().map((m) => ({ due: cycle + this.delay, m }))];
  }
  commit(): void {
    this.flight = this.stagedFlight;
    this.landed = this.stagedLanded;
  }
  nextEvent(from: number): number {
    if (this.landed.length > 0 || this.src.outbox().length > 0) return from;
    let next = Infinity;
    for (const f of this.flight) next = Math.min(next, f.due);
    return Math.max(next, from);
  }
}

interface Topo {
  readonly nodes: number;
  readonly wires: readonly { from: number; to: number; delay: number }[];
  readonly seed: number;
  readonly cycles: number;
}

const topoArb: fc.Arbitrary<Topo> = fc.integer({ min: 2, max: 6 }).chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    wires: fc.array(fc.record({ from: fc.nat(nodes - 1), to: fc.nat(nodes - 1), delay: fc.integer({ min: 1, max: 30 }) }), { minLength: 1, maxLength: 10 }),
    seed: fc.integer(),
    cycles: fc.integer({ min: 0, max: 3000 }),
  }),
);

function simulate(t: Topo, opts: { skipIdle: boolean; order?: readonly number[]; extra?: boolean }): { trace: string[]; stepped: number; end: number } {
  const trace: string[] = [];
  const k = new Kernel({ seed: t.seed, skipIdle: opts.skipIdle });
  const nodes = Array.from({ length: t.nodes }, (_, i) => new Node(`n${i}`, k.rng(`n${i}`), trace, 5));
  const wires = t.wires.map((w, i) => {
    const wire = new Wire(`w${i}`, nodes[w.from]!, w.delay);
    nodes[w.to]!.inputs.push(wire);
    return wire;
  });
  const all: Clocked[] = [...nodes, ...wires];
  if (opts.extra === true) all.push(new Node('extra', k.rng('extra'), trace, 5));
  for (const i of opts.order ?? all.map((_, j) => j)) k.add(all[i]!);
  k.run({ cycles: t.cycles });
  // Sort within a cycle: the order of trace lines inside one phase is not part of the result.
  const sorted = [...trace].sort((a, b) => Number(a.split(' ')[0]) - Number(b.split(' ')[0]) || a.localeCompare(b));
  return { trace: sorted, stepped: k.stepped, end: k.cycle };
}

describe('sim kernel', () => {
  test.prop([topoArb])('SIM-SKIP-01: skipping idle cycles gives exactly the trace of stepping every cycle', (t) => {
    const every = simulate(t, { skipIdle: false });
    const skip = simulate(t, { skipIdle: true });
    expect(skip.trace).toEqual(every.trace);
    expect(skip.end).toBe(every.end);
    expect(skip.stepped).toBeLessThanOrEqual(every.stepped);
  });

  test.prop([topoArb.chain((t) => fc.tuple(fc.constant(t), fc.shuffledSubarray([...Array(t.nodes + t.wires.length).keys()], { minLength: t.nodes + t.wires.length })))])(
    'SIM-ORDER-01: shuffling the order of components never changes the trace',
    ([t, order]) => {
      expect(simulate(t, { skipIdle: true, order }).trace).toEqual(simulate(t, { skipIdle: true }).trace);
    },
  );

  test.prop([topoArb])('SIM-DET-01: the same seed gives the same trace; adding a component leaves the others\' random draws alone', (t) => {
    const a = simulate(t, { skipIdle: true });
    expect(simulate(t, { skipIdle: true }).trace).toEqual(a.trace);
    const withExtra = simulate(t, { skipIdle: true, extra: true });
    expect(withExtra.trace.filter((l) => !l.includes('extra'))).toEqual(a.trace.filter((l) => !l.includes('extra')));
  });
});
