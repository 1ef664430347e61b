import { show } from '../bits/show.js';
import { SimError } from '../sim/kernel.js';
import { isMac, type Frame, type Mac } from '../link/frame.js';
import { DEFAULT_TIMING, type RateMbps } from '../link/timing.js';
import {
  BPDU, BPDU_DROP_REASONS, bpduFrame, compareBridgeIds, parseBpduFrame,
  type BpduDropReason, type BridgeId, type ConfigBpdu,
} from './bpdu.js';

/**
 * State of a bridge port under STP.
 * @spec IEEE 802.1D-1998 §8.4 (port states)
 * @category Devices
 */
export type StpPortState = 'disabled' | 'blocking' | 'listening' | 'learning' | 'forwarding';

/**
 * Role of a bridge port: the root port, a designated port, a blocked port (classic STP does not
 * tell alternate from backup), or disabled (link down).
 * @spec IEEE 802.1D-1998 §8.3.1, §8.6.8, §8.6.9
 * @category Devices
 */
export type StpPortRole = 'root' | 'designated' | 'blocked' | 'disabled';

/**
 * Default path cost of a port by link rate: 10 Mb/s → 100, 100 Mb/s → 19, 1 Gb/s → 4 (the
 * 16-bit values the Linux bridge uses; 802.1D-2004 Table 17-3 lists 32-bit values instead).
 * @spec IEEE 802.1D-1998 §8.10.2 (Table 8-5); net/bridge/br_if.c (port_cost)
 * @category Devices
 */
export const STP_DEFAULT_PATH_COST: Readonly<Record<RateMbps, number>> = { 10: 100, 100: 19, 1000: 4 };

/**
 * Default STP timers, in seconds: hello 2, max age 20, forward delay 15, hold 1.
 * @spec IEEE 802.1D-1998 §8.10.2 (Table 8-3); net/bridge/br_private.h (BR_HOLD_TIME)
 * @category Devices
 */
export const STP_DEFAULT_TIMERS = {
  /** Hello Time: 2 s between the root's Configuration BPDUs. */
  helloTime: 2,
  /** Max Age: 20 s before recorded information expires. */
  maxAge: 20,
  /** Forward Delay: 15 s in Listening and again in Learning. */
  forwardDelay: 15,
  /** Hold Time: at least 1 s between Configuration BPDUs on one port. */
  holdTime: 1,
} as const;

/**
 * Options of a {@link StpBridge}.
 * @category Devices
 */
export interface StpBridgeOptions {
  /** The bridge's MAC address (the low 48 bits of its Bridge Identifier). */
  readonly bridgeMac: Mac;
  /** Number of ports, 1..4095 (port numbers 1..4095 in the Port Identifier; port index i has number i + 1). */
  readonly ports: number;
  /** Bridge priority, a multiple of 4096 in 0..61440. @defaultValue 32768 */
  readonly bridgePriority?: number;
  /** Port priority, a multiple of 16 in 0..240, for every port or per port. @defaultValue 128 */
  readonly portPriority?: number | readonly number[];
  /** Link rate of every port or per port; sets the default path cost. @defaultValue 100 */
  readonly rates?: RateMbps | readonly RateMbps[];
  /** Path cost, 1..65535, for every port or per port; overrides the rate's default. */
  readonly pathCost?: number | readonly number[];
  /** Source MAC of the BPDUs each port sends. @defaultValue bridgeMac on every port */
  readonly portMacs?: readonly Mac[];
  /** Bridge Hello Time in seconds, 1..10. @defaultValue 2 */
  readonly helloTime?: number;
  /** Bridge Max Age in seconds, 6..40. @defaultValue 20 */
  readonly maxAge?: number;
  /** Bridge Forward Delay in seconds, 4..30. @defaultValue 15 */
  readonly forwardDelay?: number;
  /** Hold Time in seconds (minimum interval between Configuration BPDUs on a port), 0 < hold ≤ 10. @defaultValue 1 */
  readonly holdTime?: number;
  /** Nanoseconds per cycle. @defaultValue 8 (DEFAULT_TIMING) */
  readonly cycleNs?: number;
  /**
   * Simulated seconds per protocol second: 0.001 runs every timer a thousand times faster. One
   * 1/256 s tick must last at least one cycle.
   * @defaultValue 1
   */
  readonly timeScale?: number;
  /** The cycle at which the bridge starts (initialization). @defaultValue 0 */
  readonly start?: number;
  /** Whether each port's link is up at start (a down port starts Disabled). @defaultValue true */
  readonly linkUp?: boolean | readonly boolean[];
  /** Called for every port state change, root change and topology change flag change. */
  readonly onEvent?: (event: StpEvent) => void;
}

/**
 * Something that changed in a {@link StpBridge}, for traces.
 * @category Devices
 */
export type StpEvent =
  | {
      /** A port changed state. */
      readonly kind: 'port-state';
      /** When. */
      readonly cycle: number;
      /** Port index. */
      readonly port: number;
      /** Previous state. */
      readonly from: StpPortState;
      /** New state. */
      readonly to: StpPortState;
    }
  | {
      /** The root, the root port or the root path cost changed. */
      readonly kind: 'root';
      /** When. */
      readonly cycle: number;
      /** The root bridge now believed. */
      readonly rootId: BridgeId;
      /** The root port index, or null when this bridge is the root. */
      readonly rootPort: number | null;
      /** The cost to the root. */
      readonly rootPathCost: number;
    }
  | {
      /** The Topology Change flag changed. */
      readonly kind: 'topology-change';
      /** When. */
      readonly cycle: number;
      /** The new value. */
      readonly active: boolean;
    };

