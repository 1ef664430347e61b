import { describe, expect, it } from 'vitest';
import { SimError } from '../../../src/sim/index.js';
import { asMac, decodeFrame, encodeFrame, parseMac, type Frame } from '../../../src/link/index.js';
import {
  STP_GROUP_ADDRESS, StpBridge, bpduFrame, compareBridgeIds, decodeBpdu, encodeBpdu, formatBridgeId, parseBpduFrame,
  type BridgeId, type ConfigBpdu, type StpBridgeOptions, type StpEvent, type StpOutput,
} from '../../../src/devices/index.js';
import { StpNet, convergenceSeconds, spanningTreeViolations } from '../../helpers/stp-net.js';

/** Cycles per protocol second with 8 ns cycles and timeScale 0.001: 1e9 × 0.001 / 8. */
const S = 125_000;

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof SimError ? e.code : `not a SimError: ${String(e)}`;
  }
  return 'no error';
}

const R: BridgeId = { priority: 0, mac: parseMac('00:00:00:00:00:01') };
const mkBridge = (o: Partial<StpBridgeOptions> = {}): StpBridge =>
  new StpBridge({ bridgeMac: parseMac('02:00:00:00:00:02'), ports: 2, timeScale: 0.001, ...o });

/** A Configuration BPDU from the root R (or from `from`) with the usual timers (20 / 2 / 15 s). */
function config(o: Partial<ConfigBpdu> = {}): ConfigBpdu {
  return {
    kind: 'config', topologyChange: false, topologyChangeAck: false, rootId: R, rootPathCost: 0, bridgeId: R, portId: 0x8001,
    messageAge: 0, maxAge: 20 * 256, helloTime: 2 * 256, forwardDelay: 15 * 256, ...o,
  };
}

const decoded = (outs: readonly StpOutput[]) => outs.map((o) => {
  const r = parseBpduFrame(o.frame);
  if (!r.ok) throw new Error(`engine sent a bad BPDU: ${r.reason}`);
  return { port: o.port, src: o.frame.src, ...r.bpdu };
});

