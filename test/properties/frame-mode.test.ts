import { afterAll, describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { portTaker } from '../helpers/arb-l2.js';
import fc from 'fast-check';
import { BROADCAST, BurstCable, FrameCable, asMac, formatMac, type Frame, type Mac } from '../../src/link/index.js';
import { Kernel } from '../../src/sim/index.js';
import { BurstHost, BurstTap, FrameHost, FrameTap, Switch, buildBurstTopology, buildFrameTopology, type LinkDef, type NodeDef, type TopologyDef } from '../../src/devices/index.js';

const mac = (i: number): Mac => asMac(0x0200_0000_0000 + i);

/** A send: at which cycle, from which host, to whom (a host, −1 broadcast, −2 an address nobody has), payload length. */
type Send = readonly [cycle: number, src: number, dst: number, len: number];

interface Net { readonly def: TopologyDef; readonly hosts: number }

/**
 * A random full-duplex network: 1–4 switches as a tree (with STP, extra links make loops), 2–6
 * hosts on free ports, at 10, 100 or 1000 Mb/s, cables from 1 to 160 m (past the rated 100 m the
 * signal arrives weak and frames fail their FCS), small output queues now and then, either profile,
 * short ageing now and then.
 */
const network = (stp: boolean): fc.Arbitrary<Net> =>
  fc
    .record({
      switches: fc.integer({ min: 1, max: 4 }),
      parents: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
      extra: stp ? fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 0, maxLength: 2 }) : fc.constant([] as [number, number][]),
      hostsAt: fc.array(fc.nat(), { minLength: 2, maxLength: 6 }),
      metres: fc.array(fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 100 }) }, { weight: 1, arbitrary: fc.integer({ min: 101, max: 160 }) }), { minLength: 16, maxLength: 16 }),
      queueLimits: fc.array(fc.option(fc.integer({ min: 0, max: 3 }), { freq: 3 }), { minLength: 10, maxLength: 10 }),
      profiles: fc.array(fc.constantFrom('ieee' as const, 'linux' as const), { minLength: 4, maxLength: 4 }),
      ageing: fc.option(fc.constantFrom(0, 0.0002, 0.001), { freq: 3 }),
      rate: fc.constantFrom(10 as const, 100 as const, 1000 as const),
      seed: fc.integer(),
    })
    .map((r) => {
      const names = Array.from({ length: r.switches }, (_, i) => `sw${i}`);
      const { take, used } = portTaker(names);
      let m = 0;
      const metres = (): number => r.metres[m++ % r.metres.length]!;
      const links: LinkDef[] = [];
      for (let i = 1; i < names.length; i++) links.push({ a: take(names[r.parents[i]! % i]!), b: take(names[i]!), metres: metres() });
      for (const [x, y] of r.extra) {
        if (r.switches < 2) break;
        const a = x % r.switches;
        const b = y % r.switches;
        links.push({ a: take(`sw${a}`), b: take(`sw${a === b ? (b + 1) % r.switches : b}`), metres: metres() });
      }
      r.hostsAt.forEach((at, i) => links.push({ a: `h${i}`, b: take(names[at % names.length]!), metres: metres() }));
      const nodes: NodeDef[] = [
        ...names.map((name, i): NodeDef => ({
          kind: 'switch', name, ports: Math.max(1, used(name)), mac: formatMac(asMac(0x0200_0000_f000 + i * 0x100)),
          stp, stpTimeScale: 0.0001, profile: r.profiles[i]!,
          ...(r.queueLimits[i] === null ? {} : { queueLimit: r.queueLimits[i]! }),
          ...(r.ageing === null ? {} : { ageing: r.ageing }),
        })),
        ...r.hostsAt.map((_, i): NodeDef => ({ kind: 'host', name: `h${i}`, mac: formatMac(mac(i)), ...(r.queueLimits[4 + i] === null ? {} : { queueLimit: r.queueLimits[4 + i]! }) })),
      ];
      return { def: { seed: r.seed, rate: r.rate, nodes, links }, hosts: r.hostsAt.length };
    });

const frame = (src: number, dst: number, seq: number, len: number): Frame => ({
  dst: dst === -1 ? BROADCAST : dst === -2 ? asMac(0x0200_0000_0eee) : mac(dst),
  src: mac(src),
  type: 0x88b5,
  payload: Uint8Array.from({ length: len }, (_, i) => (i === 0 ? seq : i & 0xff)),
});

/**
 * Runs the network in one mode: the scheduled sends, a run that stops part-way, sends made by user
 * code between runs, then a run until idle. Returns everything observable at frame level.
 */