/**
 * STP timer values, in protocol seconds.
 * @spec IEEE 802.1D-1998 §8.5.3 (bridge parameters)
 * @category Devices
 */
export interface StpTimers {
  /** Hello Time. */
  readonly helloTime: number;
  /** Max Age. */
  readonly maxAge: number;
  /** Forward Delay. */
  readonly forwardDelay: number;
}

/**
 * A frame the bridge sends out of one of its ports.
 * @category Devices
 */
export interface StpOutput {
  /** Port index. */
  readonly port: number;
  /** The BPDU frame. */
  readonly frame: Frame;
}

/**
 * Counters of a {@link StpBridge}. Every frame handed to `receive` is counted once as a
 * Configuration BPDU, a TCN BPDU or a drop with a reason: `framesIn = bpdusIn + tcnIn + Σ badBpdus`.
 * @spec net/bridge/br_private.h (struct bridge_stp_xstats)
 * @category Devices
 */
export interface StpCounters {
  /** Frames handed to `receive`. */
  framesIn: number;
  /** Configuration BPDUs accepted. */
  bpdusIn: number;
  /** TCN BPDUs accepted. */
  tcnIn: number;
  /** Configuration BPDUs sent. */
  bpdusOut: number;
  /** TCN BPDUs sent. */
  tcnOut: number;
  /** Frames dropped, by reason. */
  badBpdus: Record<BpduDropReason, number>;
}

/**
 * Counters of one port of a {@link StpBridge}.
 * @spec net/bridge/br_private.h (struct bridge_stp_xstats)
 * @category Devices
 */
export interface StpPortCounters {
  /** Configuration BPDUs accepted on the port. */
  bpdusIn: number;
  /** TCN BPDUs accepted on the port. */
  tcnIn: number;
  /** Configuration BPDUs sent on the port. */
  bpdusOut: number;
  /** TCN BPDUs sent on the port. */
  tcnOut: number;
  /** Transitions into Blocking. */
  transitionsBlocking: number;
  /** Transitions into Forwarding. */
  transitionsForwarding: number;
}

/**
 * What a port of a {@link StpBridge} holds: its identity, state and role, and the designated
 * information recorded for its LAN.
 * @spec IEEE 802.1D-1998 §8.5.5 (port parameters)
 * @category Devices
 */
export interface StpPortInfo {
  /** Port index. */
  readonly port: number;
  /** Port Identifier (4-bit priority, 12-bit port number). */
  readonly portId: number;
  /** Path cost of the port. */
  readonly pathCost: number;
  /** Port state. */
  readonly state: StpPortState;
  /** Port role. */
  readonly role: StpPortRole;
  /** Root of the designated information. */
  readonly designatedRoot: BridgeId;
  /** Root path cost of the designated bridge. */
  readonly designatedCost: number;
  /** Designated bridge of the LAN. */
  readonly designatedBridge: BridgeId;
  /** Designated port (Port Identifier) of the LAN. */
  readonly designatedPort: number;
}

interface PortData {
  readonly index: number;
  readonly id: number;
  readonly cost: number;
  readonly mac: Mac;
  state: StpPortState;
  dRoot: BridgeId;
  dCost: number;
  dBridge: BridgeId;
  dPort: number;
  /** Cycle at which the recorded information had Message Age 0. */
  dAge: number;
  tca: boolean;
  configPending: boolean;
  msgAgeTimer: number;
  fwdDelayTimer: number;
  /** Hold timer expiry; the timer runs while the cycle is below it. */
  holdTimer: number;
  readonly counters: StpPortCounters;
}

/** A stopped timer (never due). */
const OFF = Infinity;
/** A stopped hold timer: the hold timer runs while the cycle is below its expiry, so stopped is −∞. */
const HOLD_OFF = -Infinity;

const sameId = (a: BridgeId, b: BridgeId): boolean => a.priority === b.priority && a.mac === b.mac;

function perPort<T>(name: string, v: T | readonly T[] | undefined, n: number, dflt: T): T[] {
  if (v === undefined) return new Array<T>(n).fill(dflt);
  if (Array.isArray(v)) {
    if (v.length !== n) throw new SimError('sim.bad-option', `${name} has ${show(v.length)} entries for ${show(n)} ports`);
    return [...(v as readonly T[])];
  }
  return new Array<T>(n).fill(v as T);
}

