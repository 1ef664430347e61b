import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Kernel, SimError, type Clocked } from '../../../src/sim/index.js';
import { BROADCAST, Cable, Port, asMac, decodeFrame, encodeFrame, type Frame, type Mac } from '../../../src/link/index.js';
import { Host, Hub, PortTap, SignalRecorder, vcdTimescale, type Capture } from '../../../src/devices/index.js';
import { formatPcap, formatVcd, parsePcap, parseVcd } from '../../../src/formats/index.js';

const mac = (i: number): Mac => asMac(0x0200_0000_0000 + i);
const frame = (src: number, seq: number, dst: Mac = BROADCAST, size = 46): Frame => ({
  dst, src: mac(src), type: 0x88b5, payload: Uint8Array.from([src, seq >> 8, seq & 0xff, ...new Array<number>(size - 3).fill(seq & 0xff)]),
});

interface Offer { readonly host: number; readonly at: number }

/** A half-duplex hub network with optional taps on every hub port and a recorder on all of them. */
function hubNet(n: number, offers: readonly Offer[], opts: { seed: number; skipIdle?: boolean; observe?: boolean }) {
  const k = new Kernel({ seed: opts.seed, skipIdle: opts.skipIdle ?? true });
  const log: string[] = [];
  const hosts = Array.from({ length: n }, (_, i) => new Host(`h${i}`, {
    mac: mac(i), duplex: 'half', rng: k.rng(`h${i}`), promiscuous: true,
    onReceive: (f, at) => log.push(`${at} h${i} <- h${f.payload[0]}#${(f.payload[1]! << 8) | f.payload[2]!}`),
  }));
  const hub = new Hub('hub', { ports: n });
  const cables = hosts.map((h, i) => new Cable(`c${i}`, h.port, hub.ports[i]!, { metres: 1 + ((i * 13) % 49) }, k.rng(`c${i}`)));
  const taps = opts.observe === true ? hub.ports.map((p, i) => new PortTap(`tap${i}`, p, { direction: 'both' })) : [];
  const recorder = opts.observe === true ? new SignalRecorder('waves', { ports: [...hub.ports, ...hosts.map((h) => h.port)] }) : undefined;
  // Observers first, in the middle and last: order never matters under the two-phase contract.
  const parts: Clocked[] = [...taps.slice(0, 1), ...hosts, ...taps.slice(1), hub, ...cables, ...(recorder ? [recorder] : [])];
  for (const p of parts) k.add(p);
  offers.forEach((o, seq) => hosts[o.host]!.sendAt(o.at, frame(o.host, seq)));
  const stop = k.run({ until: (kk) => kk.cycle > 50_000_000 });
  for (const t of taps) t.flush();
  return { k, hosts, hub, taps, recorder, log: log.sort(), stop };
}

const scenario = fc.integer({ min: 2, max: 4 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    offers: fc.array(fc.record({ host: fc.nat(n - 1), at: fc.oneof(fc.nat(3000), fc.constantFrom(0, 10, 20)) }), { maxLength: 8 }),
    seed: fc.integer(),
  }),
);

const strip = (c: Capture) => ({ ...c, data: [...c.data] });

