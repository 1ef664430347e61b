import { afterAll, describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { portTaker } from '../helpers/arb-l2.js';
import fc from 'fast-check';
import { BROADCAST, asMac, formatMac, type Frame, type Mac } from '../../src/link/index.js';
import { buildBurstTopology, buildTopology, type LinkDef, type NodeDef, type TopologyDef } from '../../src/devices/index.js';

const mac = (i: number): Mac => asMac(0x0200_0000_0000 + i);
const swMac = (i: number): string => formatMac(asMac(0x0200_0000_f000 + i * 0x100));

interface Net { readonly def: TopologyDef; readonly hosts: number; readonly interLinks: readonly LinkDef[] }

/**
 * A random network of switches and hubs wired as a tree (extra links between switches make loops
 * when `loops`), with hosts on free ports. Hub segments stay short enough to be clean.
 */
const network = (opts: { loops: boolean; stp: boolean; hubs: boolean }): fc.Arbitrary<Net> =>
  fc
    .record({
      switches: fc.integer({ min: 1, max: 4 }),
      hubs: opts.hubs ? fc.integer({ min: 0, max: 2 }) : fc.constant(0),
      parents: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
      extra: opts.loops ? fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }) : fc.constant([] as [number, number][]),
      hostsAt: fc.array(fc.nat(), { minLength: 2, maxLength: 6 }),
      metres: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 24, maxLength: 24 }),
      priorities: fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 4, maxLength: 4 }),
      cutThrough: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      seed: fc.integer(),
    })
    .map((r) => {
      const names = [...Array.from({ length: r.switches }, (_, i) => `sw${i}`), ...Array.from({ length: r.hubs }, (_, i) => `hub${i}`)];
      const { take, used } = portTaker(names);
      let m = 0;
      const metres = (): number => r.metres[m++ % r.metres.length]!;
      const links: LinkDef[] = [];
      const interLinks: LinkDef[] = [];
      // Tree: node i > 0 hangs off an earlier node; two hubs are never adjacent (keeps segments clean).
      for (let i = 1; i < names.length; i++) {
        let parent = r.parents[i % r.parents.length]! % i;
        if (names[i]!.startsWith('hub') && names[parent]!.startsWith('hub')) parent = 0;
        const l = { a: take(names[parent]!), b: take(names[i]!), metres: metres() };
        links.push(l);
        interLinks.push(l);
      }
      for (const [x, y] of r.extra) {
        const a = x % r.switches;
        const b = y % r.switches;
        if (r.switches < 2) break;
        const l = { a: take(`sw${a}`), b: take(`sw${a === b ? (b + 1) % r.switches : b}`), metres: metres() };
        links.push(l);
        interLinks.push(l);
      }
      const hostNodes: NodeDef[] = r.hostsAt.map((_, i) => ({ kind: 'host', name: `h${i}`, mac: formatMac(mac(i)) }) as NodeDef);
      r.hostsAt.forEach((at, i) => links.push({ a: `h${i}`, b: take(names[at % names.length]!), metres: metres() }));
      const nodes: NodeDef[] = [
        ...Array.from({ length: r.switches }, (_, i): NodeDef => ({ kind: 'switch', name: `sw${i}`, ports: Math.max(1, used(`sw${i}`)), mac: swMac(i), stp: opts.stp, stpTimeScale: 0.0001, priority: r.priorities[i]! * 4096, cutThrough: r.cutThrough[i]! })),
        ...Array.from({ length: r.hubs }, (_, i): NodeDef => ({ kind: 'hub', name: `hub${i}`, ports: Math.max(2, used(`hub${i}`)) })),
        ...hostNodes,
      ];
      return { def: { seed: r.seed, nodes, links }, hosts: r.hostsAt.length, interLinks };
    });

const frame = (src: number, dst: number, seq: number): Frame => ({ dst: dst < 0 ? BROADCAST : mac(dst), src: mac(src), type: 0x88b5, payload: Uint8Array.from({ length: 46 }, (_, i) => (i === 0 ? seq : 0)) });

/** Runs `sends` (host, destination or −1 for broadcast) spaced out in time; returns who got which frame how often. */
function deliveries(net: Net, mode: 'symbol' | 'burst', sends: readonly (readonly [number, number])[], settle = 0) {
  const got = new Map<string, number>();
  const log: string[] = [];
  const trace: string[] = [];
  const t = (mode === 'symbol' ? buildTopology : buildBurstTopology)(net.def, {
    onEvent: (host, e) => trace.push(`${host} ${JSON.stringify(e)}`),
    onReceive: (host, f, cycle) => {
      const key = `${host}<-#${f.payload[0]}`;
      got.set(key, (got.get(key) ?? 0) + 1);
      log.push(`${cycle} ${key}`);
    },
  });
  sends.forEach(([src, dst], seq) => t.hosts.get(`h${src}`)!.sendAt(settle + seq * 20_000, frame(src, dst, seq)));
  const stop = t.kernel.run({ cycles: settle + sends.length * 20_000 + 2_000_000 });
  const drops = [...t.hosts.values()].reduce((n, h) => n + h.counters.drops['excessive-collisions'] + h.counters.drops['queue-full'] + h.counters.drops['bad-fcs'], 0)
    + [...t.switches.values()].reduce((n, s) => n + s.counters.queueDrops + s.macs.reduce((x, m) => x + m.counters.drops['excessive-collisions'] + m.counters.drops['bad-fcs'], 0), 0);
  return { got, stop, drops, t, log, trace };
}

