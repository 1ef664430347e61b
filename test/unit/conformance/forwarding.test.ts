import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  forwardingTargetFromCore, forwardingTargetFromSwitch, runConformance,
  type ConformanceReport, type ForwardingDelivery, type ForwardingDevice, type ForwardingTarget, type InjectedFrame, type VlanPlan,
} from '../../../src/conformance/index.js';

const seed = fc.readConfigureGlobal().seed ?? 1;
const statusOf = (r: ConformanceReport, id: string): string | undefined => r.results.find((x) => x.id === id)?.status;
const failedIds = (r: ConformanceReport): string[] => r.results.filter((x) => x.status === 'failed').map((x) => x.id);
const failures = (r: ConformanceReport): string => JSON.stringify(r.results.filter((x) => x.status === 'failed'), null, 1);
const detailOf = (r: ConformanceReport, id: string): string => r.results.find((x) => x.id === id)?.detail ?? '';

/** Requirements every learning bridge is checked for, whatever it declares. */
const GENERIC = ['FWD-ING-01', 'FWD-DUP-01', 'FWD-UNI-01', 'FWD-FLOOD-01', 'FWD-SRC-01', 'FDB-LEARN-01'];

/** Ways to break the toy bridge below. */
interface Bugs {
  /** Floods go back out of the ingress port too. */
  readonly back?: boolean;
  /** Never learns: every unicast floods. */
  readonly noLearn?: boolean;
  /** Every copy is sent twice. */
  readonly dup?: boolean;
  /** Frames with a group or zero source are forwarded (and learned) like any other. */
  readonly groupSource?: boolean;
  /** A learned address keeps its first port until it ages (station moves ignored). */
  readonly noMove?: boolean;
  /** Learned entries never age. */
  readonly neverAge?: boolean;
  /** Static entries age like learned ones. */
  readonly staticAges?: boolean;
  /** Unknown unicast goes to one other port only. */
  readonly floodOne?: boolean;
}

const isGroupMac = (m: number): boolean => Math.floor(m / 2 ** 40) % 2 === 1;

/**
 * A learning bridge written here, independently of iovsim's forwarding core, from the textbook
 * rules (learn the source, filter or forward a known destination, flood the rest); `bugs` break it.
 * It forwards reserved addresses like any multicast, and declares no profile.
 */
function toyBridge(ports: number, ageingSeconds: number, bugs: Bugs = {}, name = 'toy bridge'): ForwardingTarget {
  return {
    name, ports, ageingSeconds,
    create: (): ForwardingDevice => {
      const table = new Map<number, { port: number; at: number; fixed: boolean }>();
      let now = 0;
      const alive = (e: { at: number; fixed: boolean }): boolean => (e.fixed && !bugs.staticAges) || bugs.neverAge === true || now - e.at <= ageingSeconds;
      return {
        addStatic: (mac, port) => void table.set(mac, { port, at: 0, fixed: true }),
        inject: (port, frame: InjectedFrame, at): ForwardingDelivery[] => {
          now = at;
          const copies = (to: readonly number[]): ForwardingDelivery[] => to.flatMap((p) => (bugs.dup ? [{ port: p, bytes: frame.bytes }, { port: p, bytes: frame.bytes }] : [{ port: p, bytes: frame.bytes }]));
          const others = Array.from({ length: ports }, (_, p) => p).filter((p) => p !== port || bugs.back === true);
          const badSource = frame.src === 0 || isGroupMac(frame.src);
          if (badSource && !bugs.groupSource) return [];
          const known = table.get(frame.src);
          if (!bugs.noLearn && !known?.fixed && !(bugs.noMove && known !== undefined && alive(known))) table.set(frame.src, { port, at, fixed: false });
          if (isGroupMac(frame.dst)) return copies(others);
          const e = table.get(frame.dst);
          if (e === undefined || !alive(e)) return copies(bugs.floodOne ? others.slice(0, 1) : others);
          return e.port === port ? [] : copies([e.port]);
        },
      };
    },
  };
}

/** `inner` with its deliveries rewritten. */
function tamper(inner: ForwardingTarget, name: string, rewrite: (port: number, frame: InjectedFrame, out: readonly ForwardingDelivery[]) => readonly ForwardingDelivery[]): ForwardingTarget {
  return {
    ...inner, name,
    create: () => {
      const dev = inner.create();
      return { ...dev, inject: (port, frame, at) => rewrite(port, frame, dev.inject(port, frame, at) ?? []) };
    },
  };
}