function observe(net: Net, mode: 'burst' | 'frame', sends: readonly Send[], late: readonly Send[], stopAt: number, reverse: boolean) {
  const def = reverse ? { ...net.def, nodes: [...net.def.nodes].reverse(), links: [...net.def.links].reverse() } : net.def;
  const log: string[] = [];
  const trace: string[] = [];
  const t = (mode === 'burst' ? buildBurstTopology : buildFrameTopology)(def, {
    onEvent: (host, e) => trace.push(`${host} ${JSON.stringify(e)}`),
    onReceive: (host, f, cycle) => log.push(`${cycle} ${host} <- ${formatMac(f.src)} #${f.payload[0] ?? '-'} ${f.payload.length}`),
  });
  sends.forEach(([cycle, src, dst, len], seq) => t.hosts.get(`h${src}`)!.sendAt(cycle, frame(src, dst, seq, len)));
  const taps = [...t.hosts.values()].map((h) => (mode === 'burst' ? t.kernel.add(new BurstTap(`tap.${h.name}`, h.port as never, { direction: 'both' })) : t.kernel.add(new FrameTap(`tap.${h.name}`, h.port as never, { direction: 'both' }))));
  const first = t.kernel.run({ cycles: stopAt });
  const pausedAt = t.kernel.cycle;
  late.forEach(([, src, dst, len], seq) => t.hosts.get(`h${src}`)!.send(frame(src, dst, 200 + seq, len)));
  const second = t.kernel.run({ cycles: 40_000_000 });
  const switches = [...t.switches.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => ({ name, counters: s.counters, core: s.core.counters, macs: s.macs.map((m) => m.counters), fdb: s.core.fdb.entries(t.kernel.cycle), stp: s.stp?.counters }));
  const hosts = [...t.hosts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, h]) => ({ name, counters: h.counters }));
  const corrupted = t.cables.map((c) => [c.name, c.corrupted] as const).sort(([a], [b]) => a.localeCompare(b));
  // Captures compare once the network is idle (a flush mid-frame cuts at the last stepped cycle in burst mode, at the clock in frame mode).
  for (const tap of taps) tap.flush();
  const captures = second === 'idle' ? taps.map((tap) => [tap.name, tap.packets(), tap.dropped] as const).sort(([a], [b]) => a.localeCompare(b)) : [];
  return { log, trace, first, pausedAt, second, end: t.kernel.cycle, switches, hosts, corrupted, captures };
}

const stats = { nets: 0, sends: 0, stp: 0, weak: 0, queueDrops: 0, fcs: 0, captured: 0, vlanFrames: 0, tagged: 0, untaggedRx: 0 };
afterAll(() => console.log(`[frame mode] ${stats.nets} networks (${stats.stp} with STP), ${stats.sends} frames offered: ${stats.queueDrops} frames and copies refused by full queues (BPDUs included), ${stats.fcs} frames failing their FCS on ${stats.weak} weak cables, ${stats.captured} captures on host ports; ${stats.vlanFrames} frames through VLAN-filtering switches (received ${stats.tagged} tagged, ${stats.untaggedRx} untagged); frame mode and burst mode agreed on every one`));

const sendsFor = (hosts: number, from: number) =>
  fc.array(fc.tuple(fc.integer({ min: from, max: from + 60_000 }), fc.nat(hosts - 1), fc.integer({ min: -2, max: hosts - 1 }), fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 60 }) }, { weight: 1, arbitrary: fc.integer({ min: 61, max: 1500 }) })), { minLength: 1, maxLength: 30 })
    .map((xs) => xs.map(([c, s, d, l]): Send => [c, s, d === s ? -1 : d, l]));

function compare(net: Net, sends: readonly Send[], late: readonly Send[], stopAt: number): void {
  const b = observe(net, 'burst', sends, late, stopAt, false);
  const f = observe(net, 'frame', sends, late, stopAt, false);
  expect(f.log).toEqual(b.log); // who received what, at which cycle, in order
  expect(f.trace).toEqual(b.trace); // every host MAC event, in order
  expect(f.hosts).toEqual(b.hosts);
  expect(f.switches).toEqual(b.switches);
  expect(f.corrupted).toEqual(b.corrupted);
  expect(f.captures).toEqual(b.captures); // what a tap on each host port records (pcap packets)
  expect([f.first, f.pausedAt, f.second, f.end]).toEqual([b.first, b.pausedAt, b.second, b.end]);
  // Order independence and determinism: the same network added in reverse order gives the same log.
  expect(observe(net, 'frame', sends, late, stopAt, true).log.sort()).toEqual([...f.log].sort());
  stats.nets++;
  stats.captured += f.captures.reduce((n, [, p]) => n + p.length, 0);
  stats.sends += sends.length + late.length;
  stats.weak += f.corrupted.filter(([, c]) => c > 0).length;
  stats.fcs += f.hosts.reduce((n, h) => n + h.counters.drops['bad-fcs'] + h.counters.drops['no-sfd'], 0) + f.switches.reduce((n, s) => n + s.macs.reduce((x, m) => x + m.drops['bad-fcs'] + m.drops['no-sfd'], 0), 0);
  stats.queueDrops += f.switches.reduce((n, s) => n + s.counters.queueDrops, 0) + f.hosts.reduce((n, h) => n + h.counters.drops['queue-full'], 0);
}