describe('BPDU codec', () => {
  const cfg = config({
    topologyChange: true, topologyChangeAck: true, rootId: { priority: 0x8000, mac: parseMac('00:11:22:33:44:55') }, rootPathCost: 19,
    bridgeId: { priority: 0x9000, mac: parseMac('02:00:00:00:00:01') }, portId: 0x8002, messageAge: 0x0100,
  });
  // Written from the field layout of 802.1D-2004 §9.3.1, octet by octet.
  const golden = [
    0x00, 0x00, // Protocol Identifier
    0x00, // Protocol Version
    0x00, // BPDU Type: Configuration
    0x81, // Flags: TCA (bit 8) + TC (bit 1)
    0x80, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, // Root Identifier
    0x00, 0x00, 0x00, 0x13, // Root Path Cost 19
    0x90, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // Bridge Identifier
    0x80, 0x02, // Port Identifier
    0x01, 0x00, // Message Age 1 s
    0x14, 0x00, // Max Age 20 s
    0x02, 0x00, // Hello Time 2 s
    0x0f, 0x00, // Forward Delay 15 s
  ];

  it('STP-BPDU-01: a Configuration BPDU encodes to the 35 golden octets, in an LLC 802.3 frame to 01-80-C2-00-00-00 from the port MAC', () => {
    expect([...encodeBpdu(cfg)]).toEqual(golden);
    const src = parseMac('02:00:00:00:00:07');
    const f = bpduFrame(cfg, src);
    expect(f.dst).toBe(parseMac('01:80:c2:00:00:00'));
    expect(f.src).toBe(src);
    expect(f.type).toBe(38);
    expect([...f.payload]).toEqual([0x42, 0x42, 0x03, ...golden]);
    const wire = encodeFrame(f);
    expect(wire.length).toBe(64); // padded to the minimum frame
    expect([...wire.subarray(0, 17)]).toEqual([0x01, 0x80, 0xc2, 0, 0, 0, 0x02, 0, 0, 0, 0, 0x07, 0x00, 0x26, 0x42, 0x42, 0x03]);
    expect([...wire.subarray(17, 52)]).toEqual(golden);
    const back = decodeFrame(wire);
    expect(back.ok).toBe(true);
    if (back.ok) expect(parseBpduFrame(back.frame)).toEqual({ ok: true, bpdu: cfg });
  });

  it('STP-BPDU-02: a TCN BPDU is 0x0000, 0x00, 0x80 — 7 octets with the LLC header', () => {
    expect([...encodeBpdu({ kind: 'tcn' })]).toEqual([0, 0, 0, 0x80]);
    const f = bpduFrame({ kind: 'tcn' }, asMac(2));
    expect(f.type).toBe(7);
    expect([...f.payload]).toEqual([0x42, 0x42, 0x03, 0, 0, 0, 0x80]);
    expect(parseBpduFrame(f)).toEqual({ ok: true, bpdu: { kind: 'tcn' } });
  });

  it('STP-BPDU-03: decoding reads every field back, ignores unknown flag bits and trailing octets', () => {
    expect(decodeBpdu(Uint8Array.from(golden))).toEqual({ ok: true, bpdu: cfg });
    const noisy = Uint8Array.from([...golden, 0xa5, 0xa5]);
    noisy[4] = 0xff; // proposal/role/agreement bits of RSTP are not ours
    expect(decodeBpdu(noisy)).toEqual({ ok: true, bpdu: cfg });
  });

  it('STP-BPDU-04: malformed BPDUs give a typed reason; encoding a field out of range throws sim.bad-bpdu', () => {
    const good = bpduFrame(cfg, asMac(2));
    const withPayload = (bytes: number[], type = bytes.length): Frame => ({ ...good, type, payload: Uint8Array.from(bytes) });
    const reason = (f: Frame): string => {
      const r = parseBpduFrame(f);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason({ ...good, dst: asMac(0x0180_c200_0001) })).toBe('not-stp-address');
    expect(reason({ ...good, type: 0x0800 })).toBe('not-llc');
    expect(reason({ ...good, type: 39 })).toBe('bad-length');
    expect(reason(withPayload([0xaa, 0xaa, 0x03, ...golden]))).toBe('bad-llc');
    expect(reason(withPayload([0x42, 0x42, 0x03, ...golden.slice(0, 30)]))).toBe('truncated');
    expect(reason(withPayload([0x42, 0x42]))).toBe('truncated');
    expect(reason(withPayload([0x42, 0x42, 0x03, 0, 0, 0]))).toBe('truncated');
    expect(reason(withPayload([0x42, 0x42, 0x03, 0x00, 0x01, ...golden.slice(2)]))).toBe('bad-protocol');
    expect(reason(withPayload([0x42, 0x42, 0x03, 0, 0, 0x02, 0x02, ...golden.slice(4)]))).toBe('bad-version'); // an RST BPDU
    expect(reason(withPayload([0x42, 0x42, 0x03, 0, 0, 0, 0x02, ...golden.slice(4)]))).toBe('bad-type');
    // Padding after the 802.3 length is not part of the BPDU.
    expect(reason(withPayload([0x42, 0x42, 0x03, 0, 0, 0, 0x80, 0, 0, 0], 7))).toBe('ok');
    expect(code(() => encodeBpdu({ ...cfg, portId: 0x1_0000 }))).toBe('sim.bad-bpdu');
    expect(code(() => encodeBpdu({ ...cfg, rootPathCost: -1 }))).toBe('sim.bad-bpdu');
    expect(code(() => encodeBpdu({ ...cfg, messageAge: 1.5 }))).toBe('sim.bad-bpdu');
    expect(code(() => encodeBpdu({ ...cfg, bridgeId: { priority: 0x1_0000, mac: asMac(1) } }))).toBe('sim.bad-bpdu');
  });

  it('STP-BPDU-04 STP-CNT-01: the engine counts malformed BPDUs, BPDUs on a Disabled port and ones older than Max Age, and ignores them', () => {
    const b = mkBridge();
    const before = JSON.stringify([b.rootId, b.portInfo(0), b.portInfo(1)]);
    b.receive(0, { ...bpduFrame(config(), asMac(1)), dst: asMac(0x0180_c200_0002) }, 10);
    b.receive(0, bpduFrame(config({ messageAge: 21 * 256 }), asMac(1)), 10);
    b.linkDown(1, 10);
    b.receive(1, bpduFrame(config(), asMac(1)), 11);
    b.receive(1, bpduFrame({ kind: 'tcn' }, asMac(1)), 11);
    expect(b.counters.badBpdus['not-stp-address']).toBe(1);
    expect(b.counters.badBpdus['message-age']).toBe(1);
    expect(b.counters.badBpdus['port-disabled']).toBe(2);
    expect(b.counters.framesIn).toBe(4);
    expect(b.counters.bpdusIn + b.counters.tcnIn).toBe(0);
    expect(b.isRoot).toBe(true);
    expect(JSON.stringify([b.rootId, b.portInfo(0)])).toBe(JSON.stringify(JSON.parse(before).slice(0, 2)));
    // Message Age equal to Max Age is still accepted (the Linux bridge discards only above it).
    b.receive(0, bpduFrame(config({ messageAge: 20 * 256 }), asMac(1)), 12);
    expect(b.counters.bpdusIn).toBe(1);
    expect(b.counters.framesIn).toBe(5);
  });
});

