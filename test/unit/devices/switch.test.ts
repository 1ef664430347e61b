import { describe, expect, it } from 'vitest';
import { Kernel } from '../../../src/sim/index.js';
import { BROADCAST, BurstCable, Cable, asMac, encodeFrame, type Frame, type Mac } from '../../../src/link/index.js';
import { Bridge, BurstHost, BurstHub, Host, Hub, Switch } from '../../../src/devices/index.js';

const mac = (i: number): Mac => asMac(0x0200_0000_0000 + i);
const frame = (src: number, dst: Mac, seq = 0): Frame => ({ dst, src: mac(src), type: 0x88b5, payload: Uint8Array.from({ length: 46 }, (_, i) => (i === 0 ? seq : 0)) });

type Mode = 'symbol' | 'burst';

/** The seed's picture: hosts A, B, C on hub 1 and D, E on hub 2, the hubs joined by a bridge. */
function splitLan(mode: Mode) {
  const k = new Kernel({ seed: 3 });
  const [H, U, C] = mode === 'burst' ? ([BurstHost, BurstHub, BurstCable] as const) : ([Host, Hub, Cable] as const);
  const got = new Map<string, string[]>();
  const names = ['A', 'B', 'C', 'D', 'E'];
  const hosts = names.map((n, i) => k.add(new H(n, { mac: mac(i), duplex: 'half', rng: k.rng(n), onReceive: (f) => got.set(n, [...(got.get(n) ?? []), `${names[f.src - mac(0)]}#${f.payload[0]}`]) })));
  const hub1 = k.add(new U('hub1', { ports: 4 }));
  const hub2 = k.add(new U('hub2', { ports: 3 }));
  const br = k.add(new Bridge('br', { mac: mac(0xbb00), mode, duplex: 'half', rng: (n) => k.rng(n) }));
  const cable = (a: never, b: never, name: string): void => void k.add(new (C as unknown as new (...x: unknown[]) => Cable)(name, a, b, { metres: 10 }, k.rng(name)));
  hosts.slice(0, 3).forEach((h, i) => cable(h.port as never, hub1.ports[i] as never, `c${i}`));
  hosts.slice(3).forEach((h, i) => cable(h.port as never, hub2.ports[i] as never, `d${i}`));
  cable(hub1.ports[3] as never, br.ports[0] as never, 'b0');
  cable(hub2.ports[2] as never, br.ports[1] as never, 'b1');
  return { k, hosts, br, got, hub1, hub2 };
}

