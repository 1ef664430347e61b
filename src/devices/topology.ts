import { Kernel, SimError, type Clocked } from '../sim/kernel.js';
import { Cable } from '../link/cable.js';
import { formatMac, isGroup, parseMac, type Frame, type Mac } from '../link/frame.js';
import type { Port } from '../link/port.js';
import type { RateMbps } from '../link/timing.js';
import { Host, type HostEvent, type HostOptions } from './host.js';
import { Hub, type HubOptions } from './hub.js';
import { Repeater } from './repeater.js';
import { BurstCable } from '../link/burst-cable.js';
import type { BurstPort } from '../link/segment.js';
import type { Rng } from '../sim/rng.js';
import { BurstHost } from './burst-host.js';
import { FrameHost } from './frame-host.js';
import { FrameCable, type FramePort } from '../link/frame-cable.js';
import { BurstHub } from './burst-hub.js';
import { BurstRepeater } from './burst-repeater.js';
import { Switch, type LinkMode, type SwitchOptions } from './switch.js';
import { secondsToCycles } from './fdb.js';
import { CABLE, DEFAULT_TIMING } from '../link/timing.js';

/**
 * A host in a {@link TopologyDef}: one NIC endpoint with one port, named `name` in link endpoints.
 * @category Topology
 */
export interface HostNodeDef {
  /** Discriminator. */
  readonly kind: 'host';
  /** Unique node name: non-empty, no `.` and no whitespace. */
  readonly name: string;
  /** MAC address text, `aa:bb:cc:dd:ee:ff` or `-` separated; an individual (not group) address. */
  readonly mac: string;
  /** Duplex. @defaultValue 'half' for a host on a hub (directly or through repeaters), otherwise 'full' */
  readonly duplex?: 'full' | 'half';
  /** Transmit queue limit in frames, a non-negative integer. @defaultValue 100 */
  readonly queueLimit?: number;
  /** Accept every frame. @defaultValue false */
  readonly promiscuous?: boolean;
}

/**
 * A hub in a {@link TopologyDef}: its ports are named `name.0` … `name.(ports − 1)` in link endpoints.
 * @category Topology
 */
export interface HubNodeDef {
  /** Discriminator. */
  readonly kind: 'hub';
  /** Unique node name: non-empty, no `.` and no whitespace. */
  readonly name: string;
  /** Number of ports, an integer in 2..1024. */
  readonly ports: number;
  /** Restore amplitude on every port (an 802.3 repeater hub). @defaultValue false */
  readonly regenerate?: boolean;
}

/**
 * A two-port repeater in a {@link TopologyDef}: its ports are `name.0` and `name.1`.
 * @category Topology
 */
export interface RepeaterNodeDef {
  /** Discriminator. */
  readonly kind: 'repeater';
  /** Unique node name: non-empty, no `.` and no whitespace. */
  readonly name: string;
  /** Latency in cycles, a positive integer. @defaultValue 1 */
  readonly latency?: number;
}

/**
 * A learning switch (a bridge when it has 2 ports) in a {@link TopologyDef}: ports `name.0` …
 * `name.(ports − 1)`. A port linked to a hub (directly or through repeaters) runs half duplex,
 * every other port full duplex.
 * @category Topology
 */
export interface SwitchNodeDef {
  /** Discriminator. */
  readonly kind: 'switch';
  /** Unique node name: non-empty, no `.` and no whitespace. */
  readonly name: string;
  /** Number of ports, an integer in 1..1024. */
  readonly ports: number;
  /** The bridge's MAC address text (individual). Port i uses the next addresses. */
  readonly mac: string;
  /** Run the spanning tree protocol (802.1D timers scaled by `stpTimeScale`). @defaultValue false */
  readonly stp?: boolean;
  /** Protocol seconds per simulated second for STP timers: 0.001 runs them a thousand times faster. @defaultValue 1 */
  readonly stpTimeScale?: number;
  /** Bridge priority for STP, a multiple of 4096 in 0..61440. @defaultValue 32768 */
  readonly priority?: number;
  /** Forwarding profile. @defaultValue 'ieee' */
  readonly profile?: 'ieee' | 'linux';
  /** Output queue limit per port in frames, a non-negative integer. @defaultValue 100 */
  readonly queueLimit?: number;
  /** Filtering database ageing time in seconds, ≥ 0 (0 disables learning). @defaultValue 300 */
  readonly ageing?: number;
  /** Cut-through forwarding between full-duplex ports (see {@link SwitchOptions.cutThrough}). @defaultValue false */
  readonly cutThrough?: boolean;
}

/**
 * A node of a {@link TopologyDef}.
 * @category Topology
 */
export type NodeDef = HostNodeDef | HubNodeDef | RepeaterNodeDef | SwitchNodeDef;

/**
 * A cable of a {@link TopologyDef} between two endpoints: `'name'` for a host, `'name.N'` for port N
 * of a hub or repeater (N in decimal, no leading zeros).
 * @category Topology
 */
export interface LinkDef {
  /** One end. */
  readonly a: string;
  /** The other end. */
  readonly b: string;
  /** Cable length in metres, finite and non-negative. */
  readonly metres: number;
}

