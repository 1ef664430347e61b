import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { Kernel } from '../../src/sim/index.js';
import { BROADCAST, BurstCable, asMac, encodeFrame, isGroup, type BurstPort, type Mac, type VlanTag } from '../../src/link/index.js';
import { BurstHost, Switch } from '../../src/devices/index.js';
import { FunctionDriver, Nic, nicFrameHeader, type NicEvent, type QueueFlushEvent, type SwitchMode } from '../../src/nic/index.js';
import { vfPcieAt, vfRid } from '../unit/nic/nic-helpers.js';

// ---------------------------------------------------------------------------------------------
// Scenarios: VFs with random MACs, VLANs, trust and spoof check; random frames at random cycles
// ---------------------------------------------------------------------------------------------

const WIRE = asMac(0x0200_0000_9999);
const MCAST = asMac(0x0100_5e00_0001);
const unknown = (i: number): Mac => asMac(0x0200_00ff_0000 + i);

interface VfSetup {
  readonly vlan: number;
  readonly trust: boolean;
  readonly spoof: boolean;
}

type Dst = { readonly kind: 'vf'; readonly j: number } | { readonly kind: 'bcast' | 'mcast' | 'unknown' | 'wire' };

/** One frame: at cycle `at`, from VF `from` (0 = the wire host) to `dst`, with a source address choice and an optional tag. */
interface Send {
  readonly at: number;
  readonly from: number;
  readonly dst: Dst;
  readonly src: 'own' | 'other' | 'random';
  readonly tag: number | undefined;
}

/** Something done to the PCIe side between two cycles. */
interface Disruption {
  readonly at: number;
  readonly kind: 'flr' | 'bme-off' | 'bme-on' | 'link-disable' | 'link-auto' | 'vf-disable' | 'vf-enable' | 'trust-on' | 'vlan';
  readonly vf: number;
}

interface Scenario {
  readonly n: number;
  readonly vfs: readonly VfSetup[];
  readonly macs: readonly Mac[];
  readonly mode: SwitchMode;
  readonly hairpin: boolean;
  readonly sends: readonly Send[];
  readonly disruptions: readonly Disruption[];
}

const vlanArb = fc.constantFrom(0, 0, 1, 10, 20);
const vfArb: fc.Arbitrary<VfSetup> = fc.record({ vlan: vlanArb, trust: fc.boolean(), spoof: fc.oneof(fc.constant(true), fc.boolean()) });

const sendArb = (n: number): fc.Arbitrary<Send> =>
  fc.record({
    at: fc.integer({ min: 0, max: 4000 }),
    from: fc.integer({ min: 0, max: n }),
    dst: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: n }).map((j): Dst => ({ kind: 'vf', j })) },
      fc.constantFrom<Dst>({ kind: 'bcast' }, { kind: 'mcast' }, { kind: 'unknown' }, { kind: 'wire' }),
    ),
    src: fc.constantFrom('own' as const, 'own' as const, 'own' as const, 'other' as const, 'random' as const),
    tag: fc.constantFrom(undefined, undefined, undefined, 0, 1, 10, 20, 30),
  });

const disruptionArb = (n: number): fc.Arbitrary<Disruption> =>
  fc.record({
    at: fc.integer({ min: 0, max: 4000 }),
    kind: fc.constantFrom('flr' as const, 'bme-off' as const, 'bme-on' as const, 'link-disable' as const, 'link-auto' as const, 'vf-disable' as const, 'vf-enable' as const, 'trust-on' as const, 'vlan' as const),
    vf: fc.integer({ min: 1, max: n }),
  });

/** 1..16 VFs with distinct MACs; `withDisruptions` adds PCIe-side events during the traffic. */
const scenarioArb = (withDisruptions: boolean): fc.Arbitrary<Scenario> =>
  fc.integer({ min: 1, max: 16 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      vfs: fc.array(vfArb, { minLength: n, maxLength: n }),
      macs: fc.uniqueArray(fc.integer({ min: 1, max: 0xfffe }), { minLength: n, maxLength: n }).map((xs) => xs.map((x) => asMac(0x0200_0001_0000 + x))),
      mode: fc.constantFrom<SwitchMode>('veb', 'vepa'),
      hairpin: fc.boolean(),
      sends: fc.array(sendArb(n), { minLength: 1, maxLength: 40 }),
      disruptions: withDisruptions ? fc.array(disruptionArb(n), { minLength: 1, maxLength: 6 }) : fc.constant([]),
    }));