/**
 * The Spanning Tree Protocol of IEEE 802.1D-1998 (the classic protocol, not RSTP) as the Linux
 * bridge implements it, as a pure clock-driven component: no kernel, no ports of its own. The
 * device that embeds it hands it every frame received for 01-80-C2-00-00-00 (`receive`), sends
 * what `poll` returns, asks `portState` whether a port may learn or forward, and shortens its
 * filtering database ageing to `forwardDelayCycles` while `topologyChange` is set.
 *
 * @remarks
 * - Times are integer cycles; every method takes `now`, which must never go backwards. Timers that
 *   expired before `now` fire first, in time order (ties: hello, TCN, topology change, then per port
 *   message age, forward delay, hold), each at its own expiry cycle, so calling late changes nothing
 *   but when the frames come out.
 * - Bridge Identifier: 16-bit priority then MAC. Port Identifier: the 802.1D-2004 layout, 4-bit
 *   priority (port priority / 16) and 12-bit port number (index + 1). The Linux bridge uses a 6-bit
 *   priority and a 10-bit number instead; both give 0x8000 + number at the default priority.
 * - Timer values are kept in 1/256 s as on the wire; a protocol second lasts
 *   `timeScale × 1e9 / cycleNs` cycles. Message Age grows by one tick (rounded up to whole cycles,
 *   like the Linux MESSAGE_AGE_INCR) at each bridge it crosses.
 * - The bridge starts at `start`: every port with its link up is designated and Listening, and the
 *   first Configuration BPDUs go out at once.
 * @spec IEEE 802.1D-1998 §8 (Spanning Tree algorithm and protocol: §8.6 elements of procedure, §8.7
 * operation, §8.8 management); IEEE 802.1D-2004 §9.2.5, §9.2.7 (identifiers); net/bridge/br_stp.c,
 * net/bridge/br_stp_timer.c, net/bridge/br_stp_if.c, net/bridge/br_stp_bpdu.c
 * @example
 * ```ts
 * const stp = new StpBridge({ bridgeMac: parseMac('02:00:00:00:00:01'), ports: 4, timeScale: 0.001 });
 * for (const { port, frame } of stp.poll(now)) send(port, frame);
 * if (frame.dst === STP_GROUP_ADDRESS) stp.receive(port, frame, now);
 * stp.portState(2); // 'listening', then 'learning', then 'forwarding'
 * ```
 * @category Devices
 */
export class StpBridge {
  /** This bridge's Bridge Identifier. */
  readonly bridgeId: BridgeId;
  /** Number of ports. */
  readonly ports: number;
  /** Cycles per protocol second (`timeScale × 1e9 / cycleNs`). */
  readonly cyclesPerSecond: number;
  /** Counters. */
  readonly counters: StpCounters;
  private readonly port: PortData[];
  private readonly onEvent: ((e: StpEvent) => void) | undefined;
  private readonly bridgeHello: number;
  private readonly bridgeMaxAge: number;
  private readonly bridgeFwdDelay: number;
  private readonly holdCycles: number;
  private readonly ageIncr: number;
  /** Current timer values (ticks), learned from the root. */
  private helloTime: number;
  private maxAge: number;
  private fwdDelay: number;
  private dRoot: BridgeId;
  private rootCost = 0;
  private rootPortIndex = -1;
  private tc = false;
  private tcDetected = false;
  private helloTimer = OFF;
  private tcnTimer = OFF;
  private tcTimer = OFF;
  private clock: number;
  private out: StpOutput[] = [];
  private due = OFF;
  private dirty = true;

