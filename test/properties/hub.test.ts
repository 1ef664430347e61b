import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Kernel, type Clocked } from '../../src/sim/index.js';
import { BROADCAST, Cable, Port, asMac, type Frame, type Mac } from '../../src/link/index.js';
import { ATTEMPT_LIMIT, BACKOFF_LIMIT, Host, Hub } from '../../src/devices/index.js';

const mac = (i: number): Mac => asMac(0x0200_0000_0000 + i);
const frame = (src: number, seq: number, dst: Mac = BROADCAST): Frame => ({ dst, src: mac(src), type: 0x88b5, payload: Uint8Array.from([src, seq >> 8, seq & 0xff, ...new Array(43).fill(0)]) });

interface Offer { readonly host: number; readonly at: number }

function hubNet(n: number, offers: readonly Offer[], opts: { seed: number; skipIdle?: boolean; order?: readonly number[]; queueLimit?: number; regenerate?: boolean }) {
  const k = new Kernel({ seed: opts.seed, skipIdle: opts.skipIdle ?? true });
  const log: string[] = [];
  const backoffs: { host: number; attempt: number; slots: number }[] = [];
  const hosts = Array.from({ length: n }, (_, i) => new Host(`h${i}`, {
    mac: mac(i), duplex: 'half', rng: k.rng(`h${i}`), promiscuous: true, queueLimit: opts.queueLimit ?? 100,
    onReceive: (f, at) => log.push(`${at} h${i} <- h${f.payload[0]}#${(f.payload[1]! << 8) | f.payload[2]!}`),
    onBackoff: (attempt, slots) => backoffs.push({ host: i, attempt, slots }),
  }));
  const hub = new Hub('hub', { ports: n, ...(opts.regenerate === undefined ? {} : { regenerate: opts.regenerate }) });
  const cables = hosts.map((h, i) => new Cable(`c${i}`, h.port, hub.ports[i]!, { metres: 1 + ((i * 13) % 49) }, k.rng(`c${i}`)));
  const parts: Clocked[] = [...hosts, hub, ...cables];
  for (const i of opts.order ?? parts.map((_, j) => j)) k.add(parts[i]!);
  offers.forEach((o, seq) => hosts[o.host]!.sendAt(o.at, frame(o.host, seq)));
  // Cables of at most 49 m: two segments through the passive hub stay within the rated 100 m.
  const stop = k.run({ until: (kk) => kk.cycle > 50_000_000 });
  return { k, hosts, hub, log: log.sort(), backoffs, stop };
}

const scenario = fc.integer({ min: 2, max: 6 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    offers: fc.array(fc.record({ host: fc.nat(n - 1), at: fc.oneof(fc.nat(3000), fc.constantFrom(0, 10, 20)) }), { maxLength: 25 }),
    seed: fc.integer(),
  }),
);