const stats = { nets: 0, frames: 0, stpNets: 0, storms: 0, cut: 0 };
afterAll(() => console.log(`[layer 2 networks] ${stats.nets} loop-free networks and ${stats.frames} frames checked (${stats.cut} copies relayed cut-through); ${stats.stpNets} looped networks converged under STP; ${stats.storms} storms detected without STP`));

const sendsFor = (hosts: number) => fc.array(fc.tuple(fc.nat(hosts - 1), fc.integer({ min: -1, max: hosts - 1 })), { minLength: 1, maxLength: 8 });

function checkOnce(net: Net, sends: readonly (readonly [number, number])[], got: Map<string, number>, drops: number): void {
  sends.forEach(([src, dst], seq) => {
    for (let h = 0; h < net.hosts; h++) {
      const n = got.get(`h${h}<-#${seq}`) ?? 0;
      const wanted = h !== src && (dst < 0 || dst === h) ? 1 : 0;
      if (drops === 0) expect(n, `frame #${seq} (h${src} → ${dst < 0 ? 'all' : `h${dst}`}) at h${h}`).toBe(wanted);
      else expect(n).toBeLessThanOrEqual(wanted);
    }
  });
}

describe('layer 2 networks', () => {
  test.prop([network({ loops: false, stp: false, hubs: true }).chain((net) => fc.tuple(fc.constant(net), sendsFor(net.hosts)))], { numRuns: 40 })(
    'LAN-NET-01 SW-CUT-01 SIM-ORDER-01 SIM-DET-01 FWD-CNT-01: on a loop-free network of hubs and switches (store-and-forward or cut-through) every unicast reaches its destination exactly once and a broadcast every other host exactly once, in symbol and burst mode alike, at the same cycles, whatever the order components were added in; every frame a switch receives is accounted for',
    ([net, sends]) => {
      const s = deliveries(net, 'symbol', sends);
      const b = deliveries(net, 'burst', sends);
      expect(s.stop).toBe('idle');
      expect([...b.got].sort()).toEqual([...s.got].sort());
      expect(b.log.sort()).toEqual(s.log.sort());
      expect(b.trace).toEqual(s.trace); // every host MAC event, in order
      // Order independence and determinism: the same network added in reverse order gives the same log.
      const reversed = { ...net, def: { ...net.def, nodes: [...net.def.nodes].reverse(), links: [...net.def.links].reverse() } };
      expect(deliveries(reversed, 'burst', sends).log.sort()).toEqual(b.log);
      // Conservation at every switch: each frame received was forwarded, flooded, taken locally or dropped with a reason.
      for (const sw of b.t.switches.values()) {
        const c = sw.core.counters;
        expect(c.forwarded + c.flooded + c.local + c.dropped).toBe(sw.counters.received);
        expect(Object.values(c.drops).reduce((x, y) => x + y, 0)).toBe(c.dropped);
      }
      checkOnce(net, sends, s.got, s.drops);
      stats.nets++;
      stats.frames += sends.length;
      stats.cut += [...b.t.switches.values()].reduce((n, x) => n + x.counters.cutThrough, 0);
    },
  );

  test.prop([network({ loops: true, stp: true, hubs: false }).chain((net) => fc.tuple(fc.constant(net), sendsFor(net.hosts)))], { numRuns: 15 })(
    'STP-NET-01 LAN-NET-01: with STP on a looped network of switches, after convergence the forwarding links form a spanning tree and every frame is delivered exactly once',
    ([net, sends]) => {
      const settle = 800_000; // 2 × forward delay (15 s × 0.0001) plus max age, in 8 ns cycles
      const { got, drops, t } = deliveries(net, 'burst', sends, settle);
      // Inter-switch links where both ends forward must form a spanning tree of the switches.
      const portOf = (end: string) => {
        const [n, p] = end.split('.');
        return t.switches.get(n!)!.stp!.portState(Number(p));
      };
      const fwd = net.interLinks.filter((l) => portOf(l.a) === 'forwarding' && portOf(l.b) === 'forwarding');
      const parent = new Map<string, string>();
      const find = (x: string): string => (parent.has(x) && parent.get(x) !== x ? find(parent.get(x)!) : x);
      for (const l of fwd) {
        const a = find(l.a.split('.')[0]!);
        const b = find(l.b.split('.')[0]!);
        expect(a, 'a forwarding loop').not.toBe(b);
        parent.set(a, b);
      }
      expect(fwd.length, 'spanning: switches − 1 forwarding links').toBe(t.switches.size - 1);
      checkOnce(net, sends, got, drops);
      stats.stpNets++;
    },
  );

  test.prop([network({ loops: true, stp: false, hubs: false }).filter((n) => n.interLinks.length >= n.def.nodes.filter((x) => x.kind === 'switch').length)], { numRuns: 10 })(
    'LAN-STORM-01: without STP a loop turns one broadcast into a storm that never ends, kept bounded in memory by the queue limits',
    (net) => {
      const t = buildBurstTopology(net.def);
      t.hosts.get('h0')!.send(frame(0, -1, 0));
      const stop = t.kernel.run({ cycles: 3_000_000 });
      expect(stop, 'the network never goes idle').toBe('cycles');
      const copies = [...t.switches.values()].reduce((n, s) => n + s.counters.copies, 0);
      expect(copies, 'copies keep multiplying').toBeGreaterThan(1000);
      for (const s of t.switches.values()) for (const m of s.macs) expect(m.queued).toBeLessThanOrEqual(100);
      stats.storms++;
    },
  );
});