  /**
   * @param options - identity, ports, costs, timers and time base.
   * @throws {SimError} `sim.bad-option` for a port count outside 1..4095, a bridge priority that is
   * not a multiple of 4096 in 0..61440, a port priority that is not a multiple of 16 in 0..240, a path
   * cost outside 1..65535, a timer out of its range or timers breaking
   * 2 × (forwardDelay − 1) ≥ maxAge ≥ 2 × (helloTime + 1), or a time base that gives less than one
   * cycle per 1/256 s.
   */
  constructor(options: StpBridgeOptions) {
    const n = options.ports;
    if (!Number.isInteger(n) || n < 1 || n > 4095) throw new SimError('sim.bad-option', `${show(n)} ports (1..4095)`);
    const prio = options.bridgePriority ?? 32768;
    if (!Number.isInteger(prio) || prio < 0 || prio > 61440 || prio % 4096 !== 0) {
      throw new SimError('sim.bad-option', `bridge priority ${show(prio)} is not a multiple of 4096 in 0..61440`);
    }
    if (!isMac(options.bridgeMac)) {
      throw new SimError('sim.bad-option', `bridge MAC ${show(options.bridgeMac)} is not 48 bits`);
    }
    this.bridgeId = { priority: prio, mac: options.bridgeMac };
    this.ports = n;

    const hello = options.helloTime ?? STP_DEFAULT_TIMERS.helloTime;
    const maxAge = options.maxAge ?? STP_DEFAULT_TIMERS.maxAge;
    const fwd = options.forwardDelay ?? STP_DEFAULT_TIMERS.forwardDelay;
    const hold = options.holdTime ?? STP_DEFAULT_TIMERS.holdTime;
    const range = (name: string, v: number, lo: number, hi: number): void => {
      if (!Number.isFinite(v) || v < lo || v > hi) throw new SimError('sim.bad-option', `${name} ${show(v)} s is outside ${show(lo)}..${show(hi)} s`);
    };
    range('hello time', hello, 1, 10);
    range('max age', maxAge, 6, 40);
    range('forward delay', fwd, 4, 30);
    if (!Number.isFinite(hold) || hold <= 0 || hold > 10) throw new SimError('sim.bad-option', `hold time ${show(hold)} s is outside (0, 10] s`);
    if (!(2 * (fwd - 1) >= maxAge && maxAge >= 2 * (hello + 1))) {
      throw new SimError('sim.bad-option', `timers break 2 × (forwardDelay − 1) ≥ maxAge ≥ 2 × (helloTime + 1): forward delay ${show(fwd)} s, max age ${show(maxAge)} s, hello ${show(hello)} s`);
    }
    const cycleNs = options.cycleNs ?? DEFAULT_TIMING.cycleNs;
    const scale = options.timeScale ?? 1;
    if (!Number.isFinite(cycleNs) || cycleNs <= 0) throw new SimError('sim.bad-option', `cycleNs ${show(cycleNs)} is not a positive number`);
    if (!Number.isFinite(scale) || scale <= 0) throw new SimError('sim.bad-option', `timeScale ${show(scale)} is not a positive number`);
    this.cyclesPerSecond = (scale * 1e9) / cycleNs;
    if (this.cyclesPerSecond < BPDU.ticksPerSecond * (1 - 1e-9)) {
      throw new SimError('sim.bad-option', `timeScale ${show(scale)} with ${show(cycleNs)} ns cycles gives ${show(this.cyclesPerSecond)} cycles per second, below one cycle per 1/256 s`);
    }
    const ticks = (s: number): number => Math.round(s * BPDU.ticksPerSecond);
    this.bridgeHello = ticks(hello);
    this.bridgeMaxAge = ticks(maxAge);
    this.bridgeFwdDelay = ticks(fwd);
    this.holdCycles = Math.max(1, this.cycles(ticks(hold)));
    this.ageIncr = Math.floor(this.cyclesPerSecond / BPDU.ticksPerSecond + 1e-9) + 1;
    this.helloTime = this.bridgeHello;
    this.maxAge = this.bridgeMaxAge;
    this.fwdDelay = this.bridgeFwdDelay;

    const start = options.start ?? 0;
    if (!Number.isSafeInteger(start) || start < 0) throw new SimError('sim.bad-option', `start ${show(start)} is not a non-negative integer cycle`);
    this.clock = start;

    const pprio = perPort('portPriority', options.portPriority, n, 128);
    const rates = perPort<RateMbps>('rates', options.rates, n, 100);
    const costs = options.pathCost === undefined ? undefined : perPort('pathCost', options.pathCost, n, 0);
    const macs = perPort('portMacs', options.portMacs, n, options.bridgeMac);
    const up = perPort('linkUp', options.linkUp, n, true);
    this.dRoot = this.bridgeId;
    this.port = [];
    for (let i = 0; i < n; i++) {
      const pp = pprio[i]!;
      if (!Number.isInteger(pp) || pp < 0 || pp > 240 || pp % 16 !== 0) throw new SimError('sim.bad-option', `port ${show(i)}: priority ${show(pp)} is not a multiple of 16 in 0..240`);
      const rateCost = STP_DEFAULT_PATH_COST[rates[i]!] as number | undefined;
      if (rateCost === undefined) throw new SimError('sim.bad-option', `port ${show(i)}: rate ${rates[i]} Mb/s is not 10, 100 or 1000`);
      const cost = costs === undefined ? rateCost : costs[i]!;
      if (!Number.isInteger(cost) || cost < 1 || cost > 65535) throw new SimError('sim.bad-option', `port ${show(i)}: path cost ${show(cost)} is outside 1..65535`);
      const mac = macs[i]!;
      if (!isMac(mac)) throw new SimError('sim.bad-option', `port ${show(i)}: MAC ${show(mac)} is not 48 bits`);
      const id = ((pp << 8) | (i + 1)) >>> 0;
      this.port.push({
        index: i, id, cost, mac, state: up[i] === true ? 'blocking' : 'disabled',
        dRoot: this.bridgeId, dCost: 0, dBridge: this.bridgeId, dPort: id, dAge: start,
        tca: false, configPending: false, msgAgeTimer: OFF, fwdDelayTimer: OFF, holdTimer: HOLD_OFF,
        counters: { bpdusIn: 0, tcnIn: 0, bpdusOut: 0, tcnOut: 0, transitionsBlocking: 0, transitionsForwarding: 0 },
      });
    }
    const bad = {} as Record<BpduDropReason, number>;
    for (const r of BPDU_DROP_REASONS) bad[r] = 0;
    this.counters = { framesIn: 0, bpdusIn: 0, tcnIn: 0, bpdusOut: 0, tcnOut: 0, badBpdus: bad };
    this.onEvent = options.onEvent;
    // Initialization: every port designated and blocking, then port state selection, the first
    // Configuration BPDUs and the hello timer.
    this.portStateSelection(start);
    this.configBpduGeneration(start);
    this.setHello(start + this.cycles(this.helloTime));
  }

  // ---------------------------------------------------------------- public API

  /**
   * Handles a frame received on `port` at cycle `now` (the embedding device passes every frame
   * addressed to 01-80-C2-00-00-00). Malformed BPDUs, BPDUs on a Disabled port and Configuration
   * BPDUs older than their Max Age are counted in `counters.badBpdus` and otherwise ignored.
   * @throws {SimError} `sim.bad-port` for a port index out of range; `sim.bad-time` when `now` goes backwards.
   * @spec IEEE 802.1D-1998 §8.7.1 (received Configuration BPDU), §8.7.2 (received TCN BPDU); IEEE 802.1D-2004 §9.3.4
   */
  receive(port: number, frame: Frame, now: number): void {
    const p = this.portAt(port);
    this.advance(now);
    this.counters.framesIn++;
    const r = parseBpduFrame(frame);
    if (!r.ok) return this.drop(r.reason);
    if (p.state === 'disabled') return this.drop('port-disabled');
    if (r.bpdu.kind === 'tcn') return this.receivedTcn(p, now);
    if (r.bpdu.messageAge > r.bpdu.maxAge) return this.drop('message-age');
    this.receivedConfig(p, r.bpdu, now);
  }

