import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Fdb, isReservedAddress, type ForwardingFrame, type LearnResult } from '../../src/devices/index.js';
import { BROADCAST, asMac, isGroup, type Mac } from '../../src/link/index.js';
import { MULTICAST, arbCoreScenario, buildCore, expectedVid, runScenario, type CoreScenario } from '../helpers/arb-l2.js';

/** Addresses no scenario uses, so the core cannot have learned them. */
const FRESH_STATION = asMac(0x0200_0000_0200);
const FRESH_SOURCE = asMac(0x0200_0000_0300);
const UNKNOWN = asMac(0x0200_0000_0400);

/** Ports that must receive a flood of `kind` from `ingress` in VLAN `vid`, from the scenario's configuration alone. */
function floodSet(s: CoreScenario, ingress: number, vid: number, kind: 'unicast' | 'multicast' | 'broadcast'): number[] {
  return s.ports.flatMap((p, i) => {
    const flag = kind === 'unicast' ? p.unicastFlood : kind === 'multicast' ? p.multicastFlood : p.broadcastFlood;
    const member = !s.vlanFiltering || p.vlans.includes(vid);
    return (i !== ingress || p.hairpin) && p.state === 'forwarding' && flag && member ? [i] : [];
  });
}

/** A frame from `src` to `dst` on `port` that the port's VLAN rules accept (tagged with `vid` when it is not the PVID). */
function frameIn(s: CoreScenario, port: number, vid: number, src: Mac, dst: Mac): ForwardingFrame {
  return s.vlanFiltering && s.ports[port]!.pvid !== vid ? { src, dst, vlan: { vid } } : { src, dst };
}

/** A port and VLAN where a fresh station can be learned: forwarding, learning, with a VLAN. */
function teachable(s: CoreScenario, port: number): number | undefined {
  const p = s.ports[port]!;
  if (p.state !== 'forwarding' || !p.learning) return undefined;
  if (!s.vlanFiltering) return 0;
  return p.pvid !== 0 ? p.pvid : p.vlans[0];
}

