// A tiny frame-level event loop for STP tests: bridges joined by point-to-point links that deliver
// each frame a fixed number of cycles after it is sent; plus a checker of the converged state
// computed independently of the engine (components, lowest bridge ID, shortest-path costs).
import type { Frame, Mac } from '../../src/link/index.js';
import { StpBridge, compareBridgeIds, type BridgeId, type StpBridgeOptions, type StpEvent } from '../../src/devices/index.js';

/** One bridge of a test network. */
export interface NetBridge {
  readonly priority: number;
  readonly mac: Mac;
  /** Port priority of each port (multiples of 16); 128 when missing. */
  readonly portPriorities?: readonly number[];
}

/** A link between port `pa` of bridge `a` and port `pb` of bridge `b` (a === b is a self-loop). */
export interface NetLink {
  readonly a: number;
  readonly pa: number;
  readonly b: number;
  readonly pb: number;
}

/** A network: bridges, links (ports numbered in link order), per-port path costs. */
export interface NetSpec {
  readonly bridges: readonly NetBridge[];
  /** Links as bridge pairs; ports are given out in order. */
  readonly pairs: readonly (readonly [number, number])[];
  /** Path cost of each link end, [cost at a, cost at b]; defaults to 19 each. */
  readonly costs?: readonly (readonly [number, number])[];
  /** Delivery delay in cycles (≥ 1). */
  readonly delay: number;
  /** Options shared by every bridge (timers, time base). */
  readonly common?: Partial<Pick<StpBridgeOptions, 'helloTime' | 'maxAge' | 'forwardDelay' | 'holdTime' | 'timeScale' | 'cycleNs'>>;
}

interface InFlight {
  readonly at: number;
  readonly link: number;
  readonly bridge: number;
  readonly port: number;
  readonly frame: Frame;
}

/** The network and its event loop. */
export class StpNet {
  readonly bridges: StpBridge[];
  readonly links: NetLink[];
  readonly costs: number[][];
  /** Port Identifier of each port of each bridge, computed here (4-bit priority, 12-bit number). */
  readonly portIds: number[][];
  readonly ids: BridgeId[];
  readonly up: boolean[];
  readonly events: { bridge: number; event: StpEvent }[] = [];
  /** Every frame put on a link: [cycle, from bridge, from port]. */
  readonly sent: { at: number; bridge: number; port: number; frame: Frame }[] = [];
  now = 0;
  delivered = 0;
  lost = 0;
  private readonly delay: number;
  private readonly peer = new Map<string, { link: number; bridge: number; port: number }>();
  private queue: InFlight[] = [];
  private head = 0;

  constructor(spec: NetSpec) {
    this.delay = spec.delay;
    const nPorts = spec.bridges.map(() => 0);
    this.links = spec.pairs.map(([a, b]) => {
      const pa = nPorts[a]!++;
      const pb = nPorts[b]!++;
      return { a, pa, b, pb };
    });
    this.costs = spec.bridges.map((_, i) => new Array<number>(Math.max(1, nPorts[i]!)).fill(19));
    this.links.forEach((l, i) => {
      const c = spec.costs?.[i] ?? [19, 19];
      this.costs[l.a]![l.pa] = c[0];
      this.costs[l.b]![l.pb] = c[1];
      this.peer.set(`${l.a}:${l.pa}`, { link: i, bridge: l.b, port: l.pb });
      this.peer.set(`${l.b}:${l.pb}`, { link: i, bridge: l.a, port: l.pa });
    });
    this.up = this.links.map(() => true);
    this.ids = spec.bridges.map((b) => ({ priority: b.priority, mac: b.mac }));
    const prios = spec.bridges.map((b, i) => Array.from({ length: Math.max(1, nPorts[i]!) }, (_, p) => b.portPriorities?.[p] ?? 128));
    this.portIds = prios.map((ps) => ps.map((pp, p) => (pp / 16) * 4096 + p + 1));
    this.bridges = spec.bridges.map((b, i) => new StpBridge({
      ...spec.common,
      bridgeMac: b.mac, bridgePriority: b.priority, ports: Math.max(1, nPorts[i]!), pathCost: this.costs[i]!, portPriority: prios[i]!,
      // A bridge without links (N = 1) has one port with nothing attached.
      linkUp: nPorts[i] === 0 ? false : true,
      onEvent: (event) => this.events.push({ bridge: i, event }),
    }));
  }