  /**
   * Fires every timer due by `now` and returns the frames to send now (hello Configuration BPDUs on
   * designated ports, replies, TCNs toward the root), in the order they were made; each is returned
   * once.
   * @throws {SimError} `sim.bad-time` when `now` goes backwards.
   * @spec IEEE 802.1D-1998 §8.7.3–§8.7.8 (timer expiries)
   */
  poll(now: number): StpOutput[] {
    this.advance(now);
    if (this.out.length === 0) return [];
    const o = this.out;
    this.out = [];
    return o;
  }

  /**
   * The earliest cycle ≥ `now` at which `poll` has something to do: `now` when frames wait,
   * otherwise the next timer expiry, or Infinity.
   */
  nextEvent(now: number): number {
    if (this.out.length > 0) return now;
    return Math.max(now, this.earliest());
  }

  /**
   * The link of `port` came up: the port is initialized (designated, Blocking) and port state
   * selection runs. Nothing happens if the port is already enabled.
   * @throws {SimError} `sim.bad-port`, `sim.bad-time`.
   * @spec IEEE 802.1D-1998 §8.8.2 (enable port); net/bridge/br_stp_if.c (br_stp_enable_port)
   */
  linkUp(port: number, now: number): void {
    const p = this.portAt(port);
    this.advance(now);
    if (p.state !== 'disabled') return;
    this.initPort(p);
    this.setState(p, 'blocking', now);
    this.portStateSelection(now);
  }

  /**
   * The link of `port` went down: the port becomes Disabled and designated, its timers stop, and
   * the bridge reconfigures (it may become the root). Nothing happens if it is already disabled.
   * @throws {SimError} `sim.bad-port`, `sim.bad-time`.
   * @spec IEEE 802.1D-1998 §8.8.3 (disable port); net/bridge/br_stp_if.c (br_stp_disable_port)
   */
  linkDown(port: number, now: number): void {
    const p = this.portAt(port);
    this.advance(now);
    if (p.state === 'disabled') return;
    const wasRoot = this.isRoot;
    this.becomeDesignatedPort(p);
    this.setState(p, 'disabled', now);
    this.initPort(p);
    this.configurationUpdate(now);
    this.portStateSelection(now);
    if (this.isRoot && !wasRoot) this.becomeRootBridge(now);
  }

  /**
   * State of a port.
   * @throws {SimError} `sim.bad-port`.
   */
  portState(port: number): StpPortState {
    return this.portAt(port).state;
  }

  /**
   * Role of a port: `root`, `designated`, `blocked` or `disabled`.
   * @throws {SimError} `sim.bad-port`.
   * @spec IEEE 802.1D-1998 §8.6.8 (root selection), §8.6.9 (designated port selection)
   */
  portRole(port: number): StpPortRole {
    const p = this.portAt(port);
    if (p.state === 'disabled') return 'disabled';
    if (p.index === this.rootPortIndex) return 'root';
    return this.isDesignated(p) ? 'designated' : 'blocked';
  }

  /**
   * Whether the port may learn source addresses (Learning or Forwarding).
   * @throws {SimError} `sim.bad-port`.
   * @spec IEEE 802.1D-1998 §8.4 (port states)
   */
  learning(port: number): boolean {
    const s = this.portAt(port).state;
    return s === 'learning' || s === 'forwarding';
  }

  /**
   * Whether the port forwards frames (Forwarding).
   * @throws {SimError} `sim.bad-port`.
   * @spec IEEE 802.1D-1998 §8.4 (port states)
   */
  forwarding(port: number): boolean {
    return this.portAt(port).state === 'forwarding';
  }

  /**
   * Everything a port holds.
   * @throws {SimError} `sim.bad-port`.
   */
  portInfo(port: number): StpPortInfo {
    const p = this.portAt(port);
    return {
      port: p.index, portId: p.id, pathCost: p.cost, state: p.state, role: this.portRole(port),
      designatedRoot: p.dRoot, designatedCost: p.dCost, designatedBridge: p.dBridge, designatedPort: p.dPort,
    };
  }

  /**
   * Counters of a port.
   * @throws {SimError} `sim.bad-port`.
   */
  portCounters(port: number): Readonly<StpPortCounters> {
    return this.portAt(port).counters;
  }

  /** The root bridge this bridge believes in (its own ID when it is the root). */
  get rootId(): BridgeId {
    return this.dRoot;
  }

  /** Whether this bridge is the root. */
  get isRoot(): boolean {
    return sameId(this.dRoot, this.bridgeId);
  }

  /** The cost from this bridge to the root (0 at the root). */
  get rootPathCost(): number {
    return this.rootCost;
  }

  /** The root port's index, or null when this bridge is the root. */
  get rootPort(): number | null {
    return this.rootPortIndex < 0 ? null : this.rootPortIndex;
  }

  /**
   * The Topology Change flag: set at the root for Max Age + Forward Delay after a change, and at
   * other bridges while the root's BPDUs carry it. While set, the filtering database should age
   * entries in {@link StpBridge.forwardDelayCycles} (802.1D) — the Linux bridge uses twice that.
   * @spec IEEE 802.1D-1998 §8.3.5 (notifying topology changes), §8.5.3.12 (topology change);
   * net/bridge/br_stp.c (__br_set_topology_change)
   */
  get topologyChange(): boolean {
    return this.tc;
  }