describe('STP options and identifiers', () => {
  it('STP-OPT-01: bad priorities, costs, port counts, timers and time bases are refused with sim.bad-option', () => {
    const bad: Partial<StpBridgeOptions>[] = [
      { ports: 0 }, { ports: 4096 }, { bridgePriority: 1000 }, { bridgePriority: 65536 }, { portPriority: 8 }, { portPriority: [128] },
      { pathCost: 0 }, { pathCost: 65536 }, { rates: [100, 100, 100] }, { rates: 40 as 100 }, { helloTime: 0.5 }, { maxAge: 41 },
      { forwardDelay: 3 }, { holdTime: 0 }, { maxAge: 30 } /* 2 × (15 − 1) = 28 < 30 */, { helloTime: 10 } /* 20 < 2 × 11 */,
      { forwardDelay: 10 } /* 18 < 20 */, { timeScale: 1e-7 } /* 12.5 cycles a second */, { timeScale: 0 }, { cycleNs: -8 },
      { bridgeMac: 2 ** 48 as never }, { portMacs: [asMac(1)] }, { start: -1 }, { linkUp: [true] },
    ];
    for (const o of bad) expect(code(() => mkBridge(o)), JSON.stringify(o)).toBe('sim.bad-option');
    // The tightest legal timers: 2 × (4 − 1) = 6 ≥ 6 ≥ 2 × (1 + 1).
    expect(code(() => mkBridge({ helloTime: 1, maxAge: 6, forwardDelay: 4 }))).toBe('no error');
    expect(code(() => mkBridge({ timeScale: 2.048e-6 }))).toBe('no error'); // exactly one cycle per 1/256 s
  });

  it('STP-ID-01: Bridge IDs order by priority then MAC; Port IDs are 4-bit priority and 12-bit port number', () => {
    const a: BridgeId = { priority: 4096, mac: parseMac('ff:ff:ff:ff:ff:fe') };
    const b: BridgeId = { priority: 32768, mac: parseMac('00:00:00:00:00:01') };
    expect(compareBridgeIds(a, b)).toBeLessThan(0);
    expect(compareBridgeIds(b, { ...b, mac: parseMac('00:00:00:00:00:02') })).toBeLessThan(0);
    expect(compareBridgeIds(b, { ...b })).toBe(0);
    expect(formatBridgeId(b)).toBe('8000.000000000001');
    const br = mkBridge({ ports: 3, portPriority: [128, 16, 240], bridgePriority: 4096 });
    expect(br.bridgeId).toEqual({ priority: 4096, mac: parseMac('02:00:00:00:00:02') });
    expect([0, 1, 2].map((p) => br.portInfo(p).portId)).toEqual([0x8001, 0x1002, 0xf003]);
    expect(mkBridge({ ports: 4095 }).portInfo(4094).portId).toBe(0x8fff);
    expect(code(() => br.portState(3))).toBe('sim.bad-port');
    expect(code(() => br.portRole(-1))).toBe('sim.bad-port');
  });

  it('STP-COST-01: default path costs follow the rate (10 → 100, 100 → 19, 1000 → 4); a configured cost wins', () => {
    const b = mkBridge({ ports: 3, rates: [10, 100, 1000] });
    expect([0, 1, 2].map((p) => b.portInfo(p).pathCost)).toEqual([100, 19, 4]);
    expect(mkBridge().portInfo(1).pathCost).toBe(19);
    const c = mkBridge({ ports: 3, rates: 1000, pathCost: [7, 8, 9] });
    expect([0, 1, 2].map((p) => c.portInfo(p).pathCost)).toEqual([7, 8, 9]);
  });
});

