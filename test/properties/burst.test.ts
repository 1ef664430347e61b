import { afterAll, describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { asMac, formatMac, BROADCAST, type Frame, type Mac } from '../../src/link/index.js';
import { BurstTap, PortTap, buildBurstTopology, buildTopology, type BurstTopology, type HostEvent, type LinkDef, type NodeDef, type Topology, type TopologyDef } from '../../src/devices/index.js';

const mac = (i: number): Mac => asMac(0x0200_0000_0000 + i);

interface Offer { readonly host: number; readonly at: number; readonly dst: number; readonly len: number }
interface Scenario { readonly def: TopologyDef; readonly offers: readonly Offer[]; readonly hosts: number }

/** Random small layer-1 networks: hosts on one or two hubs (joined directly or by a repeater), or two hosts point to point. */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    shape: fc.constantFrom('hub', 'two-hubs', 'p2p'),
    hosts: fc.integer({ min: 2, max: 6 }),
    regenerate: fc.boolean(),
    repeater: fc.boolean(),
    duplex: fc.constantFrom('full', 'half'),
    lengths: fc.array(fc.oneof({ arbitrary: fc.integer({ min: 0, max: 49 }), weight: 6 }, { arbitrary: fc.integer({ min: 0, max: 160 }), weight: 1 }), { minLength: 8, maxLength: 8 }),
    seed: fc.integer(),
    rate: fc.constantFrom(10, 100, 1000),
    offers: fc.array(fc.record({ host: fc.nat(5), at: fc.oneof(fc.nat(4000), fc.constantFrom(0, 1, 10, 100)), dst: fc.integer({ min: -1, max: 5 }), len: fc.integer({ min: 0, max: 120 }) }), { maxLength: 16 }),
  })
  .map((r) => {
    const n = r.shape === 'p2p' ? 2 : r.hosts;
    const nodes: NodeDef[] = Array.from({ length: n }, (_, i) => ({ kind: 'host', name: `h${i}`, mac: formatMac(mac(i)), ...(r.shape === 'p2p' ? { duplex: r.duplex } : {}) }) as NodeDef);
    const links: LinkDef[] = [];
    const len = (i: number): number => r.lengths[i % r.lengths.length]!;
    if (r.shape === 'p2p') {
      if (r.repeater) {
        nodes.push({ kind: 'repeater', name: 'rep', latency: 1 + (len(7) % 5) });
        links.push({ a: 'h0', b: 'rep.0', metres: len(0) }, { a: 'rep.1', b: 'h1', metres: len(1) });
      } else {
        links.push({ a: 'h0', b: 'h1', metres: len(0) });
      }
    } else {
      const hubs = r.shape === 'hub' ? 1 : 2;
      for (let h = 0; h < hubs; h++) nodes.push({ kind: 'hub', name: `hub${h}`, ports: n + 1, regenerate: r.regenerate });
      for (let i = 0; i < n; i++) links.push({ a: `h${i}`, b: `hub${i % hubs}.${i}`, metres: len(i) });
      if (hubs === 2) {
        if (r.repeater) {
          nodes.push({ kind: 'repeater', name: 'rep', latency: 1 + (len(7) % 5) });
          links.push({ a: `hub0.${n}`, b: 'rep.0', metres: len(6) }, { a: 'rep.1', b: `hub1.${n}`, metres: len(7) });
        } else {
          links.push({ a: `hub0.${n}`, b: `hub1.${n}`, metres: len(6) });
        }
      }
    }
    const offers = r.offers.filter((o) => o.host < n).map((o) => ({ ...o, dst: o.dst >= n ? -1 : o.dst }));
    return { def: { seed: r.seed, rate: r.rate as 10 | 100 | 1000, nodes, links }, offers, hosts: n };
  });

const frame = (o: Offer, seq: number): Frame => ({
  dst: o.dst < 0 ? BROADCAST : mac(o.dst),
  src: mac(o.host),
  type: 0x88b5,
  payload: Uint8Array.from({ length: 46 + o.len }, (_, i) => (i === 0 ? seq : (seq * 31 + i) & 0xff)),
});