/**
 * A network described as data (e.g. parsed from JSON): nodes and the cables between them.
 *
 * @remarks Check an untrusted value with {@link validateTopology}; build it with {@link buildTopology}.
 * @example
 * ```ts
 * const def: TopologyDef = {
 *   seed: 7,
 *   nodes: [{ kind: 'host', name: 'a', mac: '02:00:00:00:00:01' }, { kind: 'hub', name: 'hub', ports: 4 }],
 *   links: [{ a: 'a', b: 'hub.0', metres: 10 }],
 * };
 * ```
 * @category Topology
 */
export interface TopologyDef {
  /** Seed of the kernel's random streams, an integer. @defaultValue 1 */
  readonly seed?: number;
  /** Rate of every host and hub in Mb/s. @defaultValue 100 */
  readonly rate?: RateMbps;
  /** The nodes. */
  readonly nodes: readonly NodeDef[];
  /** The cables. */
  readonly links: readonly LinkDef[];
}

/**
 * Stable codes of {@link TopologyIssue}s.
 * @category Topology
 */
export type TopologyIssueCode =
  | 'topology.not-object'
  | 'topology.missing-field'
  | 'topology.extra-field'
  | 'topology.bad-field'
  | 'topology.bad-kind'
  | 'topology.bad-name'
  | 'topology.duplicate-name'
  | 'topology.bad-mac'
  | 'topology.duplicate-mac'
  | 'topology.bad-ports'
  | 'topology.unknown-node'
  | 'topology.bad-port'
  | 'topology.port-in-use'
  | 'topology.bad-length'
  | 'topology.full-duplex-on-hub'
  | 'topology.unconnected';

/**
 * One problem {@link validateTopology} found.
 * @category Topology
 */
export interface TopologyIssue {
  /** Stable code. */
  readonly code: TopologyIssueCode;
  /** JSON path of the offending value, e.g. `links[2].a`; `''` for the whole definition. */
  readonly path: string;
  /** Explanation. */
  readonly message: string;
  /** Errors stop {@link buildTopology}; warnings do not. */
  readonly severity: 'error' | 'warning';
}

/**
 * Options of {@link buildTopology}.
 * @category Topology
 */
export interface BuildTopologyOptions {
  /** Kernel idle skipping. @defaultValue true */
  readonly skipIdle?: boolean;
  /** Called for every frame a host accepts, with the host's name. */
  readonly onReceive?: (host: string, frame: Frame, cycle: number) => void;
  /** Called for every event of every host's MAC (a trace), with the host's name. */
  readonly onEvent?: (host: string, event: HostEvent) => void;
}

/**
 * A network built by {@link buildBurstTopology}: the same network as {@link buildTopology} builds,
 * in burst mode.
 * @category Topology
 */
export interface BurstTopology {
  /** The kernel; every node and cable is added to it. */
  readonly kernel: Kernel;
  /** Hosts by name. */
  readonly hosts: Map<string, BurstHost>;
  /** Hubs by name. */
  readonly hubs: Map<string, BurstHub>;
  /** Repeaters by name. */
  readonly repeaters: Map<string, BurstRepeater>;
  /** Switches (and bridges) by name, with burst-mode ports. */
  readonly switches: Map<string, Switch<'burst'>>;
  /** Cables, in the order of `links`. */
  readonly cables: BurstCable[];
}

/**
 * A network built by {@link buildTopology}: the kernel with every component added, and the
 * components by name.
 * @category Topology
 */
export interface Topology {
  /** The kernel; every node and cable is added to it. */
  readonly kernel: Kernel;
  /** Hosts by name. */
  readonly hosts: Map<string, Host>;
  /** Hubs by name. */
  readonly hubs: Map<string, Hub>;
  /** Repeaters by name. */
  readonly repeaters: Map<string, Repeater>;
  /** Switches (and bridges) by name. */
  readonly switches: Map<string, Switch<'symbol'>>;
  /** Cables, in the order of `links`; cable i is named `"<a> <b>"` after links[i]. */
  readonly cables: Cable[];
}

// ---------------------------------------------------------------------------------------------
// Validation

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const get = (o: Obj, k: string): unknown => (has(o, k) ? o[k] : undefined);

