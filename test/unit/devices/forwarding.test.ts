import { describe, expect, it } from 'vitest';
import { BRIDGE_GROUP_ADDRESS, FORWARDING_DROP_REASONS, ForwardingCore, isReservedAddress, type ForwardingDecision, type ForwardingFrame } from '../../../src/devices/index.js';
import { BROADCAST, asMac, parseMac, type Mac } from '../../../src/link/index.js';
import { expectSimError } from '../../helpers/arb-l2.js';

const m = parseMac;
const A = m('02:00:00:00:00:0a');
const B = m('02:00:00:00:00:0b');
const C = m('02:00:00:00:00:0c');
const MCAST = m('01:00:5e:00:00:01');
const reserved = (low: number): Mac => asMac(BRIDGE_GROUP_ADDRESS + low);
const f = (src: Mac, dst: Mac, vid?: number): ForwardingFrame => (vid === undefined ? { src, dst } : { src, dst, vlan: { vid } });
/** The ports a decision sends to ([] for local and drops). */
const ports = (d: ForwardingDecision): readonly number[] => (d.kind === 'forward' ? d.ports : []);

describe('ForwardingCore: learning, filtering, flooding', () => {
  it('FWD-UNI-01: unknown unicast floods, a learned destination gets exactly its port, one on the ingress port is filtered', () => {
    const core = new ForwardingCore(4);
    expect(core.decide(0, f(A, B), 0)).toEqual({ kind: 'forward', vid: 0, ports: [1, 2, 3], untagged: [true, true, true], flood: true });
    expect(core.decide(1, f(B, A), 1)).toEqual({ kind: 'forward', vid: 0, ports: [0], untagged: [true], flood: false });
    expect(ports(core.decide(0, f(A, B), 2))).toEqual([1]);
    // C sends on port 0, where A lives: filtered, not flooded.
    expect(core.decide(0, f(C, A), 3)).toEqual({ kind: 'drop', reason: 'filtered-same-port' });
    // Station move: A now on port 2.
    expect(ports(core.decide(2, f(A, BROADCAST), 4))).toEqual([0, 1, 3]);
    expect(ports(core.decide(1, f(B, A), 5))).toEqual([2]);
  });

  it('FWD-ING-01: a hairpin port gets its own floods and its own stations\' unicast back; others never', () => {
    const core = new ForwardingCore(3);
    core.configurePort(1, { hairpin: true });
    expect(ports(core.decide(0, f(A, BROADCAST), 0))).toEqual([1, 2]);
    expect(ports(core.decide(1, f(B, BROADCAST), 1))).toEqual([0, 1, 2]);
    expect(ports(core.decide(1, f(C, B), 2))).toEqual([1]);
    expect(core.decide(0, f(C, A), 3)).toEqual({ kind: 'drop', reason: 'filtered-same-port' });
  });

  it('FWD-FLOOD-01: per-port flood flags select the ports each kind of flood reaches; known unicast ignores them', () => {
    const core = new ForwardingCore(4);
    core.configurePort(1, { unicastFlood: false });
    core.configurePort(2, { multicastFlood: false });
    core.configurePort(3, { broadcastFlood: false });
    expect(ports(core.decide(0, f(A, B), 0))).toEqual([2, 3]);
    expect(ports(core.decide(0, f(A, MCAST), 1))).toEqual([1, 3]);
    expect(ports(core.decide(0, f(A, BROADCAST), 2))).toEqual([1, 2]);
    core.decide(1, f(B, BROADCAST), 3);
    expect(ports(core.decide(0, f(A, B), 4))).toEqual([1]);
    // Nothing left to flood to: dropped with a reason.
    const two = new ForwardingCore(2);
    two.configurePort(1, { unicastFlood: false });
    expect(two.decide(0, f(A, B), 0)).toEqual({ kind: 'drop', reason: 'no-egress' });
  });

  it('FWD-SRC-01: group and all-zero sources are dropped, counted and never learned', () => {
    const core = new ForwardingCore(3, { profile: 'linux' });
    expect(core.decide(0, f(m('03:00:00:00:00:99'), B), 0)).toEqual({ kind: 'drop', reason: 'group-source' });
    expect(core.decide(0, f(BROADCAST, B), 0)).toEqual({ kind: 'drop', reason: 'group-source' });
    expect(core.decide(1, f(asMac(0), A), 0)).toEqual({ kind: 'drop', reason: 'zero-source' });
    // Even towards a reserved address, before any link-local rule.
    expect(core.decide(1, f(asMac(0), reserved(0x0e)), 0)).toEqual({ kind: 'drop', reason: 'zero-source' });
    expect(core.fdb.entries(0)).toEqual([]);
    expect(core.counters.drops['group-source']).toBe(2);
    expect(core.counters.drops['zero-source']).toBe(2);
  });

  it('FWD-STATE-01: blocking ports neither learn nor relay; learning ports learn but do not relay; only forwarding ports send', () => {
    const core = new ForwardingCore(4);
    core.setPortState(0, 'blocking');
    core.setPortState(1, 'learning');
    core.setPortState(2, 'listening');
    expect([0, 1, 2, 3].map((i) => core.portState(i))).toEqual(['blocking', 'learning', 'listening', 'forwarding']);
    expect(core.decide(0, f(A, BROADCAST), 0)).toEqual({ kind: 'drop', reason: 'port-state' });
    expect(core.decide(1, f(B, BROADCAST), 1)).toEqual({ kind: 'drop', reason: 'port-state' });
    expect(core.fdb.entries(1).map((e) => [e.mac, e.port])).toEqual([[B, 1]]);
    // Port 3 floods: only forwarding ports (none but itself) may send → nothing.
    expect(core.decide(3, f(C, A), 2)).toEqual({ kind: 'drop', reason: 'no-egress' });
    // A known destination behind a port that is not forwarding is not sent there.
    expect(core.decide(3, f(C, B), 3)).toEqual({ kind: 'drop', reason: 'no-egress' });
    core.setPortState(1, 'forwarding');
    expect(ports(core.decide(3, f(C, B), 4))).toEqual([1]);
    core.setPortState(2, 'disabled');
    expect(ports(core.decide(1, f(B, A), 5))).toEqual([3]);
    // Learning off: the source is not learned.
    core.configurePort(3, { learning: false });
    core.fdb.flush();
    core.decide(3, f(C, BROADCAST), 6);
    expect(core.fdb.entries(6)).toEqual([]);
  });

  it('FWD-LOCAL-01: frames to the bridge\'s own addresses are local; an own address as source is not learned but the frame is relayed', () => {
    const own = m('02:b0:ff:00:00:00');
    const portMac = m('02:b0:00:00:00:01');
    const core = new ForwardingCore(3, { profile: 'linux', localMacs: [own, portMac] });
    expect(core.decide(0, f(A, own), 0)).toEqual({ kind: 'local', reason: 'own-address', vid: 0 });
    expect(core.decide(0, f(A, portMac), 1)).toEqual({ kind: 'local', reason: 'own-address', vid: 0 });
    expect(ports(core.decide(0, f(portMac, BROADCAST), 2))).toEqual([1, 2]);
    expect(core.fdb.get(0, portMac, 2)).toBeUndefined();
    expect(core.decide(2, f(B, portMac), 3)).toMatchObject({ kind: 'local' });
    expect(core.isLocal(own)).toBe(true);
    expect(core.isLocal(A)).toBe(false);
    // Still learned from a frame to the bridge itself.
    expect(core.fdb.lookup(0, A, 3)).toBe(0);
    // A learning port drops before local delivery (Linux: br_handle_frame_finish).
    core.setPortState(1, 'learning');
    expect(core.decide(1, f(C, own), 4)).toEqual({ kind: 'drop', reason: 'port-state' });
  });

  it('FWD-CNT-01: every decision counts in exactly one counter; drops by reason', () => {
    const core = new ForwardingCore(3, { localMacs: [C] });
    const frames: [number, ForwardingFrame][] = [[0, f(A, B)], [1, f(B, A)], [0, f(A, C)], [0, f(asMac(0), B)], [0, f(A, reserved(0))], [1, f(B, BROADCAST)], [0, f(B, A)]];
    frames.forEach(([p, fr], i) => core.decide(p, fr, i));
    const c = core.counters;
    expect(c.forwarded + c.flooded + c.local + c.dropped).toBe(frames.length);
    expect(c).toEqual({ forwarded: 1, flooded: 2, local: 1, dropped: 3, drops: { ...Object.fromEntries(FORWARDING_DROP_REASONS.map((r) => [r, 0])), 'zero-source': 1, 'reserved-address': 1, 'filtered-same-port': 1 } });
  });
});