describe('hub and CSMA/CD', () => {
  test.prop([scenario])('HUB-FWD-01: a frame sent without collision reaches every other host exactly once and never its sender; nothing is lost silently', ({ n, offers, seed }) => {
    const { hosts, log, stop } = hubNet(n, offers, { seed });
    expect(stop).toBe('idle');
    // Up to 25 frames never all fail 16 attempts: something must get through (no vacuous pass).
    if (offers.length > 0) expect(hosts.reduce((s, h) => s + h.counters.txFrames, 0)).toBeGreaterThan(0);
    for (const [i, h] of hosts.entries()) {
      const mine = offers.filter((o) => o.host === i).length;
      const d = h.counters.drops;
      // Conservation at the sender: every offer was transmitted or dropped with a reason.
      expect(h.counters.txFrames + d['queue-full'] + d['excessive-collisions']).toBe(mine);
      // Every successful transmission reached each other host exactly once, never the sender.
      const sent = new Set(log.filter((l) => l.includes(` <- h${i}#`)).map((l) => l.split(' <- ')[1]));
      expect(sent.size).toBe(h.counters.txFrames);
      for (const s of sent) {
        const receivers = log.filter((l) => l.endsWith(` <- ${s}`)).map((l) => l.split(' ')[1]);
        expect(receivers.sort()).toEqual(hosts.map((_, j) => `h${j}`).filter((x) => x !== `h${i}`).sort());
      }
    }
  });

  it('HUB-COLL-01: two hosts starting together collide; every host sees the collision; both frames get through after backoff', () => {
    const { hosts, hub, log } = hubNet(3, [{ host: 0, at: 0 }, { host: 1, at: 0 }], { seed: 3 });
    expect(hub.collisions).toBeGreaterThanOrEqual(1);
    expect(hosts[0]!.counters.collisions).toBeGreaterThanOrEqual(1);
    expect(hosts[1]!.counters.collisions).toBeGreaterThanOrEqual(1);
    const h2 = hosts[2]!.counters.drops;
    expect(h2.runt + h2['no-sfd'] + h2['bad-fcs']).toBeGreaterThanOrEqual(1); // the fragment of the collision
    expect(log.filter((l) => l.includes(' h2 <- '))).toHaveLength(2);
    // Per-port counters: each sender's port carried its frame plus the collided attempts; h2's port only received.
    expect(hub.portCounters[2]!.burstsIn).toBe(0);
    expect(hub.portCounters[2]!.bytesOut).toBeGreaterThanOrEqual(2 * 72);
    expect(hub.portCounters[0]!.burstsIn).toBe(1 + hosts[0]!.counters.collisions);
    expect(hosts[0]!.counters.txFrames + hosts[1]!.counters.txFrames).toBe(2);
  });

  test.prop([scenario])('CSMA-BACKOFF-01: every backoff draw lies in [0, 2^min(n, 10) − 1] slots for the n-th collision', ({ n, offers, seed }) => {
    const { backoffs } = hubNet(n, offers, { seed });
    for (const b of backoffs) {
      expect(b.attempt).toBeGreaterThanOrEqual(1);
      expect(b.attempt).toBeLessThan(ATTEMPT_LIMIT);
      expect(b.slots).toBeGreaterThanOrEqual(0);
      expect(b.slots).toBeLessThanOrEqual(2 ** Math.min(b.attempt, BACKOFF_LIMIT) - 1);
    }
  });

  it('CSMA-BACKOFF-01: a host gives up exactly after the 16th attempt', () => {
    // A babbler answers every carrier it hears with a burst of its own, so every attempt collides.
    class Babbler implements Clocked {
      readonly port = new Port('babbler.port0');
      private until = -1;
      private next: { byte: number; amplitude: number; first: boolean } | null = null;
      constructor(readonly name: string) {}
      evaluate(cycle: number): void {
        const talking = this.port.rx !== null || cycle < this.until;
        this.next = talking ? { byte: 0x42, amplitude: 1, first: true } : null;
      }
      commit(cycle: number): void {
        if (this.port.rx !== null) this.until = cycle + 30;
        this.port.tx = this.next;
      }
      nextEvent(from: number): number {
        return this.port.rx !== null || this.port.tx !== null || from < this.until ? from : Infinity;
      }
    }
    const k = new Kernel({ seed: 9 });
    const draws: number[] = [];
    const h = k.add(new Host('h', { mac: mac(1), duplex: 'half', rng: k.rng('h'), onBackoff: (a) => draws.push(a) }));
    const b = k.add(new Babbler('b'));
    k.add(new Cable('c', h.port, b.port, { metres: 5 }, k.rng('c')));
    h.send(frame(1, 0));
    expect(k.run({ cycles: 10_000_000 })).toBe('idle');
    expect(h.counters.collisions).toBe(ATTEMPT_LIMIT);
    expect(h.counters.drops['excessive-collisions']).toBe(1);
    expect(h.counters.txFrames).toBe(0);
    expect(draws).toEqual(Array.from({ length: ATTEMPT_LIMIT - 1 }, (_, i) => i + 1));
  });

  test.prop([scenario.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray([...Array(2 * s.n + 1).keys()], { minLength: 2 * s.n + 1 })))])(
    'SIM-ORDER-01 SIM-SKIP-01 SIM-DET-01: on a hub, component order, idle skipping and reruns never change what was received',
    ([s, order]) => {
      const base = hubNet(s.n, s.offers, { seed: s.seed });
      const shuffled = hubNet(s.n, s.offers, { seed: s.seed, order });
      const stepped = hubNet(s.n, s.offers, { seed: s.seed, skipIdle: false });
      expect(shuffled.log).toEqual(base.log);
      expect(stepped.log).toEqual(base.log);
      expect(stepped.hosts.map((h) => h.counters)).toEqual(base.hosts.map((h) => h.counters));
      expect(hubNet(s.n, s.offers, { seed: s.seed }).log).toEqual(base.log);
    },
  );
});