/** Short text of any value, for messages; never throws. */
function show(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(v);
    case 'bigint':
      return `${v.toString()}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return v === null ? 'null' : Array.isArray(v) ? 'an array' : 'an object';
  }
}

const TOP_KEYS = ['seed', 'rate', 'nodes', 'links'];
const NODE_KEYS: Record<NodeDef['kind'], readonly string[]> = {
  host: ['kind', 'name', 'mac', 'duplex', 'queueLimit', 'promiscuous'],
  hub: ['kind', 'name', 'ports', 'regenerate'],
  repeater: ['kind', 'name', 'latency'],
  switch: ['kind', 'name', 'ports', 'mac', 'stp', 'stpTimeScale', 'priority', 'profile', 'queueLimit', 'ageing', 'cutThrough'],
};
const REQUIRED: Record<NodeDef['kind'], readonly string[]> = { host: ['name', 'mac'], hub: ['name', 'ports'], repeater: ['name'], switch: ['name', 'ports', 'mac'] };
const LINK_KEYS = ['a', 'b', 'metres'];
const PORT_TEXT = /^(0|[1-9][0-9]{0,5})$/;

interface NodeInfo {
  readonly kind: NodeDef['kind'];
  readonly index: number;
  /** Port count (1 for a host). */
  readonly ports: number;
  /** Host duplex as written, if valid. */
  readonly duplex: 'full' | 'half' | undefined;
}

/** A resolved link endpoint. */
interface End {
  readonly node: string;
  readonly port: number;
}

class Checker {
  readonly issues: TopologyIssue[] = [];

  error(code: TopologyIssueCode, path: string, message: string): void {
    this.issues.push({ code, path, message, severity: 'error' });
  }

  warn(code: TopologyIssueCode, path: string, message: string): void {
    this.issues.push({ code, path, message, severity: 'warning' });
  }

  /** Reports keys outside `allowed`. */
  extra(o: Obj, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.error('topology.extra-field', join(path, k), `unknown field ${show(k)}`);
  }

  /** Reports missing keys of `required`; returns whether all are present. */
  missing(o: Obj, required: readonly string[], path: string): void {
    for (const k of required) if (!has(o, k) || o[k] === undefined) this.error('topology.missing-field', join(path, k), `field ${show(k)} is required`);
  }
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
const intIn = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/** Checks one node; returns its name and info when the name and kind are usable. */
/** Checks an individual MAC address field. */
function checkMac(c: Checker, text: unknown, path: string, who: string): Mac | undefined {
  if (text === undefined) return undefined; // reported as missing
  if (typeof text !== 'string') {
    c.error('topology.bad-mac', path, `MAC ${show(text)} is not text like "02:00:00:00:00:01"`);
    return undefined;
  }
  try {
    const m = parseMac(text);
    if (!isGroup(m)) return m;
    c.error('topology.bad-mac', path, `MAC ${show(text)} is a group address; ${who} needs an individual one`);
  } catch {
    c.error('topology.bad-mac', path, `MAC ${show(text)} is not six hex octets like "02:00:00:00:00:01"`);
  }
  return undefined;
}

function checkNode(c: Checker, v: unknown, path: string, index: number): { name: string; info: NodeInfo; mac?: Mac } | undefined {
  if (!isObject(v)) {
    c.error('topology.not-object', path, `a node must be an object, not ${show(v)}`);
    return undefined;
  }
  const kind = get(v, 'kind');
  if (kind !== 'host' && kind !== 'hub' && kind !== 'repeater' && kind !== 'switch') {
    if (kind === undefined) c.error('topology.missing-field', join(path, 'kind'), `field "kind" is required`);
    else c.error('topology.bad-kind', join(path, 'kind'), `kind ${show(kind)} is not 'host', 'hub', 'repeater' or 'switch'`);
    return undefined;
  }
  c.extra(v, NODE_KEYS[kind], path);
  c.missing(v, REQUIRED[kind], path);
  const name = get(v, 'name');
  let nameOk = false;
  if (name !== undefined) {
    if (typeof name !== 'string' || name === '' || /[.\s]/.test(name)) {
      c.error('topology.bad-name', join(path, 'name'), `name ${show(name)} must be a non-empty string without '.' or whitespace`);
    } else {
      nameOk = true;
    }
  }
  let ports = 1;
  let duplex: 'full' | 'half' | undefined;
  let mac: Mac | undefined;
  switch (kind) {
    case 'switch': {
      const n = get(v, 'ports');
      if (n !== undefined && !intIn(n, 1, 1024)) c.error('topology.bad-ports', join(path, 'ports'), `port count ${show(n)} is not an integer in 1..1024`);
      ports = intIn(n, 1, 1024) ? n : 0;
      mac = checkMac(c, get(v, 'mac'), join(path, 'mac'), 'a switch');
      for (const f of ['stp', 'cutThrough']) {
        const b = get(v, f);
        if (b !== undefined && typeof b !== 'boolean') c.error('topology.bad-field', join(path, f), `${f} ${show(b)} is not a boolean`);
      }
      const ts = get(v, 'stpTimeScale');
      if (ts !== undefined && !(typeof ts === 'number' && Number.isFinite(ts) && ts > 0)) c.error('topology.bad-field', join(path, 'stpTimeScale'), `stpTimeScale ${show(ts)} is not a positive number`);
      const pr = get(v, 'priority');
      if (pr !== undefined && !(intIn(pr, 0, 61440) && (pr as number) % 4096 === 0)) c.error('topology.bad-field', join(path, 'priority'), `priority ${show(pr)} is not a multiple of 4096 in 0..61440`);
      const pf = get(v, 'profile');
      if (pf !== undefined && pf !== 'ieee' && pf !== 'linux') c.error('topology.bad-field', join(path, 'profile'), `profile ${show(pf)} is not 'ieee' or 'linux'`);
      const q = get(v, 'queueLimit');
      if (q !== undefined && !intIn(q, 0, Number.MAX_SAFE_INTEGER)) c.error('topology.bad-field', join(path, 'queueLimit'), `queue limit ${show(q)} is not a non-negative integer`);
      const a = get(v, 'ageing');
      if (a !== undefined && !(typeof a === 'number' && Number.isFinite(a) && a >= 0)) c.error('topology.bad-field', join(path, 'ageing'), `ageing ${show(a)} is not a non-negative number of seconds`);
      break;
    }
    case 'host': {
      mac = checkMac(c, get(v, 'mac'), join(path, 'mac'), 'a host');
      const d = get(v, 'duplex');
      if (d === 'full' || d === 'half') duplex = d;
      else if (d !== undefined) c.error('topology.bad-field', join(path, 'duplex'), `duplex ${show(d)} is not 'full' or 'half'`);
      const q = get(v, 'queueLimit');
      if (q !== undefined && !intIn(q, 0, Number.MAX_SAFE_INTEGER)) c.error('topology.bad-field', join(path, 'queueLimit'), `queue limit ${show(q)} is not a non-negative integer`);
      const p = get(v, 'promiscuous');
      if (p !== undefined && typeof p !== 'boolean') c.error('topology.bad-field', join(path, 'promiscuous'), `promiscuous ${show(p)} is not a boolean`);
      break;
    }
    case 'hub': {
      const n = get(v, 'ports');
      if (n !== undefined) {
        if (intIn(n, 2, 1024)) ports = n;
        else c.error('topology.bad-ports', join(path, 'ports'), `port count ${show(n)} is not an integer in 2..1024`);
      }
      if (!intIn(n, 2, 1024)) ports = 0; // no endpoint on it can be checked
      const r = get(v, 'regenerate');
      if (r !== undefined && typeof r !== 'boolean') c.error('topology.bad-field', join(path, 'regenerate'), `regenerate ${show(r)} is not a boolean`);
      break;
    }
    case 'repeater': {
      ports = 2;
      const l = get(v, 'latency');
      if (l !== undefined && !intIn(l, 1, Number.MAX_SAFE_INTEGER)) c.error('topology.bad-field', join(path, 'latency'), `latency ${show(l)} is not a positive integer`);
      break;
    }
  }
  if (!nameOk) return undefined;
  return { name: name as string, info: { kind, index, ports, duplex }, ...(mac === undefined ? {} : { mac }) };
}

/** Resolves endpoint text against the nodes; reports and returns undefined when it cannot. */
function resolveEnd(c: Checker, text: unknown, path: string, nodes: ReadonlyMap<string, NodeInfo>, badNames: ReadonlySet<string>): End | undefined {
  if (text === undefined) return undefined; // reported as missing
  if (typeof text !== 'string') {
    c.error('topology.bad-field', path, `endpoint ${show(text)} is not text like "h1" or "hub.0"`);
    return undefined;
  }
  const whole = nodes.get(text);
  if (whole !== undefined) {
    if (whole.kind === 'host') return { node: text, port: 0 };
    c.error('topology.bad-port', path, `endpoint ${show(text)} names a ${whole.kind} without a port; write ${show(`${text}.0`)}`);
    return undefined;
  }
  const dot = text.lastIndexOf('.');
  const name = dot < 0 ? text : text.slice(0, dot);
  const info = nodes.get(name);
  if (info === undefined) {
    // A node whose definition had other errors is not reported again as unknown.
    if (!badNames.has(name) && !badNames.has(text)) c.error('topology.unknown-node', path, `no node named ${show(name)}`);
    return undefined;
  }
  const portText = text.slice(dot + 1);
  if (info.kind === 'host') {
    c.error('topology.bad-port', path, `host ${show(name)} has one port; write ${show(name)}`);
    return undefined;
  }
  if (!PORT_TEXT.test(portText)) {
    c.error('topology.bad-port', path, `port ${show(portText)} of ${info.kind} ${show(name)} is not a decimal number`);
    return undefined;
  }
  const port = Number(portText);
  if (info.ports === 0) return undefined; // the hub's port count was already reported
  if (port >= info.ports) {
    c.error('topology.bad-port', path, `${info.kind} ${show(name)} has ports 0..${info.ports - 1}, not ${port}`);
    return undefined;
  }
  return { node: name, port };
}

/** Whether a hub is reachable from host `start` over links, passing through repeaters. */
function reachesHub(start: string, adjacency: ReadonlyMap<string, readonly string[]>, nodes: ReadonlyMap<string, NodeInfo>): boolean {
  const seen = new Set<string>([start]);
  const todo = [start];
  while (todo.length > 0) {
    const n = todo.pop()!;
    for (const m of adjacency.get(n) ?? []) {
      if (seen.has(m)) continue;
      seen.add(m);
      const kind = nodes.get(m)?.kind;
      if (kind === 'hub') return true;
      if (kind === 'repeater') todo.push(m);
    }
  }
  return false;
}

interface Checked {
  // onHub holds host names, and `switch.port` for switch ports on a shared segment.
  readonly issues: TopologyIssue[];
  readonly nodes: Map<string, NodeInfo>;
  readonly onHub: Set<string>;
}

function check(def: unknown): Checked {
  const c = new Checker();
  const nodes = new Map<string, NodeInfo>();
  const onHub = new Set<string>();
  if (!isObject(def)) {
    c.error('topology.not-object', '', `a topology must be an object, not ${show(def)}`);
    return { issues: c.issues, nodes, onHub };
  }
  c.extra(def, TOP_KEYS, '');
  c.missing(def, ['nodes', 'links'], '');
  const seed = get(def, 'seed');
  if (seed !== undefined && !(typeof seed === 'number' && Number.isSafeInteger(seed))) c.error('topology.bad-field', 'seed', `seed ${show(seed)} is not an integer`);
  const rate = get(def, 'rate');
  if (rate !== undefined && rate !== 10 && rate !== 100 && rate !== 1000) c.error('topology.bad-field', 'rate', `rate ${show(rate)} is not 10, 100 or 1000 Mb/s`);

  // Nodes.
  const rawNodes = get(def, 'nodes');
  const badNames = new Set<string>();
  const macs = new Map<Mac, string>();
  if (rawNodes !== undefined && !Array.isArray(rawNodes)) c.error('topology.bad-field', 'nodes', `nodes must be an array, not ${show(rawNodes)}`);
  if (Array.isArray(rawNodes)) {
    for (let i = 0; i < rawNodes.length; i++) {
      const path = `nodes[${i}]`;
      const raw: unknown = rawNodes[i];
      const r = checkNode(c, raw, path, i);
      if (r === undefined) {
        const n = isObject(raw) ? get(raw, 'name') : undefined;
        if (typeof n === 'string') badNames.add(n);
        continue;
      }
      if (nodes.has(r.name)) {
        c.error('topology.duplicate-name', `${path}.name`, `name ${show(r.name)} is also nodes[${nodes.get(r.name)!.index}]`);
        continue;
      }
      nodes.set(r.name, r.info);
      if (r.mac !== undefined) {
        const other = macs.get(r.mac);
        if (other !== undefined) c.error('topology.duplicate-mac', `${path}.mac`, `MAC ${formatMac(r.mac)} is also host ${show(other)}'s`);
        else macs.set(r.mac, r.name);
      }
    }
  }

  // Links.
  const rawLinks = get(def, 'links');
  const used = new Map<string, string>();
  const adjacency = new Map<string, string[]>();
  const hostLinks = new Map<string, string>();
  const switchPeers = new Map<string, string>();
  if (rawLinks !== undefined && !Array.isArray(rawLinks)) c.error('topology.bad-field', 'links', `links must be an array, not ${show(rawLinks)}`);
  if (Array.isArray(rawLinks)) {
    for (let i = 0; i < rawLinks.length; i++) {
      const path = `links[${i}]`;
      const l: unknown = rawLinks[i];
      if (!isObject(l)) {
        c.error('topology.not-object', path, `a link must be an object, not ${show(l)}`);
        continue;
      }
      c.extra(l, LINK_KEYS, path);
      c.missing(l, LINK_KEYS, path);
      const metres = get(l, 'metres');
      if (metres !== undefined && !(typeof metres === 'number' && Number.isFinite(metres) && metres >= 0 && metres <= CABLE.maxLength)) {
        c.error('topology.bad-length', `${path}.metres`, `length ${show(metres)} m is not a number in 0..${CABLE.maxLength}`);
      }
      const ends: (End | undefined)[] = [];
      for (const side of ['a', 'b'] as const) {
        const end = resolveEnd(c, get(l, side), `${path}.${side}`, nodes, badNames);
        if (end !== undefined) {
          const key = `${end.node}.${end.port}`;
          const prior = used.get(key);
          if (prior !== undefined) {
            c.error('topology.port-in-use', `${path}.${side}`, `port ${show(nodes.get(end.node)!.kind === 'host' ? end.node : key)} is already used by ${prior}`);
            ends.push(undefined);
            continue;
          }
          used.set(key, `${path}.${side}`);
        }
        ends.push(end);
      }
      const [a, b] = ends;
      if (a !== undefined && b !== undefined) {
        adjacency.set(a.node, [...(adjacency.get(a.node) ?? []), b.node]);
        adjacency.set(b.node, [...(adjacency.get(b.node) ?? []), a.node]);
      }
      for (const e of ends) if (e !== undefined && nodes.get(e.node)!.kind === 'host') hostLinks.set(e.node, path);
      if (a !== undefined && b !== undefined) {
        for (const [me, other] of [[a, b], [b, a]] as const) if (nodes.get(me.node)!.kind === 'switch') switchPeers.set(`${me.node}.${me.port}`, other.node);
      }
    }
  }

  // Whole-network checks.
  for (const [name, info] of nodes) {
    if (info.kind !== 'host') continue;
    if (!hostLinks.has(name) && Array.isArray(rawLinks)) {
      c.warn('topology.unconnected', `nodes[${info.index}]`, `host ${show(name)} has no link`);
      continue;
    }
    if (reachesHub(name, adjacency, nodes)) {
      onHub.add(name);
      if (info.duplex === 'full') {
        c.error('topology.full-duplex-on-hub', `nodes[${info.index}].duplex`, `host ${show(name)} is full duplex on a hub, a shared medium; make it half duplex`);
      }
    }
  }
  for (const [end, other] of switchPeers) {
    const kind = nodes.get(other)?.kind;
    if (kind === 'hub' || (kind === 'repeater' && reachesHub(other, adjacency, nodes))) onHub.add(end);
  }
  return { issues: c.issues, nodes, onHub };
}

