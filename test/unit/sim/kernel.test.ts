import { describe, expect, it } from 'vitest';
import { Kernel, Rng, SimError, poke, streamSeed, type Clocked, type Wire } from '../../../src/sim/index.js';
import { BurstCable, Cable, asMac, type Frame } from '../../../src/link/index.js';
import { BurstHost, Host } from '../../../src/devices/index.js';
import { thrown } from '../../helpers/errors.js';

describe('Rng', () => {
  it('should give the reference xoshiro128** sequence for a known state and stay in range', () => {
    const a = new Rng(streamSeed(42, 'host0'));
    const b = new Rng(streamSeed(42, 'host0'));
    const xs = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(xs);
    expect(new Set(xs).size).toBe(5);
    expect(streamSeed(42, 'host0')).not.toBe(streamSeed(42, 'host1'));
    expect(streamSeed(42, 'host0')).not.toBe(streamSeed(43, 'host0'));
    const r = new Rng(1);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 4000; i++) counts[r.int(0, 3)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(() => r.int(3, 2)).toThrow(RangeError);
    expect(r.float()).toBeLessThan(1);
  });
});

describe('Kernel', () => {
  it('SIM-ORDER-01: should evaluate every component before committing any', () => {
    const log: string[] = [];
    const part = (name: string): Clocked => ({ name, evaluate: (c) => log.push(`e${c}${name}`), commit: (c) => log.push(`c${c}${name}`), nextEvent: (f) => f });
    const k = new Kernel();
    k.add(part('a'));
    k.add(part('b'));
    k.run({ cycles: 2 });
    expect(log).toEqual(['e0a', 'e0b', 'c0a', 'c0b', 'e1a', 'e1b', 'c1a', 'c1b']);
  });

  it('SIM-SKIP-01: should jump to the next event, stop when idle, and honour budgets and conditions', () => {
    let hits = 0;
    const at = [5, 1000];
    const timer: Clocked = {
      name: 't', evaluate: () => undefined, commit: (c) => { if (at.includes(c)) hits++; },
      nextEvent: (f) => at.find((x) => x >= f) ?? Infinity,
    };
    const k = new Kernel();
    k.add(timer);
    expect(k.run({ cycles: 100 })).toBe('cycles');
    expect(k.cycle).toBe(100);
    expect(k.stepped).toBe(1);
    expect(k.run()).toBe('idle');
    expect(hits).toBe(2);
    expect(k.cycle).toBe(1001);
    expect(k.stepped).toBe(2);
    const k2 = new Kernel({ skipIdle: false });
    k2.add({ ...timer, name: 'u' });
    expect(k2.run({ until: (kk) => kk.cycle > 7 })).toBe('condition');
    expect(k2.stepped).toBe(8);
  });

  it('should refuse duplicate names and bad budgets with a SimError', () => {
    const k = new Kernel();
    const c: Clocked = { name: 'x', evaluate: () => undefined, commit: () => undefined, nextEvent: () => Infinity };
    k.add(c);
    expect(() => k.add(c)).toThrow(SimError);
    expect(() => k.run({ cycles: -1 })).toThrow(/sim.bad-option/);
    expect(() => new Kernel({ seed: 0.5 })).toThrow(/sim.bad-option/);
  });

  for (const mode of ['symbol', 'burst'] as const) {
    it(`SIM-SKIP-01: a frame offered from another component's callback in the middle of a run is seen at once (poke), with or without idle skipping (${mode} mode)`, () => {
      const run = (skipIdle: boolean) => {
        const k = new Kernel({ seed: 1, skipIdle });
        const log: string[] = [];
        const [H, C] = mode === 'burst' ? ([BurstHost, BurstCable] as const) : ([Host, Cable] as const);
        const mk = (i: number, onReceive: (f: Frame, at: number) => void) => k.add(new H(`h${i}`, { mac: asMac(0x0200_0000_0000 + i), onReceive }));
        // b's receive callback makes a (another component, not being stepped) send the next frame.
        let a: Host | BurstHost | undefined;
        a = mk(0, (f, at) => log.push(`${at} a <- #${f.payload[0]}`));
        const b = mk(1, (f, at) => {
          log.push(`${at} b <- #${f.payload[0]}`);
          if (f.payload[0]! < 3) a!.send({ dst: b.mac, src: a!.mac, type: 0x88b5, payload: new Uint8Array(46).fill(f.payload[0]! + 1) });
        });
        const cable = C as unknown as new (...x: unknown[]) => Clocked;
        k.add(new cable('c', a.port, b.port, { metres: 20 }, k.rng('c')));
        a.sendAt(100, { dst: b.mac, src: a.mac, type: 0x88b5, payload: new Uint8Array(46).fill(0) });
        expect(k.run({ until: (kk) => kk.cycle > 1_000_000 })).toBe('idle');
        return log;
      };
      const fast = run(true);
      expect(fast.map((l) => l.split(' ').slice(1).join(' '))).toEqual(['b <- #0', 'b <- #1', 'b <- #2', 'b <- #3']);
      expect(run(false)).toEqual(fast);
    });
  }

  it('SIM-SKIP-01: a wire publishes at its due cycle without a step, its receiver sees the value from the next cycle, with or without idle skipping', () => {
    const run = (skipIdle: boolean) => {
      const k = new Kernel({ seed: 1, skipIdle });
      const seen: string[] = [];
      let value = 0;
      const queue: [number, number][] = [];
      // A receiver that records what its input showed whenever the input changed.
      const rx: Clocked = {
        name: 'rx',
        last: 0,
        evaluate(cycle: number) {
          if (value !== (this as unknown as { last: number }).last) seen.push(`${cycle}:${value}`);
        },
        commit() {
          (this as unknown as { last: number }).last = value;
        },
        nextEvent(from: number) {
          return value !== (this as unknown as { last: number }).last ? from : Infinity;
        },
        wakes: () => [],
      } as Clocked;
      const wire: Wire = {
        due: () => (queue.length > 0 ? queue[0]![0] : Infinity),
        fire(cycle: number) {
          const [at, v] = queue.shift()!;
          expect(cycle).toBe(at);
          value = v;
          poke(rx);
        },
      };
      const line: Clocked = { name: 'line', passive: true, evaluate() {}, commit() {}, nextEvent: () => Infinity, wires: () => [wire] };
      k.add(rx);
      k.add(line);
      queue.push([10, 1], [25, 2]);
      expect(k.run({ cycles: 20 })).toBe('cycles');
      expect(k.cycle).toBe(20);
      queue.push([40, 3]);
      wire.onSchedule?.();
      expect(k.run()).toBe('idle');
      return { seen, stepped: k.stepped };
    };
    const fast = run(true);
    expect(fast.seen).toEqual(['11:1', '26:2', '41:3']);
    expect(fast.stepped).toBe(3); // only the receiver's three steps: the wire costs none
    expect(run(false).seen).toEqual(fast.seen);
  });

  it('SIM-CLOCK-01: the clock stops at cycle 2^53 − 2: an event, budget or offer at or beyond it is refused with a typed error, and everything before it runs exactly', () => {
    const LAST = Number.MAX_SAFE_INTEGER - 2; // the last cycle that may be stepped
    const at = (when: number): Clocked => {
      const hits: number[] = [];
      return Object.assign({ name: 'p', hits, evaluate() {}, commit: (c: number) => hits.push(c), nextEvent: (f: number) => (f <= when ? when : Infinity) });
    };
    // An event on the last cycle runs, at exactly that cycle.
    const k1 = new Kernel();
    const p1 = k1.add(at(LAST)) as Clocked & { hits: number[] };
    expect(k1.run()).toBe('idle');
    expect(p1.hits).toEqual([LAST]);
    expect(k1.cycle).toBe(LAST + 1);
    // One beyond it is refused when the clock would reach it, and the clock stays where it was.
    const k2 = new Kernel();
    k2.add(at(LAST + 1));
    expect(thrown(() => k2.run(), SimError).code).toBe('sim.cycle-overflow');
    expect(k2.cycle).toBe(0);
    // The same for a wire's timed event, and when stepping every cycle.
    const k3 = new Kernel();
    const wire: Wire = { due: () => LAST + 1, fire() {} };
    k3.add({ name: 'line', passive: true, evaluate() {}, commit() {}, nextEvent: () => Infinity, wires: () => [wire] });
    expect(thrown(() => k3.run(), SimError).code).toBe('sim.cycle-overflow');
    const k4 = new Kernel({ skipIdle: false });
    k4.add(at(0));
    k4.cycle = LAST + 1;
    expect(thrown(() => k4.step(), SimError).code).toBe('sim.cycle-overflow');
    // A budget that would carry the clock past it, and offers at unusable cycles.
    expect(thrown(() => new Kernel().run({ cycles: 2 ** 53 }), SimError).code).toBe('sim.bad-option');
    const h = new Host('h', { mac: asMac(0x0200_0000_0001) });
    const f: Frame = { dst: asMac(0x0200_0000_0002), src: h.mac, type: 0x88b5, payload: new Uint8Array(46) };
    for (const c of [-1, 1.5, Number.NaN, LAST + 1, 2 ** 60]) expect(thrown(() => h.sendAt(c, f), SimError).code, `offer at ${c}`).toBe('sim.bad-cycle');
    expect(() => h.sendAt(LAST, f)).not.toThrow();
  });
});