const effVlan = (v: number): number => (v === 0 ? 1 : v);

/** Everything one run observed. */
interface Run {
  readonly nic: Nic;
  readonly events: NicEvent[];
  readonly flushes: QueueFlushEvent[];
  readonly drivers: FunctionDriver[];
  /** Per frame id: the send, its source and destination addresses, and whether the VF's doorbell took it. */
  readonly frames: { readonly send: Send; readonly src: Mac; readonly dst: Mac; readonly accepted: boolean }[];
  readonly posted: number[];
  readonly wireReceived: number;
}

const idOf = (b: Uint8Array): number => {
  const at = nicFrameHeader(b)?.vlan === undefined ? 14 : 18;
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
};

/**
 * Runs a scenario: the NIC (burst mode) with a 2-port top-of-rack switch (hairpin on the NIC's
 * port when asked) and a host behind it; the frames and disruptions at their cycles.
 * `skipFrom` leaves out every frame from that VF; `configWrites` are extra configuration writes to
 * VF `vfA`; `skipIdle` false steps every cycle.
 */
function run(s: Scenario, extra: { readonly skipFrom?: number; readonly configWrites?: readonly { at: number; offset: number; size: 1 | 2 | 4; value: number }[]; readonly vfA?: number; readonly skipIdle?: boolean } = {}): Run {
  const k = new Kernel({ seed: 11, skipIdle: extra.skipIdle ?? true });
  const events: NicEvent[] = [];
  const flushes: QueueFlushEvent[] = [];
  const nic = k.add(new Nic('nic', { totalVfs: 16, mode: 'burst', onEvent: (e) => events.push(e), onFlush: (e) => flushes.push(e) }));
  const tor = k.add(new Switch('tor', { ports: 2, mac: asMac(0x0200_0000_f000), mode: 'burst', rate: 1000 }));
  if (s.hairpin) tor.core.configurePort(0, { hairpin: true });
  let wireReceived = 0;
  const wire = k.add(new BurstHost('wire', { mac: WIRE, rate: 1000, promiscuous: true, onReceive: () => wireReceived++ }));
  k.add(new BurstCable('c0', nic.ports[0] as BurstPort, tor.ports[0] as BurstPort, { metres: 2 }, k.rng('c0')));
  k.add(new BurstCable('c1', tor.ports[1] as BurstPort, wire.port, { metres: 10 }, k.rng('c1')));
  const p = nic.pcie;
  p.bringUp({ numVfs: s.n });
  p.setSwitchMode(s.mode);
  const drivers = s.vfs.map((v, i) => {
    const vf = i + 1;
    p.setVfMac(vf, s.macs[i]!);
    p.setVfVlan(vf, v.vlan);
    p.setVfTrust(vf, v.trust);
    p.setVfSpoofCheck(vf, v.spoof);
    const d = new FunctionDriver(nic, vf);
    d.enable();
    return d;
  });
  const posted = new Array<number>(s.n + 1).fill(0);
  type Step = { at: number; order: number; act: () => void };
  const steps: Step[] = [];
  const frames: Run['frames'] = [];
  s.sends.forEach((snd, id) => {
    const k0 = snd.from;
    const own = k0 === 0 ? WIRE : s.macs[k0 - 1]!;
    const other = s.macs[(k0 === 0 ? 0 : k0) % s.n]!;
    const src = snd.src === 'own' || (snd.src === 'other' && k0 === 0) ? own : snd.src === 'other' ? other : unknown(1000 + id);
    const d = snd.dst;
    const dst = d.kind === 'vf' ? s.macs[d.j - 1]! : d.kind === 'bcast' ? BROADCAST : d.kind === 'mcast' ? MCAST : d.kind === 'wire' ? WIRE : unknown(id);
    const vlan: VlanTag | undefined = snd.tag === undefined ? undefined : { pcp: 0, dei: false, vid: snd.tag };
    const wireBytes = encodeFrame({ dst, src, ...(vlan === undefined ? {} : { vlan }), type: 0x88b5, payload: Uint8Array.of(id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff, ...new Array<number>(42).fill(0)) });
    const entry = { send: snd, src, dst, accepted: false };
    frames.push(entry);
    if (extra.skipFrom !== undefined && k0 === extra.skipFrom) return;
    steps.push({
      at: snd.at, order: 1, act: () => {
        if (k0 === 0) {
          wire.sendBytes(wireBytes);
          entry.accepted = true;
        } else if (p.vfExists(k0)) {
          entry.accepted = drivers[k0 - 1]!.post(wireBytes.subarray(0, wireBytes.length - 4));
          if (entry.accepted) posted[k0]!++;
        }
      },
    });
  });
  for (const x of s.disruptions) steps.push({ at: x.at, order: 0, act: () => disrupt(nic, s, drivers, x) });
  for (const w of extra.configWrites ?? []) {
    steps.push({ at: w.at, order: 0, act: () => p.vfExists(extra.vfA!) && p.configWrite(vfRid(p, extra.vfA!), w.offset - (w.offset % w.size), w.size, w.value % 2 ** (8 * w.size)) });
  }
  steps.sort((a, b) => a.at - b.at || a.order - b.order);
  for (const st of steps) {
    if (st.at > k.cycle) k.run({ cycles: st.at - k.cycle });
    st.act();
  }
  k.run();
  return { nic, events, flushes, drivers, frames, posted, wireReceived };
}