describe('runConformance on forwarding targets', () => {
  it('FWD-ING-01 FWD-DUP-01 FWD-UNI-01 FWD-FLOOD-01 FWD-SRC-01 FDB-LEARN-01 FDB-AGE-01 FDB-STATIC-01: a learning bridge written independently of iovsim passes every requirement that applies; the profile rules are not applicable', () => {
    const r = runConformance(toyBridge(5, 30), { seed });
    expect(failedIds(r), failures(r)).toEqual([]);
    expect(r.passed).toBe(8);
    expect(statusOf(r, 'FWD-RSV-01')).toBe('not-applicable');
    expect(statusOf(r, 'FWD-LNX-01')).toBe('not-applicable');
    expect(r.seed).toBe(seed);
    expect(r.target).toBe('toy bridge');
  });

  for (const mode of ['symbol', 'burst', 'frame'] as const) {
    for (const profile of ['ieee', 'linux'] as const) {
      it(`FWD-ING-01 FWD-FLOOD-01 FWD-UNI-01 FDB-AGE-01 FDB-STATIC-01 FWD-RSV-01 FWD-LNX-01: our Switch driven through real frames passes (${profile} profile, ${mode} mode)`, () => {
        const r = runConformance(forwardingTargetFromSwitch({ ports: 4, profile, mode, ageingSeconds: 60 }), { seed, numRuns: 40 });
        expect(failedIds(r), failures(r)).toEqual([]);
        expect(r.passed).toBe(12);
        expect(statusOf(r, profile === 'ieee' ? 'FWD-LNX-01' : 'FWD-RSV-01')).toBe('not-applicable');
        for (const id of ['VLAN-ING-01', 'VLAN-EGR-01', 'VLAN-FDB-01']) expect(statusOf(r, id)).toBe('passed');
      });
    }
  }

  it('FWD-ING-01 FWD-FLOOD-01 FWD-UNI-01: our ForwardingCore passes, hairpin ports included, and a 1-port and a 2-port bridge too', () => {
    for (const t of [forwardingTargetFromCore({ ports: 6, hairpinPorts: [1, 4] }), forwardingTargetFromCore({ ports: 3, profile: 'linux', hairpinPorts: [0, 1, 2] }), forwardingTargetFromCore({ ports: 1 }), forwardingTargetFromSwitch({ ports: 2, profile: 'linux' })]) {
      const r = runConformance(t, { seed, numRuns: 60 });
      expect(failedIds(r), `${t.name}: ${failures(r)}`).toEqual([]);
    }
    expect(statusOf(runConformance(forwardingTargetFromCore({ ports: 1 }), { seed, numRuns: 5 }), 'FDB-LEARN-01')).toBe('not-applicable');
  });

  it('FWD-ING-01: catches a switch that sends frames back out of their ingress port (our Switch with hairpin on every port, declared without)', () => {
    const { hairpinPorts: _, ...undeclared } = forwardingTargetFromSwitch({ ports: 4, hairpinPorts: [0, 1, 2, 3] });
    const r = runConformance({ ...undeclared, name: 'reflecting switch' }, { seed });
    expect(statusOf(r, 'FWD-ING-01')).toBe('failed');
    expect(detailOf(r, 'FWD-ING-01')).toMatch(/sent back out of its ingress port \d, which is not in hairpin mode/);
    expect(r.results.find((x) => x.id === 'FWD-ING-01')!.reproduce?.seed).toBe(seed);
    // The toy bridge with the same fault is caught too, and only for that and the floods it spoils
    // (unknown unicast, broadcast, multicast, aged entries), never for learning or duplicates.
    const toy = runConformance(toyBridge(4, 30, { back: true }), { seed });
    expect(failedIds(toy)).toContain('FWD-ING-01');
    expect(failedIds(toy).filter((x) => !['FWD-ING-01', 'FWD-FLOOD-01', 'FDB-AGE-01'].includes(x))).toEqual([]);
  });

  it('FWD-UNI-01 FDB-LEARN-01: catches a switch that never learns and floods everything (our Switch with ageing 0, declared with 300 s)', () => {
    const r = runConformance({ ...forwardingTargetFromSwitch({ ports: 4, ageingSeconds: 0 }), ageingSeconds: 300, name: 'amnesic switch' }, { seed });
    expect(statusOf(r, 'FWD-UNI-01')).toBe('failed');
    expect(statusOf(r, 'FDB-LEARN-01')).toBe('failed');
    expect(detailOf(r, 'FWD-UNI-01')).toMatch(/learned on port \d\) reached \[[\d, ]*\], it must reach (exactly \[\d\]|no port)/);
    // Flooding itself is right, and so is everything else that needs no learning.
    for (const id of ['FWD-ING-01', 'FWD-DUP-01', 'FWD-FLOOD-01', 'FWD-SRC-01', 'FDB-STATIC-01', 'FWD-RSV-01']) expect(statusOf(r, id), id).toBe('passed');
    // Declared honestly (ageing 0: no learning), the same switch conforms.
    const honest = runConformance(forwardingTargetFromSwitch({ ports: 4, ageingSeconds: 0 }), { seed, numRuns: 30 });
    expect(failedIds(honest), failures(honest)).toEqual([]);
    expect(statusOf(honest, 'FWD-UNI-01')).toBe('not-applicable');
    expect(failedIds(runConformance(toyBridge(4, 30, { noLearn: true }), { seed }))).toEqual(['FDB-LEARN-01', 'FDB-AGE-01', 'FWD-UNI-01']);
  });

  it('FWD-DUP-01: catches a switch that sends a second copy of a frame out of the same port', () => {
    const r = runConformance(tamper(forwardingTargetFromSwitch({ ports: 4 }), 'stuttering switch', (_p, _f, out) => [...out, ...out.slice(0, 1)]), { seed });
    expect(failedIds(r)).toEqual(['FWD-DUP-01']);
    expect(detailOf(r, 'FWD-DUP-01')).toMatch(/reached port \d 2 times/);
    expect(failedIds(runConformance(toyBridge(4, 30, { dup: true }), { seed }))).toEqual(['FWD-DUP-01']);
  });

  it('FWD-SRC-01: catches a switch that forwards frames with a group or all-zero source', () => {
    const core = forwardingTargetFromCore({ ports: 4 });
    const leaky = tamper(core, 'leaky switch', (port, frame, out) => (frame.src === 0 || isGroupMac(frame.src) ? [0, 1, 2, 3].filter((p) => p !== port).map((p) => ({ port: p, bytes: frame.bytes })) : out));
    const r = runConformance(leaky, { seed });
    expect(failedIds(r)).toEqual(['FWD-SRC-01']);
    expect(detailOf(r, 'FWD-SRC-01')).toMatch(/its source (00:00:00:00:00:00 is all-zero|[0-9a-f:]{17} is a group address)\) reached \[[\d, ]+\], it must reach no port/);
    expect(failedIds(runConformance(toyBridge(4, 30, { groupSource: true }), { seed }))).toContain('FWD-SRC-01');
  });

  it('FDB-LEARN-01 FDB-AGE-01 FDB-STATIC-01 FWD-FLOOD-01: catches station moves ignored, entries that never age, static entries that age, and floods that miss ports', () => {
    const cases: [string, Bugs][] = [['FDB-LEARN-01', { noMove: true }], ['FDB-AGE-01', { neverAge: true }], ['FDB-STATIC-01', { staticAges: true }], ['FWD-FLOOD-01', { floodOne: true }]];
    for (const [id, bugs] of cases) {
      const r = runConformance(toyBridge(4, 30, bugs), { seed });
      expect(failedIds(r), `${JSON.stringify(bugs)}: ${failures(r)}`).toContain(id);
      expect(failedIds(r).filter((x) => !['FDB-LEARN-01', 'FDB-AGE-01', 'FDB-STATIC-01', 'FWD-FLOOD-01', 'FWD-UNI-01'].includes(x))).toEqual([]);
    }
  });

  it('FWD-CONF-01: deliveries reported late (all at once from collect) are attributed to their frames, and unrelated frames are ignored', () => {
    const inner = toyBridge(4, 30);
    const batched: ForwardingTarget = {
      ...inner, name: 'batched',
      create: () => {
        const dev = inner.create();
        const held: ForwardingDelivery[] = [];
        return {
          addStatic: dev.addStatic!,
          inject: (port, frame, at) => {
            held.push(...(dev.inject(port, frame, at) ?? []));
            held.push({ port: 0, bytes: new Uint8Array(64).fill(0x42) }); // a frame of the device's own, say a BPDU
          },
          collect: () => held.reverse(),
        };
      },
    };
    const r = runConformance(batched, { seed, numRuns: 50 });
    expect(failedIds(r), failures(r)).toEqual([]);
    expect(r.passed).toBe(8);
  });

  it('FWD-CONF-01: never throws: a target that throws, cannot be created, declares nonsense or reports bad ports fails with the reason', () => {
    let n = 0;
    const throwing = tamper(toyBridge(3, 30), 'throws', (_p, _f, out) => {
      if (++n % 7 === 0) throw new Error('link down');
      return out;
    });
    const r = runConformance(throwing, { seed, numRuns: 20 });
    expect(r.failed).toBeGreaterThan(0);
    expect(detailOf(r, failedIds(r)[0]!)).toMatch(/the target threw in inject\(\) of frame #\d+: link down/);

    const broken = runConformance({ name: 'no device', ports: 4, create: () => { throw new Error('no such interface'); } }, { seed });
    expect(broken.failed).toBe(broken.results.length);
    expect(broken.results.every((x) => x.detail === 'create() threw: no such interface')).toBe(true);

    const nonsense = runConformance({ ...toyBridge(3, 30), ports: 0 }, { seed, only: ['FWD-ING-01'] });
    expect(nonsense.results).toMatchObject([{ id: 'FWD-ING-01', status: 'failed', detail: expect.stringMatching(/declares 0 ports/) }]);
    expect(runConformance({ ...toyBridge(3, 30), hairpinPorts: [3] }, { seed, only: ['FWD-ING-01'] }).results[0]!.detail).toMatch(/hairpinPorts/);

    const wrongPort = tamper(toyBridge(3, 30), 'port 9', (_p, f, out) => [...out, { port: 9, bytes: f.bytes }]);
    expect(detailOf(runConformance(wrongPort, { seed, numRuns: 5 }), 'FWD-ING-01')).toMatch(/delivered to port 9; the target has ports 0\.\.2/);
  });

  it('FWD-CONF-01: only runs the requirements asked for, with the same seed reproducing the same counterexample', () => {
    const t = toyBridge(4, 30, { noMove: true });
    const a = runConformance(t, { seed, only: ['FDB-LEARN-01'] });
    const b = runConformance(t, { seed, only: ['FDB-LEARN-01'] });
    expect(a.results.map((x) => x.id)).toEqual(['FDB-LEARN-01']);
    expect(a.results[0]!.status).toBe('failed');
    expect(b.results[0]!.detail).toBe(a.results[0]!.detail);
    expect(b.results[0]!.reproduce).toEqual(a.results[0]!.reproduce);
    expect(a.results[0]!.detail).toMatch(/after a station move/);
    expect(GENERIC.every((id) => runConformance(toyBridge(4, 30), { seed, numRuns: 10, only: [id] }).results[0]!.status === 'passed')).toBe(true);
  });

  it('VLAN-ING-01 VLAN-EGR-01 VLAN-FDB-01: a VLAN bridge written independently of iovsim passes; each VLAN fault is caught by its own requirement and not by the others', () => {
    const ok = runConformance(toyVlanBridge(4, 30), { seed });
    expect(failedIds(ok), failures(ok)).toEqual([]);
    for (const id of ['VLAN-ING-01', 'VLAN-EGR-01', 'VLAN-FDB-01']) expect(statusOf(ok, id)).toBe('passed');
    // Targets without configureVlans are not asked.
    expect(statusOf(runConformance(toyBridge(4, 30), { seed, numRuns: 5 }), 'VLAN-ING-01')).toBe('not-applicable');

    const vlanIds = (r: ConformanceReport): string[] => failedIds(r).filter((x) => x.startsWith('VLAN-'));
    const noFilter = runConformance(toyVlanBridge(4, 30, { noIngressFilter: true }), { seed });
    expect(vlanIds(noFilter)).toContain('VLAN-ING-01');
    expect(detailOf(noFilter, 'VLAN-ING-01')).toMatch(/must reach no port; VLAN plan: port 0 /);
    const shared = runConformance(toyVlanBridge(4, 30, { sharedFdb: true }), { seed });
    expect(vlanIds(shared)).toEqual(['VLAN-FDB-01']);
    expect(detailOf(shared, 'VLAN-FDB-01')).toMatch(/learned in another VLAN only/);
    const asArrived = runConformance(toyVlanBridge(4, 30, { noRetag: true }), { seed });
    expect(vlanIds(asArrived)).toEqual(['VLAN-EGR-01']);
    expect(detailOf(asArrived, 'VLAN-EGR-01')).toMatch(/left port \d (untagged|tagged with VID \d+); it must leave it (untagged|tagged with VID \d+)/);
    const leaky = runConformance(toyVlanBridge(4, 30, { floodAll: true }), { seed });
    expect(vlanIds(leaky)).toContain('VLAN-EGR-01');
    expect(vlanIds(leaky)).not.toContain('VLAN-ING-01');
    // None of these faults touches the VLAN-unaware requirements.
    for (const r of [noFilter, shared, asArrived, leaky]) expect(failedIds(r).filter((x) => !x.startsWith('VLAN-'))).toEqual([]);
  });

  it('VLAN-ING-01 VLAN-EGR-01 VLAN-FDB-01: our ForwardingCore and Switch configured by the plan pass, and configureVlans after a frame is refused', () => {
    for (const t of [forwardingTargetFromCore({ ports: 5, hairpinPorts: [3] }), forwardingTargetFromCore({ ports: 4, profile: 'linux', ageingSeconds: 20 }), forwardingTargetFromSwitch({ ports: 3, mode: 'burst' })]) {
      const r = runConformance(t, { seed, numRuns: 60, only: ['VLAN-ING-01', 'VLAN-EGR-01', 'VLAN-FDB-01'] });
      expect(failedIds(r), `${t.name}: ${failures(r)}`).toEqual([]);
      expect(r.passed).toBe(3);
    }
    const dev = forwardingTargetFromCore({ ports: 2 }).create();
    const plan: VlanPlan = { ports: [{ pvid: 1, vlans: [1], untagged: [1] }, { pvid: 1, vlans: [1], untagged: [1] }] };
    dev.addStatic!(0x021c0f000101 as never, 1);
    expect(() => dev.configureVlans!(plan)).toThrow(/sim.bad-option/);
  });
});

