import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { match, P } from 'ts-pattern';
import { BurstTap, FrameTap, PortTap, SignalRecorder, buildBurstTopology, buildFrameTopology, buildTopology, periodicSchedule, poissonSchedule, topologyToDot, validateTopology, type BurstTopology, type FrameTopology, type HostEvent, type Topology, type TopologyDef } from '../devices/index.js';
import { SimError } from '../sim/index.js';
import { formatPcap, formatVcd } from '../formats/index.js';
import { BROADCAST, type Mac } from '../link/index.js';
import { EXIT, UsageError, readInput, type CliIo } from './io.js';

/** Help text of `iovsim sim`. */
export const SIM_HELP = `Usage: iovsim sim <scenario.json> [--out DIR] [--cycles N]

Runs a scenario described as data (hosts, hubs, repeaters, switches) and writes its results into
DIR (default: ./sim-out): counters.json (per host, hub and switch), trace.jsonl (every host MAC
event in order: tx-start, tx-done, collision, rx, drop with its reason; at most 200,000 lines),
<host>.pcap (what each host's port saw; tcpdump -r), waves.vcd (tx_en, carrier, collision, data per
hub port; gtkwave), topology.dot (Graphviz). With "mode": "burst" frames move as whole bursts (the fast path, same
frame-level results, same pcap files); with "mode": "frame" each frame is one event (faster still, full-duplex
hosts and switches only: no hubs, repeaters, half duplex or cut-through). The VCD waveforms need symbol mode and
are otherwise not written.

Scenario (JSON):
  {
    "topology": { "seed": 1, "nodes": [...], "links": [...] },          see validateTopology
    "traffic": [
      { "from": "h0", "to": "h1" | "broadcast", "at": 0 },               one frame at a cycle
      { "from": "h1", "to": "h0", "periodic": { "start": 0, "interval": 2000, "count": 10 } },
      { "from": "h2", "to": "broadcast", "poisson": { "start": 0, "meanInterval": 5000, "count": 20 } }
    ],
    "payloadBytes": 46,                                                  optional, 46..1500
    "mode": "symbol"                                                     optional, "symbol", "burst" or "frame"
  }

Options:
  --out DIR     where to write the results (created if needed)
  --cycles N    stop after N cycles (default: run until idle)
  -h, --help    this text

A progress line goes to standard error when it is a terminal, none when piped.
Exit status: 0 ran; 2 unusable scenario (every problem is named with its JSON path) or usage error.
`;

interface Problem {
  readonly path: string;
  readonly message: string;
}

/** The cycle at which the kernel's clock stops (2^53 − 2): every offer must fall before it. */
const CLOCK_STOP = Number.MAX_SAFE_INTEGER - 1;

type Traffic = { from: string; to: string; at?: number; periodic?: { start: number; interval: number; count: number }; poisson?: { start: number; meanInterval: number; count: number } };

function checkTraffic(x: unknown, hosts: ReadonlySet<string>): Problem[] {
  const out: Problem[] = [];
  if (!Array.isArray(x)) return [{ path: 'traffic', message: 'must be an array' }];
  x.forEach((t: unknown, i) => {
    const p = `traffic[${i}]`;
    if (typeof t !== 'object' || t === null) {
      out.push({ path: p, message: 'must be an object' });
      return;
    }
    const r = t as Record<string, unknown>;
    if (typeof r['from'] !== 'string' || !hosts.has(r['from'])) out.push({ path: `${p}.from`, message: `must name a host (${[...hosts].join(', ')})` });
    if (typeof r['to'] !== 'string' || (r['to'] !== 'broadcast' && !hosts.has(r['to']))) out.push({ path: `${p}.to`, message: 'must name a host or be "broadcast"' });
    const kinds = ['at', 'periodic', 'poisson'].filter((k) => k in r);
    if (kinds.length !== 1) out.push({ path: p, message: 'needs exactly one of "at", "periodic", "poisson"' });
    const int = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
    if ('at' in r && !int(r['at'], 0)) out.push({ path: `${p}.at`, message: 'must be a cycle (integer >= 0)' });
    for (const k of ['periodic', 'poisson'] as const) {
      if (!(k in r)) continue;
      const s = r[k] as Record<string, unknown> | null;
      if (typeof s !== 'object' || s === null) {
        out.push({ path: `${p}.${k}`, message: 'must be an object' });
        continue;
      }
      const gap = k === 'periodic' ? 'interval' : 'meanInterval';
      if (!int(s['start'], 0)) out.push({ path: `${p}.${k}.start`, message: 'must be an integer >= 0' });
      if (!int(s[gap], 1)) out.push({ path: `${p}.${k}.${gap}`, message: 'must be an integer >= 1' });
      if (!int(s['count'], 0) || (s['count'] as number) > 1_000_000) out.push({ path: `${p}.${k}.count`, message: 'must be an integer 0..1000000' });
      else if (k === 'periodic' && int(s['start'], 0) && int(s[gap], 1) && (s['start'] as number) + (s[gap] as number) * Math.max(0, (s['count'] as number) - 1) >= CLOCK_STOP) {
        out.push({ path: `${p}.${k}`, message: 'its last frame falls at or beyond cycle 2^53 − 2, where the clock stops' });
      }
    }
  });
  return out;
}