/** Applies a disruption through the PCIe side, as a hypervisor or PF driver would. */
function disrupt(nic: Nic, s: Scenario, drivers: readonly FunctionDriver[], x: Disruption): void {
  const p = nic.pcie;
  const pf = p.pf;
  const ctl = pf.sriovOffset + 0x08;
  if (x.kind === 'vf-enable') {
    if (pf.vfEnable) return;
    p.configWrite(pf.rid, ctl, 2, 0x19);
    for (let vf = 1; vf <= s.n; vf++) {
      p.configWrite(vfRid(p, vf), 0x04, 2, 4);
      drivers[vf - 1]!.enable();
    }
    return;
  }
  if (!p.vfExists(x.vf)) return;
  const rid = vfRid(p, x.vf);
  switch (x.kind) {
    case 'flr': p.configWrite(rid, vfPcieAt(p, x.vf) + 0x08, 2, 0x8000); break;
    case 'bme-off': p.configWrite(rid, 0x04, 2, 0); break;
    case 'bme-on': p.configWrite(rid, 0x04, 2, 4); drivers[x.vf - 1]!.enable(); break;
    case 'link-disable': p.setVfLinkState(x.vf, 'disable'); break;
    case 'link-auto': p.setVfLinkState(x.vf, 'auto'); break;
    case 'vf-disable': p.configWrite(pf.rid, ctl, 2, 0x18); break;
    case 'trust-on': p.setVfTrust(x.vf, true); break;
    case 'vlan': p.setVfVlan(x.vf, 20); break;
  }
}

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------------
// Isolation
// ---------------------------------------------------------------------------------------------

