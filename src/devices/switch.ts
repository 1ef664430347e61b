import { show } from '../bits/show.js';
import { optionsObject, type Clocked, type Wire } from '../sim/kernel.js';
import { SimError, poke } from '../sim/kernel.js';
import { EventSchedule } from '../sim/schedule.js';
import type { Rng } from '../sim/rng.js';
import { asMac, encodeFrame, isMac, type Frame, type Mac, type VlanTag } from '../link/frame.js';
import type { RateMbps, LinkTiming } from '../link/timing.js';
import { DEFAULT_TIMING } from '../link/timing.js';
import { BurstHost } from './burst-host.js';
import { FrameHost } from './frame-host.js';
import type { Port } from '../link/port.js';
import type { BurstPort } from '../link/segment.js';
import type { FramePort } from '../link/frame-cable.js';
import { Host, type FrameHeader, type HostOptions, type RelaySource, type StationBase } from './host.js';
import { ForwardingCore, type ForwardDecision, type ForwardingDecision, type ForwardingOptions, type PortState } from './forwarding.js';
import { StpBridge, type StpBridgeOptions } from './stp.js';

/**
 * Link granularity of a switch's ports: `symbol` (a symbol per cycle), `burst` (a segment per
 * frame) or `frame` (an event per frame; full duplex only, store-and-forward).
 * @category Layer 2
 */
export type LinkMode = 'symbol' | 'burst' | 'frame';

/**
 * The port type of a link mode: {@link Port} in symbol mode, {@link BurstPort} in burst mode, {@link FramePort} in frame mode.
 * @category Layer 2
 */
export type PortOf<M extends LinkMode> = M extends 'burst' ? BurstPort : M extends 'frame' ? FramePort : Port;

/**
 * The MAC type of a link mode: {@link Host} in symbol mode, {@link BurstHost} in burst mode, {@link FrameHost} in frame mode.
 * @category Layer 2
 */
export type MacOf<M extends LinkMode> = M extends 'burst' ? BurstHost : M extends 'frame' ? FrameHost : Host;

/**
 * Options of a {@link Switch}.
 * @category Layer 2
 */
export interface SwitchOptions<M extends LinkMode = 'symbol'> {
  /** Number of ports, 1..1024. */
  readonly ports: number;
  /** The bridge's own address; port i sends (BPDUs) from `mac + 1 + i`. */
  readonly mac: Mac;
  /** Link granularity of the ports: one symbol per cycle, or whole bursts. @defaultValue 'symbol' */
  readonly mode?: M;
  /** Rate of every port, or per port, in Mb/s. @defaultValue 100 */
  readonly rate?: RateMbps | readonly RateMbps[];
  /** Duplex of every port, or per port; half duplex (CSMA/CD, for a port on a hub) needs `rng`. @defaultValue 'full' */
  readonly duplex?: 'full' | 'half' | readonly ('full' | 'half')[];
  /** Random stream of a named port (backoff draws of half-duplex ports), e.g. `(n) => kernel.rng(n)`. */
  readonly rng?: (name: string) => Rng;
  /** Cycle length. @defaultValue DEFAULT_TIMING */
  readonly timing?: LinkTiming;
  /** Output queue limit per port, in frames (the frame being sent not included). @defaultValue 100 */
  readonly queueLimit?: number;
  /** Forwarding: profile, ageing, FDB limit, group_fwd_mask, VLAN filtering. The bridge's and its ports' own addresses are added as local. */
  readonly forwarding?: Omit<ForwardingOptions, 'stp'>;
  /**
   * Run the spanning tree protocol: `true` for 802.1D defaults, or options (timers, priorities,
   * `timeScale` for fast runs). Ports then start Listening and forward after twice the forward delay.
   * @defaultValue false
   */
  readonly stp?: boolean | Omit<StpBridgeOptions, 'bridgeMac' | 'ports' | 'portMacs' | 'cycleNs'>;
  /**
   * Cut-through forwarding: decide once the header (destination, source, tag) is in and relay the
   * frame to each egress port as it arrives, where the ingress and egress ports are full duplex at
   * the same rate, no tag changes and the egress port is idle; other copies wait for the whole
   * frame (store-and-forward). A frame found bad at its end has then already left on the relayed
   * ports: their receivers count it (bad FCS), as with a real cut-through switch.
   * @defaultValue false (store-and-forward)
   */
  readonly cutThrough?: boolean;
  /** Called for every frame the switch relays once it has arrived whole, with every egress port (cut-through ones included), for traces. */
  readonly onForward?: (ingress: number, egress: readonly number[], frame: Frame, cycle: number) => void;
}