/** A port's VLAN plan: PVID (0: none), member VLANs and which of them leave untagged. */
const vlanPlan = fc.record({ pvid: fc.constantFrom(0, 1, 10, 20), tagged: fc.subarray([1, 10, 20]), untagged: fc.subarray([1, 10, 20]) });

/** One switch with VLAN filtering and 3–5 hosts, in burst or frame mode; frames untagged or tagged with VID 1, 10, 20 or 30. */
function vlanRun(mode: 'burst' | 'frame', plans: readonly { pvid: number; tagged: number[]; untagged: number[] }[], sends: readonly (readonly [number, number, number, number])[]) {
  const k = new Kernel({ seed: 5 });
  const log: string[] = [];
  const n = plans.length;
  const H = mode === 'burst' ? BurstHost : FrameHost;
  const hosts = plans.map((_, i) => k.add(new H(`h${i}`, { mac: mac(i), promiscuous: true, onEvent: (e) => log.push(`h${i} ${JSON.stringify(e)}`), onReceive: (f, c) => log.push(`${c} h${i} <- ${f.src} vlan ${f.vlan?.vid ?? '-'} #${f.payload[0]}`) })));
  const sw = k.add(new Switch('sw', { ports: n, mac: asMac(0x0200_0000_ff00), mode, queueLimit: 2, forwarding: { vlanFiltering: true } }));
  plans.forEach((p, i) => {
    const vlans = [...new Set([...p.tagged, ...p.untagged, ...(p.pvid === 0 ? [] : [p.pvid])])];
    sw.core.configurePort(i, { vlans, untagged: p.untagged, pvid: p.pvid });
  });
  hosts.forEach((h, i) => k.add(mode === 'burst' ? new BurstCable(`c${i}`, h.port as never, sw.ports[i] as never, { metres: 5 + 20 * i }, k.rng(`c${i}`)) : new FrameCable(`c${i}`, h.port as never, sw.ports[i] as never, { metres: 5 + 20 * i }, k.rng(`c${i}`))));
  sends.forEach(([at, src, dst, vid], seq) => hosts[src % n]!.sendAt(at, { ...frame(src % n, dst % (n + 1) === n ? -1 : dst % n, seq, 46), ...(vid === 0 ? {} : { vlan: { pcp: 0, dei: false, vid } }) }));
  const stop = k.run({ cycles: 10_000_000 });
  return { log, stop, counters: [sw.counters, sw.core.counters, sw.macs.map((m) => m.counters), hosts.map((h) => h.counters)] };
}

describe('frame mode', () => {
  test.prop([fc.array(vlanPlan, { minLength: 3, maxLength: 5 }), fc.array(fc.tuple(fc.nat(40_000), fc.nat(5), fc.nat(5), fc.constantFrom(0, 1, 10, 20, 30)), { minLength: 1, maxLength: 25 })], { numRuns: 60 })(
    'LINK-FMODE-01 VLAN-EGR-01: with VLAN filtering (PVIDs, tagged and untagged members, tags added and removed on egress) frame mode gives exactly what burst mode gives',
    (plans, sends) => {
      const b = vlanRun('burst', plans, sends);
      const f = vlanRun('frame', plans, sends);
      expect(b.stop).toBe('idle');
      expect(f.log).toEqual(b.log);
      expect(f.counters).toEqual(b.counters);
      stats.vlanFrames += sends.length;
      stats.tagged += f.log.filter((l) => / vlan \d+ /.test(l)).length;
      stats.untaggedRx += f.log.filter((l) => l.includes(' vlan - ')).length;
    },
  );

  test.prop([network(false).chain((net) => fc.tuple(fc.constant(net), sendsFor(net.hosts, 0), sendsFor(net.hosts, 0), fc.integer({ min: 0, max: 80_000 })))], { numRuns: 150 })(
    'LINK-FMODE-01 SIM-ORDER-01 SIM-DET-01: on any full-duplex network of hosts and switches, frame mode (an event per frame) gives exactly what burst mode gives: who received what at which cycle, every MAC event in order, every counter, queue drops, frames corrupted by weak cables and what taps on the host ports capture, with runs stopped part-way and frames sent between runs',
    ([net, sends, late, stopAt]) => compare(net, sends, late.slice(0, 5), stopAt),
  );

  test.prop([network(true).chain((net) => fc.tuple(fc.constant(net), sendsFor(net.hosts, 500_000), fc.integer({ min: 0, max: 600_000 })))], { numRuns: 30 })(
    'LINK-FMODE-01 STP-NET-01: with STP (BPDUs, port states, timers, loops) frame mode gives exactly what burst mode gives',
    ([net, sends, stopAt]) => {
      compare(net, sends, [], stopAt);
      stats.stp++;
    },
  );
});