describe('STP timers on one bridge', () => {
  it('STP-STATE-01 STP-HELLO-01: a lone bridge is root; its ports go Listening → Learning → Forwarding one Forward Delay apart, and it says hello every Hello Time', () => {
    const events: StpEvent[] = [];
    const b = mkBridge({ onEvent: (e) => events.push(e) });
    expect(b.isRoot).toBe(true);
    expect(b.rootPort).toBeNull();
    expect([b.portState(0), b.portState(1)]).toEqual(['listening', 'listening']);
    expect([b.portRole(0), b.portRole(1)]).toEqual(['designated', 'designated']);
    const first = decoded(b.poll(0));
    expect(first.map((f) => f.port)).toEqual([0, 1]);
    expect(first[0]).toMatchObject({ kind: 'config', rootId: b.bridgeId, bridgeId: b.bridgeId, rootPathCost: 0, portId: 0x8001, messageAge: 0, maxAge: 5120, helloTime: 512, forwardDelay: 3840, topologyChange: false });
    expect(b.nextEvent(1)).toBe(2 * S);
    expect(b.poll(2 * S - 1)).toEqual([]);
    expect(decoded(b.poll(2 * S)).map((f) => f.port)).toEqual([0, 1]);
    expect(b.portState(0)).toBe('listening');
    b.poll(15 * S - 1);
    expect(b.portState(0)).toBe('listening');
    b.poll(15 * S);
    expect([b.portState(0), b.portState(1)]).toEqual(['learning', 'learning']);
    expect(b.learning(0) && !b.forwarding(0)).toBe(true);
    b.poll(30 * S - 1);
    expect(b.portState(1)).toBe('learning');
    b.poll(30 * S);
    expect([b.portState(0), b.portState(1)]).toEqual(['forwarding', 'forwarding']);
    expect(b.forwarding(1)).toBe(true);
    const steps = events.filter((e) => e.kind === 'port-state' && e.port === 0).map((e) => (e.kind === 'port-state' ? `${e.cycle}:${e.to}` : ''));
    expect(steps).toEqual(['0:listening', `${15 * S}:learning`, `${30 * S}:forwarding`]);
    expect(b.portCounters(0).transitionsForwarding).toBe(1);
    // 31 hellos in 60 s (t = 0, 2, ..., 60) on each of the 2 ports.
    let sent = 0;
    for (let t = 30 * S + S / 4; t <= 60 * S; t += S / 4) sent += b.poll(t).length;
    expect(b.counters.bpdusOut).toBe(2 * 31);
    expect(sent).toBe(2 * 15);
  });

  it('STP-TC-02: a forwarding transition at the root raises Topology Change for Max Age + Forward Delay, carried in its hellos; the short ageing time is Forward Delay', () => {
    const events: StpEvent[] = [];
    const b = mkBridge({ onEvent: (e) => events.push(e) });
    b.poll(30 * S - 1);
    expect(b.topologyChange).toBe(false);
    b.poll(30 * S); // the hello of t = 30 s fires before the ports reach Forwarding
    expect(b.topologyChange).toBe(true);
    expect(b.forwardDelayCycles).toBe(15 * S);
    expect(decoded(b.poll(32 * S)).every((f) => f.kind === 'config' && f.topologyChange)).toBe(true);
    b.poll(65 * S - 1);
    expect(b.topologyChange).toBe(true);
    b.poll(65 * S); // 30 s + 20 s + 15 s
    expect(b.topologyChange).toBe(false);
    expect(decoded(b.poll(66 * S)).every((f) => f.kind === 'config' && !f.topologyChange)).toBe(true);
    expect(events.filter((e) => e.kind === 'topology-change')).toEqual([
      { kind: 'topology-change', cycle: 30 * S, active: true }, { kind: 'topology-change', cycle: 65 * S, active: false },
    ]);
  });

  it('STP-TC-02 STP-HOLD-01: the root acknowledges a TCN on a designated port with TCA, after the hold timer, and restarts Topology Change', () => {
    const b = mkBridge();
    b.poll(72 * S); // forwarding since 30 s, Topology Change over at 65 s, hello at 72 s
    expect(b.topologyChange).toBe(false);
    const t = 72 * S + S / 5; // 0.2 s after a hello: the hold timer runs until 73 s
    b.receive(1, bpduFrame({ kind: 'tcn' }, asMac(9)), t);
    expect(b.counters.tcnIn).toBe(1);
    expect(b.topologyChange).toBe(true);
    expect(b.poll(73 * S - 1)).toEqual([]);
    const ack = decoded(b.poll(73 * S));
    expect(ack).toHaveLength(1);
    expect(ack[0]).toMatchObject({ port: 1, kind: 'config', topologyChange: true, topologyChangeAck: true });
    const hello = decoded(b.poll(74 * S));
    expect(hello.map((f) => [f.port, f.kind === 'config' && f.topologyChange, f.kind === 'config' && f.topologyChangeAck])).toEqual([[0, true, false], [1, true, false]]);
    b.poll(t + 35 * S - 1);
    expect(b.topologyChange).toBe(true);
    b.poll(t + 35 * S);
    expect(b.topologyChange).toBe(false);
  });

  it('STP-LINK-01: link down makes a port Disabled and silent; link up brings it back through Listening', () => {
    const b = mkBridge();
    b.poll(40 * S);
    b.linkDown(1, 40 * S + 5);
    expect([b.portState(1), b.portRole(1)]).toEqual(['disabled', 'disabled']);
    b.linkDown(1, 40 * S + 6); // already down: nothing
    expect(decoded(b.poll(42 * S)).map((f) => f.port)).toEqual([0]);
    b.linkUp(1, 43 * S);
    expect([b.portState(1), b.portRole(1)]).toEqual(['listening', 'designated']);
    b.linkUp(1, 43 * S + 1); // already up: nothing
    expect(decoded(b.poll(44 * S)).map((f) => f.port)).toEqual([0, 1]);
    b.poll(58 * S);
    expect(b.portState(1)).toBe('learning');
    b.poll(73 * S);
    expect(b.portState(1)).toBe('forwarding');
    const c = mkBridge({ linkUp: [true, false] });
    expect(c.portState(1)).toBe('disabled');
    expect(decoded(c.poll(0)).map((f) => f.port)).toEqual([0]);
  });

  it('STP-DET-01: time never goes backwards; polling late fires the same timers at the same cycles and sends the same BPDUs', () => {
    const b = mkBridge();
    b.poll(100);
    expect(code(() => b.poll(99))).toBe('sim.bad-time');
    expect(code(() => b.receive(0, bpduFrame({ kind: 'tcn' }, asMac(1)), 50))).toBe('sim.bad-time');
    const stamp = (outs: StpOutput[]) => decoded(outs).map((f) => JSON.stringify(f));
    const eager = mkBridge();
    const lazy = mkBridge();
    const a: string[] = [];
    const z: string[] = [];
    const feed = (x: StpBridge, t: number) => x.receive(0, bpduFrame(config({ messageAge: 300 }), asMac(1)), t);
    for (let t = 0; t <= 90 * S;) {
      if (t === 33 * S) feed(eager, t);
      a.push(...stamp(eager.poll(t)));
      const n = eager.nextEvent(t + 1);
      t = t < 33 * S && n > 33 * S ? 33 * S : n;
    }
    z.push(...stamp(lazy.poll(10 * S + 7)));
    feed(lazy, 33 * S);
    z.push(...stamp(lazy.poll(50 * S)), ...stamp(lazy.poll(90 * S)));
    expect(a.length).toBeGreaterThan(10);
    expect(z).toEqual(a);
  });
});