/** Ways to break the toy VLAN bridge below. */
interface VlanBugs {
  /** Frames of any VLAN are taken in on any port, untagged ones in VLAN 1 when the port has no PVID. */
  readonly noIngressFilter?: boolean;
  /** One filtering database for all VLANs, keyed by address alone. */
  readonly sharedFdb?: boolean;
  /** Copies leave as they arrived, tag or no tag. */
  readonly noRetag?: boolean;
  /** Floods reach every other port, members of the VLAN or not. */
  readonly floodAll?: boolean;
}

/**
 * An 802.1Q bridge written here, independently of iovsim, from the textbook rules: classify
 * (PVID for untagged and priority-tagged frames, ingress filtering), learn per (VLAN, address),
 * forward or flood to member ports, tag or untag each copy by hand; `bugs` break it.
 */
function toyVlanBridge(ports: number, ageingSeconds: number, bugs: VlanBugs = {}): ForwardingTarget {
  return {
    name: 'toy VLAN bridge', ports, ageingSeconds,
    create: (): ForwardingDevice => {
      let plan: VlanPlan = { ports: Array.from({ length: ports }, () => ({ pvid: 1, vlans: [1], untagged: [1] })) };
      const table = new Map<string, { port: number; at: number }>();
      const strip = (b: Uint8Array): Uint8Array => Uint8Array.from([...b.subarray(0, 12), ...b.subarray(16)]);
      const tag = (b: Uint8Array, vid: number): Uint8Array => Uint8Array.from([...b.subarray(0, 12), 0x81, 0x00, vid >> 8, vid & 0xff, ...b.subarray(12)]);
      return {
        configureVlans: (p) => void (plan = p),
        inject: (port, frame: InjectedFrame, at): ForwardingDelivery[] => {
          if (frame.src === 0 || isGroupMac(frame.src)) return [];
          const me = plan.ports[port]!;
          const tagged = frame.vlan !== undefined && frame.vlan.vid !== 0;
          let vid = tagged ? frame.vlan!.vid : me.pvid;
          if (bugs.noIngressFilter) vid ||= 1;
          else if (vid === 0 || vid === 4095 || !me.vlans.includes(vid)) return [];
          const key = (mac: number): string => (bugs.sharedFdb ? `${mac}` : `${vid} ${mac}`);
          table.set(key(frame.src), { port, at });
          const members = Array.from({ length: ports }, (_, p) => p).filter((p) => p !== port && (bugs.floodAll || plan.ports[p]!.vlans.includes(vid)));
          const e = isGroupMac(frame.dst) ? undefined : table.get(key(frame.dst));
          const to = e !== undefined && at - e.at <= ageingSeconds ? (e.port === port ? [] : [e.port]) : members;
          const plain = frame.vlan === undefined ? frame.bytes : strip(frame.bytes);
          return to.map((p) => ({ port: p, bytes: bugs.noRetag ? frame.bytes : plan.ports[p]!.untagged.includes(vid) ? plain : tag(plain, vid) }));
        },
      };
    },
  };
}
