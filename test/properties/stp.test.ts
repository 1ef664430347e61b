import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { asMac, type Mac } from '../../src/link/index.js';
import { BPDU_DROP_REASONS, bpduFrame, decodeBpdu, encodeBpdu, parseBpduFrame, type Bpdu } from '../../src/devices/index.js';
import { StpNet, convergenceSeconds, spanningTreeViolations, type NetSpec } from '../helpers/stp-net.js';

/** A unicast MAC (the I/G bit cleared). */
const unicast = fc.integer({ min: 1, max: 0xffff_ffff_ffff }).map((v) => asMac(Math.floor(v / 2 ** 41) * 2 ** 41 + (v % 2 ** 40)));

/**
 * Timer sets for networks of up to 8 bridges (diameter ≤ 7). A relayed BPDU can wait up to one Hold
 * Time at each bridge (a reply made the hold timer run), so Message Age at the far edge can reach
 * diameter × holdTime; each set keeps maxAge ≥ 7 × holdTime + helloTime + 1 s, as 802.1D's
 * recommended diameter of 7 does with the defaults. (Hello 1, max age 6 with the 1 s hold time does
 * not converge on a 7-hop path: the edge's information ages out between two hellos.)
 */
const TIMERS = [
  { helloTime: 2, maxAge: 20, forwardDelay: 15, holdTime: 1 },
  { helloTime: 2, maxAge: 12, forwardDelay: 8, holdTime: 1 },
  { helloTime: 1, maxAge: 6, forwardDelay: 4, holdTime: 0.5 },
] as const;

/** A random connected graph of 2..8 bridges: a random tree plus random extra links (loops, parallel links, self-loops). */
const network = fc.integer({ min: 2, max: 8 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    macs: fc.uniqueArray(unicast, { minLength: n, maxLength: n }),
    priorities: fc.array(fc.constantFrom(0, 4096, 32768, 32768, 61440), { minLength: n, maxLength: n }),
    portPriorities: fc.array(fc.array(fc.constantFrom(128, 128, 128, 16, 240), { minLength: 2 * n + 6, maxLength: 2 * n + 6 }), { minLength: n, maxLength: n }),
    parents: fc.tuple(...Array.from({ length: n - 1 }, (_, i) => fc.nat(i))),
    extra: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n + 2 }),
    order: fc.array(fc.nat(), { minLength: 3 * n + 1, maxLength: 3 * n + 1 }),
    costs: fc.array(fc.tuple(fc.constantFrom(1, 4, 19, 19, 100), fc.constantFrom(1, 4, 19, 19, 100)), { minLength: 3 * n + 1, maxLength: 3 * n + 1 }),
    delay: fc.integer({ min: 1, max: n }),
    timers: fc.constantFrom(...TIMERS),
    timeScale: fc.constantFrom(1e-3, 1e-5, 2.048e-6),
    cut: fc.nat(),
  }),
);

type Net = typeof network extends fc.Arbitrary<infer T> ? T : never;

function build(s: Net): StpNet {
  const tree = s.parents.map((p, i) => [p, i + 1] as const);
  const all = [...tree, ...s.extra.map(([a, b]) => [a, b] as const)];
  // Shuffle deterministically by the generated keys, so tree links are not always the first ports.
  const pairs = all.map((l, i) => ({ l, k: s.order[i]!, i })).sort((x, y) => x.k - y.k || x.i - y.i).map((x) => x.l);
  const spec: NetSpec = {
    bridges: s.macs.map((mac: Mac, i) => ({ mac, priority: s.priorities[i]!, portPriorities: s.portPriorities[i]! })),
    pairs,
    costs: pairs.map((_, i) => s.costs[i]!),
    delay: s.delay,
    common: { ...s.timers, timeScale: s.timeScale },
  };
  return new StpNet(spec);
}