describe('forwarding core properties', () => {
  test.prop([arbCoreScenario()])('FWD-ING-01: a frame never leaves by its ingress port unless that port is in hairpin mode', (s) => {
    const { decisions } = runScenario(buildCore(s), s);
    for (const { f, d } of decisions) if (d.kind === 'forward' && !s.ports[f.ingress]!.hairpin) expect(d.ports).not.toContain(f.ingress);
  });

  test.prop([arbCoreScenario()])('FWD-DUP-01: egress ports are ascending, in range and each once, with one tagging choice per port', (s) => {
    const { decisions } = runScenario(buildCore(s), s);
    for (const { d } of decisions) {
      if (d.kind !== 'forward') continue;
      expect(d.ports.length).toBeGreaterThan(0);
      expect(d.untagged.length).toBe(d.ports.length);
      d.ports.forEach((p, i) => {
        expect(Number.isInteger(p) && p >= 0 && p < s.n).toBe(true);
        if (i > 0) expect(p).toBeGreaterThan(d.ports[i - 1]!);
      });
    }
  });

  test.prop([arbCoreScenario()])('FWD-CNT-01 FWD-STATE-01: every decision counts once; only forwarding ports relay and send', (s) => {
    const core = buildCore(s);
    const { decisions } = runScenario(core, s);
    const c = core.counters;
    expect(c.forwarded + c.flooded + c.local + c.dropped).toBe(s.frames.length);
    expect(Object.values(c.drops).reduce((a, b) => a + b, 0)).toBe(c.dropped);
    for (const { f, d } of decisions) {
      if (d.kind !== 'forward') continue;
      expect(s.ports[f.ingress]!.state).toBe('forwarding');
      for (const p of d.ports) expect(s.ports[p]!.state).toBe('forwarding');
    }
  });

  test.prop([arbCoreScenario({ profile: 'ieee' })])('FWD-STATE-01: (ieee) addresses are learned only on learning or forwarding ports with learning on', (s) => {
    const core = buildCore(s);
    const { now } = runScenario(core, s);
    for (const e of core.fdb.entries(now)) {
      if (e.static) continue;
      const p = s.ports[e.port]!;
      expect(p.learning).toBe(true);
      expect(['learning', 'forwarding']).toContain(p.state);
    }
  });

  test.prop([arbCoreScenario()])('FWD-SRC-01: frames with a group or zero source are dropped and never learned', (s) => {
    const core = buildCore(s);
    const { decisions, now } = runScenario(core, s);
    for (const { f, d } of decisions) {
      if (f.frame.src === 0 || isGroup(f.frame.src)) expect(d).toEqual({ kind: 'drop', reason: f.frame.src === 0 ? 'zero-source' : 'group-source' });
    }
    for (const e of core.fdb.entries(now)) expect(e.mac !== 0 && !isGroup(e.mac)).toBe(true);
  });

  test.prop([arbCoreScenario({ profile: 'ieee' })])('FWD-RSV-01: (ieee) no frame to 01-80-C2-00-00-00..0F is ever forwarded', (s) => {
    const { decisions } = runScenario(buildCore(s), s);
    for (const { f, d } of decisions) if (isReservedAddress(f.frame.dst)) expect(d.kind).not.toBe('forward');
  });

  test.prop([arbCoreScenario(), fc.nat(), fc.nat(), fc.boolean()])(
    'FWD-UNI-01: a unicast to a just-learned address goes to exactly its port (filtered when that is the ingress port)',
    (s, pi, qi, fromSame) => {
      const p = pi % s.n;
      const vid = teachable(s, p);
      fc.pre(vid !== undefined);
      const core = buildCore(s);
      const { now } = runScenario(core, s);
      core.decide(p, frameIn(s, p, vid, FRESH_STATION, BROADCAST), now);
      expect(core.fdb.lookup(vid, FRESH_STATION, now)).toBe(p);
      // Any forwarding port of that VLAN asks for the station.
      const q = fromSame ? p : qi % s.n;
      const qp = s.ports[q]!;
      fc.pre(qp.state === 'forwarding' && (!s.vlanFiltering || qp.vlans.includes(vid)));
      const d = core.decide(q, frameIn(s, q, vid, FRESH_SOURCE, FRESH_STATION), now);
      if (q === p && !s.ports[p]!.hairpin) expect(d).toEqual({ kind: 'drop', reason: 'filtered-same-port' });
      else expect(d).toMatchObject({ kind: 'forward', vid, ports: [p], flood: false });
    },
  );

  test.prop([arbCoreScenario(), fc.nat(), fc.constantFrom('unicast', 'multicast', 'broadcast'), fc.option(fc.constantFrom(0, 1, 2, 3), { nil: undefined })])(
    'FWD-FLOOD-01 VLAN-ING-01 VLAN-EGR-01: unknown unicast, multicast and broadcast reach exactly the other forwarding member ports whose flood flag is on, tagged by the untagged sets',
    (s, qi, kind, tag) => {
      const q = qi % s.n;
      const core = buildCore(s);
      const { now } = runScenario(core, s);
      const dst = kind === 'unicast' ? UNKNOWN : kind === 'multicast' ? MULTICAST : BROADCAST;
      const frame: ForwardingFrame = tag === undefined ? { src: FRESH_SOURCE, dst } : { src: FRESH_SOURCE, dst, vlan: { vid: tag } };
      const d = core.decide(q, frame, now);
      const state = s.ports[q]!.state;
      const vid = expectedVid(s, q, frame);
      if (state !== 'forwarding' && state !== 'learning') return void expect(d).toEqual({ kind: 'drop', reason: 'port-state' });
      if (vid === undefined) return void expect(d).toEqual({ kind: 'drop', reason: 'vlan-ingress' });
      if (state === 'learning') return void expect(d).toEqual({ kind: 'drop', reason: 'port-state' });
      const want = floodSet(s, q, vid, kind);
      if (want.length === 0) return void expect(d).toEqual({ kind: 'drop', reason: 'no-egress' });
      const untagged = want.map((p) => (s.vlanFiltering ? s.ports[p]!.untagged.includes(vid) : tag === undefined));
      expect(d).toEqual({ kind: 'forward', vid, ports: want, untagged, flood: true });
    },
  );

  test.prop([arbCoreScenario({ vlanFiltering: false }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.nat()])(
    'FDB-LEARN-01: the table follows station moves: a unicast goes to the port the station was seen on last',
    (s, moves, qi) => {
      const core = buildCore(s);
      let { now } = runScenario(core, s);
      const homes = moves.map((m) => m % s.n).filter((p) => teachable(s, p) !== undefined);
      fc.pre(homes.length > 0);
      for (const p of homes) core.decide(p, { src: FRESH_STATION, dst: BROADCAST }, ++now);
      const last = homes[homes.length - 1]!;
      const q = qi % s.n;
      fc.pre(s.ports[q]!.state === 'forwarding' && (q !== last || s.ports[q]!.hairpin));
      expect(core.decide(q, { src: FRESH_SOURCE, dst: FRESH_STATION }, now)).toMatchObject({ kind: 'forward', ports: [last], flood: false });
    },
  );

  test.prop([arbCoreScenario({ vlanFiltering: false }), fc.nat(), fc.nat(), fc.nat(130), fc.boolean()])(
    'FDB-AGE-01 FDB-STATIC-01: a learned entry vanishes once the ageing time has passed since it was last a source; a static one never does',
    (s, pi, qi, wait, asStatic) => {
      const p = pi % s.n;
      const q = qi % s.n;
      fc.pre(teachable(s, p) !== undefined && q !== p && s.ports[q]!.state === 'forwarding');
      const core = buildCore(s);
      const { now } = runScenario(core, s);
      if (asStatic) core.addStatic(FRESH_STATION, p, { now });
      else core.decide(p, { src: FRESH_STATION, dst: BROADCAST }, now);
      const d = core.decide(q, { src: FRESH_SOURCE, dst: FRESH_STATION }, now + wait);
      const flood = floodSet(s, q, 0, 'unicast');
      if (asStatic || wait < s.ageing) expect(d).toMatchObject({ kind: 'forward', ports: [p], flood: false });
      else if (flood.length === 0) expect(d).toEqual({ kind: 'drop', reason: 'no-egress' });
      else expect(d).toMatchObject({ kind: 'forward', ports: flood, flood: true });
    },
  );

  test.prop([arbCoreScenario({ vlanFiltering: true })])('VLAN-FDB-01 VLAN-EGR-01: frames never leave their VLAN, and entries live only in VLANs of their port', (s) => {
    const core = buildCore(s);
    const { decisions, now } = runScenario(core, s);
    for (const { f, d } of decisions) {
      if (d.kind === 'drop') continue;
      if (d.kind === 'local' && d.reason === 'bpdu') continue;
      expect(d.vid).toBe(expectedVid(s, f.ingress, f.frame));
      if (d.kind === 'forward') for (const p of d.ports) expect(s.ports[p]!.vlans).toContain(d.vid);
    }
    for (const e of core.fdb.entries(now)) expect(s.ports[e.port]!.vlans).toContain(e.vid);
  });
});

// ---------------------------------------------------------------------------------------------
// FDB-MODEL-01: the filtering database against a naive table.

interface RefEntry {
  vid: number;
  mac: number;
  port: number;
  isStatic: boolean;
  sticky: boolean;
  lastSeen: number;
}

/** A list scanned linearly; no laziness, no hints. */
class RefFdb {
  rows: RefEntry[] = [];
  learned = 0;
  moved = 0;
  refused = 0;
  constructor(public ageing: number, readonly limit: number, readonly roams: boolean) {}
  alive(e: RefEntry, now: number): boolean {
    return e.isStatic || now - e.lastSeen < this.ageing;
  }
  find(vid: number, mac: number, now: number): RefEntry | undefined {
    return this.rows.find((e) => e.vid === vid && e.mac === mac && this.alive(e, now));
  }
  learn(vid: number, mac: number, port: number, now: number): LearnResult {
    if (this.ageing === 0) return 'disabled';
    this.rows = this.rows.filter((e) => !(e.vid === vid && e.mac === mac) || this.alive(e, now));
    const e = this.find(vid, mac, now);
    if (e === undefined) {
      if (this.rows.filter((r) => !r.isStatic && this.alive(r, now)).length >= this.limit) {
        this.refused++;
        return 'full';
      }
      this.rows.push({ vid, mac, port, isStatic: false, sticky: false, lastSeen: now });
      this.learned++;
      return 'learned';
    }
    e.lastSeen = now;
    if (e.port === port) return 'refreshed';
    if (e.sticky || (e.isStatic && !this.roams)) return 'static-kept';
    e.port = port;
    this.moved++;
    return 'moved';
  }
  addStatic(vid: number, mac: number, port: number, sticky: boolean, now: number): void {
    this.rows = this.rows.filter((e) => !(e.vid === vid && e.mac === mac));
    this.rows.push({ vid, mac, port, isStatic: true, sticky, lastSeen: now });
  }
  remove(vid: number, mac: number, now: number): boolean {
    const live = this.find(vid, mac, now) !== undefined;
    this.rows = this.rows.filter((e) => !(e.vid === vid && e.mac === mac));
    return live;
  }
  /** Entries dead under the old ageing time stay dead. */
  setAgeing(cycles: number, now: number): void {
    this.rows = this.rows.filter((e) => this.alive(e, now));
    this.ageing = cycles;
  }
  flush(port: number | undefined, all: boolean): void {
    this.rows = this.rows.filter((e) => !((port === undefined || e.port === port) && (all || !e.isStatic)));
  }
  list(now: number): string[] {
    return this.rows
      .filter((e) => this.alive(e, now))
      .sort((a, b) => a.vid - b.vid || a.mac - b.mac)
      .map((e) => `${e.vid}/${e.mac}@${e.port}${e.isStatic ? 's' : ''}${e.sticky ? 'S' : ''}:${e.lastSeen}`);
  }
}

type Op =
  | { op: 'learn' | 'lookup' | 'remove'; vid: number; mac: number; port: number }
  | { op: 'static'; vid: number; mac: number; port: number; sticky: boolean }
  | { op: 'flush'; port: number | undefined; all: boolean }
  | { op: 'ageing'; cycles: number }
  | { op: 'wait'; cycles: number }
  | { op: 'sweep' };

const key = { vid: fc.constantFrom(0, 4095), mac: fc.nat(3).map((i) => 0x0200_0000_0000 + i), port: fc.nat(3) };
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constantFrom('learn' as const, 'lookup' as const), ...key }), weight: 8 },
  { arbitrary: fc.record({ op: fc.constant('remove' as const), ...key }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('static' as const), ...key, sticky: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('flush' as const), port: fc.option(fc.nat(3), { nil: undefined }), all: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('ageing' as const), cycles: fc.nat(25) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('wait' as const), cycles: fc.nat(12) }), weight: 4 },
  { arbitrary: fc.constant({ op: 'sweep' as const }), weight: 1 },
);