describe('observers: PortTap and SignalRecorder', () => {
  it('OBS-TAP-01: a tap captures every frame a host sends, as the frame bytes, at the cycle it started', () => {
    const k = new Kernel({ seed: 1 });
    const got: number[] = [];
    const a = k.add(new Host('a', { mac: mac(1) }));
    const b = k.add(new Host('b', { mac: mac(2), onReceive: (_f, at) => got.push(at) }));
    const cable = k.add(new Cable('c', a.port, b.port, { metres: 10 }, k.rng('c')));
    const txTap = k.add(new PortTap('tapA', a.port, { direction: 'tx' }));
    const rxTap = k.add(new PortTap('tapB', b.port, { direction: 'rx' }));
    const frames = [frame(1, 0, mac(2)), frame(1, 1, BROADCAST, 200), frame(1, 2, mac(2), 1500)];
    const at = [0, 1000, 5000];
    frames.forEach((f, i) => a.sendAt(at[i]!, f));
    expect(k.run()).toBe('idle');
    txTap.flush();
    rxTap.flush();
    expect(got).toHaveLength(3);
    // A frame offered at commit(t) starts at t + 1 (full duplex, no deferral); 100 Mb/s: 10 cycles a byte.
    const starts = at.map((t) => t + 1);
    for (const [tap, delay] of [[txTap, 0], [rxTap, cable.delay]] as const) {
      expect(tap.dropped).toBe(0);
      expect(tap.captures).toHaveLength(3);
      tap.captures.forEach((c, i) => {
        const bytes = encodeFrame(frames[i]!);
        expect([...c.data]).toEqual([...bytes]);
        expect(c.originalLength).toBe(bytes.length);
        expect(c.truncated).toBe(false);
        expect(c.direction).toBe(tap === txTap ? 'tx' : 'rx');
        expect(c.cycle).toBe(starts[i]! + delay);
        expect(c.endCycle).toBe(c.cycle + (bytes.length + 8) * 10 - 1);
        expect(c.timeNs).toBe(BigInt(c.cycle) * 8n);
      });
    }
    // The last byte arrives at the receiver's port at the rx capture's end cycle; the host sees the
    // end of carrier a cycle after it and delivers then.
    expect(got).toEqual(rxTap.captures.map((c) => c.endCycle + 2));
    // A tap has no work of its own.
    expect(txTap.nextEvent(0)).toBe(Infinity);
  });

  it('OBS-PCAP-01: pcap of a hub scenario reads back with formatPcap/parsePcap', () => {
    const { taps, hub } = hubNet(3, [{ host: 0, at: 0 }, { host: 1, at: 0 }, { host: 2, at: 4000 }], { seed: 3, observe: true });
    expect(hub.collisions).toBeGreaterThanOrEqual(1);
    const tap = taps[0]!;
    // Frames and collision fragments: the fragments have no SFD and are kept raw.
    expect(tap.captures.some((c) => c.truncated)).toBe(true);
    // Frames are the captures that decode (a collision after the SFD leaves an untruncated fragment).
    const complete = tap.captures.filter((c) => !c.truncated && decodeFrame(c.data).ok);
    // Port 0 hears its own frame (rx) and the two others (tx), each frame once.
    expect(complete.filter((c) => c.direction === 'rx')).toHaveLength(1);
    expect(complete.filter((c) => c.direction === 'tx')).toHaveLength(2);
    const packets = tap.packets();
    expect(packets).toHaveLength(tap.captures.length);
    for (let i = 1; i < packets.length; i++) expect(packets[i]!.timeNs >= packets[i - 1]!.timeNs).toBe(true);
    const back = parsePcap(formatPcap(packets));
    expect(back.linkType).toBe(1);
    expect(back.packets.map((p) => ({ timeNs: p.timeNs, data: [...p.data], originalLength: p.originalLength })))
      .toEqual(packets.map((p) => ({ timeNs: p.timeNs, data: [...p.data], originalLength: p.originalLength })));
    // Every complete frame is a valid encoded frame from a host: 64 bytes with FCS.
    for (const c of complete) expect(c.data.length).toBe(64);
    expect(tap.packets({ complete: true }).length).toBeGreaterThanOrEqual(3);
    expect(tap.packets({ complete: true }).length).toBe(tap.captures.filter((c) => !c.truncated).length);
  });

  test.prop([scenario], { numRuns: 25 })('OBS-SAFE-01: attaching taps and recorders never changes the simulation, and idle skipping shows them the same as stepping every cycle', ({ n, offers, seed }) => {
    const plain = hubNet(n, offers, { seed });
    const watched = hubNet(n, offers, { seed, observe: true });
    expect(watched.log).toEqual(plain.log);
    expect(watched.stop).toBe(plain.stop);
    expect(watched.k.cycle).toBe(plain.k.cycle);
    expect(watched.k.stepped).toBe(plain.k.stepped); // observers never keep the kernel awake
    expect(watched.hosts.map((h) => h.counters)).toEqual(plain.hosts.map((h) => h.counters));

    const every = hubNet(n, offers, { seed, skipIdle: false, observe: true });
    expect(every.log).toEqual(watched.log);
    expect(every.taps.map((t) => t.captures.map(strip))).toEqual(watched.taps.map((t) => t.captures.map(strip)));
    expect(every.recorder!.toVcd()).toEqual(watched.recorder!.toVcd());
    // Every frame delivered went through hub port 0's tap, received or sent.
    const frames = watched.taps[0]!.captures.filter((c) => !c.truncated && decodeFrame(c.data).ok).length;
    const sent = watched.hosts.reduce((s, h) => s + h.counters.txFrames, 0);
    expect(frames).toBe(sent);
  });

  it('OBS-VCD-01: the recorder writes tx_en, carrier, collision and data per port as value changes, in a valid VCD', () => {
    const { recorder, hub } = hubNet(3, [{ host: 0, at: 0 }, { host: 1, at: 0 }], { seed: 3, observe: true });
    expect(hub.collisions).toBeGreaterThanOrEqual(1);
    const waves = recorder!.toVcd();
    expect(waves.timescale).toBe('1 ns');
    expect(waves.signals.slice(0, 4)).toEqual([
      { scope: 'hub.port0', name: 'tx_en', width: 1 },
      { scope: 'hub.port0', name: 'carrier', width: 1 },
      { scope: 'hub.port0', name: 'collision', width: 1 },
      { scope: 'hub.port0', name: 'data', width: 8 },
    ]);
    const dump = parseVcd(formatVcd(waves));
    expect(dump.signals).toHaveLength(4 * 6);
    // Only changes: no signal takes the value it already has; times never go back; multiples of 8 ns.
    const last = new Map<number, unknown>();
    let t = 0;
    for (const c of waves.changes) {
      expect(c.time).toBeGreaterThanOrEqual(t);
      expect(c.time % 8).toBe(0);
      t = c.time;
      if (last.has(c.signal)) expect(c.value).not.toBe(last.get(c.signal));
      last.set(c.signal, c.value);
    }
    // Collision seen at some hub port, and every signal back at idle at the end.
    const collisionSignals = waves.signals.map((s, i) => (s.name === 'collision' ? i : -1)).filter((i) => i >= 0);
    expect(waves.changes.some((c) => collisionSignals.includes(c.signal) && c.value === 1)).toBe(true);
    waves.signals.forEach((s, i) => expect(last.get(i)).toBe(s.name === 'data' ? 'x' : 0));
  });

  it('OBS-LIM-01: taps and recorders are bounded, validate options, and keep bursts without an SFD raw', () => {
    const k = new Kernel();
    const p = new Port('x.port0');
    const driver: Clocked = {
      name: 'drv',
      evaluate: () => undefined,
      commit: (c) => {
        // Bursts of 3 one-cycle bytes every 10 cycles: 0x55 0x99 0x99 (no SFD).
        const i = c % 10;
        p.rx = i < 3 ? { byte: i === 0 ? 0x55 : 0x99, amplitude: 1, first: true } : null;
      },
      nextEvent: (from) => from,
    };
    k.add(driver);
    const tap = k.add(new PortTap('tap', p, { limit: 2 }));
    const rec = k.add(new SignalRecorder('rec', { ports: [p], limit: 5, timing: { cycleNs: 10 } }));
    k.run({ cycles: 50 });
    tap.flush();
    expect(tap.captures).toHaveLength(2);
    expect(tap.dropped).toBe(3);
    expect(tap.captures[0]).toMatchObject({ cycle: 0, endCycle: 2, truncated: true, originalLength: 3, timeNs: 0n });
    expect([...tap.captures[0]!.data]).toEqual([0x55, 0x99, 0x99]);
    expect(tap.captures[1]!.cycle).toBe(10);
    expect(rec.changes).toHaveLength(5);
    expect(rec.dropped).toBeGreaterThan(0);
    expect(rec.toVcd().timescale).toBe('10 ns');

    expect(vcdTimescale(8)).toEqual({ timescale: '1 ns', unitsPerCycle: 8 });
    expect(vcdTimescale(80)).toEqual({ timescale: '10 ns', unitsPerCycle: 8 });
    expect(vcdTimescale(1000)).toEqual({ timescale: '1 us', unitsPerCycle: 1 });
    expect(vcdTimescale(0.8)).toEqual({ timescale: '100 ps', unitsPerCycle: 8 });
    expect(() => new PortTap('t', p, { limit: -1 })).toThrow(SimError);
    expect(() => new PortTap('t', p, { snapLen: 0 })).toThrow(SimError);
    expect(() => new SignalRecorder('r', { ports: [] })).toThrow(SimError);
    expect(() => new SignalRecorder('r', { ports: [p, p] })).toThrow(SimError);
    expect(() => new SignalRecorder('r', { ports: [p], timing: { cycleNs: 0 } })).toThrow(SimError);
  });

  it('OBS-TAP-02: flush records a burst the kernel went idle after, and a cut-off burst as truncated, each once', () => {
    const k = new Kernel();
    const a = k.add(new Host('a', { mac: mac(1) }));
    const b = k.add(new Host('b', { mac: mac(2) }));
    k.add(new Cable('c', a.port, b.port, { metres: 1 }, k.rng('c')));
    const tap = k.add(new PortTap('tap', a.port, { direction: 'tx', snapLen: 20 }));
    a.send(frame(1, 0, mac(2)));
    k.run({ cycles: 300 }); // mid-frame
    tap.flush();
    tap.flush();
    expect(tap.captures).toHaveLength(1);
    expect(tap.captures[0]).toMatchObject({ cycle: 0, truncated: true });
    expect(tap.captures[0]!.data.length).toBe(20);
    k.run();
    tap.flush();
    expect(tap.captures).toHaveLength(2);
    expect(tap.captures[1]!.cycle).toBe(300); // the rest, a new burst without SFD
    expect(tap.captures[1]!.truncated).toBe(true);
  });
});