/**
 * Counters of a {@link Switch} besides the per-port MAC counters and the forwarding core's.
 * @category Layer 2
 */
export interface SwitchCounters {
  /** Frames received intact and handed to the forwarding decision. */
  received: number;
  /** Copies queued for transmission (one per egress port). */
  copies: number;
  /** Copies refused because the egress queue was full (also counted by the port as `queue-full`). */
  queueDrops: number;
  /** Copies relayed cut-through (also counted in `copies`). */
  cutThrough: number;
  /** BPDUs sent by STP. */
  bpdusSent: number;
}

/**
 * An N-port store-and-forward learning switch (a 2-port one is a {@link Bridge}): each port is an
 * Ethernet MAC (full or half duplex, its own rate, an output queue with a limit); a frame received
 * intact goes through the shared {@link ForwardingCore} (learning, filtering, flooding, VLANs, the
 * `ieee` or `linux` profile) and is queued on each egress port, tagged or untagged as the VLAN
 * rules say. Optionally runs {@link StpBridge}: BPDUs go to it, its port states drive learning and
 * forwarding, and the filtering database ages in the forward delay during a topology change.
 *
 * @remarks
 * - Store-and-forward: a frame is forwarded at the cycle its last byte arrived; a bad frame is
 *   dropped at ingress and counted by reason (runt, bad FCS…) in the port's counters. Forwarding
 *   itself takes no extra cycles (as ns-3's bridge); the output queue adds the waiting.
 * - Every frame is accounted for: forwarded copies, flood copies, local, dropped by the forwarding
 *   decision with a reason, or refused by a full queue.
 * - Frames that arrive in the same cycle on several ports are queued in port order (deterministic).
 * @spec IEEE 802.1Q-2022 §8.5 (bridge architecture), §8.6 (forwarding process), §8.7 (learning);
 * IEEE 802.1D-2004 §7 (MAC bridge operation), §17 (STP port states); IEEE 802.3-2022 §4 (MAC)
 * @example
 * ```ts
 * const sw = k.add(new Switch('sw', { ports: 8, mac: parseMac('02:00:00:00:ff:00') }));
 * k.add(new Cable('c0', host.port, sw.ports[0]!, { metres: 10 }, k.rng('c0')));
 * ```
 * @category Layer 2
 */
export class Switch<M extends LinkMode = 'symbol'> implements Clocked {
  /** The forwarding core (filtering database, port flags and VLANs, decision counters). */
  readonly core: ForwardingCore;
  /** The spanning tree, when it runs. */
  readonly stp: StpBridge | undefined;
  /** One MAC per port: its `port` is the attachment point, its `counters` the port counters. */
  readonly macs: readonly MacOf<M>[];
  /** The ports, for cables (`Port` in symbol mode, `BurstPort` in burst mode): `macs[i].port`. */
  readonly ports: readonly PortOf<M>[];
  /** Switch counters. */
  readonly counters: SwitchCounters = { received: 0, copies: 0, queueDrops: 0, bpdusSent: 0, cutThrough: 0 };
  private readonly rates: RateMbps[];
  private readonly duplex: ('full' | 'half')[];
  /**
   * Per ingress port, for the frame still arriving: the decision taken on its header (cut-through),
   * left with the ports still to serve, and the ports it was relayed to already.
   */
  private readonly early: ({ readonly d: ForwardingDecision; readonly cut: readonly number[] } | undefined)[];
  private readonly baseAgeing: number;
  // Sparse stepping: each port MAC's next event, asked again only when it was stepped, its port
  // received a change, or it was given a frame; so the cost per frame does not grow with ports.
  private readonly macIndex: Map<StationBase, number>;
  private readonly sched: EventSchedule;
  private readonly dirty: Int32Array;
  private readonly isDirty: Uint8Array;
  private dirtyCount = 0;
  private readonly due: Int32Array;
  private dueCount = 0;
  /** The MACs committed at the last step (their cables are the ones to wake). */
  private readonly last: Int32Array;
  private lastCount = 0;
  private readonly onForward: SwitchOptions['onForward'];
  /** Frame mode without STP: never stepped; the port MACs are timed events (see {@link Switch.wires}). */
  readonly passive: boolean;
  private readonly frameMode: boolean;