  /** Whether this bridge detected a topology change not yet acknowledged (non-root) or still announced (root). */
  get topologyChangeDetected(): boolean {
    return this.tcDetected;
  }

  /** The Forward Delay in force (the root's), in cycles: the short ageing time during a topology change. */
  get forwardDelayCycles(): number {
    return this.cycles(this.fwdDelay);
  }

  /** The timers in force (the root's), in seconds. */
  get timers(): StpTimers {
    const s = (t: number): number => t / BPDU.ticksPerSecond;
    return { helloTime: s(this.helloTime), maxAge: s(this.maxAge), forwardDelay: s(this.fwdDelay) };
  }

  /**
   * Cycles that `seconds` protocol seconds last (rounded up to a whole cycle at 1/256 s resolution).
   * @example
   * ```ts
   * new StpBridge({ bridgeMac, ports: 2, timeScale: 0.001 }).secondsToCycles(15); // 1_875_000
   * ```
   */
  secondsToCycles(seconds: number): number {
    return this.cycles(Math.round(seconds * BPDU.ticksPerSecond));
  }

  // ---------------------------------------------------------------- time

  private cycles(ticks: number): number {
    return Math.ceil(((ticks * this.cyclesPerSecond) / BPDU.ticksPerSecond) * (1 - 1e-12));
  }

  private ticksOf(cycles: number): number {
    return Math.min(0xffff, Math.floor(((cycles * BPDU.ticksPerSecond) / this.cyclesPerSecond) * (1 + 1e-12)));
  }

  private portAt(port: number): PortData {
    const p = Number.isInteger(port) ? this.port[port] : undefined;
    if (p === undefined) throw new SimError('sim.bad-port', `port ${show(port)} is not in 0..${this.ports - 1}`);
    return p;
  }

  private earliest(): number {
    if (!this.dirty) return this.due;
    let t = Math.min(this.helloTimer, this.tcnTimer, this.tcTimer);
    for (const p of this.port) {
      if (p.msgAgeTimer < t) t = p.msgAgeTimer;
      if (p.fwdDelayTimer < t) t = p.fwdDelayTimer;
      if (p.configPending && p.holdTimer !== HOLD_OFF && p.holdTimer < t) t = p.holdTimer;
    }
    this.due = t;
    this.dirty = false;
    return t;
  }

  /** Fires every timer due by `now`, in time order, each at its own expiry cycle. */
  private advance(now: number): void {
    if (!Number.isSafeInteger(now) || now < this.clock) throw new SimError('sim.bad-time', `cycle ${show(now)} is before the bridge's clock ${show(this.clock)}`);
    for (let t = this.earliest(); t <= now; t = this.earliest()) {
      this.clock = t;
      this.dirty = true;
      if (!this.fireOne(t)) throw new SimError('sim.internal', `no STP timer due at cycle ${show(t)}`);
    }
    this.clock = now;
  }

  private fireOne(t: number): boolean {
    if (this.helloTimer === t) {
      this.helloTimer = OFF;
      this.configBpduGeneration(t);
      this.setHello(t + this.cycles(this.helloTime));
      return true;
    }
    if (this.tcnTimer === t) {
      this.tcnTimer = OFF;
      if (!this.isRoot) {
        this.transmitTcn();
        this.tcnTimer = t + this.cycles(this.bridgeHello);
      }
      return true;
    }
    if (this.tcTimer === t) {
      this.tcTimer = OFF;
      this.tcDetected = false;
      this.setTopologyChange(false, t);
      return true;
    }
    for (const p of this.port) {
      if (p.msgAgeTimer === t) {
        p.msgAgeTimer = OFF;
        this.messageAgeExpired(p, t);
        return true;
      }
      if (p.fwdDelayTimer === t) {
        p.fwdDelayTimer = OFF;
        this.forwardDelayExpired(p, t);
        return true;
      }
      if (p.configPending && p.holdTimer === t) {
        p.holdTimer = HOLD_OFF;
        this.transmitConfig(p, t);
        return true;
      }
    }
    return false;
  }

  private setHello(at: number): void {
    this.helloTimer = at;
    this.dirty = true;
  }

  // ---------------------------------------------------------------- events and counters

  private drop(reason: BpduDropReason): void {
    this.counters.badBpdus[reason]++;
  }

  private setState(p: PortData, to: StpPortState, t: number): void {
    const from = p.state;
    if (from === to) return;
    p.state = to;
    if (to === 'blocking') p.counters.transitionsBlocking++;
    if (to === 'forwarding') p.counters.transitionsForwarding++;
    this.onEvent?.({ kind: 'port-state', cycle: t, port: p.index, from, to });
  }

  private setTopologyChange(v: boolean, t: number): void {
    if (this.tc === v) return;
    this.tc = v;
    this.onEvent?.({ kind: 'topology-change', cycle: t, active: v });
  }

  // ---------------------------------------------------------------- elements of procedure (802.1D-1998 §8.6)

  private isDesignated(p: PortData): boolean {
    return sameId(p.dBridge, this.bridgeId) && p.dPort === p.id;
  }

  /** Stops a port's timers and clears its flags (part of initialize/disable port, §8.8.1–§8.8.3). */
  private initPort(p: PortData): void {
    this.becomeDesignatedPort(p);
    p.tca = false;
    p.configPending = false;
    p.msgAgeTimer = OFF;
    p.fwdDelayTimer = OFF;
    p.holdTimer = HOLD_OFF;
    this.dirty = true;
  }