/**
 * Checks a value, typically parsed JSON, against {@link TopologyDef}: shape and field types, node
 * kinds, names, MACs, port counts, link endpoints and lengths, and the network as a whole.
 *
 * @remarks Every issue carries a stable code and the JSON path of the offending value. Checks:
 * not an object (`topology.not-object`); missing, unknown or ill-typed fields
 * (`topology.missing-field`, `topology.extra-field`, `topology.bad-field`); a kind other than host,
 * hub or repeater (`topology.bad-kind`); an empty name or one with `.` or whitespace
 * (`topology.bad-name`); a repeated name (`topology.duplicate-name`); MAC text that is not six hex
 * octets or is a group address (`topology.bad-mac`); a repeated MAC (`topology.duplicate-mac`); hub
 * ports outside 2..1024 (`topology.bad-ports`); an endpoint naming no node
 * (`topology.unknown-node`), a port out of range or missing (`topology.bad-port`), a port on two
 * links (`topology.port-in-use`); a negative or non-finite length (`topology.bad-length`); a
 * host set to full duplex on a hub, directly or through repeaters (`topology.full-duplex-on-hub`:
 * a hub is a shared medium). A host without a link is a warning (`topology.unconnected`); every
 * other issue is an error. An endpoint naming a node whose own definition is broken is not reported
 * again. The function never throws, whatever the input.
 * @example
 * ```ts
 * validateTopology({ nodes: [], links: [{ a: 'x', b: 'y', metres: 1 }] });
 * // [{ code: 'topology.unknown-node', path: 'links[0].a', … }, { code: 'topology.unknown-node', path: 'links[0].b', … }]
 * ```
 * @throws Never.
 * @category Topology
 */
