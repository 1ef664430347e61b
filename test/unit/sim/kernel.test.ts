import { describe, expect, it } from 'vitest';
import { Kernel, Rng, SimError, streamSeed, type Clocked } from '../../../src/sim/index.js';

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
});
