import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Kernel } from '../../src/sim/index.js';
import { BROADCAST, Cable, CABLE, asMac, delayCycles, type Frame } from '../../src/link/index.js';
import { Host, Repeater } from '../../src/devices/index.js';

const A = asMac(0x0200_0000_0001);
const B = asMac(0x0200_0000_0002);
const frame = (src: typeof A, dst: typeof A, n: number, len = 46): Frame => ({ dst, src, type: 0x88b5, payload: new Uint8Array(len).fill(n & 0xff) });

function pair(metres: number, opts: { repeater?: boolean; skipIdle?: boolean; seed?: number; queueLimit?: number } = {}) {
  const k = new Kernel({ seed: opts.seed ?? 1, skipIdle: opts.skipIdle ?? true });
  const got: { at: number; host: string; frame: Frame }[] = [];
  const a = k.add(new Host('a', { mac: A, queueLimit: opts.queueLimit ?? 100, onReceive: (f, at) => got.push({ at, host: 'a', frame: f }) }));
  const b = k.add(new Host('b', { mac: B, queueLimit: opts.queueLimit ?? 100, onReceive: (f, at) => got.push({ at, host: 'b', frame: f }) }));
  if (opts.repeater === true) {
    const r = k.add(new Repeater('r', { latency: 2 }));
    k.add(new Cable('c1', a.port, r.ports[0], { metres: metres / 2 }, k.rng('c1')));
    k.add(new Cable('c2', r.ports[1], b.port, { metres: metres / 2 }, k.rng('c2')));
  } else {
    k.add(new Cable('c', a.port, b.port, { metres }, k.rng('c')));
  }
  return { k, a, b, got };
}

describe('layer 1: hosts, cables, repeater', () => {
  it('LINK-CABLE-01: a 64-byte frame at 100 Mb/s arrives one wire time (72 bytes × 10 cycles) plus the cable delay after it starts', () => {
    const { k, a, got } = pair(50);
    a.send(frame(A, B, 1));
    expect(k.run()).toBe('idle');
    const delay = delayCycles(50);
    expect(delay).toBe(32); // 250 ns at 8 ns per cycle, rounded up
    expect(got).toHaveLength(1);
    expect(got[0]!.at).toBe(72 * 10 + delay + 1);
    expect(got[0]!.frame.payload[0]).toBe(1);
    expect(a.counters.txFrames).toBe(1);
    expect(a.counters.txBytes).toBe(64);
  });

  it('LINK-CABLE-01: back-to-back frames keep the 96-bit inter-frame gap', () => {
    const { k, a, got } = pair(10);
    a.send(frame(A, B, 1));
    a.send(frame(A, B, 2));
    k.run();
    expect(got.map((g) => g.frame.payload[0])).toEqual([1, 2]);
    expect(got[1]!.at - got[0]!.at).toBe((72 + 12) * 10);
  });

  test.prop([fc.integer({ min: 1, max: 300 }), fc.integer()])('LINK-ATTEN-01: reception is clean up to the rated 100 m and fails beyond it without a repeater; a repeater in the middle makes 200 m clean', (metres, seed) => {
    const direct = pair(metres, { seed });
    direct.a.send(frame(A, B, 7, 100));
    direct.k.run();
    const clean = metres <= CABLE.ratedLength;
    expect(direct.got.length, `${metres} m direct`).toBe(clean ? 1 : 0);
    if (!clean) expect(direct.b.counters.drops['bad-fcs'] + direct.b.counters.drops['no-sfd'] + direct.b.counters.drops.runt + direct.b.counters.drops['bad-length'] + direct.b.counters.drops.giant).toBe(1);
    const withRepeater = pair(metres, { seed, repeater: true });
    withRepeater.a.send(frame(A, B, 7, 100));
    withRepeater.k.run();
    expect(withRepeater.got.length, `${metres} m with a repeater`).toBe(metres <= 2 * CABLE.ratedLength ? 1 : 0);
  });

  test.prop([
    fc.integer({ min: 1, max: 100 }),
    fc.array(fc.record({ from: fc.constantFrom('a', 'b'), at: fc.nat(20_000), len: fc.integer({ min: 46, max: 300 }), broadcast: fc.boolean() }), { maxLength: 40 }),
    fc.integer({ min: 0, max: 5 }),
  ])('SIM-CONS-01: every frame offered is delivered or counted as dropped with a reason; idle skipping changes nothing', (metres, offers, queueLimit) => {
    const run = (skipIdle: boolean) => {
      const p = pair(metres, { skipIdle, queueLimit });
      offers.forEach((o, i) => {
        const h = o.from === 'a' ? p.a : p.b;
        h.sendAt(o.at, frame(h.mac, o.broadcast ? BROADCAST : o.from === 'a' ? B : A, i, o.len));
      });
      p.k.run();
      return p;
    };
    const p = run(true);
    const delivered = p.got.length;
    const queueDrops = p.a.counters.drops['queue-full'] + p.b.counters.drops['queue-full'];
    const rxDrops = Object.entries(p.a.counters.drops).concat(Object.entries(p.b.counters.drops)).filter(([r]) => r !== 'queue-full').reduce((s, [, n]) => s + n, 0);
    expect(delivered + queueDrops + rxDrops).toBe(offers.length);
    expect(rxDrops).toBe(0);
    expect(p.a.counters.txFrames + p.b.counters.txFrames).toBe(delivered);
    const every = run(false);
    expect(every.got).toEqual(p.got);
    expect(every.k.cycle).toBe(p.k.cycle);
  });
});