/** `iovsim sim`. @returns the exit code. */
export function simCommand(args: readonly string[], io: CliIo, isTty = process.stderr.isTTY === true): number {
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { out: { type: 'string' }, cycles: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    io.out(SIM_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('sim takes one scenario file');
  const cycles = match(values.cycles)
    .with(undefined, () => undefined)
    .with(P.string.regex(/^\d+$/), (c) => Number(c))
    .otherwise((c) => {
      throw new UsageError(`--cycles ${c} is not a non-negative integer`);
    });
  const file = positionals[0]!;
  const text = readInput(io, 'sim', file);
  if (text === undefined) return EXIT.unusable;
  let scenario: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SyntaxError('the scenario must be a JSON object');
    scenario = parsed as Record<string, unknown>;
  } catch (e) {
    io.err(`iovsim sim: ${file}: ${(e as Error).message}\n`);
    return EXIT.unusable;
  }
  const issues: Problem[] = validateTopology(scenario['topology']).filter((i) => i.severity === 'error').map((i) => ({ path: `topology${i.path === '' ? '' : `.${i.path}`}`, message: i.message }));
  const def = scenario['topology'] as TopologyDef;
  const hostNames = new Set(issues.length === 0 ? def.nodes.filter((n) => n.kind === 'host').map((n) => n.name) : []);
  if (issues.length === 0) issues.push(...checkTraffic(scenario['traffic'] ?? [], hostNames));
  const payloadBytes = scenario['payloadBytes'] ?? 46;
  if (typeof payloadBytes !== 'number' || !Number.isInteger(payloadBytes) || payloadBytes < 46 || payloadBytes > 1500) issues.push({ path: 'payloadBytes', message: 'must be an integer 46..1500' });
  const mode = scenario['mode'] ?? 'symbol';
  if (mode !== 'symbol' && mode !== 'burst' && mode !== 'frame') issues.push({ path: 'mode', message: 'must be "symbol", "burst" or "frame"' });
  const extra = Object.keys(scenario).filter((k) => !['topology', 'traffic', 'payloadBytes', 'mode'].includes(k));
  for (const k of extra) issues.push({ path: k, message: 'is not a scenario field' });
  if (issues.length > 0) {
    for (const i of issues) io.err(`iovsim sim: ${file}: ${i.path}: ${i.message}\n`);
    return EXIT.unusable;
  }
  const TRACE_LIMIT = 200_000;
  const trace: string[] = [];
  let traceDropped = 0;
  const onEvent = (host: string, e: HostEvent): void => {
    if (trace.length < TRACE_LIMIT) trace.push(JSON.stringify({ host, ...e }));
    else traceDropped++;
  };
  let net: Topology | BurstTopology | FrameTopology;
  try {
    net = mode === 'burst' ? buildBurstTopology(def, { onEvent }) : mode === 'frame' ? buildFrameTopology(def, { onEvent }) : buildTopology(def, { onEvent });
  } catch (e) {
    // Frame mode refuses hubs, repeaters, half duplex and cut-through (each named).
    if (!(e instanceof SimError)) throw e;
    io.err(`iovsim sim: ${file}: mode: ${e.message}\n`);
    return EXIT.unusable;
  }
  const k = net.kernel;
  const macOf = new Map<string, Mac>([...net.hosts].map(([n, h]) => [n, h.mac]));
  try {
    for (const [i, t] of ((scenario['traffic'] ?? []) as Traffic[]).entries()) {
      const host = net.hosts.get(t.from)!;
      const dst = t.to === 'broadcast' ? BROADCAST : macOf.get(t.to)!;
      const when = t.at !== undefined ? [t.at] : t.periodic !== undefined ? periodicSchedule(t.periodic) : poissonSchedule(k.rng(`traffic${i}`), t.poisson!);
      when.forEach((c, n) => host.sendAt(c, { dst, src: host.mac, type: 0x88b5, payload: new Uint8Array(payloadBytes as number).fill((i * 31 + n) & 0xff) }));
    }
  } catch (e) {
    // A Poisson schedule (random) or an "at" can still fall where the clock stops (sim.bad-cycle).
    if (!(e instanceof SimError)) throw e;
    io.err(`iovsim sim: ${file}: traffic: ${e.message}\n`);
    return EXIT.unusable;
  }
  const symbolNet = mode === 'symbol' ? (net as Topology) : undefined;
  const taps = symbolNet !== undefined
    ? [...symbolNet.hosts.values()].map((h) => k.add(new PortTap(`tap.${h.name}`, h.port, { direction: 'both' })))
    : mode === 'frame'
      ? [...(net as FrameTopology).hosts.values()].map((h) => k.add(new FrameTap(`tap.${h.name}`, h.port, { direction: 'both' })))
      : [...(net as BurstTopology).hosts.values()].map((h) => k.add(new BurstTap(`tap.${h.name}`, h.port, { direction: 'both' })));
  const hubPorts = symbolNet === undefined ? [] : [...symbolNet.hubs.values()].flatMap((h) => h.ports);
  const recorder = hubPorts.length > 0 ? k.add(new SignalRecorder('waves', { ports: hubPorts })) : undefined;
  const chunk = 1_000_000;
  try {
    for (;;) {
      const mark = k.cycle + chunk;
      const stop = cycles === undefined ? k.run({ until: (kk) => kk.cycle >= mark }) : k.run({ cycles: Math.min(chunk, cycles - k.cycle) });
      if (isTty) io.err(`\r  cycle ${k.cycle}${cycles === undefined ? '' : ` of ${cycles}`}, ${k.stepped} stepped`);
      if (stop === 'idle' || (cycles !== undefined && k.cycle >= cycles)) break;
    }
  } catch (e) {
    // An event at or beyond cycle 2^53 − 2, where the clock stops (sim.cycle-overflow): nothing is written.
    if (!(e instanceof SimError)) throw e;
    if (isTty) io.err('\n');
    io.err(`iovsim sim: ${file}: ${e.message}\n`);
    return EXIT.unusable;
  }
  if (isTty) io.err('\n');
  for (const t of taps) t.flush();
  const dir = values.out ?? 'sim-out';
  mkdirSync(dir, { recursive: true });
  const counters = Object.fromEntries([...net.hosts].map(([n, h]) => [n, h.counters]));
  const hubs = Object.fromEntries([...('hubs' in net ? net.hubs : [])].map(([n, h]) => [n, { collisions: h.collisions, collisionCycles: h.collisionCycles }]));
  const switches = Object.fromEntries([...net.switches].map(([n, s]) => [n, {
    ...s.counters,
    forwarding: s.core.counters,
    ports: s.macs.map((m, i) => ({ ...m.counters, queued: m.queued, ...(s.stp === undefined ? {} : { stpRole: s.stp.portRole(i), stpState: s.stp.portState(i) }) })),
  }]));
  writeFileSync(join(dir, 'counters.json'), `${JSON.stringify({ mode, cycles: k.cycle, stepped: k.stepped, hosts: counters, hubs, switches }, null, 2)}\n`);
  taps.forEach((t) => writeFileSync(join(dir, `${t.name.slice(4)}.pcap`), formatPcap(t.packets())));
  if (recorder !== undefined) {
    const w = recorder.toVcd();
    writeFileSync(join(dir, 'waves.vcd'), formatVcd({ signals: w.signals, changes: w.changes, timescale: w.timescale }));
  }
  writeFileSync(join(dir, 'topology.dot'), topologyToDot(def));
  writeFileSync(join(dir, 'trace.jsonl'), trace.length === 0 ? '' : `${trace.join('\n')}\n`);
  const delivered = [...net.hosts.values()].reduce((s, h) => s + h.counters.rxFrames, 0);
  io.out(`ran ${k.cycle} cycles (${k.stepped} stepped); ${delivered} frames delivered; wrote ${dir}/counters.json, trace.jsonl (${trace.length} events${traceDropped > 0 ? `, ${traceDropped} more not kept` : ''}), ${taps.length} pcap file(s)${recorder === undefined ? '' : ', waves.vcd'}, topology.dot\n`);
  return EXIT.ok;
}

