import { describe, expect, it } from 'vitest';
import { DEFAULT_AGEING_CYCLES, DEFAULT_AGEING_SECONDS, Fdb, secondsToCycles } from '../../../src/devices/index.js';
import { parseMac } from '../../../src/link/index.js';
import { expectSimError } from '../../helpers/arb-l2.js';

const A = parseMac('02:00:00:00:00:0a');
const B = parseMac('02:00:00:00:00:0b');
const C = parseMac('02:00:00:00:00:0c');

describe('Fdb', () => {
  it('FDB-LEARN-01: learns a source on its port, refreshes it there and moves it on a station move', () => {
    const fdb = new Fdb({ ageingCycles: 1000 });
    expect(fdb.lookup(0, A, 0)).toBeUndefined();
    expect(fdb.learn(0, A, 2, 0)).toBe('learned');
    expect(fdb.lookup(0, A, 1)).toBe(2);
    expect(fdb.learn(0, A, 2, 5)).toBe('refreshed');
    expect(fdb.learn(0, A, 3, 6)).toBe('moved');
    expect(fdb.lookup(0, A, 7)).toBe(3);
    expect(fdb.get(0, A, 7)).toEqual({ vid: 0, mac: A, port: 3, static: false, sticky: false, lastSeen: 6 });
    expect(fdb.counters).toEqual({ learned: 1, moved: 1, refused: 0, aged: 0 });
  });

  it('FDB-AGE-01: a dynamic entry is gone exactly the ageing time after it was last seen as a source; lookups do not refresh it', () => {
    const fdb = new Fdb({ ageingCycles: 1000 });
    fdb.learn(0, A, 1, 100);
    // Forwarding to A (a lookup) at 600 does not extend its life.
    expect(fdb.lookup(0, A, 600)).toBe(1);
    expect(fdb.lookup(0, A, 1099)).toBe(1);
    expect(fdb.lookup(0, A, 1100)).toBeUndefined();
    expect(fdb.counters.aged).toBe(1);
    // Seen again as a source: learned afresh, and it now lives until 1500 + 1000.
    expect(fdb.learn(0, A, 1, 1500)).toBe('learned');
    expect(fdb.learn(0, A, 1, 2000)).toBe('refreshed');
    expect(fdb.lookup(0, A, 2999)).toBe(1);
    expect(fdb.lookup(0, A, 3000)).toBeUndefined();
  });

  it('FDB-AGE-01: results do not depend on whether a sweep ran; an expired entry met by learn is learned afresh', () => {
    const swept = new Fdb({ ageingCycles: 50 });
    const lazy = new Fdb({ ageingCycles: 50 });
    for (const f of [swept, lazy]) {
      f.learn(0, A, 1, 0);
      f.learn(0, B, 2, 30);
    }
    expect(swept.sweep(60)).toBe(1);
    expect(swept.entries(60)).toEqual(lazy.entries(60));
    expect(lazy.entries(60).map((e) => e.mac)).toEqual([B]);
    // A's stale entry on port 1 is not "moved" to port 3: it expired, so it is learned again.
    expect(lazy.learn(0, A, 3, 60)).toBe('learned');
    expect(swept.learn(0, A, 3, 60)).toBe('learned');
    expect(lazy.counters).toEqual(swept.counters);
    expect(lazy.counters.moved).toBe(0);
  });

  it('FDB-AGE-02: ageing 0 disables learning; a new ageing time applies at once', () => {
    const fdb = new Fdb({ ageingCycles: 0 });
    expect(fdb.learn(0, A, 1, 0)).toBe('disabled');
    expect(fdb.lookup(0, A, 0)).toBeUndefined();
    expect(fdb.entries(0)).toEqual([]);
    fdb.setAgeing(1000, 0);
    expect(fdb.learn(0, A, 1, 10)).toBe('learned');
    expect(fdb.lookup(0, A, 500)).toBe(1);
    // Shortened (as STP does during a topology change): A, last seen at 10, is now too old.
    fdb.setAgeing(400, 500);
    expect(fdb.lookup(0, A, 500)).toBeUndefined();
    fdb.learn(0, B, 2, 500);
    fdb.setAgeing(0, 500);
    expect(fdb.lookup(0, B, 500)).toBeUndefined();
    expect(fdb.learn(0, B, 2, 500)).toBe('disabled');
    // Lengthening it again does not bring back what had expired (whether or not anyone looked).
    const g = new Fdb({ ageingCycles: 100 });
    g.learn(0, C, 3, 0);
    g.setAgeing(1000, 150);
    expect(g.lookup(0, C, 150)).toBeUndefined();
    expect(g.counters.aged).toBe(1);
  });

  it('FDB-AGE-02: with ageing 0 a static entry stays and does not move (learning does nothing at all)', () => {
    const fdb = new Fdb({ ageingCycles: 0, staticRoams: true });
    fdb.addStatic(0, A, 1);
    expect(fdb.learn(0, A, 2, 5)).toBe('disabled');
    expect(fdb.lookup(0, A, 1_000_000)).toBe(1);
  });

  it('FDB-AGE-03: the default ageing time is 300 s in 8 ns cycles; the helper converts for any cycle length', () => {
    expect(DEFAULT_AGEING_SECONDS).toBe(300);
    expect(DEFAULT_AGEING_CYCLES).toBe(37_500_000_000);
    expect(new Fdb().ageingCycles).toBe(37_500_000_000);
    expect(secondsToCycles(300, 10)).toBe(30_000_000_000);
    expect(secondsToCycles(0.5)).toBe(62_500_000);
    expect(secondsToCycles(1e-9, 8)).toBe(0);
    expectSimError(() => secondsToCycles(-1), 'sim.bad-option');
    expectSimError(() => secondsToCycles(1, 0), 'sim.bad-option');
    expectSimError(() => secondsToCycles(Infinity), 'sim.bad-option');
    expectSimError(() => secondsToCycles(1e300), 'sim.bad-option');
  });

  it('FDB-STATIC-01: static entries never age; a sticky entry never moves; without staticRoams no static entry moves', () => {
    const fdb = new Fdb({ ageingCycles: 10 });
    fdb.addStatic(0, A, 1);
    fdb.addStatic(0, B, 2, { sticky: true });
    expect(fdb.lookup(0, A, 1_000_000)).toBe(1);
    expect(fdb.learn(0, A, 3, 1_000_001)).toBe('static-kept');
    expect(fdb.learn(0, B, 3, 1_000_002)).toBe('static-kept');
    expect(fdb.learn(0, A, 1, 1_000_003)).toBe('refreshed');
    expect(fdb.sweep(9_000_000)).toBe(0);
    expect(fdb.entries(9_000_000).map((e) => [e.port, e.static, e.sticky])).toEqual([[1, true, false], [2, true, true]]);
    expect(fdb.counters.moved).toBe(0);
  });

  it('FDB-STATIC-02: with staticRoams a non-sticky static entry moves and stays static; a sticky one stays', () => {
    const fdb = new Fdb({ ageingCycles: 10, staticRoams: true });
    fdb.addStatic(0, A, 1);
    fdb.addStatic(0, B, 2, { sticky: true });
    expect(fdb.learn(0, A, 3, 5)).toBe('moved');
    expect(fdb.learn(0, B, 3, 5)).toBe('static-kept');
    expect(fdb.get(0, A, 1000)).toMatchObject({ port: 3, static: true, sticky: false });
    expect(fdb.lookup(0, B, 1000)).toBe(2);
  });

  it('FDB-STATIC-01: a static entry replaces a dynamic one and does not count against the limit', () => {
    const fdb = new Fdb({ ageingCycles: 100, limit: 1 });
    fdb.learn(0, A, 1, 0);
    fdb.addStatic(0, A, 2);
    expect(fdb.learn(0, B, 3, 1)).toBe('learned');
    expect(fdb.lookup(0, A, 500)).toBe(2);
    expect(fdb.remove(0, A, 500)).toBe(true);
    expect(fdb.remove(0, A, 500)).toBe(false);
    expect(fdb.remove(0, B, 500)).toBe(false); // B aged at 101
  });

  it('FDB-LIMIT-01: learns beyond the limit are refused and counted; aged entries free room', () => {
    const fdb = new Fdb({ ageingCycles: 100, limit: 2 });
    fdb.addStatic(0, parseMac('02:00:00:00:00:99'), 0);
    expect(fdb.learn(0, A, 1, 0)).toBe('learned');
    expect(fdb.learn(0, B, 1, 50)).toBe('learned');
    expect(fdb.learn(0, C, 1, 60)).toBe('full');
    expect(fdb.learn(0, C, 1, 99)).toBe('full');
    // Refreshing and moving existing entries still works when full.
    expect(fdb.learn(0, A, 2, 99)).toBe('moved');
    expect(fdb.counters.refused).toBe(2);
    // At 150 B (last seen 50) has aged: room for C even though nobody swept.
    expect(fdb.learn(0, C, 1, 150)).toBe('learned');
    expect(fdb.entries(150).map((e) => e.mac)).toEqual([A, C, parseMac('02:00:00:00:00:99')].sort((x, y) => x - y));
    expect(new Fdb({ limit: 0 }).learn(0, A, 0, 0)).toBe('full');
  });

  it('VLAN-FDB-01: the same address in two VLANs is two independent entries', () => {
    const fdb = new Fdb();
    fdb.learn(10, A, 1, 0);
    expect(fdb.lookup(20, A, 1)).toBeUndefined();
    fdb.learn(20, A, 2, 2);
    expect(fdb.lookup(10, A, 3)).toBe(1);
    expect(fdb.lookup(20, A, 3)).toBe(2);
    expect(fdb.counters.moved).toBe(0);
    expect(fdb.entries(3).map((e) => [e.vid, e.port])).toEqual([[10, 1], [20, 2]]);
  });

  it('FDB-LEARN-01: flush removes one port\'s dynamic entries, or every entry with scope all', () => {
    const fdb = new Fdb();
    fdb.learn(0, A, 1, 0);
    fdb.learn(0, B, 2, 0);
    fdb.addStatic(0, C, 1);
    expect(fdb.flush(1)).toBe(1);
    expect(fdb.entries(1).map((e) => e.mac)).toEqual([B, C]);
    expect(fdb.flush()).toBe(1);
    expect(fdb.entries(1).map((e) => e.mac)).toEqual([C]);
    expect(fdb.flush(undefined, 'all')).toBe(1);
    expect(fdb.entries(1)).toEqual([]);
    // The count of learned entries followed the flushes: the limit still works.
    const small = new Fdb({ limit: 1 });
    small.learn(0, A, 1, 0);
    small.flush(1);
    expect(small.learn(0, B, 1, 0)).toBe('learned');
  });

  it('FWD-CFG-01: bad VLAN IDs, ports, ageing times, limits and times going backwards are refused with stable codes', () => {
    const fdb = new Fdb();
    expectSimError(() => fdb.learn(4096, A, 1, 0), 'sim.bad-vlan');
    expectSimError(() => fdb.lookup(-1, A, 0), 'sim.bad-vlan');
    expectSimError(() => fdb.learn(0, A, -1, 0), 'sim.bad-option');
    expectSimError(() => fdb.learn(0, A, 1.5, 0), 'sim.bad-option');
    fdb.learn(0, A, 1, 100);
    expectSimError(() => fdb.lookup(0, A, 99), 'sim.bad-time');
    expectSimError(() => fdb.learn(0, A, 1, 0.5 + 100), 'sim.bad-time');
    expectSimError(() => new Fdb({ ageingCycles: -1 }), 'sim.bad-option');
    expectSimError(() => new Fdb({ limit: 1.5 }), 'sim.bad-option');
    expectSimError(() => fdb.setAgeing(Number.NaN, 100), 'sim.bad-option');
    expectSimError(() => fdb.setAgeing(5, 50), 'sim.bad-time');
  });
});