describe('ForwardingCore: reserved addresses', () => {
  it('FWD-RSV-01: ieee never forwards 01-80-C2-00-00-00..0F, STP or not; BPDUs are local while STP runs', () => {
    for (const stp of [false, true]) {
      const core = new ForwardingCore(3, { stp });
      for (let low = 0; low < 16; low++) {
        const d = core.decide(0, f(A, reserved(low)), low);
        if (stp && low === 0) expect(d).toEqual({ kind: 'local', reason: 'bpdu', vid: 0 });
        else expect(d).toEqual({ kind: 'drop', reason: 'reserved-address' });
      }
      expect(core.decide(0, f(A, reserved(0x10)), 16)).toMatchObject({ kind: 'forward', ports: [1, 2] });
    }
    expect(isReservedAddress(reserved(0x0f))).toBe(true);
    expect(isReservedAddress(reserved(0x10))).toBe(false);
    expect(isReservedAddress(asMac(BRIDGE_GROUP_ADDRESS - 1))).toBe(false);
  });

  it('FWD-RSV-01: ieee BPDUs reach STP on blocking ports but not on disabled ones', () => {
    const core = new ForwardingCore(2, { stp: true });
    core.setPortState(0, 'blocking');
    expect(core.decide(0, f(A, BRIDGE_GROUP_ADDRESS), 0)).toMatchObject({ kind: 'local', reason: 'bpdu' });
    core.setPortState(0, 'disabled');
    expect(core.decide(0, f(A, BRIDGE_GROUP_ADDRESS), 1)).toEqual({ kind: 'drop', reason: 'port-state' });
    expectSimError(() => new ForwardingCore(2, { groupFwdMask: 0x4000 }), 'sim.bad-option');
  });

  it('FWD-LNX-01: linux floods the bridge group address with STP off and hands it to STP with STP on', () => {
    const core = new ForwardingCore(3, { profile: 'linux' });
    expect(ports(core.decide(0, f(A, BRIDGE_GROUP_ADDRESS), 0))).toEqual([1, 2]);
    core.stp = true;
    expect(core.stp).toBe(true);
    expect(core.decide(0, f(B, BRIDGE_GROUP_ADDRESS), 1)).toEqual({ kind: 'local', reason: 'bpdu', vid: 0 });
    // Its source is learned, even on a blocking port.
    core.setPortState(2, 'blocking');
    expect(core.decide(2, f(C, BRIDGE_GROUP_ADDRESS), 2)).toMatchObject({ kind: 'local' });
    expect(core.fdb.entries(2).map((e) => [e.mac, e.port])).toEqual([[A, 0], [B, 0], [C, 2]]);
  });

  it('FWD-LNX-01: linux always drops 01-80-C2-00-00-01, forwards 02..0F only by group_fwd_mask, and learns their sources', () => {
    const core = new ForwardingCore(3, { profile: 'linux', groupFwdMask: 0x4008 });
    expect(core.decide(0, f(A, reserved(1)), 0)).toEqual({ kind: 'drop', reason: 'reserved-address' });
    expect(core.fdb.lookup(0, A, 0)).toBeUndefined(); // PAUSE frames are dropped before learning
    expect(core.decide(0, f(A, reserved(2)), 1)).toEqual({ kind: 'drop', reason: 'reserved-address' });
    expect(core.fdb.lookup(0, A, 1)).toBe(0);
    expect(ports(core.decide(1, f(B, reserved(3)), 2))).toEqual([0, 2]);
    expect(ports(core.decide(1, f(B, reserved(0x0e)), 3))).toEqual([0, 2]);
    expect(core.decide(1, f(B, reserved(0x0f)), 4)).toEqual({ kind: 'drop', reason: 'reserved-address' });
    // A forwarded link-local frame floods as multicast.
    core.configurePort(2, { multicastFlood: false });
    expect(ports(core.decide(1, f(B, reserved(0x0e)), 5))).toEqual([0]);
    core.groupFwdMask = 0;
    expect(core.decide(1, f(B, reserved(0x0e)), 6)).toEqual({ kind: 'drop', reason: 'reserved-address' });
    // Non-forwarded link-local frames teach their source on a blocking port, not on a disabled one.
    core.setPortState(2, 'blocking');
    core.decide(2, f(C, reserved(0x0e)), 7);
    expect(core.fdb.lookup(0, C, 7)).toBe(2);
    core.fdb.flush();
    core.setPortState(2, 'disabled');
    core.decide(2, f(C, reserved(0x0e)), 8);
    expect(core.fdb.lookup(0, C, 8)).toBeUndefined();
  });

  it('FWD-LNX-01: group_fwd_mask bits 0-2 are refused as Linux refuses them', () => {
    for (const mask of [0x1, 0x2, 0x4, 0x7, 0xffff]) expectSimError(() => new ForwardingCore(2, { profile: 'linux', groupFwdMask: mask }), 'sim.bad-option');
    expectSimError(() => new ForwardingCore(2, { profile: 'linux', groupFwdMask: 0x10000 }), 'sim.bad-option');
    const core = new ForwardingCore(2, { profile: 'linux', groupFwdMask: 0xfff8 });
    expect(core.groupFwdMask).toBe(0xfff8);
    expectSimError(() => {
      core.groupFwdMask = 0x2;
    }, 'sim.bad-option');
    expect(core.groupFwdMask).toBe(0xfff8);
  });
});

