import { describe, expect, it } from 'vitest';
import { Kernel, SimError } from '../../../src/sim/index.js';
import { BROADCAST, BurstCable, Cable, FrameCable, asMac, type Frame } from '../../../src/link/index.js';
import { thrown } from '../../helpers/errors.js';
import { Nic, NicError } from '../../../src/nic/index.js';
import { BurstHost, FrameHost, FrameTap, Host, Switch, buildFrameTopology, type TopologyDef } from '../../../src/devices/index.js';

const frame = (src: number, dst = BROADCAST as number): Frame => ({ dst: asMac(dst), src: asMac(src), type: 0x88b5, payload: new Uint8Array(46) });

const simError = (fn: () => unknown): SimError => thrown(fn, SimError);

describe('frame mode', () => {
  it('LINK-FMODE-01: refuses what it does not model (half duplex, cut-through, hubs, repeaters, ports of the NIC) and unknown link modes with a stable code', () => {
    expect(simError(() => new FrameHost('h', { mac: asMac(2), duplex: 'half', rng: new Kernel().rng('h') })).code).toBe('sim.bad-option');
    expect(simError(() => new Switch('sw', { ports: 2, mac: asMac(0x100), mode: 'frame', duplex: 'half', rng: (n) => new Kernel().rng(n) })).code).toBe('sim.bad-option');
    expect(simError(() => new Switch('sw', { ports: 2, mac: asMac(0x100), mode: 'frame', cutThrough: true })).code).toBe('sim.bad-option');
    expect(simError(() => new Switch('sw', { ports: 2, mac: asMac(0x100), mode: 'fast' as never })).message).toContain('link mode fast');
    expect(thrown(() => new Nic('nic', { mode: 'frame' as never }), NicError).code).toBe('nic.bad-option');
    const def: TopologyDef = {
      nodes: [{ kind: 'hub', name: 'hub', ports: 2 }, { kind: 'host', name: 'a', mac: '02:00:00:00:00:01' }, { kind: 'host', name: 'b', mac: '02:00:00:00:00:02', duplex: 'half' }],
      links: [{ a: 'a', b: 'hub.0', metres: 5 }, { a: 'b', b: 'hub.1', metres: 5 }],
    };
    const e = simError(() => buildFrameTopology(def));
    expect(e.code).toBe('sim.frame-mode-unsupported');
    expect(e.message).toContain("hub 'hub'");
    expect(e.message).toContain("host 'b' is half duplex");
    // A malformed definition gets the validator's error, not a crash.
    expect(simError(() => buildFrameTopology({ nodes: [null], links: [] } as never)).code).toBe('sim.bad-topology');
  });

  it('LINK-FMODE-01: a cable refuses a port of another link mode (its frames would vanish uncounted), as untyped JavaScript could pass one', () => {
    const k = new Kernel();
    const frameHost = new FrameHost('f', { mac: asMac(1) });
    const burstHost = new BurstHost('b', { mac: asMac(2) });
    const symbolHost = new Host('s', { mac: asMac(3) });
    const e = simError(() => new FrameCable('c', frameHost.port, burstHost.port as never, { metres: 1 }, k.rng('c')));
    expect(e.code).toBe('sim.wrong-port');
    expect(e.message).toContain('joins FramePorts; one end is a BurstPort');
    expect(simError(() => new BurstCable('c', burstHost.port, frameHost.port as never, { metres: 1 }, k.rng('c'))).code).toBe('sim.wrong-port');
    expect(simError(() => new Cable('c', symbolHost.port, burstHost.port as never, { metres: 1 }, k.rng('c'))).code).toBe('sim.wrong-port');
    expect(simError(() => new Cable('c', symbolHost.port, Object.create(null) as never, { metres: 1 }, k.rng('c'))).message).toContain('one end is an object without a prototype');
    expect(frameHost.port.cable, 'nothing attached on refusal').toBeUndefined();
  });

  it('LINK-FMODE-01: a frame crosses a cable as one event and arrives when burst mode delivers it (end of the last symbol + delay + 1)', () => {
    const k = new Kernel();
    const got: number[] = [];
    const a = k.add(new FrameHost('a', { mac: asMac(1) }));
    const b = k.add(new FrameHost('b', { mac: asMac(2), onReceive: (_f, cycle) => got.push(cycle) }));
    const c = k.add(new FrameCable('c', a.port, b.port, { metres: 50 }, k.rng('c')));
    a.send(frame(1));
    a.send(frame(1));
    expect(k.run()).toBe('idle');
    const symbols = (8 + 64) * 10; // preamble, SFD and a 64-byte frame at 10 cycles per byte (100 Mb/s, 8 ns cycles)
    const gap = 12 * 10;
    expect(got).toEqual([symbols + c.delay + 1, 2 * symbols + gap + c.delay + 1]);
    expect(a.counters.txFrames).toBe(2);
    expect(b.counters.rxFrames).toBe(2);
    expect(c.corrupted).toBe(0);
  });

  it('LINK-FMODE-01: a cable far longer than the rated length holds many frames at once (its ring grows) and delivers, corrupts and counts them as burst mode does, read at any stop', () => {
    const run = (mode: 'burst' | 'frame', metres: number) => {
      const k = new Kernel({ seed: 4 });
      const [H, C] = mode === 'frame' ? ([FrameHost, FrameCable] as const) : ([BurstHost, BurstCable] as const);
      const got: string[] = [];
      const a = k.add(new H('a', { mac: asMac(1), queueLimit: 50 }));
      const b = k.add(new H('b', { mac: asMac(2), onReceive: (f, cycle) => got.push(`${cycle}:${f.payload[0]!}`) }));
      const cable = C as unknown as new (...x: unknown[]) => FrameCable;
      const c = k.add(new cable('c', a.port, b.port, { metres }, k.rng('c')));
      for (let i = 0; i < 40; i++) a.sendAt(i * 300, { ...frame(1, 2), payload: new Uint8Array(46 + (i % 5) * 100).fill(i) }); // lengths differ
      // Stops while frames are in flight, and at every cycle around the first arrival (a stop on an
      // arrival's own cycle counts it before it is taken in): the corrupted count must agree at each.
      const seen: number[] = [];
      const first = 1 + (8 + 64) * 10 + c.delay + 1; // the first frame's arrival
      const stops = [5_000, ...Array.from({ length: 300 }, (_, i) => first - 150 + i), first + 20_000, first + 60_000, first + 100_000];
      for (const stop of [...new Set(stops)].sort((x, y) => x - y)) {
        k.run({ cycles: stop - k.cycle });
        seen.push(c.corrupted);
      }
      expect(k.run()).toBe('idle');
      return { got, seen, corrupted: c.corrupted, drops: b.counters.drops, rx: b.counters.rxFrames };
    };
    // 100 km: 62,500 cycles of delay, one frame every 840 to 4840 cycles: a score in flight at once.
    const far = run('frame', 100_000);
    expect(far).toEqual(run('burst', 100_000));
    expect(far.seen.some((n) => n > 0) && far.corrupted > 0).toBe(true); // beyond the rated length: every frame corrupted
    expect(far.rx).toBe(0);
    expect(Object.values(far.drops).reduce((x, y) => x + y, 0)).toBe(40);
    // At the rated length, the same burst arrives intact, in order, at burst mode's cycles.
    const near = run('frame', 100);
    expect(near).toEqual(run('burst', 100));
    expect(near.got.map((g) => Number(g.split(':')[1]))).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});

describe('frame mode and idle skipping', () => {
  it('SIM-SKIP-01 LINK-FMODE-01: stepping every cycle gives exactly what idle skipping gives in frame mode', () => {
    const def: TopologyDef = {
      seed: 3,
      nodes: [
        { kind: 'switch', name: 'sw', ports: 3, mac: '02:00:00:00:ff:00', queueLimit: 1 },
        ...[0, 1, 2].map((i): TopologyDef['nodes'][number] => ({ kind: 'host', name: `h${i}`, mac: `02:00:00:00:00:0${i}` })),
      ],
      links: [0, 1, 2].map((i) => ({ a: `h${i}`, b: `sw.${i}`, metres: 20 + 60 * i })),
    };
    const run = (skipIdle: boolean) => {
      const log: string[] = [];
      const t = buildFrameTopology(def, { skipIdle, onEvent: (h, e) => log.push(`${h} ${JSON.stringify(e)}`) });
      const at = (i: number): number => 0x0200_0000_0000 + i; // the hosts' addresses
      for (let n = 0; n < 12; n++) t.hosts.get(`h${n % 3}`)!.sendAt(n * 300, frame(at(n % 3), n % 4 === 3 ? BROADCAST : at((n + 1) % 3)));
      expect(t.kernel.run()).toBe('idle');
      return { log, cycle: t.kernel.cycle, stepped: t.kernel.stepped };
    };
    const skipping = run(true);
    const stepping = run(false);
    expect(stepping.log).toEqual(skipping.log);
    expect(skipping.log.filter((l) => l.includes('"rx"')).length).toBeGreaterThan(3);
    expect(skipping.log.some((l) => l.includes('"no-sfd"') || l.includes('"bad-fcs"')), 'the 140 m cable corrupts frames').toBe(true);
    expect(skipping.stepped, 'frame mode steps nothing when it may skip').toBe(0);
    expect(stepping.stepped).toBeGreaterThan(1000);
  });
});

describe('frame mode taps', () => {
  it('OBS-TAP-01 OBS-TAP-02: a frame-mode tap records each frame whole once it has ended, and flush cuts a frame still on the wire (truncated), the rest going on as another capture', () => {
    const k = new Kernel();
    const a = k.add(new FrameHost('a', { mac: asMac(1) }));
    const b = k.add(new FrameHost('b', { mac: asMac(2) }));
    k.add(new FrameCable('c', a.port, b.port, { metres: 10 }, k.rng('c')));
    const tap = k.add(new FrameTap('tap', a.port, { direction: 'tx' }));
    a.send(frame(1, 2));
    k.run({ cycles: 300 }); // 30 of the 72 symbols are out
    tap.flush();
    expect(tap.captures).toHaveLength(1);
    expect(tap.captures[0]).toMatchObject({ cycle: 0, endCycle: 299, truncated: true, direction: 'tx' });
    expect(tap.captures[0]!.data.length).toBe(30 - 8); // after preamble and SFD
    k.run();
    tap.flush();
    expect(tap.captures).toHaveLength(2);
    expect(tap.captures[1]).toMatchObject({ cycle: 300, endCycle: 719, truncated: true });
    expect(tap.captures[1]!.data.length).toBe(42);
    expect(k.stepped, 'nothing is stepped in frame mode').toBe(0);
  });
});
