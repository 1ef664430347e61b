import { describe, expect, it } from 'vitest';
import { Kernel, SimError, type Clocked } from '../../../src/sim/index.js';
import { BROADCAST, BurstCable, BurstPort, Cable, FrameCable, asMac, delayCycles, makeSegment } from '../../../src/link/index.js';
import { BurstHost, FrameHost, Host } from '../../../src/devices/index.js';
import { thrown } from '../../helpers/errors.js';

describe('cables of any length', () => {
  it('LINK-CABLE-01: a cable thousands of kilometres long is built and carries a frame in both modes (memory follows the symbols in flight, not the length); the weak frame is counted as dropped, the same way in both', () => {
    const run = (mode: 'symbol' | 'burst', metres: number) => {
      const k = new Kernel({ seed: 1 });
      const [H, C] = mode === 'burst' ? ([BurstHost, BurstCable] as const) : ([Host, Cable] as const);
      const got: number[] = [];
      const a = k.add(new H('a', { mac: asMac(1) }));
      const b = k.add(new H('b', { mac: asMac(2), onReceive: (_f, at) => got.push(at) }));
      const cable = C as unknown as new (...x: unknown[]) => Cable;
      const c = k.add(new cable('c', a.port, b.port, { metres }, k.rng('c')));
      a.send({ dst: BROADCAST, src: a.mac, type: 0x88b5, payload: new Uint8Array(46) });
      expect(k.run({ cycles: 2 ** 40 })).toBe('idle');
      return { delay: c.delay, drops: b.counters.drops, got };
    };
    for (const metres of [1e6, 1e9]) {
      const s = run('symbol', metres);
      const b = run('burst', metres);
      expect(s.delay).toBe(Math.ceil((metres * 5) / 8));
      expect(b).toEqual(s);
      expect(s.got).toEqual([]);
      expect(Object.values(s.drops).reduce((x, y) => x + y, 0)).toBe(1);
    }
    // Within the rated length the frame arrives, one cable delay plus its wire time after it starts.
    const near = run('symbol', 100);
    expect(near.got).toEqual([near.delay + (8 + 64) * 10 + 1]);
  });

  it('LINK-CABLE-01 SIM-CLOCK-01: a cable beyond the model\'s 10^12 m, or whose delay exceeds 2^40 cycles, is refused with sim.bad-length in every mode', () => {
    expect(delayCycles(1e12)).toBe(Math.ceil((1e12 * 5) / 8));
    const code = (f: () => unknown): string => thrown(f, SimError).code;
    expect(code(() => delayCycles(1e12 * (1 + 1e-9)))).toBe('sim.bad-length');
    expect(code(() => delayCycles(1e6, { cycleNs: 1e-9 }))).toBe('sim.bad-length'); // 5e15 cycles
    for (const C of [Cable, BurstCable, FrameCable] as unknown as (new (...x: unknown[]) => Cable)[]) {
      const k = new Kernel();
      const [a, b] = C === (FrameCable as unknown) ? [new FrameHost('a', { mac: asMac(1) }), new FrameHost('b', { mac: asMac(2) })] : C === (BurstCable as unknown) ? [new BurstHost('a', { mac: asMac(1) }), new BurstHost('b', { mac: asMac(2) })] : [new Host('a', { mac: asMac(1) }), new Host('b', { mac: asMac(2) })];
      expect(code(() => new C('c', a.port, b.port, { metres: 2e12 }, k.rng('c'))), C.name).toBe('sim.bad-length');
    }
  });

  it('LINK-BURST-01: a MAC sleeping through a burst that changes segment every cycle (a jabbering source) keeps a bounded log and still takes the burst in once', () => {
    const k = new Kernel({ seed: 1 });
    // A source that drives a new segment (jam bytes) at each of 300 cycles, then goes idle.
    const src = new BurstPort('jabber.port0');
    const jabber: Clocked = {
      name: 'jabber',
      evaluate() {},
      commit(c: number) {
        if (c < 300) src.drive(makeSegment(c, null, 0, 0, 0x90 + (c % 2), 10, 1, []), c);
        else if (c === 300) src.drive(null, c);
      },
      nextEvent: (from: number) => (from <= 300 ? from : Infinity),
      wakes: () => [],
    };
    src.owner = jabber;
    k.add(jabber);
    const h = k.add(new BurstHost('h', { mac: asMac(0x0200_0000_0001) }));
    k.add(new BurstCable('c', src, h.port, { metres: 10 }, k.rng('c')));
    let longest = 0;
    while (k.run({ cycles: 1 }) !== 'idle') longest = Math.max(longest, h.port.logCount);
    expect(longest).toBeGreaterThan(10); // it did sleep through most changes
    expect(longest).toBeLessThanOrEqual(64);
    expect(h.port.logCount).toBe(0);
    const drops = Object.values(h.counters.drops).reduce((a, b) => a + b, 0);
    expect(drops).toBe(1); // one burst without a frame in it, dropped once
  });
});