  /** §8.6.1 Transmit Configuration BPDU (subject to the hold timer). */
  private transmitConfig(p: PortData, t: number): void {
    if (t < p.holdTimer) {
      p.configPending = true;
      this.dirty = true;
      return;
    }
    let age = 0;
    if (!this.isRoot) age = t - this.port[this.rootPortIndex]!.dAge + this.ageIncr;
    if (age >= this.cycles(this.maxAge)) return;
    const bpdu: ConfigBpdu = {
      kind: 'config', topologyChange: this.tc, topologyChangeAck: p.tca, rootId: this.dRoot, rootPathCost: this.rootCost,
      bridgeId: this.bridgeId, portId: p.id, messageAge: this.ticksOf(age), maxAge: this.maxAge, helloTime: this.helloTime,
      forwardDelay: this.fwdDelay,
    };
    this.out.push({ port: p.index, frame: bpduFrame(bpdu, p.mac) });
    this.counters.bpdusOut++;
    p.counters.bpdusOut++;
    p.tca = false;
    p.configPending = false;
    p.holdTimer = t + this.holdCycles;
    this.dirty = true;
  }

  /** §8.6.2 Record configuration information. */
  private recordConfigInformation(p: PortData, b: ConfigBpdu, t: number): void {
    p.dRoot = b.rootId;
    p.dCost = b.rootPathCost;
    p.dBridge = b.bridgeId;
    p.dPort = b.portId;
    const age = this.cycles(b.messageAge);
    p.dAge = t - age;
    p.msgAgeTimer = t + this.cycles(b.maxAge) - age;
    this.dirty = true;
  }

  /** §8.6.3 Record configuration timeout values. */
  private recordConfigTimeoutValues(b: ConfigBpdu, t: number): void {
    this.maxAge = b.maxAge;
    this.helloTime = b.helloTime;
    this.fwdDelay = b.forwardDelay;
    this.setTopologyChange(b.topologyChange, t);
  }

  /** §8.6.4 Configuration BPDU generation: on every enabled designated port. */
  private configBpduGeneration(t: number): void {
    for (const p of this.port) if (p.state !== 'disabled' && this.isDesignated(p)) this.transmitConfig(p, t);
  }

  /** §8.6.6 Transmit TCN BPDU, on the root port. */
  private transmitTcn(): void {
    const p = this.port[this.rootPortIndex];
    if (p === undefined) return;
    this.out.push({ port: p.index, frame: bpduFrame({ kind: 'tcn' }, p.mac) });
    this.counters.tcnOut++;
    p.counters.tcnOut++;
  }

  /** §8.6.7 Configuration update. */
  private configurationUpdate(t: number): void {
    const before = { root: this.dRoot, port: this.rootPortIndex, cost: this.rootCost };
    this.rootSelection();
    for (const p of this.port) if (p.state !== 'disabled' && this.shouldBecomeDesignated(p)) this.becomeDesignatedPort(p);
    if (!sameId(before.root, this.dRoot) || before.port !== this.rootPortIndex || before.cost !== this.rootCost) {
      this.onEvent?.({ kind: 'root', cycle: t, rootId: this.dRoot, rootPort: this.rootPort, rootPathCost: this.rootCost });
    }
  }

  /** Whether `p` offers a better path to the root than `rp` (the current best, if any): §8.6.8. */
  private betterRootPort(p: PortData, rp: PortData | undefined): boolean {
    if (p.state === 'disabled' || this.isDesignated(p)) return false;
    if (compareBridgeIds(this.bridgeId, p.dRoot) <= 0) return false;
    if (rp === undefined) return true;
    const c = compareBridgeIds(p.dRoot, rp.dRoot);
    if (c !== 0) return c < 0;
    const pc = p.dCost + p.cost;
    const rc = rp.dCost + rp.cost;
    if (pc !== rc) return pc < rc;
    const b = compareBridgeIds(p.dBridge, rp.dBridge);
    if (b !== 0) return b < 0;
    if (p.dPort !== rp.dPort) return p.dPort < rp.dPort;
    return p.id < rp.id;
  }

  /** §8.6.8 Root selection. */
  private rootSelection(): void {
    let rp: PortData | undefined;
    for (const p of this.port) if (this.betterRootPort(p, rp)) rp = p;
    if (rp === undefined) {
      this.rootPortIndex = -1;
      this.dRoot = this.bridgeId;
      this.rootCost = 0;
    } else {
      this.rootPortIndex = rp.index;
      this.dRoot = rp.dRoot;
      this.rootCost = Math.min(0xffff_ffff, rp.dCost + rp.cost);
    }
  }

  /** §8.6.9 Designated port selection: whether this bridge should be designated on `p`'s LAN. */
  private shouldBecomeDesignated(p: PortData): boolean {
    if (this.isDesignated(p)) return true;
    if (!sameId(p.dRoot, this.dRoot)) return true;
    if (this.rootCost !== p.dCost) return this.rootCost < p.dCost;
    const b = compareBridgeIds(this.bridgeId, p.dBridge);
    if (b !== 0) return b < 0;
    return p.id < p.dPort;
  }

  /** §8.6.10 Become designated port. */
  private becomeDesignatedPort(p: PortData): void {
    p.dRoot = this.dRoot;
    p.dCost = this.rootCost;
    p.dBridge = this.bridgeId;
    p.dPort = p.id;
  }