  /** @throws {SimError} `sim.bad-option` for a bad port count, link mode, rate or duplex list, half duplex without `rng`, or half duplex or cut-through in frame mode; as {@link ForwardingCore} and {@link StpBridge} for their options. */
  constructor(readonly name: string, options: SwitchOptions<M>) {
    optionsObject(name, options);
    const n = options.ports;
    if (!Number.isInteger(n) || n < 1 || n > 1024) throw new SimError('sim.bad-option', `${name}: ${show(n)} ports (1..1024)`);
    const perPort = <T>(v: T | readonly T[] | undefined, dflt: T, what: string): T[] => {
      if (Array.isArray(v)) {
        if (v.length !== n) throw new SimError('sim.bad-option', `${name}: ${what} lists ${v.length} values for ${n} ports`);
        return [...(v as readonly T[])];
      }
      return new Array<T>(n).fill((v as T | undefined) ?? dflt);
    };
    const rates = perPort<RateMbps>(options.rate, 100, 'rate');
    const duplex = perPort<'full' | 'half'>(options.duplex, 'full', 'duplex');
    const timing = options.timing ?? DEFAULT_TIMING;
    if (options.mode !== undefined && options.mode !== 'symbol' && options.mode !== 'burst' && options.mode !== 'frame') throw new SimError('sim.bad-option', `${name}: link mode ${show(options.mode)} (symbol, burst or frame)`);
    this.frameMode = options.mode === 'frame';
    if (this.frameMode && duplex.includes('half')) throw new SimError('sim.bad-option', `${name}: frame mode is full duplex only (use burst mode for half-duplex ports)`);
    if (this.frameMode && options.cutThrough === true) throw new SimError('sim.bad-option', `${name}: frame mode is store-and-forward only (use burst mode for cut-through)`);
    this.passive = this.frameMode && (options.stp === undefined || options.stp === false);
    this.rates = rates;
    this.duplex = duplex;
    this.early = new Array<{ d: ForwardingDecision; cut: number[] } | undefined>(n).fill(undefined);
    const cutThrough = options.cutThrough === true;
    if (!isMac(options.mac)) throw new SimError('sim.bad-option', `${name}: mac ${show(options.mac)} is not a 48-bit address`);
    const portMac = (i: number): Mac => asMac(((options.mac as number) + 1 + i) % 2 ** 48);
    this.onForward = options.onForward;
    const fwd = options.forwarding ?? {};
    this.core = new ForwardingCore(n, { ...fwd, stp: options.stp !== undefined && options.stp !== false, localMacs: [...(fwd.localMacs ?? []), options.mac, ...Array.from({ length: n }, (_, i) => portMac(i))] });
    this.baseAgeing = this.core.ageingCycles;
    const Mac = options.mode === 'burst' ? BurstHost : this.frameMode ? FrameHost : Host;
    this.macs = Array.from({ length: n }, (_, i) => {
      const pname = `${name}.port${i}`;
      if (duplex[i] === 'half' && options.rng === undefined) throw new SimError('sim.bad-option', `${name}: port ${show(i)} is half duplex but no random stream was given (rng)`);
      const o: HostOptions = {
        mac: portMac(i), rate: rates[i]!, timing, duplex: duplex[i]!, promiscuous: true,
        ...(options.queueLimit === undefined ? {} : { queueLimit: options.queueLimit }),
        ...(duplex[i] === 'half' ? { rng: options.rng!(pname) } : {}),
        onReceive: (frame, cycle, bytes) => this.relay(i, frame, bytes, cycle),
        ...(cutThrough && duplex[i] === 'full' ? { onHeader: (h: FrameHeader, cycle: number, src: RelaySource) => this.header(i, h, cycle, src) } : {}),
      };
      const m = new Mac(pname, o) as MacOf<M>;
      m.port.owner = this;
      if (m instanceof FrameHost) return m; // its own events, run by the kernel
      m.parent = this;
      m.port.onRx = () => this.markMac(i);
      return m;
    });
    this.ports = this.macs.map((m) => m.port as PortOf<M>);
    this.macIndex = new Map(this.macs.map((m, i) => [m as StationBase, i]));
    this.sched = new EventSchedule(n);
    this.dirty = new Int32Array(n);
    this.isDirty = new Uint8Array(n);
    this.due = new Int32Array(n);
    this.last = new Int32Array(n);
    for (let i = 0; i < n; i++) this.markMac(i);
    if (options.stp !== undefined && options.stp !== false) {
      const so = options.stp === true ? {} : options.stp;
      this.stp = new StpBridge({ ...so, bridgeMac: options.mac, ports: n, portMacs: Array.from({ length: n }, (_, i) => portMac(i)), rates, cycleNs: timing.cycleNs });
      this.syncStp();
    } else {
      this.stp = undefined;
    }
  }


