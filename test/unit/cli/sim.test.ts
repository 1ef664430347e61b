import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePcap, parseVcd } from '../../../src/formats/index.js';
import { runCli } from '../../helpers/cli.js';

const scenario = {
  topology: {
    seed: 3,
    nodes: [
      { kind: 'hub', name: 'hub', ports: 3 },
      { kind: 'host', name: 'h0', mac: '02:00:00:00:00:00' },
      { kind: 'host', name: 'h1', mac: '02:00:00:00:00:01' },
      { kind: 'host', name: 'h2', mac: '02:00:00:00:00:02', promiscuous: true },
    ],
    links: [
      { a: 'h0', b: 'hub.0', metres: 10 },
      { a: 'h1', b: 'hub.1', metres: 20 },
      { a: 'h2', b: 'hub.2', metres: 30 },
    ],
  },
  traffic: [
    { from: 'h0', to: 'h1', periodic: { start: 0, interval: 2000, count: 10 } },
    { from: 'h1', to: 'broadcast', poisson: { start: 0, meanInterval: 3000, count: 10 } },
    { from: 'h2', to: 'h0', at: 100 },
  ],
};

describe('iovsim sim', () => {
  it('CLI-SIM-01: should run a scenario and write counters, pcap, VCD and DOT that read back', () => {
    const out = mkdtempSync(join(tmpdir(), 'iovsim-sim-'));
    const r = runCli(['sim', 's.json', '--out', out], { 's.json': JSON.stringify(scenario) });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    const c = JSON.parse(readFileSync(join(out, 'counters.json'), 'utf8')) as { hosts: Record<string, { txFrames: number; rxFrames: number; drops: Record<string, number> }> };
    const offered = 21;
    const sent = Object.values(c.hosts).reduce((s, h) => s + h.txFrames + h.drops['excessive-collisions']! + h.drops['queue-full']!, 0);
    expect(sent).toBe(offered);
    // h2 is promiscuous on a hub: it sees every frame the others send.
    expect(c.hosts['h2']!.rxFrames).toBe(c.hosts['h0']!.txFrames + c.hosts['h1']!.txFrames);
    expect(parsePcap(readFileSync(join(out, 'h2.pcap'))).packets.length).toBeGreaterThanOrEqual(c.hosts['h2']!.rxFrames);
    expect(parseVcd(readFileSync(join(out, 'waves.vcd'), 'utf8')).signals.length).toBe(12);
    expect(readFileSync(join(out, 'topology.dot'), 'utf8')).toMatch(/^graph topology \{/);
    expect(r.out).toMatch(/^ran \d+ cycles/);
  });

  it('CLI-SIM-01: should name every problem of a bad scenario with its JSON path and exit 2', () => {
    const bad = { ...scenario, traffic: [{ from: 'nobody', to: 'h1', at: -1 }], extra: true };
    const r = runCli(['sim', 'b.json'], { 'b.json': JSON.stringify(bad) });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/traffic\[0\]\.from: must name a host/);
    expect(r.err).toMatch(/traffic\[0\]\.at: must be a cycle/);
    expect(r.err).toMatch(/extra: is not a scenario field/);
    expect(runCli(['sim', 'x'], { x: '{not json' }).code).toBe(2);
    expect(runCli(['sim', 'y'], { y: JSON.stringify({ topology: { nodes: 3, links: [] } }) }).err).toMatch(/topology\.nodes/);
    expect(runCli(['sim', 's.json', '--cycles', 'many'], { 's.json': '{}' }).code).toBe(2);
  });

  it('CLI-SIM-01 SIM-CLOCK-01: a scenario with an event at or beyond cycle 2^53 − 2 (where the clock stops), or a cable beyond the model\'s length, exits 2 naming it instead of crashing or running on inexact cycles', () => {
    const LAST = Number.MAX_SAFE_INTEGER - 2;
    const withTraffic = (t: unknown): string => JSON.stringify({ ...scenario, traffic: [t] });
    const periodic = runCli(['sim', 'p.json'], { 'p.json': withTraffic({ from: 'h0', to: 'h1', periodic: { start: 0, interval: 2 ** 50, count: 10 } }) });
    expect(periodic.code).toBe(2);
    expect(periodic.err).toMatch(/traffic\[0\]\.periodic: its last frame falls at or beyond cycle 2\^53 − 2/);
    const at = runCli(['sim', 'a.json'], { 'a.json': withTraffic({ from: 'h0', to: 'h1', at: LAST + 1 }) });
    expect([at.code, at.err]).toEqual([2, expect.stringMatching(/traffic: sim\.bad-cycle: h0: offer at cycle/) as unknown]);
    // An offer on the last cycle is taken, but its frame would reach the wire beyond it.
    const late = runCli(['sim', 'l.json'], { 'l.json': withTraffic({ from: 'h0', to: 'h1', at: LAST }) });
    expect([late.code, late.err]).toEqual([2, expect.stringMatching(/sim\.cycle-overflow/) as unknown]);
    const long = { ...scenario, topology: { ...scenario.topology, links: [{ a: 'h0', b: 'hub.0', metres: 1e300 }, ...scenario.topology.links.slice(1)] } };
    const far = runCli(['sim', 'm.json'], { 'm.json': JSON.stringify(long) });
    expect([far.code, far.err]).toEqual([2, expect.stringMatching(/topology\.links\[0\]\.metres: length 1e\+300 m is not a number in 0\.\.1000000000000/) as unknown]);
  });

  it('CLI-SIM-01: a scenario with a switch runs in symbol and burst mode with the same counters, and the switch counters are written', () => {
    const sw = {
      topology: {
        seed: 1,
        nodes: [
          { kind: 'switch', name: 'sw', ports: 3, mac: '02:00:00:00:ff:00', cutThrough: true },
          ...[0, 1, 2].map((i) => ({ kind: 'host', name: `h${i}`, mac: `02:00:00:00:00:0${i}` })),
        ],
        links: [0, 1, 2].map((i) => ({ a: `h${i}`, b: `sw.${i}`, metres: 10 + i })),
      },
      traffic: [
        { from: 'h0', to: 'h1', periodic: { start: 0, interval: 2000, count: 10 } },
        { from: 'h1', to: 'broadcast', at: 500 },
        { from: 'h2', to: 'h0', poisson: { start: 0, meanInterval: 3000, count: 5 } },
      ],
    };
    const counters = (mode: string) => {
      const out = mkdtempSync(join(tmpdir(), 'iovsim-sim-'));
      const r = runCli(['sim', 's.json', '--out', out], { 's.json': JSON.stringify({ ...sw, mode }) });
      expect(r.code, r.err).toBe(0);
      const c = JSON.parse(readFileSync(join(out, 'counters.json'), 'utf8')) as { mode: string; hosts: unknown; switches: { sw: { received: number; cutThrough: number; forwarding: { forwarded: number; flooded: number } } } };
      return { ...c, trace: readFileSync(join(out, 'trace.jsonl'), 'utf8'), pcap: readFileSync(join(out, 'h1.pcap')).toString('hex') };
    };
    const sym = counters('symbol');
    const burst = counters('burst');
    expect(burst.mode).toBe('burst');
    expect(burst.hosts).toEqual(sym.hosts);
    expect(burst.switches).toEqual(sym.switches);
    expect(burst.trace).toBe(sym.trace);
    expect(burst.pcap).toBe(sym.pcap); // the same pcap file from either mode
    const events = sym.trace.trim().split('\n').map((l) => JSON.parse(l) as { host: string; kind: string; cycle: number });
    const hosts = Object.values(sym.hosts as Record<string, { rxFrames: number; txFrames: number; drops: Record<string, number> }>);
    expect(events.filter((e) => e.kind === 'rx').length).toBe(hosts.reduce((n, h) => n + h.rxFrames, 0));
    expect(events.filter((e) => e.kind === 'tx-done').length).toBe(hosts.reduce((n, h) => n + h.txFrames, 0));
    const drops = hosts.reduce((n, h) => n + Object.values(h.drops).reduce((x, y) => x + y, 0), 0);
    expect(drops).toBeGreaterThan(0); // floods of unknown unicast reach hosts they are not for
    expect(events.filter((e) => e.kind === 'drop').length).toBe(drops);
    expect(events.map((e) => e.cycle)).toEqual([...events.map((e) => e.cycle)].sort((a, b) => a - b));
    expect(sym.switches.sw.received).toBe(16);
    expect(sym.switches.sw.cutThrough).toBeGreaterThan(0);
    const bad = runCli(['sim', 's.json'], { 's.json': JSON.stringify({ ...sw, mode: 'fast' }) });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('mode: must be "symbol", "burst" or "frame"');
    // Frame mode: the same results as burst mode for a store-and-forward switch; a cut-through one is refused by name.
    const saf = { ...sw, topology: { ...sw.topology, nodes: sw.topology.nodes.map((n) => (n.kind === 'switch' ? { ...n, cutThrough: false } : n)) } };
    const run = (mode: string) => {
      const out = mkdtempSync(join(tmpdir(), 'iovsim-sim-'));
      const r = runCli(['sim', 's.json', '--out', out], { 's.json': JSON.stringify({ ...saf, mode }) });
      expect(r.code, r.err).toBe(0);
      const c = JSON.parse(readFileSync(join(out, 'counters.json'), 'utf8')) as { hosts: unknown; switches: unknown };
      return { hosts: c.hosts, switches: c.switches, trace: readFileSync(join(out, 'trace.jsonl'), 'utf8'), pcap: readFileSync(join(out, 'h1.pcap')).toString('hex') };
    };
    expect(run('frame')).toEqual(run('burst'));
    const cut = runCli(['sim', 's.json'], { 's.json': JSON.stringify({ ...sw, mode: 'frame' }) });
    expect(cut.code).toBe(2);
    expect(cut.err).toContain("switch 'sw' is cut-through");
  });
});