  /** §8.6.11 Port state selection. */
  private portStateSelection(t: number): void {
    for (const p of this.port) {
      if (p.state === 'disabled') continue;
      if (p.index === this.rootPortIndex) {
        p.configPending = false;
        p.tca = false;
        this.makeForwarding(p, t);
      } else if (this.isDesignated(p)) {
        p.msgAgeTimer = OFF;
        this.dirty = true;
        this.makeForwarding(p, t);
      } else {
        p.configPending = false;
        p.tca = false;
        this.makeBlocking(p, t);
      }
    }
  }

  /** §8.6.12 Make forwarding: a Blocking port starts Listening. */
  private makeForwarding(p: PortData, t: number): void {
    if (p.state !== 'blocking') return;
    this.setState(p, 'listening', t);
    p.fwdDelayTimer = t + this.cycles(this.fwdDelay);
    this.dirty = true;
  }

  /** §8.6.13 Make blocking (a topology change if the port was Learning or Forwarding). */
  private makeBlocking(p: PortData, t: number): void {
    if (p.state === 'disabled' || p.state === 'blocking') return;
    if (p.state === 'forwarding' || p.state === 'learning') this.topologyChangeDetection(t);
    this.setState(p, 'blocking', t);
    p.fwdDelayTimer = OFF;
    this.dirty = true;
  }

  /** §8.6.14 Topology change detection. */
  private topologyChangeDetection(t: number): void {
    if (this.isRoot) {
      this.setTopologyChange(true, t);
      this.tcTimer = t + this.cycles(this.bridgeFwdDelay + this.bridgeMaxAge);
      this.dirty = true;
    } else if (!this.tcDetected) {
      this.transmitTcn();
      this.tcnTimer = t + this.cycles(this.bridgeHello);
      this.dirty = true;
    }
    this.tcDetected = true;
  }

  /** §8.6.15 Topology change acknowledged. */
  private topologyChangeAcknowledged(): void {
    this.tcDetected = false;
    this.tcnTimer = OFF;
    this.dirty = true;
  }

  /** Whether a received Configuration BPDU supersedes the port's information (§8.6.2.2). */
  private supersedes(p: PortData, b: ConfigBpdu): boolean {
    const r = compareBridgeIds(b.rootId, p.dRoot);
    if (r !== 0) return r < 0;
    if (b.rootPathCost !== p.dCost) return b.rootPathCost < p.dCost;
    const d = compareBridgeIds(b.bridgeId, p.dBridge);
    if (d !== 0) return d < 0;
    if (!sameId(b.bridgeId, this.bridgeId)) return true;
    return b.portId <= p.dPort;
  }

  private becomeRootBridge(t: number): void {
    this.maxAge = this.bridgeMaxAge;
    this.helloTime = this.bridgeHello;
    this.fwdDelay = this.bridgeFwdDelay;
    this.topologyChangeDetection(t);
    this.tcnTimer = OFF;
    this.dirty = true;
    this.configBpduGeneration(t);
    this.setHello(t + this.cycles(this.helloTime));
  }

  // ---------------------------------------------------------------- operation (802.1D-1998 §8.7)

  /** §8.7.1 Received Configuration BPDU. */
  private receivedConfig(p: PortData, b: ConfigBpdu, t: number): void {
    this.counters.bpdusIn++;
    p.counters.bpdusIn++;
    const wasRoot = this.isRoot;
    if (this.supersedes(p, b)) {
      this.recordConfigInformation(p, b, t);
      this.configurationUpdate(t);
      this.portStateSelection(t);
      if (!this.isRoot && wasRoot) {
        this.helloTimer = OFF;
        if (this.tcDetected) {
          this.tcTimer = OFF;
          this.transmitTcn();
          this.tcnTimer = t + this.cycles(this.bridgeHello);
        }
        this.dirty = true;
      }
      if (p.index === this.rootPortIndex) {
        this.recordConfigTimeoutValues(b, t);
        this.configBpduGeneration(t);
        if (b.topologyChangeAck) this.topologyChangeAcknowledged();
      }
    } else if (this.isDesignated(p)) {
      this.transmitConfig(p, t);
    }
  }

  /** §8.7.2 Received TCN BPDU: on a designated port, detect and acknowledge. */
  private receivedTcn(p: PortData, t: number): void {
    this.counters.tcnIn++;
    p.counters.tcnIn++;
    if (!this.isDesignated(p)) return;
    this.topologyChangeDetection(t);
    p.tca = true;
    this.transmitConfig(p, t);
  }

  /** §8.7.4 Message age timer expiry. */
  private messageAgeExpired(p: PortData, t: number): void {
    if (p.state === 'disabled') return;
    const wasRoot = this.isRoot;
    this.becomeDesignatedPort(p);
    this.configurationUpdate(t);
    this.portStateSelection(t);
    if (this.isRoot && !wasRoot) this.becomeRootBridge(t);
  }

  /** §8.7.5 Forward delay timer expiry. */
  private forwardDelayExpired(p: PortData, t: number): void {
    if (p.state === 'listening') {
      this.setState(p, 'learning', t);
      p.fwdDelayTimer = t + this.cycles(this.fwdDelay);
      this.dirty = true;
    } else if (p.state === 'learning') {
      this.setState(p, 'forwarding', t);
      if (this.port.some((q) => q.state !== 'disabled' && sameId(q.dBridge, this.bridgeId))) this.topologyChangeDetection(t);
    }
  }
}
