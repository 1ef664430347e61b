import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { SimError } from '../../../src/sim/index.js';
import { BROADCAST, parseMac, type Frame } from '../../../src/link/index.js';
import { buildTopology, topologyToDot, validateTopology, type TopologyDef, type TopologyIssue } from '../../../src/devices/topology.js';

const frame = (src: string, dst = BROADCAST, tag = 0): Frame => ({ dst, src: parseMac(src), type: 0x88b5, payload: Uint8Array.from([tag, ...new Array<number>(45).fill(0)]) });

const hubDef: TopologyDef = {
  seed: 5,
  nodes: [
    { kind: 'host', name: 'h0', mac: '02:00:00:00:00:01' },
    { kind: 'host', name: 'h1', mac: '02:00:00:00:00:02' },
    { kind: 'host', name: 'h2', mac: '02:00:00:00:00:03', duplex: 'half' },
    { kind: 'hub', name: 'hub', ports: 4 },
  ],
  links: [
    { a: 'h0', b: 'hub.0', metres: 10 },
    { a: 'hub.1', b: 'h1', metres: 20 },
    { a: 'h2', b: 'hub.3', metres: 30 },
  ],
};

const errors = (issues: readonly TopologyIssue[]) => issues.filter((i) => i.severity === 'error');
const codes = (def: unknown) => validateTopology(def).map((i) => `${i.code} @${i.path}`);

/** A valid topology: hosts, a hub and repeaters, every host connected. */
const validDef: fc.Arbitrary<TopologyDef> = fc
  .record({
    seed: fc.option(fc.integer(), { nil: undefined }),
    hubHosts: fc.integer({ min: 0, max: 4 }),
    pairHosts: fc.boolean(),
    repeaterChain: fc.boolean(),
    metres: fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 8, maxLength: 8 }),
  })
  .map(({ seed, hubHosts, pairHosts, repeaterChain, metres }): TopologyDef => {
    const nodes: TopologyDef['nodes'][number][] = [];
    const links: TopologyDef['links'][number][] = [];
    let mac = 1;
    const host = (name: string, duplex?: 'full' | 'half') =>
      nodes.push({ kind: 'host', name, mac: `02:00:00:00:00:${(mac++).toString(16).padStart(2, '0')}`, ...(duplex === undefined ? {} : { duplex }) });
    const m = (i: number) => metres[i % metres.length]!;
    nodes.push({ kind: 'hub', name: 'hub', ports: Math.max(2, hubHosts + 1) });
    for (let i = 0; i < hubHosts; i++) {
      host(`h${i}`, i % 2 === 0 ? undefined : 'half');
      links.push({ a: `h${i}`, b: `hub.${i}`, metres: m(i) });
    }
    if (pairHosts) {
      host('p0', 'full');
      host('p1');
      links.push({ a: 'p0', b: 'p1', metres: m(5) });
    }
    if (repeaterChain) {
      host('r0');
      nodes.push({ kind: 'repeater', name: 'rep', latency: 3 });
      links.push({ a: 'r0', b: 'rep.0', metres: m(6) }, { a: 'rep.1', b: `hub.${Math.max(2, hubHosts + 1) - 1}`, metres: m(7) });
    }
    return { ...(seed === undefined ? {} : { seed }), nodes, links };
  });

