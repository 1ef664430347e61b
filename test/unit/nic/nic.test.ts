import { describe, expect, it } from 'vitest';
import { Kernel } from '../../../src/sim/index.js';
import { BROADCAST, Cable, asMac, crc32, decodeFrame, type Frame, type Mac, type Port } from '../../../src/link/index.js';
import { Host, Switch } from '../../../src/devices/index.js';
import {
  compareVswitchVsVf, formatComparison, FunctionDriver, Nic, NicError, nicFrameHeader, runNicTraffic, VSwitch,
  type NicEvent, type NicOptions, type QueueFlushEvent,
} from '../../../src/nic/index.js';
import { Q, vfPcieAt, vfRid } from './nic-helpers.js';
import { thrown } from '../../helpers/errors.js';

const mac = (i: number): Mac => asMac(0x0200_0000_0000 + i);
const WIRE = mac(0x99);
const OTHER = mac(0x77);

/** A frame without FCS: dst, src, optional 802.1Q tag, type 0x88b5, then `id` in 4 bytes, zero-padded to `len`. */
function frame(dst: Mac, src: Mac, id: number, o: { len?: number; vid?: number; pcp?: number } = {}): Uint8Array {
  const tagged = o.vid !== undefined;
  const b = new Uint8Array(o.len ?? 60);
  const put = (at: number, m: Mac): void => {
    for (let i = 0; i < 6; i++) b[at + i] = Math.floor(m / 2 ** (8 * (5 - i))) % 256;
  };
  put(0, dst);
  put(6, src);
  let at = 12;
  if (tagged) {
    const tci = ((o.pcp ?? 0) << 13) | o.vid!;
    b.set([0x81, 0x00, tci >> 8, tci & 0xff], 12);
    at = 16;
  }
  b.set([0x88, 0xb5, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff], at);
  return b;
}