/** Everything observable at frame level: receptions with cycle and content, and every counter. */
function outcome(s: Scenario, mode: 'symbol' | 'burst', skipIdle = true) {
  const log: string[] = [];
  const trace: string[] = [];
  const opts = {
    skipIdle,
    onReceive: (host: string, f: Frame, cycle: number) => log.push(`${cycle} ${host} <- ${formatMac(f.src)} #${f.payload[0]} ${f.payload.length}`),
    onEvent: (host: string, e: HostEvent) => trace.push(`${host} ${JSON.stringify(e)}`),
  };
  const net = mode === 'symbol' ? buildTopology(s.def, opts) : buildBurstTopology(s.def, opts);
  s.offers.forEach((o, seq) => net.hosts.get(`h${o.host}`)!.sendAt(o.at, frame(o, seq)));
  const taps = mode === 'symbol'
    ? [...(net as Topology).hosts.values()].map((h) => net.kernel.add(new PortTap(`tap.${h.name}`, h.port, { direction: 'both' })))
    : [...(net as BurstTopology).hosts.values()].map((h) => net.kernel.add(new BurstTap(`tap.${h.name}`, h.port, { direction: 'both' })));
  const stop = net.kernel.run({ until: (k) => k.cycle > 20_000_000 });
  for (const t of taps) t.flush();
  return {
    stop,
    log,
    trace,
    // Each tap records every burst; the order in which a tap learns that bursts on its two sides ended
    // may differ between the modes, so compare them in time order (what pcap files hold).
    captures: taps.map((t) => t.captures.map((c) => ({ ...c, data: Buffer.from(c.data).toString('hex') })).sort((a, b) => a.cycle - b.cycle || a.direction.localeCompare(b.direction) || a.endCycle - b.endCycle)),
    pcaps: taps.map((t) => t.packets().map((p) => `${p.timeNs} ${Buffer.from(p.data).toString('hex')} ${p.originalLength}`)),
    hosts: [...net.hosts].map(([n, h]) => [n, h.counters, h.queued]),
    hubs: [...net.hubs].map(([n, h]) => [n, h.collisions, h.collisionCycles, h.portCounters]),
    repeaters: [...net.repeaters].map(([n, r]) => [n, [...r.regenerated]]),
    cables: net.cables.map((c) => c.corrupted),
    stepped: net.kernel.stepped,
  };
}

const stats = { runs: 0, frames: 0, collisions: 0, corrupted: 0, dropped: 0 };

describe('burst mode', () => {
  afterAll(() => console.log(`[burst ≡ symbol] ${stats.runs} scenarios, ${stats.frames} receptions, ${stats.collisions} collisions, ${stats.corrupted} corrupted symbols, ${stats.dropped} drops compared`));

  test.prop([scenario], { numRuns: 150 })('LINK-BURST-01 OBS-TAP-01: symbol mode and burst mode give the same frame-level outcome: receptions (who, what, at which cycle), every MAC event in order (transmissions, collisions with their backoff, drops with reasons), every tap capture (pcap) and every counter', (s) => {
    const a = outcome(s, 'symbol');
    const b = outcome(s, 'burst');
    expect(a.stop).toBe('idle');
    expect(b.stop).toBe('idle');
    expect({ ...b, stepped: 0 }).toEqual({ ...a, stepped: 0 });
    stats.runs++;
    stats.frames += a.log.length;
    stats.collisions += a.hosts.reduce((n, h) => n + (h[1] as { collisions: number }).collisions, 0);
    stats.corrupted += a.cables.reduce((n, c) => n + c, 0);
    stats.dropped += a.hosts.reduce((n, h) => n + Object.values((h[1] as { drops: Record<string, number> }).drops).reduce((x, y) => x + y, 0), 0);
    // The point of burst mode: far fewer stepped cycles whenever anything was sent.
    if (a.log.length > 0) expect(b.stepped).toBeLessThan(a.stepped);
  });

  test.prop([scenario], { numRuns: 60 })('LINK-BURST-01 SIM-SKIP-01: in burst mode, idle skipping gives the same outcome as stepping every cycle', (s) => {
    const a = outcome(s, 'burst', true);
    const b = outcome(s, 'burst', false);
    expect({ ...b, stepped: 0 }).toEqual({ ...a, stepped: 0 });
  });
});