describe('STP fed by hand', () => {
  it('STP-ROOT-01 STP-HELLO-01 STP-AGE-01: a superior BPDU makes its port the root port; it is relayed at once with Message Age + 1 tick; unrefreshed, it ages out after Max Age − Message Age and the bridge becomes root again', () => {
    const b = mkBridge();
    const t = 11 * S + 1000; // the hello of 10 s holds the ports until 11 s
    b.poll(t);
    b.receive(0, bpduFrame(config({ messageAge: 256 }), asMac(1)), t);
    expect(b.rootId).toEqual(R);
    expect(b.isRoot).toBe(false);
    expect(b.rootPort).toBe(0);
    expect(b.rootPathCost).toBe(19);
    expect([b.portRole(0), b.portRole(1)]).toEqual(['root', 'designated']);
    const relay = decoded(b.poll(t));
    expect(relay).toHaveLength(1);
    // 1 s old at receipt; relayed in the same cycle: + one tick (1/256 s).
    expect(relay[0]).toMatchObject({ port: 1, kind: 'config', rootId: R, rootPathCost: 19, bridgeId: b.bridgeId, portId: 0x8002, messageAge: 257 });
    // Not the root: no hellos of its own — only TCNs on the root port once its ports reach
    // Forwarding at 30 s (a topology change the root must hear of).
    const quiet = decoded(b.poll(t + 19 * S - 1));
    expect(quiet.length).toBeGreaterThan(0);
    expect(quiet.every((f) => f.kind === 'tcn' && f.port === 0)).toBe(true);
    expect(b.rootPort).toBe(0);
    b.poll(t + 19 * S); // 20 s − 1 s after receipt
    expect(b.isRoot).toBe(true);
    expect(b.rootPort).toBeNull();
    expect([b.portRole(0), b.portRole(1)]).toEqual(['designated', 'designated']);
    expect(b.topologyChange).toBe(true); // becoming root is a topology change
  });

  it('STP-ROLE-01: the root port goes by root path cost, then designated bridge, designated port, and own port ID', () => {
    const other: BridgeId = { priority: 0, mac: asMac(5) };
    // Cost: port 1 is cheaper through its cheaper designated bridge.
    const a = mkBridge({ ports: 3 });
    a.receive(0, bpduFrame(config({ rootPathCost: 10, bridgeId: other }), asMac(5)), 1);
    a.receive(1, bpduFrame(config({ rootPathCost: 4, bridgeId: { priority: 0, mac: asMac(6) } }), asMac(6)), 1);
    expect([a.rootPort, a.rootPathCost]).toEqual([1, 23]);
    // Path cost of the port itself counts.
    const c = mkBridge({ ports: 2, pathCost: [1, 100] });
    c.receive(0, bpduFrame(config({ rootPathCost: 50, bridgeId: other }), asMac(5)), 1);
    c.receive(1, bpduFrame(config({ rootPathCost: 0 }), asMac(1)), 1);
    expect([c.rootPort, c.rootPathCost]).toEqual([0, 51]);
    // Equal cost: the lower designated bridge ID.
    const d = mkBridge({ ports: 2 });
    d.receive(0, bpduFrame(config({ rootPathCost: 4, bridgeId: { priority: 0, mac: asMac(7) } }), asMac(7)), 1);
    d.receive(1, bpduFrame(config({ rootPathCost: 4, bridgeId: other }), asMac(5)), 1);
    expect(d.rootPort).toBe(1);
    // Same designated bridge: the lower designated port ID.
    const e = mkBridge({ ports: 2 });
    e.receive(0, bpduFrame(config({ rootPathCost: 4, bridgeId: other, portId: 0x8003 }), asMac(5)), 1);
    e.receive(1, bpduFrame(config({ rootPathCost: 4, bridgeId: other, portId: 0x8002 }), asMac(5)), 1);
    expect(e.rootPort).toBe(1);
    // Everything equal (two ports on one LAN): the lower own port ID.
    const f = mkBridge({ ports: 3, portPriority: [128, 64, 128] });
    for (const p of [0, 1, 2]) f.receive(p, bpduFrame(config({ rootPathCost: 4, bridgeId: other }), asMac(5)), 1);
    expect(f.rootPort).toBe(1);
    expect([f.portRole(0), f.portRole(2)]).toEqual(['blocked', 'blocked']);
  });

  it('STP-ROLE-02 STP-STATE-01: a port that hears a better designated bridge is blocked; one that hears worse replies at once and stays designated', () => {
    const b = mkBridge({ ports: 3 });
    const long = { maxAge: 40 * 256 }; // recorded information lasts the whole test
    b.poll(0);
    b.receive(0, bpduFrame(config(long), asMac(1)), 10); // root port, cost 19
    // Port 1: a bridge that reaches the root for 10 → it is designated there, we are blocked.
    b.receive(1, bpduFrame(config({ ...long, rootPathCost: 10, bridgeId: { priority: 0, mac: asMac(6) } }), asMac(6)), 20);
    expect([b.portRole(1), b.portState(1)]).toEqual(['blocked', 'blocking']);
    // Port 2: a bridge with cost 19 but a higher Bridge ID → we are designated; its BPDU gets a reply.
    b.poll(3 * S - 1);
    b.receive(2, bpduFrame(config({ ...long, rootPathCost: 19, bridgeId: { priority: 61440, mac: asMac(7) } }), asMac(7)), 3 * S);
    expect([b.portRole(2), b.portState(2)]).toEqual(['designated', 'listening']);
    expect(decoded(b.poll(3 * S)).map((f) => f.port)).toEqual([2]);
    b.poll(10 + 30 * S);
    expect([b.portState(0), b.portState(1), b.portState(2)]).toEqual(['forwarding', 'blocking', 'forwarding']);
    // A better path appears on port 2 (a lower designated Port ID): it becomes the root port; port 0
    // loses its role and is blocked at once.
    b.receive(2, bpduFrame(config({ ...long, portId: 0x1001 }), asMac(1)), 10 + 31 * S);
    expect([b.rootPort, b.portRole(0), b.portState(0), b.portState(2)]).toEqual([2, 'blocked', 'blocking', 'forwarding']);
  });

  it('STP-TC-01: a non-root bridge that blocks a forwarding port sends a TCN on its root port every Hello Time until a BPDU with TCA arrives; it copies TC from the root', () => {
    const b = mkBridge({ ports: 2 });
    const refresh = (t: number, o: Partial<ConfigBpdu> = {}) => b.receive(0, bpduFrame(config(o), asMac(1)), t);
    let t = 0;
    for (; t <= 40 * S; t += 2 * S) {
      refresh(t);
      b.poll(t);
    }
    // Port 0 root and port 1 designated, both forwarding since 30 s; the forwarding transition of
    // the designated port was a change too: drain its TCNs, acknowledge them.
    refresh(t, { topologyChangeAck: true });
    b.poll(t);
    expect(b.topologyChangeDetected).toBe(false);
    expect([b.portState(0), b.portState(1)]).toEqual(['forwarding', 'forwarding']);
    // A better designated bridge appears on port 1: it is blocked — a topology change.
    const t0 = t + S / 2;
    b.receive(1, bpduFrame(config({ rootPathCost: 5, bridgeId: { priority: 0, mac: asMac(6) } }), asMac(6)), t0);
    expect(b.portState(1)).toBe('blocking');
    const tcn = decoded(b.poll(t0));
    expect(tcn).toEqual([{ port: 0, src: b.bridgeId.mac, kind: 'tcn' }]);
    expect(decoded(b.poll(t0 + 2 * S - 1))).toEqual([]);
    expect(decoded(b.poll(t0 + 2 * S)).map((f) => [f.port, f.kind])).toEqual([[0, 'tcn']]);
    expect(b.counters.tcnOut).toBeGreaterThanOrEqual(2);
    const tcnBefore = b.counters.tcnOut;
    refresh(t0 + 3 * S, { topologyChangeAck: true, topologyChange: true });
    expect(b.topologyChangeDetected).toBe(false);
    expect(b.topologyChange).toBe(true);
    b.poll(t0 + 10 * S);
    expect(b.counters.tcnOut).toBe(tcnBefore);
    refresh(t0 + 11 * S);
    expect(b.topologyChange).toBe(false);
    // A TCN on a port that is not designated (the root port) is counted and ignored.
    b.receive(0, bpduFrame({ kind: 'tcn' }, asMac(1)), t0 + 12 * S);
    expect([b.counters.tcnIn, b.topologyChangeDetected]).toEqual([1, false]);
  });

  it('STP-HOLD-01: relays on one port are at least one Hold Time apart; the deferred one carries the Message Age of when it is sent', () => {
    const b = mkBridge();
    const t = 11 * S + 1000; // the hello of 10 s holds the ports until 11 s
    b.poll(t);
    b.receive(0, bpduFrame(config(), asMac(1)), t);
    expect(decoded(b.poll(t))).toHaveLength(1);
    b.receive(0, bpduFrame(config(), asMac(1)), t + 1000);
    expect(b.poll(t + 1000)).toEqual([]);
    expect(b.poll(t + S - 1)).toEqual([]);
    const late = decoded(b.poll(t + S));
    expect(late).toHaveLength(1);
    // Received 1000 cycles after the first, age 0; sent 124 000 cycles (0.992 s) later, plus the
    // one-tick increment (⌊125 000 / 256⌋ + 1 = 489 cycles).
    expect(late[0]).toMatchObject({ port: 1, kind: 'config', messageAge: Math.floor(((S - 1000 + 489) * 256) / S) });
  });
});