/** The id of a frame built by `frame` (tagged or not). */
function idOf(b: Uint8Array): number {
  const at = b[12] === 0x81 && b[13] === 0 ? 18 : 14;
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

interface World {
  readonly k: Kernel;
  readonly nic: Nic;
  readonly wire: Host;
  readonly events: NicEvent[];
  readonly flushes: QueueFlushEvent[];
  readonly got: Map<number, Uint8Array[]>;
  readonly wireGot: Frame[];
  readonly drivers: FunctionDriver[];
}

/** A NIC with `n` VFs (VF i has MAC mac(i)), each with an enabled driver; a host on the wire (directly, or behind a ToR switch). */
function world(n: number, o: { tor?: 'none' | 'plain' | 'hairpin'; cable?: boolean; options?: NicOptions } = {}): World & { tor: Switch | undefined } {
  const k = new Kernel({ seed: 5 });
  const events: NicEvent[] = [];
  const flushes: QueueFlushEvent[] = [];
  const nic = k.add(new Nic('nic', { totalVfs: 16, ...o.options, onEvent: (e) => events.push(e), onFlush: (e) => flushes.push(e) }));
  const wireGot: Frame[] = [];
  const wire = k.add(new Host('wire', { mac: WIRE, rate: 1000, onReceive: (f) => wireGot.push(f) }));
  let tor: Switch | undefined;
  if (o.cable !== false) {
    if (o.tor === 'plain' || o.tor === 'hairpin') {
      tor = k.add(new Switch('tor', { ports: 2, mac: mac(0xf000), rate: 1000 }));
      if (o.tor === 'hairpin') tor.core.configurePort(0, { hairpin: true });
      k.add(new Cable('c0', nic.ports[0]! as Port, tor.ports[0]! as Port, { metres: 2 }, k.rng('c0')));
      k.add(new Cable('c1', tor.ports[1]! as Port, wire.port, { metres: 10 }, k.rng('c1')));
    } else {
      k.add(new Cable('c0', nic.ports[0]! as Port, wire.port, { metres: 10 }, k.rng('c0')));
    }
  }
  nic.pcie.bringUp({ numVfs: n });
  const got = new Map<number, Uint8Array[]>();
  const drivers = Array.from({ length: n }, (_, i) => {
    nic.pcie.setVfMac(i + 1, mac(i + 1));
    const d = new FunctionDriver(nic, i + 1, (f) => got.set(i + 1, [...(got.get(i + 1) ?? []), f]));
    d.enable();
    return d;
  });
  return { k, nic, wire, events, flushes, got, wireGot, drivers, tor };
}

const ids = (list: readonly Uint8Array[] | undefined): number[] => (list ?? []).map(idOf);
const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

/** The two conservation sums of the NIC's counters. */
function conserved(nic: Nic): void {
  const c = nic.counters;
  const f = nic.inFlight();
  expect(c.fromFunctions + c.fromWire, 'frames in = forwarded + dropped + in flight').toBe(c.forwarded + sum(c.dropped) + f.tx);
  expect(c.copies, 'copies = delivered + sent + dropped + in flight').toBe(c.delivered + c.toWire + sum(c.copyDrops) + f.rx);
}

describe('NIC data path', () => {
  it('NIC-DP-04: a frame posted through the VF BAR leaves the wire padded with a valid FCS and completes; one from the wire lands in the RX ring without FCS', () => {
    const w = world(2);
    const short = frame(WIRE, mac(1), 7, { len: 20 });
    expect(w.drivers[0]!.post(short)).toBe(true);
    w.k.run();
    expect(w.wireGot).toHaveLength(1);
    const f = w.wireGot[0]!;
    expect([f.dst, f.src, f.type]).toEqual([WIRE, mac(1), 0x88b5]);
    expect([...f.payload.subarray(0, 4)]).toEqual([0, 0, 0, 7]);
    expect(f.payload.length).toBe(46); // padded to the 64-byte minimum (60 + FCS)
    expect(w.wire.counters.drops['bad-fcs']).toBe(0);
    const base = w.nic.pcie.vfWindow(1)!.base;
    expect(w.nic.pcie.memRead(base + BigInt(Q.txDoneCount), 4)).toBe(1);
    expect(w.nic.pcie.memRead(base + BigInt(Q.txPending), 4)).toBe(0);
    // From the wire to VF 2: the RX ring holds the frame exactly as sent, minus its 4 FCS bytes.
    const sent: Frame = { dst: mac(2), src: WIRE, type: 0x88b5, payload: Uint8Array.from({ length: 50 }, (_, i) => i) };
    w.wire.send(sent);
    w.k.run();
    const rx = w.got.get(2)!;
    expect(rx).toHaveLength(1);
    expect(rx[0]!.length).toBe(14 + 50);
    const withFcs = new Uint8Array(68);
    withFcs.set(rx[0]!);
    const fcs = crc32(rx[0]!);
    withFcs.set([fcs & 0xff, (fcs >>> 8) & 0xff, (fcs >>> 16) & 0xff, fcs >>> 24], 64);
    const back = decodeFrame(withFcs);
    expect(back.ok && back.frame.src === WIRE && back.frame.dst === mac(2)).toBe(true);
    conserved(w.nic);
  });

  it('NIC-DP-05: the engines serve functions round-robin, frameCycles + ceil(bytes / bytesPerCycle) each, and frames arrive latency cycles after their transfer', () => {
    const dma = { bytesPerCycle: 4, frameCycles: 3, latency: 10 };
    const w = world(3, { options: { dma } });
    // VF 1 posts two frames, VF 2 one, all to VF 3 (100 bytes: 3 + 25 = 28 engine cycles each).
    w.drivers[0]!.post(frame(mac(3), mac(1), 1, { len: 100 }));
    w.drivers[0]!.post(frame(mac(3), mac(1), 2, { len: 100 }));
    w.drivers[1]!.post(frame(mac(3), mac(2), 3, { len: 100 }));
    w.k.run();
    const takes = w.events.filter((e) => e.kind === 'take').map((e) => [e.fn, idOf(e.bytes), e.cycle]);
    expect(takes).toEqual([[1, 1, 0], [2, 3, 28], [1, 2, 56]]);
    // Each frame reaches the switch at take + 28 + 10; the receive engine then needs 28 + 10 more.
    const delivers = w.events.filter((e) => e.kind === 'deliver').map((e) => [idOf(e.bytes), e.cycle]);
    expect(delivers).toEqual([[1, 76], [3, 104], [2, 132]]);
  });

  it('NIC-DP-05: the round robin goes on after the last function served, across 32-function words, and wraps to the lowest', () => {
    const w = world(40, { options: { totalVfs: 64 } });
    // Posted in the reverse of function order, two frames each (ids vf * 10 + 1, vf * 10 + 2).
    for (const vf of [40, 33, 31, 5]) for (const id of [1, 2]) w.drivers[vf - 1]!.post(frame(mac(1), mac(vf), vf * 10 + id));
    w.k.run();
    const takes = w.events.filter((e) => e.kind === 'take').map((e) => [e.fn, idOf(e.bytes)]);
    expect(takes).toEqual([[5, 51], [31, 311], [33, 331], [40, 401], [5, 52], [31, 312], [33, 332], [40, 402]]);
  });

  it('NIC-DP-01: VF ports are live exactly while the VFs exist; removing VFs drops what the NIC holds for them as vf-removed', () => {
    const w = world(3);
    const port = (vf: number): string => w.nic.core.portState(w.nic.functionPort(vf));
    w.nic.refresh();
    expect([port(1), port(3), port(4)]).toEqual(['forwarding', 'forwarding', 'disabled']);
    // One frame VF 1 -> VF 2 is on its way to VF 2 (in the receive engine), one VF 3 -> VF 2 still in the transmit engine.
    w.drivers[0]!.post(frame(mac(2), mac(1), 1));
    w.k.run({ cycles: 90 });
    w.drivers[2]!.post(frame(mac(2), mac(3), 2));
    w.k.run({ cycles: 5 });
    expect(w.nic.inFlight()).toEqual({ tx: 1, rx: 1 });
    const pf = w.nic.pcie.pf;
    w.nic.pcie.configWrite(pf.rid, pf.sriovOffset + 0x08, 2, 0x18); // VF Enable off (VF MSE and ARI stay)
    conserved(w.nic);
    w.k.run(); // each is discarded where its stage ends
    expect(w.nic.counters.dropped['vf-removed']).toBe(1);
    expect(w.nic.counters.copyDrops['vf-removed']).toBe(1);
    expect(w.events.filter((e) => e.reason === 'vf-removed').map((e) => [e.stage, e.fn, e.cycle])).toEqual([['egress', 2, 160], ['ingress', 3, 90 + 16 + 64]]);
    expect(w.nic.inFlight()).toEqual({ tx: 0, rx: 0 });
    expect(w.got.get(2)).toBeUndefined();
    expect([port(1), port(2), port(3)]).toEqual(['disabled', 'disabled', 'disabled']);
    expect(w.flushes.map((f) => [f.fn, f.reason])).toEqual([[1, 'vf-removed'], [2, 'vf-removed'], [3, 'vf-removed']]);
    // The wire's broadcast now reaches no VF.
    w.wire.send({ dst: BROADCAST, src: WIRE, type: 0x88b5, payload: new Uint8Array(46) });
    w.k.run();
    expect(w.events.filter((e) => e.kind === 'deliver')).toEqual([]);
    conserved(w.nic);
  });

  it('NIC-DP-02: a VF without Bus Master Enable keeps its frames queued and loses copies for it as not-moving; VF MSE gates every VF', () => {
    const w = world(2);
    const rid1 = vfRid(w.nic.pcie, 1);
    w.nic.pcie.configWrite(rid1, 0x04, 2, 0); // VF 1: Bus Master Enable off
    w.drivers[0]!.post(frame(mac(2), mac(1), 1));
    w.wire.send({ dst: mac(1), src: WIRE, type: 0x88b5, payload: new Uint8Array(46) });
    w.k.run();
    expect(w.nic.pcie.memRead(w.nic.pcie.vfWindow(1)!.base + BigInt(Q.txPending), 4)).toBe(1);
    expect(w.nic.counters.copyDrops['not-moving']).toBe(1);
    expect(w.got.get(2)).toBeUndefined();
    w.nic.pcie.configWrite(rid1, 0x04, 2, 4); // Bus Master Enable back: the frame goes
    w.k.run();
    expect(ids(w.got.get(2))).toEqual([1]);
    // VF MSE off: no VF moves anything (and their windows stop decoding).
    const pf = w.nic.pcie.pf;
    const queue = w.nic.pcie.queues(2);
    w.nic.pcie.configWrite(pf.rid, pf.sriovOffset + 0x08, 2, 0x11);
    expect(w.nic.pcie.vfCanMove(2)).toBe(false);
    w.wire.send({ dst: mac(2), src: WIRE, type: 0x88b5, payload: new Uint8Array(46) });
    w.k.run();
    expect(w.nic.counters.copyDrops['not-moving']).toBe(2);
    expect(queue.counters.rxDelivered).toBe(1);
    conserved(w.nic);
  });

  it('NIC-DP-03: an FLR of a VF flushes its queue block and the frames the NIC holds for it, and no other function\'s', () => {
    const w = world(3);
    // VF 1 -> VF 2 on its way to VF 2; VF 3 -> VF 1 in the transmit engine; VF 1 -> VF 3 queued behind it.
    w.drivers[0]!.post(frame(mac(2), mac(1), 1));
    w.k.run({ cycles: 90 });
    w.drivers[2]!.post(frame(mac(1), mac(3), 2));
    w.drivers[0]!.post(frame(mac(3), mac(1), 3));
    w.drivers[0]!.post(frame(mac(3), mac(1), 4));
    w.k.run({ cycles: 5 });
    expect(w.nic.inFlight()).toEqual({ tx: 1, rx: 1 });
    const rid1 = vfRid(w.nic.pcie, 1);
    w.nic.pcie.configWrite(rid1, vfPcieAt(w.nic.pcie, 1) + 0x08, 2, 0x8000); // VF 1: Initiate FLR
    expect(w.flushes).toEqual([{ fn: 1, reason: 'vf-flr', tx: 2, rx: 0 }]);
    // The frame from VF 3 to VF 1 is not VF 1's: it still goes, and finds VF 1 reset (its Bus Master Enable cleared).
    expect(w.nic.counters.dropped['vf-flr']).toBe(0);
    w.k.run();
    expect(ids(w.got.get(2))).toEqual([1]);
    expect(w.nic.counters.copyDrops['not-moving']).toBe(1);
    expect(w.got.get(3)).toBeUndefined();
    // VF 1's driver brings it back; a frame in flight from VF 2 to VF 1 when VF 1 resets again is dropped as vf-flr.
    w.nic.pcie.configWrite(rid1, 0x04, 2, 4);
    w.drivers[0]!.enable();
    w.drivers[1]!.post(frame(mac(1), mac(2), 5));
    w.k.run({ cycles: 100 });
    expect(w.nic.inFlight().rx).toBe(1);
    w.nic.pcie.configWrite(rid1, vfPcieAt(w.nic.pcie, 1) + 0x08, 2, 0x8000);
    w.k.run();
    expect(w.nic.counters.copyDrops['vf-flr']).toBe(1);
    expect(w.got.get(1)).toBeUndefined();
    conserved(w.nic);
  });

  it('NIC-DP-06: malformed and oversize frames are dropped with their reason; bad options and functions throw', () => {
    const w = world(1);
    w.nic.pcie.setVfSpoofCheck(1, false);
    w.drivers[0]!.post(new Uint8Array(10));
    w.drivers[0]!.post(frame(WIRE, mac(1), 1, { len: 1515 }));
    w.drivers[0]!.post(frame(WIRE, mac(1), 2, { len: 1518, vid: 1 }));
    w.k.run();
    expect(w.nic.counters.dropped.malformed).toBe(1);
    expect(w.nic.counters.dropped.oversize).toBe(1);
    expect(w.wireGot.map((f) => f.payload[3])).toEqual([2]);
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(NicError);
        return (e as NicError).code;
      }
      return 'none';
    };
    expect(code(() => new Nic('x', { uplinks: 0 }))).toBe('nic.bad-option');
    expect(code(() => new Nic('x', { totalVfs: 4095 }))).toBe('nic.bad-option');
    expect(code(() => new Nic('x', { dma: { bytesPerCycle: 0 } }))).toBe('nic.bad-option');
    expect(code(() => new Nic('x', { dma: { latency: -1 } }))).toBe('nic.bad-option');
    expect(code(() => w.nic.functionPort(17))).toBe('nic.no-such-function');
    expect(code(() => new FunctionDriver(w.nic, 5).base)).toBe('nic.no-such-function');
    expect(w.nic.portFunction(0)).toBeUndefined();
    expect(w.nic.portFunction(w.nic.functionPort(3))).toBe(3);
  });
});