export function validateTopology(def: unknown): TopologyIssue[] {
  return check(def).issues;
}

// ---------------------------------------------------------------------------------------------
// Building

/** Splits endpoint text into node name and port (0 for a host), as validation resolved it. */
function splitEnd(text: string, isNode: (name: string) => boolean): { node: string; port: number | undefined } {
  if (isNode(text)) return { node: text, port: undefined };
  const dot = text.lastIndexOf('.');
  if (dot < 0 || !PORT_TEXT.test(text.slice(dot + 1))) return { node: text, port: undefined };
  return { node: text.slice(0, dot), port: Number(text.slice(dot + 1)) };
}

/**
 * Builds a network from a definition: a kernel with the definition's seed, every node (in order)
 * and a cable per link (in order, named `"<a> <b>"`) added to it.
 *
 * @remarks Each component's random stream is `kernel.rng(name)`. A host's duplex defaults to half
 * on a hub (directly or through repeaters) and to full otherwise. The definition's `rate` applies
 * to every host and hub. Warnings from {@link validateTopology} do not stop the build.
 * @example
 * ```ts
 * const net = buildTopology(def, { onReceive: (host, frame, cycle) => log.push(`${cycle} ${host}`) });
 * net.hosts.get('a')!.send({ dst: BROADCAST, src: net.hosts.get('a')!.mac, type: 0x88b5, payload: new Uint8Array(46) });
 * net.kernel.run();
 * ```
 * @throws {SimError} `sim.bad-topology` when {@link validateTopology} reports any error; the
 * message lists every error as `path: message`, separated by `; `.
 * @category Topology
 */