describe('VF isolation on the data path (property)', () => {
  test.prop([scenarioArb(false)], { numRuns: 60 })(
    'NIC-ISO-05: a frame addressed to VF A\'s MAC is never delivered to an untrusted VF B; untrusted VFs get only their unicast, broadcast and multicast',
    (s) => {
      const r = run(s);
      for (const e of r.events) {
        if (e.kind !== 'deliver' || e.fn === undefined || e.fn === 0) continue;
        const dst = nicFrameHeader(e.bytes)!.dst;
        if (isGroup(dst) || s.vfs[e.fn - 1]!.trust) continue;
        expect(dst, `VF ${e.fn} (untrusted) got frame ${idOf(e.bytes)} for another address`).toBe(s.macs[e.fn - 1]);
      }
    },
  );

  test.prop([scenarioArb(false)], { numRuns: 60 })(
    'NIC-ISO-06: a VF\'s frame with another source address under spoof check never leaves the NIC, and each is counted as spoofed',
    (s) => {
      const r = run(s);
      const spoofed = new Set<number>();
      r.frames.forEach((f, id) => {
        const k0 = f.send.from;
        if (k0 > 0 && f.accepted && s.vfs[k0 - 1]!.spoof && f.src !== s.macs[k0 - 1]) spoofed.add(id);
      });
      const escaped = r.events.filter((e) => (e.kind === 'deliver' || e.kind === 'wire-out') && spoofed.has(idOf(e.bytes)));
      expect(escaped.map((e) => idOf(e.bytes))).toEqual([]);
      expect(r.nic.counters.dropped.spoofed).toBe(spoofed.size);
      expect(r.events.filter((e) => e.kind === 'drop' && e.reason === 'spoofed').map((e) => idOf(e.bytes)).sort((a, b) => a - b)).toEqual([...spoofed].sort((a, b) => a - b));
    },
  );

  test.prop([scenarioArb(false)], { numRuns: 60 })(
    'NIC-ISO-07: VLANs never leak: a VF receives only its own VLAN, untagged; a VF\'s frames leave in its VLAN, tagged unless VLAN 1',
    (s) => {
      const r = run(s);
      /** The VLAN a frame belongs to: its tag if not a priority tag, else its sender's (a VF's port VLAN, the wire's 1). */
      const vlanOf = (id: number): number => {
        const f = r.frames[id]!;
        const t = f.send.tag;
        if (t !== undefined && t !== 0) return t;
        return f.send.from === 0 ? 1 : effVlan(s.vfs[f.send.from - 1]!.vlan);
      };
      for (const e of r.events) {
        const id = idOf(e.bytes);
        const from = r.frames[id]!.send.from;
        if (e.kind === 'deliver' && e.fn !== undefined && e.fn > 0) {
          expect(nicFrameHeader(e.bytes)!.vlan, `VF ${e.fn} gets untagged frames`).toBeUndefined();
          expect(vlanOf(id), `frame ${id} delivered to VF ${e.fn}`).toBe(effVlan(s.vfs[e.fn - 1]!.vlan));
        }
        if ((e.kind === 'deliver' || e.kind === 'wire-out') && from > 0) {
          expect(vlanOf(id), `frame ${id} from VF ${from} left its VLAN`).toBe(effVlan(s.vfs[from - 1]!.vlan));
        }
        if (e.kind === 'wire-out') {
          expect(from, 'nothing from the wire goes back to the wire').toBeGreaterThan(0);
          const v = effVlan(s.vfs[from - 1]!.vlan);
          expect(nicFrameHeader(e.bytes)!.vlan?.vid, `frame ${id} on the wire`).toBe(v === 1 ? undefined : v);
        }
      }
    },
  );

  test.prop([scenarioArb(false)], { numRuns: 60 })(
    'NIC-ISO-08: VF-to-VF unicast never reaches the wire in VEB and is delivered once; in VEPA it always does, delivered exactly when reflected',
    (s) => {
      const r = run(s);
      const wireOut = new Map<number, number>();
      const delivered = new Map<number, number[]>();
      for (const e of r.events) {
        const id = idOf(e.bytes);
        if (e.kind === 'wire-out') wireOut.set(id, (wireOut.get(id) ?? 0) + 1);
        if (e.kind === 'deliver' && e.fn !== undefined) delivered.set(id, [...(delivered.get(id) ?? []), e.fn]);
      }
      r.frames.forEach((f, id) => {
        const k0 = f.send.from;
        const d = f.send.dst;
        if (k0 === 0 || d.kind !== 'vf' || d.j === k0 || !f.accepted || f.send.src !== 'own') return;
        const vk = effVlan(s.vfs[k0 - 1]!.vlan);
        const t = f.send.tag;
        if ((t !== undefined && t !== 0 && t !== vk) || vk !== effVlan(s.vfs[d.j - 1]!.vlan)) return;
        if (s.mode === 'veb') {
          expect(wireOut.get(id), `frame ${id} VF ${k0} -> VF ${d.j} on the wire`).toBeUndefined();
          expect(delivered.get(id), `frame ${id}`).toEqual([d.j]);
        } else {
          expect(wireOut.get(id), `frame ${id} VF ${k0} -> VF ${d.j} on the wire`).toBe(1);
          expect(delivered.get(id) ?? [], `frame ${id}`).toEqual(s.hairpin ? [d.j] : []);
        }
      });
      // In VEPA a frame never comes back to the VF that sent it.
      if (s.mode === 'vepa') {
        for (const [id, fns] of delivered) {
          const f = r.frames[id]!;
          if (f.send.src === 'own') expect(fns, `frame ${id}`).not.toContain(f.send.from);
        }
      }
    },
  );

  /**
   * Configuration writes to one VF: mostly Device Control (with FLR) and Command, else anywhere;
   * timed shortly after one of the scenario's frames, while frames are inside the NIC.
   */
  const configWriteArb = fc.record({
    near: fc.nat(),
    delay: fc.integer({ min: 0, max: 200 }),
    target: fc.constantFrom('devctl', 'devctl', 'command', 'any'),
    offset: fc.integer({ min: 0, max: 0xfff }),
    size: fc.constantFrom(1 as const, 2 as const, 4 as const),
    value: fc.integer({ min: 0, max: 0xffff_ffff }),
  });

  test.prop([scenarioArb(false).filter((s) => s.n >= 2), fc.nat(), fc.array(configWriteArb, { minLength: 1, maxLength: 8 })], { numRuns: 50 })(
    'NIC-ISO-09: configuration writes to VF A never change what the data path does for the other functions',
    (s, pick, writes) => {
      const a = 1 + (pick % s.n);
      const probe = run(s, { skipFrom: a });
      const pcieAt = vfPcieAt(probe.nic.pcie, a);
      const concrete = writes.map((w) => ({
        at: s.sends[w.near % s.sends.length]!.at + w.delay, size: w.target === 'any' ? w.size : (2 as const),
        offset: w.target === 'command' ? 0x04 : w.target === 'devctl' ? pcieAt + 0x08 : w.offset,
        value: w.target === 'devctl' ? (w.value | 0x8000) >>> 0 : w.value,
      }));
      const portA = probe.nic.functionPort(a);
      const trace = (r: Run): string[] => r.events.filter((e) => e.port !== portA).map((e) => `${e.cycle} ${e.kind} ${e.port} ${e.reason ?? ''} ${idOf(e.bytes)}`);
      const withWrites = run(s, { skipFrom: a, configWrites: concrete, vfA: a });
      expect(trace(withWrites)).toEqual(trace(probe));
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Conservation and determinism
// ---------------------------------------------------------------------------------------------

describe('NIC conservation and determinism (property)', () => {
  test.prop([scenarioArb(true)], { numRuns: 60 })(
    'NIC-CONS-01: every posted frame is taken, flushed or queued; every frame and copy is delivered, sent or dropped with a reason',
    (s) => {
      const r = run(s);
      const c = r.nic.counters;
      const f = r.nic.inFlight();
      expect(f).toEqual({ tx: 0, rx: 0 }); // run until idle: nothing left inside the host interface
      expect(c.fromFunctions + c.fromWire).toBe(c.forwarded + sum(c.dropped));
      expect(c.copies).toBe(c.delivered + c.toWire + sum(c.copyDrops));
      // Per function: posts accepted = frames taken + frames flushed from its TX queue + frames still queued.
      for (let vf = 1; vf <= s.n; vf++) {
        const taken = r.events.filter((e) => e.kind === 'take' && e.fn === vf).length;
        const flushed = r.flushes.filter((x) => x.fn === vf).reduce((a, x) => a + x.tx, 0);
        const queued = r.nic.pcie.peekQueues(vf)?.depths().tx ?? 0;
        expect(taken + flushed + queued, `VF ${vf}`).toBe(r.posted[vf]);
      }
      expect(r.events.filter((e) => e.kind === 'take').length).toBe(c.fromFunctions);
      expect(r.events.filter((e) => e.kind === 'deliver').length).toBe(c.delivered);
      expect(r.events.filter((e) => e.kind === 'wire-out').length).toBe(c.toWire);
      expect(r.events.filter((e) => e.kind === 'drop').length).toBe(sum(c.dropped) + sum(c.copyDrops));
      // Everything the NIC queued on the wire was sent (the top-of-rack switch counts what arrived).
      expect(r.nic.macs[0]!.counters.txFrames).toBe(c.toWire);
    },
  );

  test.prop([scenarioArb(true)], { numRuns: 30 })(
    'NIC-DET-01: the same scenario gives the same frame trace, event for event, whether the kernel skips idle cycles or steps every one',
    (s) => {
      const digest = (x: Run): string => createHash('sha256').update(x.events.map((e) => `${e.cycle}|${e.kind}|${e.port}|${e.reason ?? ''}|${Buffer.from(e.bytes).toString('hex')}`).join('\n')).digest('hex');
      const one = run(s);
      const two = run(s);
      expect(digest(two)).toBe(digest(one));
      expect(two.nic.counters).toEqual(one.nic.counters);
      const stepped = run(s, { skipIdle: false });
      expect(digest(stepped)).toBe(digest(one));
    },
  );
});