describe('back-pressure from the external port', () => {
  /** VF 1 keeps its TX queue full of frames for the wire (ids 0..39) through a 2-frame uplink queue; VF 2 sends VF 1 one frame midway. */
  function flood(backPressure: boolean): World & { posted: number } {
    const w = world(2, { options: { uplinkQueueLimit: 2, uplinkBackPressure: backPressure } });
    const d = w.drivers[0]!;
    let posted = 0;
    for (let round = 0; posted < 40 && round < 1000; round++) {
      while (posted < 40 && d.post(frame(WIRE, mac(1), posted))) posted++;
      if (round === 5) w.drivers[1]!.post(frame(mac(1), mac(2), 100));
      w.k.run({ cycles: 50 });
    }
    w.k.run();
    return { ...w, posted };
  }
  const wireIds = (w: World): number[] => w.wireGot.map((f) => ((f.payload[0]! << 24) | (f.payload[1]! << 16) | (f.payload[2]! << 8) | f.payload[3]!) >>> 0);

  it('NIC-DP-07: with back-pressure a full external port holds frames in the TX queues and none is dropped; without it copies are dropped as uplink-queue-full', () => {
    const on = flood(true);
    expect(on.posted).toBe(40);
    expect(wireIds(on)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(on.nic.counters.copyDrops['uplink-queue-full']).toBe(0);
    expect(ids(on.got.get(1))).toEqual([100]); // held back behind the full port too (one engine), then delivered
    // The engine waits for the port: after the first frames, takes follow the wire's pace (72 + 12 byte
    // times a frame at 1 cycle per byte), not the engine's 16 cycles.
    const takes = on.events.filter((e) => e.kind === 'take' && e.fn === 1).map((e) => e.cycle);
    const gaps = takes.slice(10).map((t, i) => t - takes[9 + i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(84);
    conserved(on.nic);

    const off = flood(false);
    expect(off.posted).toBe(40);
    const dropped = off.nic.counters.copyDrops['uplink-queue-full'];
    expect(dropped).toBeGreaterThan(0);
    expect(off.wireGot.length + dropped).toBe(40);
    conserved(off.nic);
  });

  it('NIC-DP-07: back-pressure with an uplink queue of 0 (a stall for ever) or a non-boolean flag is refused with nic.bad-option', () => {
    expect(thrown(() => new Nic('x', { uplinkQueueLimit: 0 }), NicError).code).toBe('nic.bad-option');
    expect(() => new Nic('x', { uplinkQueueLimit: 0, uplinkBackPressure: false })).not.toThrow();
    expect(thrown(() => new Nic('x', { uplinkBackPressure: 'yes' as unknown as boolean }), NicError).code).toBe('nic.bad-option');
  });
});

describe('PF-side control on the data path', () => {
  it('NIC-PFC-04: a VF with a port VLAN is an access port: untagged to the VM, tagged with its VLAN and priority on the wire', () => {
    const w = world(3);
    w.nic.pcie.setVfVlan(1, 100, 5);
    w.nic.pcie.setVfVlan(2, 100);
    w.drivers[0]!.post(frame(BROADCAST, mac(1), 1));
    w.k.run();
    expect(ids(w.got.get(2))).toEqual([1]);
    expect(nicFrameHeader(w.got.get(2)![0]!)!.vlan).toBeUndefined();
    expect(w.got.get(3)).toBeUndefined(); // VF 3 is in VLAN 1
    expect(w.wireGot.map((f) => f.vlan)).toEqual([{ pcp: 5, dei: false, vid: 100 }]);
    // From the wire: tagged 100 reaches VF 1 untagged; untagged (VLAN 1) does not reach it.
    w.wire.send({ dst: mac(1), src: WIRE, vlan: { pcp: 0, dei: false, vid: 100 }, type: 0x88b5, payload: Uint8Array.of(0, 0, 0, 2, ...new Array<number>(42).fill(0)) });
    w.wire.send({ dst: mac(1), src: WIRE, type: 0x88b5, payload: Uint8Array.of(0, 0, 0, 3, ...new Array<number>(42).fill(0)) });
    w.k.run();
    expect(ids(w.got.get(1))).toEqual([2]);
    expect(nicFrameHeader(w.got.get(1)![0]!)!.vlan).toBeUndefined();
    // A tagged frame from a VF for another VLAN is refused at ingress.
    w.drivers[0]!.post(frame(BROADCAST, mac(1), 4, { vid: 200 }));
    w.k.run();
    expect(w.nic.counters.dropped['vlan-ingress']).toBe(1);
    conserved(w.nic);
  });

  it('NIC-PFC-05: spoof check drops a frame with another source address and counts it; off, the frame is switched', () => {
    const w = world(2);
    w.drivers[0]!.post(frame(mac(2), mac(2), 1)); // VF 1 pretends to be VF 2
    w.drivers[0]!.post(frame(WIRE, OTHER, 2));
    w.k.run();
    expect(w.nic.counters.dropped.spoofed).toBe(2);
    expect(w.got.get(2)).toBeUndefined();
    expect(w.wireGot).toEqual([]);
    w.nic.pcie.setVfSpoofCheck(1, false);
    w.drivers[0]!.post(frame(WIRE, OTHER, 3));
    w.k.run();
    expect(w.wireGot.map((f) => f.payload[3])).toEqual([3]);
    expect(w.nic.counters.dropped.spoofed).toBe(2);
  });

  it('NIC-PFC-06: an untrusted VF gets unicast to its MAC, broadcast and multicast only; a trusted one also unknown unicast', () => {
    const w = world(2);
    w.nic.pcie.setVfTrust(2, true);
    const send = (dst: Mac, id: number): void => void w.wire.send({ dst, src: WIRE, type: 0x88b5, payload: Uint8Array.of(0, 0, 0, id, ...new Array<number>(42).fill(0)) });
    send(OTHER, 1);
    send(BROADCAST, 2);
    send(asMac(0x0100_5e00_0001), 3);
    send(mac(1), 4);
    send(mac(2), 5);
    w.k.run();
    expect(ids(w.got.get(1))).toEqual([2, 3, 4]);
    expect(ids(w.got.get(2))).toEqual([1, 2, 3, 5]);
  });

  it('NIC-PFC-07: a VF whose link is down neither sends nor receives; auto follows the external port', () => {
    const w = world(2);
    w.nic.pcie.setVfLinkState(1, 'disable');
    w.drivers[0]!.post(frame(mac(2), mac(1), 1));
    w.drivers[1]!.post(frame(mac(1), mac(2), 2));
    w.k.run();
    expect(w.nic.counters.dropped['link-down']).toBe(1);
    expect(w.nic.counters.copyDrops['link-down']).toBe(1);
    expect(w.got.size).toBe(0);
    // No cable: the external port is down, so are the VFs in auto; enable keeps a VF up.
    const v = world(2, { cable: false });
    v.nic.pcie.setVfLinkState(2, 'enable');
    v.drivers[0]!.post(frame(mac(2), mac(1), 3));
    v.drivers[1]!.post(frame(mac(1), mac(2), 4));
    v.k.run();
    expect(v.nic.pcie.portLinkUp).toBe(false);
    expect(v.nic.pcie.vfLinkUp(1)).toBe(false);
    expect(v.nic.counters.dropped['link-down']).toBe(1);
    expect(v.nic.counters.copyDrops['link-down']).toBe(1);
    conserved(v.nic);
  });
});

describe('embedded switch modes', () => {
  it('NIC-SW-01: in VEB mode VF-to-VF traffic is switched inside the NIC and never reaches the wire', () => {
    const w = world(3, { tor: 'plain' });
    for (let i = 0; i < 5; i++) w.drivers[0]!.post(frame(mac(3), mac(1), i));
    w.k.run();
    expect(ids(w.got.get(3))).toEqual([0, 1, 2, 3, 4]);
    expect(w.nic.macs[0]!.counters.txFrames).toBe(0);
    expect(w.events.filter((e) => e.kind === 'wire-out')).toEqual([]);
  });

  it('NIC-SW-02: in VEPA mode VF frames leave on the wire and come back only when the neighbour reflects them, never to their sender', () => {
    for (const tor of ['hairpin', 'plain'] as const) {
      const w = world(3, { tor });
      w.nic.pcie.setSwitchMode('vepa');
      w.drivers[0]!.post(frame(BROADCAST, mac(1), 1));
      w.k.run();
      w.drivers[0]!.post(frame(mac(2), mac(1), 2));
      w.k.run();
      expect(w.events.filter((e) => e.kind === 'wire-out').map((e) => idOf(e.bytes))).toEqual([1, 2]);
      expect(w.got.get(1), 'never back to the sender').toBeUndefined();
      if (tor === 'hairpin') {
        expect(ids(w.got.get(2))).toEqual([1, 2]);
        expect(ids(w.got.get(3))).toEqual([1]);
      } else {
        expect(w.got.get(2)).toBeUndefined();
        expect(w.got.get(3)).toBeUndefined();
      }
      expect(w.wireGot.map((f) => f.payload[3])).toEqual([1]); // the broadcast also reaches the wire host
      conserved(w.nic);
    }
  });
});

describe('function driver', () => {
  it('NIC-DRV-01: posts through memory, refuses when the queue is full or the doorbell refuses, drains on unmasked interrupts only', () => {
    const w = world(2);
    const d = w.drivers[0]!;
    for (let i = 0; i < 8; i++) expect(d.post(frame(mac(2), mac(1), i))).toBe(true);
    expect(d.post(frame(mac(2), mac(1), 8))).toBe(false);
    expect([d.posted, d.refused]).toEqual([8, 1]);
    expect(d.post(new Uint8Array(3000))).toBe(false); // TX_LEN beyond the buffer: the doorbell refuses it
    w.k.run();
    expect(ids(w.got.get(2))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(w.nic.pcie.memRead(w.nic.pcie.vfWindow(2)!.base + BigInt(Q.rxTail), 4)).toBe(8 % 6);
    // A driver that never unmasks gets no interrupt: its frames wait in the ring.
    const quiet = new FunctionDriver(w.nic, 1);
    w.nic.onInterrupt(1, undefined);
    w.drivers[1]!.post(frame(mac(1), mac(2), 9));
    w.nic.pcie.memWrite(w.nic.pcie.vfWindow(1)!.base + BigInt(Q.intMask), 4, 0x1f);
    w.k.run();
    expect(w.got.get(1)).toBeUndefined();
    expect(ids(quiet.drain())).toEqual([9]);
  });
});

describe('hypervisor vswitch', () => {
  it('NIC-VSW-01: one core, frameCycles + ceil(copy x bytes) per frame, rings served round-robin, full rings dropped, learning', () => {
    const k = new Kernel();
    const out: [number, number, number][] = [];
    const vsw = k.add(new VSwitch('vsw', { ports: 3, frameCycles: 100, copyCyclesPerByte: 0.1, ringSize: 2, onOutput: (p, b, c) => (out.push([p, idOf(b), c]), true) }));
    expect(vsw.cost(60)).toBe(106);
    expect(vsw.input(0, frame(mac(2), mac(1), 1))).toBe(true);
    expect(vsw.input(0, frame(mac(2), mac(1), 2))).toBe(true);
    expect(vsw.input(0, frame(mac(2), mac(1), 3))).toBe(false);
    expect(vsw.input(1, frame(mac(1), mac(2), 4))).toBe(true);
    k.run();
    // Port 0's first frame (flooded: mac(2) unknown), port 1's (mac(1) learned on port 0), port 0's second (mac(2) learned on 1).
    expect(out).toEqual([[1, 1, 106], [2, 1, 106], [0, 4, 212], [1, 2, 318]]);
    expect(vsw.counters).toMatchObject({ received: 3, ringDrops: 1, processed: 3, forwarded: 3, copies: 4, busyCycles: 318 });
    vsw.input(2, new Uint8Array(5));
    k.run();
    expect(vsw.counters.dropped.malformed).toBe(1);
    expect(() => vsw.input(3, new Uint8Array(60))).toThrow(NicError);
    expect(() => new VSwitch('x', { ports: 0, onOutput: () => true })).toThrow(/nic.bad-option/);
  });
});

describe('hypervisor-bypass comparison', () => {
  it('NIC-CMP-01: finds the capacities the parameters imply, is deterministic, and VFs win on latency and throughput', () => {
    const o = { vms: 2, latencyFrames: 200, trialFrames: 1500, precision: 0.02 } as const;
    const c = compareVswitchVsVf(o);
    expect(c.rows.map((r) => `${r.path}/${r.traffic}`)).toEqual(['vswitch/vm-to-vm', 'vf/vm-to-vm', 'vswitch/vm-to-wire', 'vf/vm-to-wire']);
    const row = (path: string, traffic: string) => c.rows.find((r) => r.path === path && r.traffic === traffic)!;
    // Capacities from the parameters, at 8 ns per cycle: one vswitch core at 375 + ceil(60/16) cycles per
    // frame; the 1 Gb/s line at 84 byte times per 64-byte frame; the NIC's transmit engine at 8 + 60/8 cycles.
    const vswitch = 1e9 / (8 * (375 + 4));
    const line = 1e9 / (8 * 84);
    const engine = 1e9 / (8 * (8 + 8));
    const near = (x: number, want: number): void => {
      expect(x).toBeGreaterThan(want * 0.97);
      expect(x).toBeLessThan(want * 1.01);
    };
    near(row('vswitch', 'vm-to-vm').maxLossFreeFps, vswitch);
    near(row('vswitch', 'vm-to-wire').maxLossFreeFps, vswitch);
    near(row('vf', 'vm-to-wire').maxLossFreeFps, line);
    near(row('vf', 'vm-to-vm').maxLossFreeFps, engine);
    // A lone VF-to-VF frame: two engine transfers and two latencies, 2 x (16 + 64) cycles; a lone frame
    // through the vswitch: 379 cycles. Both start the cycle after the post (the two-phase contract).
    expect(row('vf', 'vm-to-vm').latencyUs.min).toBeCloseTo(((1 + 2 * 80) * 8) / 1000, 6);
    expect(row('vswitch', 'vm-to-vm').latencyUs.min).toBeCloseTo(((1 + 379) * 8) / 1000, 6);
    for (const t of ['vm-to-vm', 'vm-to-wire']) {
      expect(row('vf', t).latencyUs.median).toBeLessThan(row('vswitch', t).latencyUs.median);
      expect(row('vf', t).latencyUs.p99).toBeLessThan(row('vswitch', t).latencyUs.p99);
    }
    for (const r of c.rows) {
      expect(r.latencyUs.frames).toBe(200);
      expect(r.latencyUs.min).toBeLessThanOrEqual(r.latencyUs.median);
      expect(r.latencyUs.median).toBeLessThanOrEqual(r.latencyUs.p99);
      expect(r.latencyUs.p99).toBeLessThanOrEqual(r.latencyUs.max);
    }
    expect(compareVswitchVsVf(o)).toEqual(c);
    const text = formatComparison(c);
    expect(text).toContain('hypervisor vswitch (PF)');
    expect(text).toContain('SR-IOV VF (VEB)');
  });

  it('NIC-CMP-01: in VEPA mode VM-to-VM through VFs runs at the line rate, out and back through the neighbour', () => {
    const c = compareVswitchVsVf({ vms: 2, mode: 'vepa', latencyFrames: 50, trialFrames: 1500, precision: 0.02 });
    const vf = c.rows.find((r) => r.path === 'vf' && r.traffic === 'vm-to-vm')!;
    expect(vf.label).toBe('SR-IOV VF (VEPA)');
    expect(vf.maxLossFreeFps).toBeGreaterThan((1e9 / (8 * 84)) * 0.97);
    expect(vf.maxLossFreeFps).toBeLessThan((1e9 / (8 * 84)) * 1.01);
  });

  it('NIC-CMP-02: bad comparison options throw nic.bad-option; random traffic among VMs and the wire is all delivered', () => {
    for (const bad of [{ vms: 1 }, { vms: 65 }, { mode: 'x' as never }, { frameBytes: 63 }, { latencyLoad: 0 }, { precision: 2 }, { vswitch: { frameCycles: -1 } }]) {
      expect(() => compareVswitchVsVf(bad)).toThrow(/nic.bad-option/);
    }
    expect(() => runNicTraffic({ vfs: 0, frames: 1 })).toThrow(/nic.bad-option/);
    const r = runNicTraffic({ vfs: 6, frames: 600, seed: 3 });
    expect(r).toMatchObject({ offered: 600, delivered: 600, dropped: 0 });
    conserved(r.nic);
  });
});