export function buildTopology(def: TopologyDef, options: BuildTopologyOptions = {}): Topology {
  return build<'symbol', Port, Host, Hub, Repeater, Cable>(def, options, {
    host: (name, o) => new Host(name, o),
    hub: (name, o) => new Hub(name, o),
    repeater: (name, o) => new Repeater(name, o),
    cable: (name, a, b, metres, rng) => new Cable(name, a, b, { metres }, rng),
    mode: 'symbol',
  });
}

/**
 * Builds the network of a definition in burst mode: {@link BurstHost}, {@link BurstHub},
 * {@link BurstRepeater} and {@link BurstCable} in place of their symbol-mode twins, with the same
 * names, random streams and defaults as {@link buildTopology}, so the two networks deliver the same
 * frames at the same cycles.
 * @example
 * ```ts
 * const net = buildBurstTopology(def);
 * net.kernel.run();
 * ```
 * @throws {SimError} `sim.bad-topology`, as {@link buildTopology}.
 * @category Topology
 */
export function buildBurstTopology(def: TopologyDef, options: BuildTopologyOptions = {}): BurstTopology {
  return build<'burst', BurstPort, BurstHost, BurstHub, BurstRepeater, BurstCable>(def, options, {
    host: (name, o) => new BurstHost(name, o),
    hub: (name, o) => new BurstHub(name, o),
    repeater: (name, o) => new BurstRepeater(name, o),
    cable: (name, a, b, metres, rng) => new BurstCable(name, a, b, { metres }, rng),
    mode: 'burst',
  });
}