  /** Evaluates the port MACs with work at this cycle (the others would do nothing). */
  evaluate(cycle: number): void {
    this.refresh(cycle);
    this.dueCount = this.sched.peek() === cycle ? this.sched.takeDue(cycle, this.due) : 0;
    for (let k = 0; k < this.dueCount; k++) this.macs[this.due[k]!]!.evaluate(cycle);
  }

  /** Commits the MACs evaluated (receptions are relayed as they complete), then runs STP's timers. */
  commit(cycle: number): void {
    for (let k = 0; k < this.dueCount; k++) {
      const i = this.due[k]!;
      this.macs[i]!.commit(cycle);
      this.markMac(i);
      this.last[k] = i;
    }
    this.lastCount = this.dueCount;
    this.dueCount = 0;
    const stp = this.stp;
    if (stp !== undefined && stp.nextEvent(cycle) <= cycle) {
      this.sendBpdus(cycle);
      this.syncStp();
    }
  }

  /** Frame mode: the port MACs, in port order (so events of one cycle run in port order, as burst mode commits them). */
  wires(): Iterable<Wire> {
    return this.frameMode ? (this.macs as readonly FrameHost[]) : [];
  }

  /** The cables on the ports (the kernel's wake-ups). */
  *wakes(): Iterable<Clocked> {
    for (const m of this.macs) if (m.port.cable !== undefined) yield m.port.cable;
  }

  /** Only the cables of the ports stepped at the last cycle can have been driven anew. */
  wakesNow(wake: (c: Clocked) => void): void {
    for (let k = 0; k < this.lastCount; k++) {
      const cable = this.macs[this.last[k]!]!.port.cable;
      if (cable !== undefined) wake(cable);
    }
  }


  /** The earliest event of any port MAC or STP timer. */
  nextEvent(from: number): number {
    this.refresh(from);
    const next = this.stp === undefined ? Infinity : Math.max(from, this.stp.nextEvent(from));
    return Math.min(next, this.sched.peek());
  }

  /** A port MAC was given a frame from outside the switch's own stepping (user code). @internal */
  childPoked(m: StationBase): void {
    const i = this.macIndex.get(m);
    if (i !== undefined) this.markMac(i);
    poke(this);
  }

  private markMac(i: number): void {
    if (this.isDirty[i] === 1) return;
    this.isDirty[i] = 1;
    this.dirty[this.dirtyCount++] = i;
  }

  /** Asks the MACs marked since the last time for their next event. */
  private refresh(from: number): void {
    while (this.dirtyCount > 0) {
      const i = this.dirty[--this.dirtyCount]!;
      this.isDirty[i] = 0;
      this.sched.set(i, Math.max(this.macs[i]!.nextEvent(from), from));
    }
  }

  private sendBpdus(cycle: number): void {
    for (const { port, frame } of this.stp!.poll(cycle)) {
      this.markMac(port);
      if (this.macs[port]!.send(frame)) this.counters.bpdusSent++;
      else this.counters.queueDrops++;
    }
  }

  /** Copies STP's port states into the forwarding core, and its topology-change ageing. */
  private syncStp(): void {
    const stp = this.stp!;
    for (let i = 0; i < this.macs.length; i++) {
      const s: PortState = stp.portState(i);
      if (this.core.portState(i) !== s) this.core.setPortState(i, s);
    }
    const ageing = stp.topologyChange ? Math.min(this.baseAgeing, stp.forwardDelayCycles) : this.baseAgeing;
    if (this.core.ageingCycles !== ageing && this.baseAgeing > 0) this.core.ageingCycles = ageing;
  }