describe('filtering database model', () => {
  test.prop([fc.nat(25), fc.option(fc.nat(4), { nil: undefined }), fc.boolean(), fc.array(arbOp, { maxLength: 100, size: 'medium' })])(
    'FDB-MODEL-01 FDB-AGE-01 FDB-LIMIT-01 FDB-STATIC-01 FDB-STATIC-02: random learns, lookups, static entries, flushes, ageing changes and waits agree with a naive table',
    (ageing, limit, roams, ops) => {
      const fdb = new Fdb({ ageingCycles: ageing, ...(limit === undefined ? {} : { limit }), staticRoams: roams });
      const ref = new RefFdb(ageing, limit ?? Infinity, roams);
      let now = 0;
      for (const o of ops) {
        switch (o.op) {
          case 'learn':
            expect(fdb.learn(o.vid, asMac(o.mac), o.port, now)).toBe(ref.learn(o.vid, o.mac, o.port, now));
            break;
          case 'lookup':
            expect(fdb.lookup(o.vid, asMac(o.mac), now)).toBe(ref.find(o.vid, o.mac, now)?.port);
            break;
          case 'remove':
            expect(fdb.remove(o.vid, asMac(o.mac), now)).toBe(ref.remove(o.vid, o.mac, now));
            break;
          case 'static':
            fdb.addStatic(o.vid, asMac(o.mac), o.port, { sticky: o.sticky, now });
            ref.addStatic(o.vid, o.mac, o.port, o.sticky, now);
            break;
          case 'flush':
            fdb.flush(o.port, o.all ? 'all' : 'dynamic');
            ref.flush(o.port, o.all);
            break;
          case 'ageing':
            fdb.setAgeing(o.cycles, now);
            ref.setAgeing(o.cycles, now);
            break;
          case 'wait':
            now += o.cycles;
            break;
          case 'sweep':
            fdb.sweep(now);
            break;
        }
        expect(fdb.entries(now).map((e) => `${e.vid}/${e.mac}@${e.port}${e.static ? 's' : ''}${e.sticky ? 'S' : ''}:${e.lastSeen}`)).toEqual(ref.list(now));
      }
      expect({ learned: fdb.counters.learned, moved: fdb.counters.moved, refused: fdb.counters.refused }).toEqual({ learned: ref.learned, moved: ref.moved, refused: ref.refused });
    },
  );
});