  /** Runs the event loop up to and including cycle `until`. */
  run(until: number): void {
    let steps = 0;
    for (;;) {
      let next = this.head < this.queue.length ? this.queue[this.head]!.at : Infinity;
      for (const b of this.bridges) next = Math.min(next, b.nextEvent(this.now));
      if (next > until) break;
      this.now = next;
      while (this.head < this.queue.length && this.queue[this.head]!.at === next) {
        const m = this.queue[this.head++]!;
        if (this.up[m.link] === true) {
          this.bridges[m.bridge]!.receive(m.port, m.frame, next);
          this.delivered++;
        } else {
          this.lost++;
        }
      }
      if (this.head > 4096) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.bridges.forEach((b, i) => {
        for (const o of b.poll(next)) {
          const peer = this.peer.get(`${i}:${o.port}`);
          this.sent.push({ at: next, bridge: i, port: o.port, frame: o.frame });
          if (peer === undefined || this.up[peer.link] !== true) {
            this.lost++;
            continue;
          }
          this.queue.push({ at: next + this.delay, link: peer.link, bridge: peer.bridge, port: peer.port, frame: o.frame });
        }
      });
      if (++steps > 5_000_000) throw new Error(`event loop did not settle by cycle ${this.now}`);
    }
    this.now = until;
  }

  /** Takes link `i` down at both ends, now. */
  cut(i: number): void {
    const l = this.links[i]!;
    this.up[i] = false;
    this.bridges[l.a]!.linkDown(l.pa, this.now);
    this.bridges[l.b]!.linkDown(l.pb, this.now);
  }

  /** Links whose two ends are both forwarding. */
  forwardingLinks(): number[] {
    return this.links.flatMap((l, i) => (this.bridges[l.a]!.portState(l.pa) === 'forwarding' && this.bridges[l.b]!.portState(l.pb) === 'forwarding' ? [i] : []));
  }

  /** The far end of port `port` of bridge `bridge`. */
  peerOf(bridge: number, port: number): { link: number; bridge: number; port: number } | undefined {
    return this.peer.get(`${bridge}:${port}`);
  }
}

/**
 * Checks the converged state against a reference computed from the graph alone; returns the list of
 * violations (empty when the state is right). The reference applies the 802.1D priority vectors
 * directly: on each link the designated end has the smallest (root path cost, bridge ID, port ID);
 * a bridge's root port is its non-designated port with the smallest (peer's cost + port cost, peer
 * bridge ID, peer port ID, own port ID).
 */