describe('STP on random topologies', () => {
  test.prop([network])(
    'STP-CONV-01 STP-ROOT-01 STP-ROLE-01 STP-ROLE-02 STP-CNT-01: on a random connected graph with loops the forwarding links converge to a spanning tree rooted at the lowest bridge ID, with shortest-path root costs, and stay so',
    (s) => {
      const net = build(s);
      const b0 = net.bridges[0]!;
      const bound = b0.secondsToCycles(convergenceSeconds(s.n, s.timers));
      net.run(bound);
      expect(spanningTreeViolations(net)).toEqual([]);
      // Stable: no port changes state during a further Max Age + 2 × Forward Delay.
      const before = net.events.length;
      net.run(net.now + b0.secondsToCycles(s.timers.maxAge + 2 * s.timers.forwardDelay));
      expect(net.events.slice(before).filter((e) => e.event.kind === 'port-state')).toEqual([]);
      expect(spanningTreeViolations(net)).toEqual([]);
      // Conservation: every frame delivered was counted once; engines never emit a bad BPDU.
      for (const b of net.bridges) {
        const c = b.counters;
        expect(c.framesIn).toBe(c.bpdusIn + c.tcnIn + BPDU_DROP_REASONS.reduce((x, r) => x + c.badBpdus[r], 0));
        expect(BPDU_DROP_REASONS.filter((r) => c.badBpdus[r] > 0)).toEqual([]);
      }
      expect(net.bridges.reduce((x, b) => x + b.counters.framesIn, 0)).toBe(net.delivered);
    },
  );

  test.prop([network])(
    'STP-CONV-02 STP-AGE-01 STP-LINK-01: after a link of the tree goes down at both ends, the network reconverges to a spanning tree of what remains (each component rooted at its lowest bridge ID)',
    (s) => {
      const net = build(s);
      const b0 = net.bridges[0]!;
      const bound = b0.secondsToCycles(convergenceSeconds(s.n, s.timers));
      net.run(bound);
      const tree = net.forwardingLinks();
      expect(tree.length).toBe(s.n - 1);
      net.cut(tree[s.cut % tree.length]!);
      net.run(net.now + bound);
      expect(spanningTreeViolations(net)).toEqual([]);
    },
  );
});

const bridgeId = fc.record({ priority: fc.integer({ min: 0, max: 0xffff }), mac: fc.integer({ min: 0, max: 0xffff_ffff_ffff }).map(asMac) });
const u16 = fc.integer({ min: 0, max: 0xffff });
const bpdu: fc.Arbitrary<Bpdu> = fc.oneof(
  fc.constant({ kind: 'tcn' } as const),
  fc.record({
    kind: fc.constant('config' as const), topologyChange: fc.boolean(), topologyChangeAck: fc.boolean(), rootId: bridgeId,
    rootPathCost: fc.integer({ min: 0, max: 0xffff_ffff }), bridgeId, portId: u16, messageAge: u16, maxAge: u16, helloTime: u16, forwardDelay: u16,
  }),
);

describe('BPDU codec', () => {
  test.prop([bpdu, unicast])('STP-BPDU-03: every BPDU survives encode → frame → decode unchanged', (b, src) => {
    expect(decodeBpdu(encodeBpdu(b))).toEqual({ ok: true, bpdu: b });
    const f = bpduFrame(b, src);
    expect(f.type).toBe(f.payload.length);
    expect(parseBpduFrame(f)).toEqual({ ok: true, bpdu: b });
  });

  test.prop([fc.uint8Array({ maxLength: 60 }), fc.integer({ min: 0, max: 0xffff }), fc.boolean()])(
    'STP-BPDU-04: decoding arbitrary bytes never throws; it yields a BPDU or a typed reason',
    (bytes, type, group) => {
      const r = decodeBpdu(bytes);
      if (!r.ok) expect(BPDU_DROP_REASONS).toContain(r.reason);
      const f = parseBpduFrame({ dst: asMac(group ? 0x0180_c200_0000 : 0x0200_0000_0001), src: asMac(2), type, payload: bytes });
      if (!f.ok) expect(BPDU_DROP_REASONS).toContain(f.reason);
      else expect(group && type < 0x600 && type <= bytes.length).toBe(true);
    },
  );
});