/**
 * A network built by {@link buildFrameTopology}: the same network as {@link buildBurstTopology}
 * builds, in frame mode (full-duplex hosts, switches and cables only).
 * @category Topology
 */
export interface FrameTopology {
  /** The kernel; every node and cable is added to it. */
  readonly kernel: Kernel;
  /** Hosts by name. */
  readonly hosts: Map<string, FrameHost>;
  /** Switches (and bridges) by name, with frame-mode ports. */
  readonly switches: Map<string, Switch<'frame'>>;
  /** Cables, in the order of `links`. */
  readonly cables: FrameCable[];
}

/**
 * Builds the network of a definition in frame mode: {@link FrameHost} and {@link FrameCable}, and
 * switches with frame-mode ports, with the same names, random streams and defaults as
 * {@link buildBurstTopology}, so both deliver the same frames at the same cycles.
 * @example
 * ```ts
 * const net = buildFrameTopology(def);
 * net.kernel.run();
 * ```
 * @throws {SimError} `sim.bad-topology`, as {@link buildTopology}; `sim.frame-mode-unsupported`
 * for a hub, a repeater, a half-duplex host or a cut-through switch, which frame mode does not
 * model (every such node is named).
 * @category Topology
 */
export function buildFrameTopology(def: TopologyDef, options: BuildTopologyOptions = {}): FrameTopology {
  // Checked before validation, so a malformed node (not an object) is left for it to report.
  const unsupported = (Array.isArray(def.nodes) ? (def.nodes as readonly unknown[]) : []).flatMap((x, i) => {
    if (typeof x !== 'object' || x === null) return [];
    const n = x as NodeDef;
    if (n.kind === 'hub' || n.kind === 'repeater') return [`nodes[${i}]: ${n.kind} '${n.name}' needs the carrier on the wire (use burst mode)`];
    if (n.kind === 'host' && n.duplex === 'half') return [`nodes[${i}]: host '${n.name}' is half duplex (use burst mode)`];
    if (n.kind === 'switch' && n.cutThrough === true) return [`nodes[${i}]: switch '${n.name}' is cut-through (use burst mode)`];
    return [];
  });
  if (unsupported.length > 0) throw new SimError('sim.frame-mode-unsupported', unsupported.join('; '));
  const none = (): never => {
    throw new SimError('sim.frame-mode-unsupported', 'frame mode has no hubs or repeaters'); // unreachable after the check above
  };
  type None = Clocked & { readonly ports: readonly FramePort[] };
  const t = build<'frame', FramePort, FrameHost, None, None, FrameCable>(def, options, {
    host: (name, o) => new FrameHost(name, o),
    hub: none,
    repeater: none,
    cable: (name, a, b, metres, rng) => new FrameCable(name, a, b, { metres }, rng),
    mode: 'frame',
  });
  return { kernel: t.kernel, hosts: t.hosts, switches: t.switches, cables: t.cables };
}

/** How one mode makes its components. */
interface Factory<Mo extends LinkMode, P, H extends Clocked & { port: P }, U extends Clocked & { ports: readonly P[] }, R extends Clocked & { ports: readonly P[] }, C extends Clocked> {
  host(name: string, o: HostOptions): H;
  hub(name: string, o: HubOptions): U;
  repeater(name: string, o: { latency?: number }): R;
  cable(name: string, a: P, b: P, metres: number, rng: Rng): C;
  mode: Mo;
}