describe('STP on small networks', () => {
  const ids = (macs: number[], prio: number[] = macs.map(() => 32768)) => macs.map((m, i) => ({ mac: asMac(m), priority: prio[i]! }));

  it('STP-ROOT-01 STP-ROLE-02: a triangle elects the lowest ID and blocks the port of the highest bridge facing the middle one; a priority beats a lower MAC', () => {
    const net = new StpNet({ bridges: ids([1, 2, 3]), pairs: [[0, 1], [1, 2], [0, 2]], delay: 3, common: { timeScale: 0.001 } });
    net.run(200 * S);
    expect(spanningTreeViolations(net)).toEqual([]);
    const [a, b, c] = net.bridges as [StpBridge, StpBridge, StpBridge];
    expect(a.isRoot).toBe(true);
    expect([b.rootPort, c.rootPort]).toEqual([0, 1]);
    expect([b.portRole(1), c.portRole(0)]).toEqual(['designated', 'blocked']);
    expect([c.portState(0), c.portState(1), b.portState(1)]).toEqual(['blocking', 'forwarding', 'forwarding']);
    expect(net.forwardingLinks()).toEqual([0, 2]);
    const net2 = new StpNet({ bridges: ids([1, 2, 3], [32768, 32768, 4096]), pairs: [[0, 1], [1, 2], [0, 2]], delay: 3, common: { timeScale: 0.001 } });
    net2.run(200 * S);
    expect(net2.bridges[2]!.isRoot).toBe(true);
    expect(net2.bridges[0]!.rootId).toEqual({ priority: 4096, mac: asMac(3) });
    expect(net2.bridges[1]!.portRole(0)).toBe('blocked'); // B–A: A (lower ID, same cost 19) is designated
  });

  it('STP-ROLE-01: with parallel links the lower designated Port ID wins, whatever the own port numbers; the cheaper path wins over the direct one', () => {
    const net = new StpNet({
      bridges: [{ mac: asMac(1), priority: 32768, portPriorities: [128, 16] }, { mac: asMac(2), priority: 32768 }],
      pairs: [[0, 1], [0, 1]], delay: 1, common: { timeScale: 0.001 },
    });
    net.run(100 * S);
    expect(net.bridges[1]!.rootPort).toBe(1); // faces A's port 1, Port ID 0x1002 < 0x8001
    expect(net.bridges[1]!.portState(0)).toBe('blocking');
    expect(spanningTreeViolations(net)).toEqual([]);
    // A–B costs 100 at B; B–C–A costs 19 + 19.
    const tri = new StpNet({ bridges: ids([1, 2, 3]), pairs: [[0, 1], [1, 2], [2, 0]], costs: [[19, 100], [19, 19], [19, 19]], delay: 2, common: { timeScale: 0.001 } });
    tri.run(200 * S);
    expect([tri.bridges[1]!.rootPort, tri.bridges[1]!.rootPathCost]).toEqual([1, 38]);
    expect(tri.bridges[1]!.portState(0)).toBe('blocking');
    expect(spanningTreeViolations(tri)).toEqual([]);
  });

  it('STP-AGE-01 STP-CONV-02: when the root vanishes the others notice after Max Age and elect the next lowest ID', () => {
    // A chain R – B – C; R's link goes down at R's end only (R powers off): B hears nothing more.
    const net = new StpNet({ bridges: ids([1, 2, 3]), pairs: [[0, 1], [1, 2]], delay: 2, common: { timeScale: 0.001 } });
    net.run(100 * S);
    expect(net.bridges[2]!.rootId.mac).toBe(1);
    net.up[0] = false; // frames on R–B are lost from now on; B's port stays up
    const t = net.now;
    net.run(t + 18 * S);
    expect(net.bridges[1]!.rootId.mac).toBe(1); // not yet: information is good for Max Age
    net.run(t + 100 * S);
    expect(net.bridges[1]!.isRoot).toBe(true);
    expect(net.bridges[2]!.rootId.mac).toBe(2);
    expect(net.bridges[2]!.rootPathCost).toBe(19);
    expect(net.bridges[2]!.portState(0)).toBe('forwarding');
  });

  it('STP-CONV-01 STP-DET-01: the same network run twice sends the same BPDUs at the same cycles', () => {
    const spec = { bridges: ids([5, 3, 9, 4]), pairs: [[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]] as [number, number][], delay: 4, common: { timeScale: 0.001 } };
    const run = () => {
      const net = new StpNet(spec);
      net.run(net.bridges[0]!.secondsToCycles(convergenceSeconds(4, { helloTime: 2, maxAge: 20, forwardDelay: 15 })));
      expect(spanningTreeViolations(net)).toEqual([]);
      return net.sent.map((s) => `${s.at}:${s.bridge}.${s.port}:${[...s.frame.payload].join(',')}`);
    };
    const first = run();
    expect(first.length).toBeGreaterThan(50);
    expect(run()).toEqual(first);
  });

  it('STP-LINK-01: taking the root port down makes the bridge fall back to its blocked port, or become root when none is left', () => {
    const net = new StpNet({ bridges: ids([1, 2, 3]), pairs: [[0, 1], [1, 2], [0, 2]], delay: 1, common: { timeScale: 0.001 } });
    net.run(100 * S);
    expect(net.bridges[2]!.rootPort).toBe(1);
    net.cut(2); // C's root link A–C
    expect(net.bridges[2]!.portState(1)).toBe('disabled');
    net.run(net.now + 100 * S);
    expect(net.bridges[2]!.rootPort).toBe(0);
    expect(net.bridges[2]!.rootPathCost).toBe(38);
    expect(spanningTreeViolations(net)).toEqual([]);
    const lone = mkBridge();
    lone.receive(0, bpduFrame(config(), asMac(1)), 5);
    lone.linkDown(0, 6);
    expect([lone.isRoot, lone.rootPort, lone.portState(0)]).toEqual([true, null, 'disabled']);
  });
});

it('STP-BPDU-01: BPDUs go to the Bridge Group Address', () => {
  expect(STP_GROUP_ADDRESS).toBe(parseMac('01:80:c2:00:00:00'));
});