  /** Cut-through: the header of a frame arriving on `ingress` is in; decide now and start relaying where possible. */
  private header(ingress: number, h: FrameHeader, cycle: number, source: RelaySource): void {
    const d = this.core.decide(ingress, h, cycle);
    const cut: number[] = [];
    if (d.kind === 'forward') {
      const arrivedTagged = h.vlan !== undefined;
      const deferred: number[] = [];
      const deferredUntagged: boolean[] = [];
      for (let k = 0; k < d.ports.length; k++) {
        const out = d.ports[k]!;
        const asIs = !this.core.vlanFiltering || (d.untagged[k] === !arrivedTagged && (!arrivedTagged || h.vlan!.vid === d.vid));
        // Relay only between full-duplex ports of one rate, with no tag to change, onto an idle port.
        if (asIs && this.duplex[out] === 'full' && this.rates[out] === this.rates[ingress] && this.macs[out]!.canRelayAt(cycle + 1)) {
          this.macs[out]!.relayFrom(source, cycle);
          this.markMac(out);
          cut.push(out);
          this.counters.cutThrough++;
          this.counters.copies++;
        } else {
          deferred.push(out);
          deferredUntagged.push(d.untagged[k]!);
        }
      }
      this.early[ingress] = { d: { ...d, ports: deferred, untagged: deferredUntagged }, cut };
    } else {
      this.early[ingress] = { d, cut };
    }
    if (cut.length > 0) source.onDone = () => cut.forEach((p) => this.markMac(p));
  }

  private relay(ingress: number, frame: Frame, bytes: Uint8Array, cycle: number): void {
    this.counters.received++;
    const early = this.early[ingress];
    this.early[ingress] = undefined;
    const d = early?.d ?? this.core.decide(ingress, frame, cycle);
    if (d.kind === 'local') {
      if (d.reason === 'bpdu' && this.stp !== undefined) {
        this.stp.receive(ingress, frame, cycle);
        this.sendBpdus(cycle);
        this.syncStp();
        // Frame mode: the reception was a timed event, not a step of the switch; its STP timers may have moved.
        if (this.frameMode) poke(this);
      }
      return;
    }
    if (d.kind === 'drop') return;
    // Without VLAN filtering every copy is the frame as it came.
    const copies = this.core.vlanFiltering ? egressCopies(frame, bytes, d, true) : undefined;
    for (let k = 0; k < d.ports.length; k++) {
      const out = d.ports[k]!;
      const b = copies === undefined ? bytes : copies[k]!;
      if (!this.frameMode) this.markMac(out);
      if (this.macs[out]!.sendOwned(b)) this.counters.copies++;
      else this.counters.queueDrops++;
    }
    if (this.onForward !== undefined) {
      const cut = early?.cut ?? [];
      this.onForward(ingress, cut.length === 0 ? d.ports : [...cut, ...d.ports].sort((a, b) => a - b), frame, cycle);
    }
  }
}

/** The frame with its tag replaced (or removed). */
function withTag(f: Frame, vlan: VlanTag | undefined): Frame {
  return vlan === undefined ? { dst: f.dst, src: f.src, type: f.type, payload: f.payload } : { dst: f.dst, src: f.src, vlan, type: f.type, payload: f.payload };
}

/**
 * The bytes of each copy of a forward decision: as they arrived (`bytes`, decoded as `frame`), or
 * re-encoded untagged or tagged with the decision's VID where the egress port wants it so (each
 * encoding made once per frame).
 * @spec IEEE 802.1Q-2022 §8.6.4 (egress: untagged set), §6.9 (tag insertion and removal)
 * @internal
 */
export function egressCopies(frame: Frame, bytes: Uint8Array, d: ForwardDecision, vlanFiltering: boolean): Uint8Array[] {
  const arrivedTagged = frame.vlan !== undefined;
  let tagged: Uint8Array | undefined;
  let untagged: Uint8Array | undefined;
  return d.untagged.map((wantUntagged) => {
    if (!vlanFiltering || (wantUntagged === !arrivedTagged && (!arrivedTagged || frame.vlan!.vid === d.vid))) return bytes;
    if (wantUntagged) return (untagged ??= encodeFrame(withTag(frame, undefined)));
    return (tagged ??= encodeFrame(withTag(frame, { pcp: frame.vlan?.pcp ?? 0, dei: frame.vlan?.dei ?? false, vid: d.vid })));
  });
}

/**
 * A two-port learning bridge: a {@link Switch} with two ports. It forwards a frame across only
 * when the destination is not known to be on the side it came from, so a LAN of hubs split by a
 * bridge keeps local traffic local.
 * @spec IEEE 802.1D-2004 §7 (MAC bridge operation)
 * @example
 * ```ts
 * const br = k.add(new Bridge('br', { mac: parseMac('02:00:00:00:bb:00'), duplex: 'half', rng: (n) => k.rng(n) }));
 * ```
 * @category Layer 2
 */
export class Bridge<M extends LinkMode = 'symbol'> extends Switch<M> {
  /** @throws {SimError} As {@link Switch}. */
  constructor(name: string, options: Omit<SwitchOptions<M>, 'ports'>) {
    super(name, { ...options, ports: 2 });
  }
}