describe('ForwardingCore: static entries and ageing', () => {
  it('FDB-STATIC-01: ieee keeps a static entry where it was configured when its address shows up elsewhere', () => {
    const core = new ForwardingCore(4);
    core.addStatic(A, 1);
    core.addStatic(B, 2, { sticky: true });
    core.decide(3, f(A, BROADCAST), 0);
    core.decide(3, f(B, BROADCAST), 1);
    expect(ports(core.decide(0, f(C, A), 2))).toEqual([1]);
    expect(ports(core.decide(0, f(C, B), 3))).toEqual([2]);
  });

  it('FDB-STATIC-02: linux moves a non-sticky static entry (it stays static) and keeps a sticky one', () => {
    const core = new ForwardingCore(4, { profile: 'linux', ageingCycles: 100 });
    core.addStatic(A, 1);
    core.addStatic(B, 2, { sticky: true });
    core.decide(3, f(A, BROADCAST), 0);
    core.decide(3, f(B, BROADCAST), 1);
    expect(ports(core.decide(0, f(C, A), 1_000))).toEqual([3]);
    expect(ports(core.decide(0, f(C, B), 1_001))).toEqual([2]);
    expect(core.fdb.get(0, A, 1_001)).toMatchObject({ static: true, port: 3 });
  });

  it('FDB-AGE-01: a destination floods again once its entry has aged; ageing 0 makes every unicast flood', () => {
    const core = new ForwardingCore(3, { profile: 'linux', ageingCycles: 1000 });
    core.decide(0, f(A, BROADCAST), 0);
    expect(ports(core.decide(1, f(B, A), 999))).toEqual([0]);
    expect(ports(core.decide(1, f(B, A), 1000))).toEqual([0, 2]);
    expect(core.ageingCycles).toBe(1000);
    core.setAgeing(0, 1001);
    core.decide(0, f(A, BROADCAST), 1001);
    expect(ports(core.decide(1, f(B, A), 1001))).toEqual([0, 2]);
  });

  it('FDB-LIMIT-01: the core passes its limit to the filtering database', () => {
    const core = new ForwardingCore(3, { fdbLimit: 1 });
    core.decide(0, f(A, BROADCAST), 0);
    core.decide(1, f(B, BROADCAST), 1);
    expect(core.fdb.counters.refused).toBe(1);
    expect(ports(core.decide(2, f(C, B), 2))).toEqual([0, 1]);
  });
});