export function spanningTreeViolations(net: StpNet): string[] {
  const ids = net.ids;
  const bad: string[] = [];
  const n = net.bridges.length;
  // Components of the graph of up links.
  const comp = new Array<number>(n).fill(-1);
  let nComp = 0;
  for (let s = 0; s < n; s++) {
    if (comp[s] !== -1) continue;
    const stack = [s];
    comp[s] = nComp;
    while (stack.length > 0) {
      const u = stack.pop()!;
      net.links.forEach((l, i) => {
        if (!net.up[i]) return;
        const v = l.a === u ? l.b : l.b === u ? l.a : -1;
        if (v >= 0 && comp[v] === -1) {
          comp[v] = nComp;
          stack.push(v);
        }
      });
    }
    nComp++;
  }
  // Reference root per component and shortest root path cost (Bellman-Ford on directed port costs:
  // leaving bridge u towards the root through port p costs costs[u][p]).
  const dist = new Array<number>(n).fill(Infinity);
  const rootOf: number[] = [];
  for (let c = 0; c < nComp; c++) {
    let r = -1;
    for (let i = 0; i < n; i++) if (comp[i] === c && (r < 0 || compareBridgeIds(ids[i]!, ids[r]!) < 0)) r = i;
    rootOf[c] = r;
    dist[r] = 0;
  }
  for (let k = 0; k < n; k++) {
    net.links.forEach((l, i) => {
      if (!net.up[i] || l.a === l.b) return;
      dist[l.a] = Math.min(dist[l.a]!, net.costs[l.a]![l.pa]! + dist[l.b]!);
      dist[l.b] = Math.min(dist[l.b]!, net.costs[l.b]![l.pb]! + dist[l.a]!);
    });
  }
  for (let i = 0; i < n; i++) {
    const b = net.bridges[i]!;
    const root = rootOf[comp[i]!]!;
    const want = ids[root]!;
    if (compareBridgeIds(b.rootId, want) !== 0) bad.push(`bridge ${i} believes root ${JSON.stringify(b.rootId)}, want bridge ${root}`);
    if (b.rootPathCost !== dist[i]) bad.push(`bridge ${i} root path cost ${b.rootPathCost}, shortest ${dist[i]}`);
    if ((i === root) !== b.isRoot) bad.push(`bridge ${i} isRoot ${b.isRoot}`);
    if ((i === root) !== (b.rootPort === null)) bad.push(`bridge ${i} root port ${b.rootPort}`);
    if (b.topologyChange) bad.push(`bridge ${i} still flags a topology change`);
    // Follow root ports to the root: the path must exist, be forwarding, and cost rootPathCost.
    let at = i;
    let cost = 0;
    for (let hops = 0; at !== root && hops <= n; hops++) {
      const rp = net.bridges[at]!.rootPort;
      if (rp === null) break;
      const peer = net.peerOf(at, rp);
      if (peer === undefined) break;
      if (net.bridges[at]!.portState(rp) !== 'forwarding') bad.push(`bridge ${at} root port ${rp} is ${net.bridges[at]!.portState(rp)}`);
      if (net.bridges[peer.bridge]!.portRole(peer.port) !== 'designated') bad.push(`bridge ${peer.bridge} port ${peer.port} faces a root port but is ${net.bridges[peer.bridge]!.portRole(peer.port)}`);
      cost += net.costs[at]![rp]!;
      at = peer.bridge;
    }
    if (at !== root) bad.push(`root ports from bridge ${i} do not lead to the root`);
    else if (cost !== b.rootPathCost) bad.push(`root port path from bridge ${i} costs ${cost}, reported ${b.rootPathCost}`);
  }
  // Forwarding links of each component: |C| − 1 of them and no cycle.
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x]!)));
  const fwd = net.forwardingLinks();
  for (const i of fwd) {
    const l = net.links[i]!;
    const x = find(l.a);
    const y = find(l.b);
    if (x === y) bad.push(`forwarding link ${i} (${l.a}–${l.b}) closes a cycle`);
    parent[x] = y;
  }
  for (let c = 0; c < nComp; c++) {
    const size = comp.filter((x) => x === c).length;
    const edges = fwd.filter((i) => comp[net.links[i]!.a] === c).length;
    if (edges !== size - 1) bad.push(`component ${c}: ${edges} forwarding links for ${size} bridges`);
  }
  // Every port has the reference role, and the state that goes with it.
  const want = net.bridges.map((b) => new Array<string>(b.ports).fill('disabled'));
  const better = (x: readonly number[], y: readonly number[]): boolean => {
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k]! < y[k]!;
    return false;
  };
  // A vector of numbers ordered like a priority vector: bridge IDs become two numbers.
  const idv = (i: number): number[] => [ids[i]!.priority, ids[i]!.mac];
  net.links.forEach((l, i) => {
    if (!net.up[i]) return;
    const va = [dist[l.a]!, ...idv(l.a), net.portIds[l.a]![l.pa]!];
    const vb = [dist[l.b]!, ...idv(l.b), net.portIds[l.b]![l.pb]!];
    const aWins = better(va, vb);
    want[l.a]![l.pa] = aWins ? 'designated' : 'blocked';
    want[l.b]![l.pb] = aWins ? 'blocked' : 'designated';
  });
  for (let u = 0; u < n; u++) {
    let best: number[] | undefined;
    let bestPort = -1;
    net.links.forEach((l, i) => {
      if (!net.up[i] || l.a === l.b) return;
      for (const [x, px, y, py] of [[l.a, l.pa, l.b, l.pb], [l.b, l.pb, l.a, l.pa]] as const) {
        if (x !== u || want[x]![px] !== 'blocked') continue;
        const v = [dist[y]! + net.costs[x]![px]!, ...idv(y), net.portIds[y]![py]!, net.portIds[x]![px]!];
        if (best === undefined || better(v, best)) {
          best = v;
          bestPort = px;
        }
      }
    });
    if (bestPort >= 0 && rootOf[comp[u]!] !== u) want[u]![bestPort] = 'root';
  }
  net.bridges.forEach((b, u) => {
    for (let p = 0; p < b.ports; p++) {
      const role = b.portRole(p);
      const state = b.portState(p);
      const w = want[u]![p]!;
      if (role !== w) bad.push(`bridge ${u} port ${p} is ${role}, want ${w}`);
      const ws = w === 'disabled' ? 'disabled' : w === 'blocked' ? 'blocking' : 'forwarding';
      if (state !== ws) bad.push(`bridge ${u} port ${p} (${role}) is ${state}, want ${ws}`);
    }
  });
  // Every up link has exactly one designated end; down links are disabled at both ends.
  net.links.forEach((l, i) => {
    const ra = net.bridges[l.a]!.portRole(l.pa);
    const rb = net.bridges[l.b]!.portRole(l.pb);
    if (!net.up[i]) {
      if (ra !== 'disabled' || rb !== 'disabled') bad.push(`down link ${i} has roles ${ra}/${rb}`);
    } else if ((ra === 'designated' ? 1 : 0) + (rb === 'designated' ? 1 : 0) !== 1) {
      bad.push(`link ${i} (${l.a}.${l.pa}–${l.b}.${l.pb}) has roles ${ra}/${rb}`);
    }
  });
  return bad;
}

/** Seconds after which a network of `n` bridges has converged and any topology change has ended. */
export function convergenceSeconds(n: number, t: { helloTime: number; maxAge: number; forwardDelay: number; holdTime?: number }): number {
  return 2 * t.maxAge + 4 * t.forwardDelay + (n + 4) * (t.helloTime + (t.holdTime ?? 1));
}