/** Replaces or deletes the value at a random path of a JSON-like value. */
function mutate(value: unknown, choices: readonly number[], replacement: unknown, del: boolean): unknown {
  if (choices.length === 0 || typeof value !== 'object' || value === null) return del ? undefined : replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const [c, ...rest] = choices;
  const key = keys[c! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
  const inner = rest.length === 0 ? (del ? undefined : replacement) : mutate(copy[key], rest, replacement, del);
  if (inner === undefined && !Array.isArray(value)) delete copy[key];
  else copy[key] = inner;
  return copy;
}

describe('topology definitions', () => {
  it('TOPO-DEF-01: a well-formed topology has no issues', () => {
    expect(validateTopology(hubDef)).toEqual([]);
  });

  it('TOPO-DEF-01: reports shape errors with stable codes and JSON paths', () => {
    expect(codes(null)).toEqual(['topology.not-object @']);
    expect(codes([])).toEqual(['topology.not-object @']);
    expect(codes({})).toEqual(['topology.missing-field @nodes', 'topology.missing-field @links']);
    expect(codes({ nodes: {}, links: [], extra: 1, seed: 1.5, rate: 42 })).toEqual([
      'topology.extra-field @extra', 'topology.bad-field @seed', 'topology.bad-field @rate', 'topology.bad-field @nodes',
    ]);
    expect(codes({ nodes: [7, { kind: 'router', name: 's' }, { name: 'x' }], links: [null] })).toEqual([
      'topology.not-object @nodes[0]', 'topology.bad-kind @nodes[1].kind', 'topology.missing-field @nodes[2].kind', 'topology.not-object @links[0]',
    ]);
    expect(codes({ nodes: [{ kind: 'host', name: 'h', mac: '02:00:00:00:00:01', speed: 10, duplex: 'auto', queueLimit: -1, promiscuous: 'yes' }], links: [{ a: 'h', b: 'h' }] })).toEqual([
      'topology.extra-field @nodes[0].speed', 'topology.bad-field @nodes[0].duplex', 'topology.bad-field @nodes[0].queueLimit', 'topology.bad-field @nodes[0].promiscuous',
      'topology.missing-field @links[0].metres', 'topology.port-in-use @links[0].b',
    ]);
    expect(codes({ nodes: [{ kind: 'repeater', name: 'r', latency: 0 }, { kind: 'hub', name: 'u', regenerate: 1 }], links: [] })).toEqual([
      'topology.bad-field @nodes[0].latency', 'topology.missing-field @nodes[1].ports', 'topology.bad-field @nodes[1].regenerate',
    ]);
  });

  it('TOPO-DEF-01: reports names, MACs, port counts, endpoints, ports in use and lengths', () => {
    const def = {
      nodes: [
        { kind: 'host', name: 'a', mac: '02:00:00:00:00:01' },
        { kind: 'host', name: 'a', mac: '02:00:00:00:00:09' },
        { kind: 'host', name: 'b.c', mac: '02:00:00:00:00:03' },
        { kind: 'host', name: 'd', mac: '02-00-00-00-00-01' },
        { kind: 'host', name: 'e', mac: 'zz:00:00:00:00:01' },
        { kind: 'host', name: 'f', mac: '01:00:5e:00:00:01' },
        { kind: 'hub', name: 'big', ports: 1025 },
        { kind: 'hub', name: 'hub', ports: 2 },
        { kind: 'repeater', name: 'rep' },
      ],
      links: [
        { a: 'a', b: 'nowhere', metres: 1 },
        { a: 'd', b: 'hub.2', metres: -1 },
        { a: 'e', b: 'hub', metres: Infinity },
        { a: 'f', b: 'rep.1', metres: NaN },
        { a: 'a', b: 'rep.0', metres: 1 },
        { a: 'hub.0', b: 'rep.01', metres: 1 },
        { a: 'a.0', b: 'big.3', metres: 1 },
        { a: 'hub.1', b: 'b.c', metres: 1 },
      ],
    };
    expect(codes(def)).toEqual([
      'topology.duplicate-name @nodes[1].name',
      'topology.bad-name @nodes[2].name',
      'topology.duplicate-mac @nodes[3].mac',
      'topology.bad-mac @nodes[4].mac',
      'topology.bad-mac @nodes[5].mac',
      'topology.bad-ports @nodes[6].ports',
      'topology.unknown-node @links[0].b',
      'topology.bad-length @links[1].metres',
      'topology.bad-port @links[1].b',
      'topology.bad-length @links[2].metres',
      'topology.bad-port @links[2].b',
      'topology.bad-length @links[3].metres',
      'topology.port-in-use @links[4].a',
      'topology.bad-port @links[5].b',
      'topology.bad-port @links[6].a',
    ]);
    expect(validateTopology(def).every((i) => i.severity === 'error' && i.message.length > 0)).toBe(true);
  });

  it('TOPO-DEF-01: a full-duplex host on a hub is an error, also through a repeater; half duplex or the default is fine', () => {
    const base = (duplex: 'full' | 'half' | undefined, viaRepeater: boolean) => ({
      nodes: [
        { kind: 'host', name: 'h', mac: '02:00:00:00:00:01', ...(duplex === undefined ? {} : { duplex }) },
        { kind: 'hub', name: 'hub', ports: 2 },
        { kind: 'repeater', name: 'rep' },
      ],
      links: viaRepeater ? [{ a: 'h', b: 'rep.0', metres: 5 }, { a: 'rep.1', b: 'hub.0', metres: 5 }] : [{ a: 'h', b: 'hub.1', metres: 5 }],
    });
    for (const via of [false, true]) {
      expect(codes(base('full', via))).toEqual(['topology.full-duplex-on-hub @nodes[0].duplex']);
      expect(codes(base('half', via))).toEqual([]);
      expect(codes(base(undefined, via))).toEqual([]);
    }
    // A full-duplex host on a repeater to another host is point to point.
    expect(codes({
      nodes: [
        { kind: 'host', name: 'a', mac: '02:00:00:00:00:01', duplex: 'full' }, { kind: 'repeater', name: 'r' },
        { kind: 'host', name: 'b', mac: '02:00:00:00:00:02', duplex: 'full' },
      ],
      links: [{ a: 'a', b: 'r.0', metres: 90 }, { a: 'r.1', b: 'b', metres: 90 }],
    })).toEqual([]);
  });

  it('TOPO-DEF-01: an unconnected host is only a warning and the topology still builds', () => {
    const def: TopologyDef = { nodes: [...hubDef.nodes, { kind: 'host', name: 'lonely', mac: '02:00:00:00:00:09' }], links: hubDef.links };
    const issues = validateTopology(def);
    expect(issues).toEqual([{ code: 'topology.unconnected', path: 'nodes[4]', severity: 'warning', message: expect.stringContaining('lonely') as unknown }]);
    expect(buildTopology(def).hosts.size).toBe(4);
  });

  test.prop([fc.anything({ withBigInt: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withBoxedValues: true })])(
    'TOPO-DEF-01: validation never throws for any value and returns well-formed issues',
    (value) => {
      const issues = validateTopology(value);
      for (const i of issues) {
        expect(i.code).toMatch(/^topology\.[a-z-]+$/);
        expect(typeof i.path).toBe('string');
        expect(typeof i.message).toBe('string');
        expect(['error', 'warning']).toContain(i.severity);
      }
    },
  );

  test.prop([validDef, fc.array(fc.nat(), { maxLength: 4 }), fc.anything({ withBigInt: true, withNullPrototype: true }), fc.boolean()])(
    'TOPO-DEF-01: for valid topologies with one value replaced or deleted, validation never throws, and builds exactly when it reports no error',
    (def, choices, replacement, del) => {
      expect(errors(validateTopology(def))).toEqual([]);
      const mutated = mutate(def, choices, replacement, del);
      const issues = validateTopology(mutated);
      let thrown: unknown;
      try {
        buildTopology(mutated as TopologyDef);
      } catch (e) {
        thrown = e;
      }
      if (errors(issues).length === 0) {
        expect(thrown).toBeUndefined();
      } else {
        expect(thrown).toBeInstanceOf(SimError);
        expect((thrown as SimError).code).toBe('sim.bad-topology');
        for (const i of errors(issues)) expect((thrown as SimError).message).toContain(i.message);
      }
    },
  );
});

describe('building topologies', () => {
  it('TOPO-BUILD-01: three hosts on a hub built from a definition: a broadcast from one reaches the other two', () => {
    const log: string[] = [];
    const net = buildTopology(hubDef, { onReceive: (host, f, cycle) => log.push(`${host} <- ${f.payload[0]} @${cycle > 0}`) });
    expect([...net.hosts.keys()]).toEqual(['h0', 'h1', 'h2']);
    expect([...net.hubs.keys()]).toEqual(['hub']);
    expect(net.cables.map((c) => c.name)).toEqual(['h0 hub.0', 'hub.1 h1', 'h2 hub.3']);
    expect(net.kernel.seed).toBe(5);
    expect(net.kernel.components.map((c) => c.name)).toEqual(['h0', 'h1', 'h2', 'hub', 'h0 hub.0', 'hub.1 h1', 'h2 hub.3']);
    const h1 = net.hosts.get('h1')!;
    h1.send(frame('02:00:00:00:00:02', BROADCAST, 7));
    expect(net.kernel.run()).toBe('idle');
    expect(log.sort()).toEqual(['h0 <- 7 @true', 'h2 <- 7 @true']);
    expect(h1.counters.txFrames).toBe(1);
  });

  it('TOPO-BUILD-01: hosts on a hub default to half duplex: simultaneous senders collide, back off, and both frames arrive', () => {
    const run = (skipIdle: boolean) => {
      const log: string[] = [];
      const net = buildTopology(hubDef, { skipIdle, onReceive: (host, f, cycle) => log.push(`${cycle} ${host} <- ${f.payload[0]}`) });
      net.hosts.get('h0')!.send(frame('02:00:00:00:00:01', BROADCAST, 0));
      net.hosts.get('h1')!.send(frame('02:00:00:00:00:02', BROADCAST, 1));
      expect(net.kernel.run()).toBe('idle');
      return { log: log.sort(), net };
    };
    const { log, net } = run(true);
    expect(net.hubs.get('hub')!.collisions).toBeGreaterThanOrEqual(1);
    expect(net.hosts.get('h0')!.counters.collisions).toBeGreaterThanOrEqual(1);
    expect(log.map((l) => l.split(' ').slice(1).join(' ')).sort()).toEqual(['h0 <- 1', 'h1 <- 0', 'h2 <- 0', 'h2 <- 1']);
    // Deterministic: the same definition gives the same run, with or without idle skipping.
    expect(run(true).log).toEqual(log);
    expect(run(false).log).toEqual(log);
  });

  it('TOPO-BUILD-01: hosts on a point-to-point cable default to full duplex and send at once without collision; a repeater chain carries frames', () => {
    const def: TopologyDef = {
      rate: 100,
      nodes: [
        { kind: 'host', name: 'a', mac: '02:00:00:00:00:0a' },
        { kind: 'host', name: 'b', mac: '02:00:00:00:00:0b', queueLimit: 4 },
        { kind: 'host', name: 'c', mac: '02:00:00:00:00:0c', promiscuous: true },
        { kind: 'repeater', name: 'rep', latency: 2 },
        { kind: 'host', name: 'd', mac: '02:00:00:00:00:0d' },
      ],
      links: [
        { a: 'a', b: 'b', metres: 50 },
        { a: 'c', b: 'rep.0', metres: 90 },
        { a: 'rep.1', b: 'd', metres: 90 },
      ],
    };
    const log: string[] = [];
    const net = buildTopology(def, { onReceive: (host, f) => log.push(`${host} <- ${f.payload[0]}`) });
    const [a, b, c] = (['a', 'b', 'c'] as const).map((n) => net.hosts.get(n)!);
    a!.send(frame('02:00:00:00:00:0a', parseMac('02:00:00:00:00:0b'), 1));
    b!.send(frame('02:00:00:00:00:0b', parseMac('02:00:00:00:00:0a'), 2));
    c!.send(frame('02:00:00:00:00:0c', parseMac('02:00:00:00:00:0d'), 3));
    expect(net.kernel.run()).toBe('idle');
    expect(log.sort()).toEqual(['a <- 2', 'b <- 1', 'd <- 3']);
    expect(a!.counters.collisions + b!.counters.collisions).toBe(0);
    expect(net.repeaters.get('rep')!.regenerated[0]).toBeGreaterThan(0);
  });

  it('TOPO-BUILD-01: building an invalid definition throws sim.bad-topology listing every error', () => {
    const def = {
      nodes: [{ kind: 'host', name: 'h', mac: 'nope' }, { kind: 'hub', name: 'hub', ports: 2 }],
      links: [{ a: 'h', b: 'hub.5', metres: -3 }],
    } as unknown as TopologyDef;
    let err: unknown;
    try {
      buildTopology(def);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SimError);
    expect((err as SimError).code).toBe('sim.bad-topology');
    const msg = (err as SimError).message;
    expect(msg).toMatch(/^sim\.bad-topology: /);
    expect(msg).toContain('nodes[0].mac: ');
    expect(msg).toContain('links[0].metres: ');
    expect(msg).toContain('links[0].b: ');
    expect(msg.split('; ')).toHaveLength(3);
  });
});

describe('DOT output', () => {
  it('TOPO-DOT-01: renders a small topology as exact DOT text', () => {
    const def: TopologyDef = {
      nodes: [
        { kind: 'host', name: 'h0', mac: '02-00-00-00-00-AA' },
        { kind: 'hub', name: 'hub', ports: 4 },
        { kind: 'repeater', name: 'rep' },
        { kind: 'host', name: 'say"hi"', mac: '02:00:00:00:00:02' },
      ],
      links: [
        { a: 'h0', b: 'hub.0', metres: 12 },
        { a: 'hub.3', b: 'rep.0', metres: 2.5 },
        { a: 'rep.1', b: 'say"hi"', metres: 100 },
      ],
    };
    expect(topologyToDot(def)).toBe(
      [
        'graph topology {',
        '  "h0" [shape=box, label="h0\\n02:00:00:00:00:aa"];',
        '  "hub" [shape=ellipse, label="hub\\n4 ports"];',
        '  "rep" [shape=diamond, label="rep"];',
        '  "say\\"hi\\"" [shape=box, label="say\\"hi\\"\\n02:00:00:00:00:02"];',
        '  "h0" -- "hub" [label="12 m", headlabel="0"];',
        '  "hub" -- "rep" [label="2.5 m", taillabel="3", headlabel="0"];',
        '  "rep" -- "say\\"hi\\"" [label="100 m", taillabel="1"];',
        '}',
        '',
      ].join('\n'),
    );
  });

  test.prop([validDef])('TOPO-DOT-01: DOT output is deterministic and has one line per node and per link', (def) => {
    const dot = topologyToDot(def);
    expect(topologyToDot(structuredClone(def))).toBe(dot);
    const lines = dot.trimEnd().split('\n');
    expect(lines[0]).toBe('graph topology {');
    expect(lines.at(-1)).toBe('}');
    expect(lines).toHaveLength(def.nodes.length + def.links.length + 2);
    expect(lines.filter((l) => l.includes(' -- '))).toHaveLength(def.links.length);
  });
});