describe('ForwardingCore: VLANs', () => {
  /** Port 0: trunk (tagged 10, 20; PVID none). Port 1: access 10. Port 2: access 20. Port 3: access 10, tagged 20. */
  function vlanCore(): ForwardingCore {
    const core = new ForwardingCore(4, { vlanFiltering: true });
    core.configurePort(0, { vlans: [10, 20], untagged: [], pvid: 0 });
    core.configurePort(1, { vlans: [10], untagged: [10], pvid: 10 });
    core.configurePort(2, { vlans: [20], untagged: [20], pvid: 20 });
    core.configurePort(3, { vlans: [10, 20], untagged: [10], pvid: 10 });
    return core;
  }

  it('VLAN-ING-01: untagged and priority-tagged frames take the PVID; foreign VLANs, VID 4095 and untagged frames without PVID are dropped', () => {
    const core = vlanCore();
    expect(core.decide(1, f(A, BROADCAST), 0)).toMatchObject({ kind: 'forward', vid: 10 });
    expect(core.decide(1, f(B, BROADCAST, 0), 1)).toMatchObject({ kind: 'forward', vid: 10 });
    expect(core.decide(1, f(A, BROADCAST, 20), 2)).toEqual({ kind: 'drop', reason: 'vlan-ingress' });
    expect(core.decide(0, f(A, BROADCAST), 3)).toEqual({ kind: 'drop', reason: 'vlan-ingress' });
    expect(core.decide(0, f(A, BROADCAST, 4095), 4)).toEqual({ kind: 'drop', reason: 'vlan-ingress' });
    expect(core.decide(0, f(A, BROADCAST, 20), 5)).toMatchObject({ kind: 'forward', vid: 20 });
    expect(core.port(1).pvid).toBe(10);
    expect([...core.port(0).vlans]).toEqual([10, 20]);
  });

  it('VLAN-EGR-01: egress only to members of the VLAN, untagged where the untagged set says so, tagged elsewhere', () => {
    const core = vlanCore();
    expect(core.decide(1, f(A, BROADCAST), 0)).toEqual({ kind: 'forward', vid: 10, ports: [0, 3], untagged: [false, true], flood: true });
    expect(core.decide(0, f(B, BROADCAST, 20), 1)).toEqual({ kind: 'forward', vid: 20, ports: [2, 3], untagged: [true, false], flood: true });
    expect(core.decide(2, f(C, B), 2)).toEqual({ kind: 'forward', vid: 20, ports: [0], untagged: [false], flood: false });
    // Without VLAN filtering the bridge is transparent: a tagged frame keeps its tag, whatever the VID.
    const plain = new ForwardingCore(3);
    expect(plain.decide(0, f(A, BROADCAST, 77), 0)).toEqual({ kind: 'forward', vid: 0, ports: [1, 2], untagged: [false, false], flood: true });
  });

  it('VLAN-FDB-01: an address learned in one VLAN is unknown in another, and a known destination outside the VLAN is not reached', () => {
    const core = vlanCore();
    core.decide(1, f(A, BROADCAST), 0); // A in VLAN 10 on port 1
    expect(core.decide(0, f(C, A, 10), 1)).toMatchObject({ ports: [1], flood: false });
    expect(core.decide(0, f(C, A, 20), 2)).toMatchObject({ ports: [2, 3], flood: true });
    expect(core.fdb.entries(2).map((e) => [e.vid, e.mac, e.port])).toEqual([[10, A, 1], [10, C, 0], [20, C, 0]]);
    // Port 1 leaves VLAN 10: its entry no longer reaches it.
    core.configurePort(1, { vlans: [20], untagged: [20], pvid: 20 });
    expect(core.decide(3, f(B, A), 3)).toEqual({ kind: 'drop', reason: 'no-egress' });
  });

  it('FWD-CFG-01: VLAN settings are checked as a whole and refused with sim.bad-vlan', () => {
    const core = vlanCore();
    expectSimError(() => core.configurePort(1, { vlans: [0] }), 'sim.bad-vlan');
    expectSimError(() => core.configurePort(1, { vlans: [4095] }), 'sim.bad-vlan');
    expectSimError(() => core.configurePort(1, { pvid: 20 }), 'sim.bad-vlan');
    expectSimError(() => core.configurePort(1, { untagged: [30] }), 'sim.bad-vlan');
    expectSimError(() => core.configurePort(1, { vlans: [20], hairpin: true }), 'sim.bad-vlan');
    expect(core.port(1)).toMatchObject({ pvid: 10, hairpin: false });
    expectSimError(() => core.decide(1, f(A, B, 4096), 0), 'sim.bad-vlan');
    expectSimError(() => core.addStatic(A, 1, { vid: 0 }), 'sim.bad-vlan');
    core.addStatic(A, 1);
    expect(core.fdb.get(10, A, 0)).toMatchObject({ port: 1, static: true });
    expectSimError(() => new ForwardingCore(2).addStatic(A, 1, { vid: 5 }), 'sim.bad-vlan');
  });

  it('FWD-CFG-01: port counts, port numbers, states, profiles, local and static addresses are checked', () => {
    for (const n of [0, 4097, 1.5]) expectSimError(() => new ForwardingCore(n), 'sim.bad-option');
    expect(new ForwardingCore(4096).portCount).toBe(4096);
    const core = new ForwardingCore(2);
    expectSimError(() => core.decide(2, f(A, B), 0), 'sim.bad-port');
    expectSimError(() => core.port(-1), 'sim.bad-port');
    expectSimError(() => core.configurePort(0, { state: 'sleeping' as 'disabled' }), 'sim.bad-option');
    expectSimError(() => new ForwardingCore(2, { profile: 'cisco' as 'ieee' }), 'sim.bad-option');
    expectSimError(() => new ForwardingCore(2, { localMacs: [BROADCAST] }), 'sim.bad-option');
    expectSimError(() => core.addStatic(MCAST, 0), 'sim.bad-option');
    expectSimError(() => core.addStatic(A, 5), 'sim.bad-port');
    expectSimError(() => new ForwardingCore(2, { ageingCycles: -5 }), 'sim.bad-option');
    core.decide(0, f(A, B), 10);
    expectSimError(() => core.decide(0, f(A, B), 9), 'sim.bad-time');
  });
});