describe('bridge and switch', () => {
  for (const mode of ['symbol', 'burst'] as const) {
    it(`BRIDGE-SPLIT-01: a bridge splitting a hub LAN keeps A→B on A's side and carries only A→E across (${mode} mode)`, () => {
      const { k, hosts, br, got } = splitLan(mode);
      // Everyone announces itself once (the bridge learns each side), then A→B and A→E.
      hosts.forEach((h, i) => h.sendAt(i * 2000, frame(i, BROADCAST, 1)));
      k.run();
      const crossedBefore = br.macs[1]!.counters.txFrames;
      hosts[0]!.send(frame(0, mac(1), 2));
      k.run();
      expect(br.macs[1]!.counters.txFrames, 'A→B must not cross').toBe(crossedBefore);
      expect(got.get('B')).toContain('A#2');
      hosts[0]!.send(frame(0, mac(4), 3));
      k.run();
      expect(br.macs[1]!.counters.txFrames, 'A→E crosses once').toBe(crossedBefore + 1);
      expect(got.get('E')).toContain('A#3');
      expect(got.get('D') ?? []).not.toContain('A#3'); // hub 2 repeats it to D, whose filter drops it
      expect(br.core.counters.drops['filtered-same-port']).toBeGreaterThanOrEqual(1);
    });
  }

  it('SW-FWD-01: a switch delivers unicast to the learned port only, floods unknown destinations, and counts every copy', () => {
    const k = new Kernel({ seed: 1 });
    const got: string[] = [];
    const hosts = [0, 1, 2, 3].map((i) => k.add(new Host(`h${i}`, { mac: mac(i), onReceive: (f) => got.push(`h${i}<-${f.src - mac(0)}`) })));
    const sw = k.add(new Switch('sw', { ports: 4, mac: mac(0xff00) }));
    hosts.forEach((h, i) => k.add(new Cable(`c${i}`, h.port, sw.ports[i]! as never, { metres: 5 }, k.rng(`c${i}`))));
    hosts[0]!.send(frame(0, mac(1)));
    k.run();
    expect(got.sort()).toEqual(['h1<-0']); // flooded to 1, 2, 3; only h1 accepts
    expect(sw.core.counters.flooded).toBe(1);
    expect(sw.counters.copies).toBe(3);
    got.length = 0;
    hosts[1]!.send(frame(1, mac(0)));
    k.run();
    expect(got).toEqual(['h0<-1']);
    expect(sw.core.counters.forwarded).toBe(1);
    expect(hosts[2]!.counters.drops['not-for-us']).toBe(1); // only the first flood reached h2
  });

  it('SW-QUEUE-01: an output queue over its limit drops and counts, and frames are conserved', () => {
    const k = new Kernel({ seed: 1 });
    const hosts = [0, 1, 2].map((i) => k.add(new Host(`h${i}`, { mac: mac(i), rate: i === 2 ? 10 : 100, queueLimit: 1000 })));
    const sw = k.add(new Switch('sw', { ports: 3, mac: mac(0xff00), rate: [100, 100, 10], queueLimit: 5 }));
    hosts.forEach((h, i) => k.add(new Cable(`c${i}`, h.port, sw.ports[i]! as never, { metres: 5 }, k.rng(`c${i}`))));
    hosts[2]!.send(frame(2, BROADCAST)); // let the switch learn h2
    k.run();
    for (let j = 0; j < 40; j++) hosts[0]!.send(frame(0, mac(2), j)); // 100 Mb/s in, 10 Mb/s out
    k.run();
    const out = sw.macs[2]!.counters;
    expect(out.drops['queue-full']).toBeGreaterThan(0);
    expect(out.drops['queue-full'] + out.txFrames - 0).toBe(40); // the learning broadcast went the other way
    expect(hosts[2]!.counters.rxFrames).toBe(out.txFrames);
  });

  for (const mode of ['symbol', 'burst'] as const) {
    it(`SW-CUT-01: cut-through relays a frame once its header is in, so it arrives a frame time earlier than store-and-forward, and a bad frame already relayed is counted bad downstream (${mode} mode)`, () => {
      const run = (cutThrough: boolean, badFcs: boolean) => {
        const k = new Kernel({ seed: 1 });
        const [H, C] = mode === 'burst' ? ([BurstHost, BurstCable] as const) : ([Host, Cable] as const);
        const at: number[] = [];
        const a = k.add(new H('a', { mac: mac(0) }));
        const b = k.add(new H('b', { mac: mac(1), onReceive: (_f, cycle) => at.push(cycle) }));
        const sw = k.add(new Switch('sw', { ports: 2, mac: mac(0xff00), mode, cutThrough }));
        const cable = C as unknown as new (...x: unknown[]) => Cable;
        k.add(new cable('c0', a.port, sw.ports[0], { metres: 10 }, k.rng('c0')));
        k.add(new cable('c1', b.port, sw.ports[1], { metres: 10 }, k.rng('c1')));
        const bytes = encodeFrame({ dst: mac(1), src: mac(0), type: 0x88b5, payload: new Uint8Array(500) });
        if (badFcs) bytes[bytes.length - 1]! ^= 0xff;
        a.sendBytes(bytes);
        k.run();
        return { at, b: b.counters, sw };
      };
      const sf = run(false, false);
      const ct = run(true, false);
      expect(sf.at).toHaveLength(1);
      expect(ct.at).toHaveLength(1);
      expect(ct.sw.counters.cutThrough).toBe(1);
      // Cut-through decides when the header's last byte is latched (its first cycle); store-and-forward
      // when carrier drops, a whole byte time after the last byte starts: (518 − 14) + 1 byte times later.
      expect(sf.at[0]! - ct.at[0]!).toBe((518 - 14 + 1) * 10);
      const badSf = run(false, true);
      const badCt = run(true, true);
      expect(badSf.b.drops['bad-fcs'], 'store-and-forward drops the bad frame at the switch').toBe(0);
      expect(badSf.sw.macs[0]!.counters.drops['bad-fcs']).toBe(1);
      expect(badCt.b.drops['bad-fcs'], 'cut-through had already relayed it: the receiver counts it').toBe(1);
      expect(badCt.at).toHaveLength(0);
    });
  }

  it('SW-FWD-01: a 1024-port switch floods a broadcast to the 1023 other hosts once each and then forwards unicast to the learned port only', () => {
    const k = new Kernel({ seed: 1 });
    const n = 1024;
    const got = new Array<number>(n).fill(0);
    const sw = k.add(new Switch('sw', { ports: n, mac: mac(0xf_0000), mode: 'burst' }));
    const hosts = Array.from({ length: n }, (_, i) => k.add(new BurstHost(`h${i}`, { mac: mac(i), onReceive: () => got[i]!++ })));
    hosts.forEach((h, i) => k.add(new BurstCable(`c${i}`, h.port, sw.ports[i]!, { metres: 2 }, k.rng(`c${i}`))));
    hosts[1023]!.send(frame(1023, BROADCAST));
    k.run();
    expect(got.slice(0, 1023).every((g) => g === 1)).toBe(true);
    expect(got[1023]).toBe(0);
    hosts[0]!.send(frame(0, mac(1023)));
    k.run();
    expect(got[1023]).toBe(1);
    expect(sw.core.counters.forwarded).toBe(1);
    expect(sw.counters.copies).toBe(1023 + 1);
  });

  it('FWD-CFG-01: impossible switch options raise SimError with a stable code', () => {
    const bad = (o: object): string => {
      try {
        new Switch('sw', { ports: 2, mac: mac(0xff00), ...o } as never);
        return 'no error';
      } catch (e) {
        return (e as { code?: string }).code ?? String(e);
      }
    };
    expect(bad({ ports: 0 })).toBe('sim.bad-option');
    expect(bad({ ports: 1025 })).toBe('sim.bad-option');
    expect(bad({ ports: 2.5 })).toBe('sim.bad-option');
    expect(bad({ rate: [100] })).toBe('sim.bad-option');
    expect(bad({ duplex: 'half' })).toBe('sim.bad-option'); // half duplex needs a random stream
    expect(bad({ queueLimit: -1 })).toBe('sim.bad-option');
    expect(bad({ stp: { helloTime: 30 } })).toBe('sim.bad-option');
    expect(bad({ forwarding: { profile: 'cisco' } })).toBe('sim.bad-option');
    expect(bad({})).toBe('no error');
  });
});