function build<Mo extends LinkMode, P, H extends Clocked & { port: P }, U extends Clocked & { ports: readonly P[] }, R extends Clocked & { ports: readonly P[] }, C extends Clocked>(
  def: TopologyDef,
  options: BuildTopologyOptions,
  make: Factory<Mo, P, H, U, R, C>,
): { kernel: Kernel; hosts: Map<string, H>; hubs: Map<string, U>; repeaters: Map<string, R>; switches: Map<string, Switch<Mo>>; cables: C[] } {
  const checked = check(def);
  const errors = checked.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new SimError('sim.bad-topology', errors.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; '));
  const kernel = new Kernel({ seed: def.seed ?? 1, skipIdle: options.skipIdle ?? true });
  const rate: RateMbps = def.rate ?? 100;
  const hosts = new Map<string, H>();
  const hubs = new Map<string, U>();
  const repeaters = new Map<string, R>();
  const switches = new Map<string, Switch<Mo>>();
  const onReceive = options.onReceive;
  for (const n of def.nodes) {
    switch (n.kind) {
      case 'host': {
        const o: HostOptions = {
          mac: parseMac(n.mac),
          rate,
          duplex: n.duplex ?? (checked.onHub.has(n.name) ? 'half' : 'full'),
          rng: kernel.rng(n.name),
          ...(n.queueLimit === undefined ? {} : { queueLimit: n.queueLimit }),
          ...(n.promiscuous === undefined ? {} : { promiscuous: n.promiscuous }),
          ...(onReceive === undefined ? {} : { onReceive: (frame: Frame, cycle: number) => onReceive(n.name, frame, cycle) }),
          ...(options.onEvent === undefined ? {} : { onEvent: (e: HostEvent) => options.onEvent!(n.name, e) }),
        };
        hosts.set(n.name, kernel.add(make.host(n.name, o)));
        break;
      }
      case 'hub':
        hubs.set(n.name, kernel.add(make.hub(n.name, { ports: n.ports, rate, ...(n.regenerate === undefined ? {} : { regenerate: n.regenerate }) })));
        break;
      case 'repeater':
        repeaters.set(n.name, kernel.add(make.repeater(n.name, n.latency === undefined ? {} : { latency: n.latency })));
        break;
      case 'switch': {
        const stp = n.stp === true ? { ...(n.stpTimeScale === undefined ? {} : { timeScale: n.stpTimeScale }), ...(n.priority === undefined ? {} : { bridgePriority: n.priority }) } : false;
        const o: SwitchOptions<Mo> = {
          ports: n.ports, mac: parseMac(n.mac), mode: make.mode, rate, rng: (x) => kernel.rng(x), stp, cutThrough: n.cutThrough === true,
          duplex: Array.from({ length: n.ports }, (_, i) => (checked.onHub.has(`${n.name}.${i}`) ? 'half' : 'full')),
          ...(n.queueLimit === undefined ? {} : { queueLimit: n.queueLimit }),
          forwarding: { ...(n.profile === undefined ? {} : { profile: n.profile }), ...(n.ageing === undefined ? {} : { ageingCycles: secondsToCycles(n.ageing, DEFAULT_TIMING.cycleNs) }) },
        };
        switches.set(n.name, kernel.add(new Switch<Mo>(n.name, o)));
        break;
      }
    }
  }
  const port = (text: string): P => {
    const { node, port: p } = splitEnd(text, (name) => checked.nodes.has(name));
    const host = hosts.get(node);
    if (host !== undefined) return host.port;
    const ports = hubs.get(node)?.ports ?? repeaters.get(node)?.ports ?? (switches.get(node)?.ports as readonly P[] | undefined);
    const found = p === undefined ? undefined : ports?.[p];
    if (found === undefined) throw new SimError('sim.bad-topology', `endpoint '${text}' does not resolve`); // unreachable after validation
    return found;
  };
  const cables = def.links.map((l) => {
    const name = `${l.a} ${l.b}`;
    return kernel.add(make.cable(name, port(l.a), port(l.b), l.metres, kernel.rng(name)));
  });
  return { kernel, hosts, hubs, repeaters, switches, cables };
}

// ---------------------------------------------------------------------------------------------
// DOT

/** A DOT double-quoted string. */
const quote = (s: string): string => `"${s.replace(/[\\"]/g, '\\$&').replace(/\r?\n/g, '\\n')}"`;

/**
 * Renders a definition as an undirected Graphviz DOT graph.
 *
 * @remarks Hosts are boxes labelled with name and MAC (normalised to lower-case `:` form when
 * valid), hubs ellipses labelled with name and port count, repeaters diamonds, switches 3-D boxes
 * (name, port count, STP). Each link is an edge
 * labelled with its length (`"12 m"`), with the hub or repeater port numbers as `taillabel` (end
 * `a`) and `headlabel` (end `b`). Nodes and edges appear in definition order, so the text is
 * deterministic. Quotes and backslashes in names are escaped. The definition is not validated:
 * an endpoint naming no node still gives an edge (Graphviz then draws a plain node).
 * @example
 * ```ts
 * topologyToDot({ nodes: [{ kind: 'hub', name: 'hub', ports: 2 }], links: [] });
 * // 'graph topology {\n  "hub" [shape=ellipse, label="hub\\n2 ports"];\n}\n'
 * ```
 * @throws Never for a value of type {@link TopologyDef}.
 * @category Topology
 */
export function topologyToDot(def: TopologyDef): string {
  const names = new Set(def.nodes.map((n) => n.name));
  const lines = ['graph topology {'];
  for (const n of def.nodes) {
    switch (n.kind) {
      case 'host': {
        let mac = n.mac;
        try {
          mac = formatMac(parseMac(n.mac));
        } catch {
          // keep the text as written
        }
        lines.push(`  ${quote(n.name)} [shape=box, label=${quote(`${n.name}\n${mac}`)}];`);
        break;
      }
      case 'hub':
        lines.push(`  ${quote(n.name)} [shape=ellipse, label=${quote(`${n.name}\n${n.ports} ports`)}];`);
        break;
      case 'repeater':
        lines.push(`  ${quote(n.name)} [shape=diamond, label=${quote(n.name)}];`);
        break;
      case 'switch':
        lines.push(`  ${quote(n.name)} [shape=box3d, label=${quote(`${n.name}\n${n.ports} ports${n.stp === true ? ', STP' : ''}`)}];`);
        break;
    }
  }
  for (const l of def.links) {
    const a = splitEnd(l.a, (x) => names.has(x));
    const b = splitEnd(l.b, (x) => names.has(x));
    const attrs = [`label=${quote(`${l.metres} m`)}`];
    if (a.port !== undefined) attrs.push(`taillabel=${quote(String(a.port))}`);
    if (b.port !== undefined) attrs.push(`headlabel=${quote(String(b.port))}`);
    lines.push(`  ${quote(a.node)} -- ${quote(b.node)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
