import { show } from '../bits/show.js';
import { SimError } from '../sim/kernel.js';
import { BROADCAST, isGroup, isMac, type Mac } from '../link/frame.js';
import { DEFAULT_AGEING_CYCLES, Fdb, type StaticEntryOptions } from './fdb.js';

/**
 * Which bridge the forwarding decision imitates.
 * - `ieee`: IEEE 802.1D / 802.1Q. The reserved addresses 01-80-C2-00-00-00..0F are never
 *   forwarded; the bridge group address reaches STP (as `local`) when STP runs; static entries are
 *   never overridden by learning.
 * - `linux`: the Linux bridge exactly (net/bridge): the bridge group address is flooded when STP is
 *   off and goes to STP when it is on; 01-80-C2-00-00-01 (MAC Control/PAUSE) is always dropped; the
 *   other reserved addresses are forwarded only when their bit is set in `groupFwdMask`; frames to
 *   reserved addresses that are not forwarded still teach their source (in every port state but
 *   disabled); non-sticky static entries move on a station move.
 * @spec IEEE 802.1Q-2022 §8.6; IEEE 802.1D-2004 §7.12.3; net/bridge/br_input.c (br_handle_frame)
 * @category Layer 2
 */
export type ForwardingProfile = 'ieee' | 'linux';

/**
 * STP port state. Frames are received for relay only in `forwarding` and `learning` (the latter only
 * learns), and sent only in `forwarding`.
 * @spec IEEE 802.1D-2004 §7.4 (port states), §17.5; IEEE 802.1Q-2022 §8.4
 * @category Layer 2
 */
export type PortState = 'disabled' | 'blocking' | 'listening' | 'learning' | 'forwarding';

/**
 * Why the forwarding decision dropped a frame (each reason has a counter in
 * {@link ForwardingCounters.drops}).
 * - `group-source`: the source address is a group address.
 * - `zero-source`: the source address is 00-00-00-00-00-00.
 * - `reserved-address`: the destination is a reserved address the profile does not forward.
 * - `port-state`: the ingress port is not forwarding (a `learning` port learns first).
 * - `vlan-ingress`: the frame's VLAN is not one the ingress port is a member of (an untagged
 *   frame on a port without PVID, a tagged frame of another VLAN, or VID 4095).
 * - `filtered-same-port`: the destination lives behind the ingress port (no hairpin).
 * - `no-egress`: no port may send the frame (a flood with every other port excluded, or a known
 *   destination behind a port that is not forwarding or not in the VLAN).
 * @spec IEEE 802.1Q-2022 §8.6.1-§8.6.4; net/bridge/br_input.c, br_forward.c; iovsim design (every drop has a reason)
 * @category Layer 2
 */
export type ForwardingDropReason = 'group-source' | 'zero-source' | 'reserved-address' | 'port-state' | 'vlan-ingress' | 'filtered-same-port' | 'no-egress';

/** Every drop reason, in a fixed order. @spec iovsim design (every drop has a reason) @category Layer 2 */
export const FORWARDING_DROP_REASONS: readonly ForwardingDropReason[] = ['group-source', 'zero-source', 'reserved-address', 'port-state', 'vlan-ingress', 'filtered-same-port', 'no-egress'];

/**
 * The bridge group address 01-80-C2-00-00-00, the destination of BPDUs; the first of the 16
 * reserved addresses 01-80-C2-00-00-00..0F.
 * @spec IEEE 802.1Q-2022 §8.6.3 (Table 8-1, reserved addresses); IEEE 802.1D-2004 §7.12.3
 * @category Layer 2
 */
export const BRIDGE_GROUP_ADDRESS = 0x0180_c200_0000 as Mac;

/**
 * Whether `mac` is one of the reserved addresses 01-80-C2-00-00-00..0F that an IEEE bridge never
 * forwards.
 * @spec IEEE 802.1Q-2022 §8.6.3 (Table 8-1)
 * @example
 * ```ts
 * isReservedAddress(parseMac('01:80:c2:00:00:0e')); // true (LLDP)
 * isReservedAddress(parseMac('01:80:c2:00:00:10')); // false
 * ```
 * @category Layer 2
 */
export function isReservedAddress(mac: Mac): boolean {
  return mac >= BRIDGE_GROUP_ADDRESS && mac <= BRIDGE_GROUP_ADDRESS + 0x0f;
}

/**
 * `groupFwdMask` bits the Linux bridge refuses (EINVAL): 0 (bridge group address), 1 (PAUSE) and
 * 2 (slow protocols/LACP).
 * @spec net/bridge/br_private.h (BR_GROUPFWD_RESTRICTED); observed with the Linux-bridge oracle
 * @category Layer 2
 */
export const GROUP_FWD_RESTRICTED = 0x0007;

/**
 * Options of a {@link ForwardingCore}.
 * @spec IEEE 802.1Q-2022 §8.6, §8.8.3; net/bridge/br_netlink.c (bridge options: ageing_time, group_fwd_mask, stp_state, vlan_filtering)
 * @category Layer 2
 */
export interface ForwardingOptions {
  /** Which bridge to imitate. @defaultValue 'ieee' */
  readonly profile?: ForwardingProfile;
  /** Ageing time of learned entries in cycles; 0 disables learning. @defaultValue DEFAULT_AGEING_CYCLES (300 s at 8 ns) */
  readonly ageingCycles?: number;
  /** Most learned entries at once; learns beyond are refused and counted. @defaultValue unlimited */
  readonly fdbLimit?: number;
  /**
   * `linux` only: reserved addresses 01-80-C2-00-00-0X whose bit X is set are forwarded like
   * multicast. 16 bits; bits 0–2 are refused, as Linux refuses them.
   * @defaultValue 0
   */
  readonly groupFwdMask?: number;
  /** Whether STP runs: BPDUs (to the bridge group address) are then handed over as `local`. @defaultValue false */
  readonly stp?: boolean;
  /**
   * 802.1Q VLAN bridge: PVID, member and untagged sets per port, filtering database keyed by
   * (VLAN, MAC). When false the bridge is VLAN-transparent: one filtering database (VID 0), tags
   * carried unchanged. @defaultValue false
   */
  readonly vlanFiltering?: boolean;
  /** The bridge's own (individual) addresses: frames to them are `local`. @defaultValue none */
  readonly localMacs?: readonly Mac[];
}

/**
 * Options of {@link ForwardingCore.addStatic}: those of {@link Fdb.addStatic} plus the VLAN.
 * @spec IEEE 802.1Q-2022 §8.8.1
 * @category Layer 2
 */
export interface StaticEntrySettings extends StaticEntryOptions {
  /** VLAN of the entry. @defaultValue 0 without VLAN filtering; the port's PVID with it */
  readonly vid?: number;
}

/**
 * Configuration of one port, as {@link ForwardingCore.port} reports it.
 * @spec IEEE 802.1Q-2022 §8.6.2 (PVID, member set), §8.6.4 (untagged set); net/bridge/br_private.h (BR_LEARNING, BR_FLOOD, BR_MCAST_FLOOD, BR_BCAST_FLOOD, BR_HAIRPIN_MODE)
 * @category Layer 2
 */
export interface PortConfig {
  /** Learn source addresses of frames received here. @defaultValue true */
  readonly learning: boolean;
  /** Receive floods of unknown unicast. @defaultValue true */
  readonly unicastFlood: boolean;
  /** Receive floods of multicast (group addresses other than broadcast). @defaultValue true */
  readonly multicastFlood: boolean;
  /** Receive broadcasts. @defaultValue true */
  readonly broadcastFlood: boolean;
  /** Frames received here may be sent back out of this port (reflective relay). @defaultValue false */
  readonly hairpin: boolean;
  /** STP port state. @defaultValue 'forwarding' */
  readonly state: PortState;
  /** Port VLAN ID given to untagged and priority-tagged frames; 0: none (they are dropped). @defaultValue 1 */
  readonly pvid: number;
  /** VLANs the port is a member of (1..4094). @defaultValue {1} */
  readonly vlans: ReadonlySet<number>;
  /** Member VLANs whose frames leave this port untagged. @defaultValue {1} */
  readonly untagged: ReadonlySet<number>;
}

/**
 * Changes to a port's configuration: any subset of {@link PortConfig}; VLAN sets as any iterable.
 * @spec IEEE 802.1Q-2022 §8.6.2, §8.6.4
 * @category Layer 2
 */
export interface PortSettings {
  /** See {@link PortConfig.learning}. */
  readonly learning?: boolean;
  /** See {@link PortConfig.unicastFlood}. */
  readonly unicastFlood?: boolean;
  /** See {@link PortConfig.multicastFlood}. */
  readonly multicastFlood?: boolean;
  /** See {@link PortConfig.broadcastFlood}. */
  readonly broadcastFlood?: boolean;
  /** See {@link PortConfig.hairpin}. */
  readonly hairpin?: boolean;
  /** See {@link PortConfig.state}. */
  readonly state?: PortState;
  /** See {@link PortConfig.pvid}; must be 0 or a member VLAN. */
  readonly pvid?: number;
  /** See {@link PortConfig.vlans}. */
  readonly vlans?: Iterable<number>;
  /** See {@link PortConfig.untagged}; must be a subset of the member VLANs. */
  readonly untagged?: Iterable<number>;
}

/**
 * The header fields the forwarding decision reads (a link-layer `Frame` is one).
 * @spec IEEE 802.3-2022 §3.2 (addresses); IEEE 802.1Q-2022 §9.6 (tag)
 * @category Layer 2
 */
export interface ForwardingFrame {
  /** Destination address. */
  readonly dst: Mac;
  /** Source address. */
  readonly src: Mac;
  /** 802.1Q tag, if the frame carries one (VID 0: priority tag). */
  readonly vlan?: {
    /** VLAN ID of the tag, 0..4095. */
    readonly vid: number;
  };
}

/**
 * The frame goes out of `ports`.
 * @spec IEEE 802.1Q-2022 §8.6.3, §8.6.4
 * @category Layer 2
 */
export interface ForwardDecision {
  /** Discriminant. */
  readonly kind: 'forward';
  /**
   * VLAN the frame was classified into: the key of the filtering database, and the VID of the
   * tag on tagged egress. 0 when VLAN filtering is off.
   */
  readonly vid: number;
  /** Egress ports, ascending, each once. */
  readonly ports: readonly number[];
  /**
   * Per egress port (same index as `ports`): true → send without a VLAN tag. With VLAN filtering,
   * false means send tagged with `vid`; without it the bridge is VLAN-transparent: true exactly
   * when the frame arrived untagged, and a tagged frame keeps its own tag.
   */
  readonly untagged: readonly boolean[];
  /** Whether this is a flood (unknown unicast, multicast or broadcast) rather than a lookup hit. */
  readonly flood: boolean;
}

/**
 * The frame is for the bridge itself and reaches no port.
 * - `bpdu`: to the bridge group address while STP runs (for the STP entity).
 * - `own-address`: to one of the bridge's own addresses (for the host stack).
 * @spec IEEE 802.1D-2004 §7.12.3; net/bridge/br_input.c (br_pass_frame_up, link-local to STP)
 * @category Layer 2
 */
export interface LocalDecision {
  /** Discriminant. */
  readonly kind: 'local';
  /** Why the frame is the bridge's own. */
  readonly reason: 'bpdu' | 'own-address';
  /** VLAN of the frame (0 for BPDUs, taken before VLAN classification, and without VLAN filtering). */
  readonly vid: number;
}

/**
 * The frame is dropped.
 * @spec IEEE 802.1Q-2022 §8.6
 * @category Layer 2
 */
export interface DropDecision {
  /** Discriminant. */
  readonly kind: 'drop';
  /** Why. */
  readonly reason: ForwardingDropReason;
}

/**
 * The outcome of {@link ForwardingCore.decide}.
 * @spec IEEE 802.1Q-2022 §8.6
 * @category Layer 2
 */
export type ForwardingDecision = ForwardDecision | LocalDecision | DropDecision;

/**
 * Counters of the forwarding decision. Every decision increments exactly one of `forwarded`,
 * `flooded`, `local`, `dropped`.
 * @spec iovsim design (every frame is delivered or counted as dropped with a reason)
 * @category Layer 2
 */
export interface ForwardingCounters {
  /** Frames sent to the one port their destination was learned on. */
  forwarded: number;
  /** Frames flooded (unknown unicast, multicast, broadcast). */
  flooded: number;
  /** Frames for the bridge itself. */
  local: number;
  /** Frames dropped (the sum of `drops`). */
  dropped: number;
  /** Drops by reason. */
  readonly drops: Record<ForwardingDropReason, number>;
}

type FloodKind = 'unicast' | 'multicast' | 'broadcast';

const STATES: readonly PortState[] = ['disabled', 'blocking', 'listening', 'learning', 'forwarding'];
const MAX_PORTS = 4096;

function checkGroupFwdMask(mask: number): number {
  if (!Number.isInteger(mask) || mask < 0 || mask > 0xffff) throw new SimError('sim.bad-option', `group_fwd_mask ${show(mask)} is not a 16-bit value`);
  if ((mask & GROUP_FWD_RESTRICTED) !== 0) throw new SimError('sim.bad-option', `group_fwd_mask 0x${mask.toString(16)} sets bits 0-2, which Linux refuses (bridge group address, PAUSE, LACP)`);
  return mask;
}

function checkUnicast(what: string, mac: Mac): void {
  if (!isMac(mac) || mac === 0 || isGroup(mac)) throw new SimError('sim.bad-option', `${show(what)} ${show(mac)} is not an individual, non-zero MAC address`);
}

/**
 * The forwarding process shared by the bridge, the N-port switch and the SR-IOV NIC's embedded
 * switch: given the ingress port and a frame's addresses, it learns the source and decides the
 * egress ports, following one of two profiles ({@link ForwardingProfile}). It holds the filtering
 * database ({@link Fdb}), the per-port configuration (flags, STP state, VLANs) and counters; it
 * has no clock and moves no bytes: callers pass the cycle `now` and carry the frame.
 *
 * Order of the decision: a group or all-zero source is dropped; the reserved-address rules of the
 * profile apply (BPDUs go to `local` while STP runs); a port that is not learning or forwarding
 * drops; VLAN classification and ingress filtering; the source is learned; a `learning` port drops
 * here; group destinations flood; the bridge's own addresses are `local`; a known unicast goes to
 * its port (filtered when that is the ingress port, unless hairpin), an unknown one floods. Floods
 * reach every forwarding member port of the VLAN whose flood flag for that kind of frame is on,
 * except the ingress port unless hairpin.
 *
 * @spec IEEE 802.1Q-2022 §8.6 (forwarding process: §8.6.1 active topology enforcement, §8.6.2 ingress, §8.6.3 frame filtering, §8.6.4 egress), §8.7 (learning)
 * @spec IEEE 802.1D-2004 §7.5, §7.7, §7.12.3 (reserved addresses)
 * @spec net/bridge/br_input.c (br_handle_frame, br_handle_frame_finish), net/bridge/br_forward.c (should_deliver, br_flood), net/bridge/br_vlan.c (br_allowed_ingress)
 * @example
 * ```ts
 * const core = new ForwardingCore(4, { profile: 'linux' });
 * const a = parseMac('02:00:00:00:00:0a'), b = parseMac('02:00:00:00:00:0b');
 * core.decide(0, { src: a, dst: b }, 0); // { kind: 'forward', ports: [1, 2, 3], flood: true, ... }
 * core.decide(1, { src: b, dst: a }, 1); // { kind: 'forward', ports: [0], flood: false, ... }
 * ```
 * @category Layer 2
 */
export class ForwardingCore {
  /** Number of ports, 0..portCount − 1. */
  readonly portCount: number;
  /** The profile. */
  readonly profile: ForwardingProfile;
  /** Whether the bridge is an 802.1Q VLAN bridge. */
  readonly vlanFiltering: boolean;
  /** The filtering database (inspect it, add static entries, flush a port). */
  readonly fdb: Fdb;
  /** Decision counters. */
  readonly counters: ForwardingCounters;
  private readonly linux: boolean;
  private stpOn: boolean;
  private mask: number;
  private readonly locals = new Set<number>();
  private readonly learnOn: boolean[];
  private readonly ucFlood: boolean[];
  private readonly mcFlood: boolean[];
  private readonly bcFlood: boolean[];
  private readonly hairpin: boolean[];
  private readonly states: PortState[];
  private readonly pvids: number[];
  private readonly members: Set<number>[];
  private readonly untaggedSets: Set<number>[];

  /**
   * @param ports - number of ports, 1..4096.
   * @throws {SimError} `sim.bad-option` for a bad port count, ageing time, limit, profile,
   * `groupFwdMask` (not 16 bits, bits 0–2 set, or set with the `ieee` profile) or local address.
   */
  constructor(ports: number, options: ForwardingOptions = {}) {
    if (!Number.isInteger(ports) || ports < 1 || ports > MAX_PORTS) throw new SimError('sim.bad-option', `${show(ports)} ports (1..${MAX_PORTS})`);
    const profile = options.profile ?? 'ieee';
    if (profile !== 'ieee' && profile !== 'linux') throw new SimError('sim.bad-option', `profile '${show(profile)}' (ieee or linux)`);
    this.portCount = ports;
    this.profile = profile;
    this.linux = profile === 'linux';
    this.vlanFiltering = options.vlanFiltering === true;
    this.stpOn = options.stp === true;
    this.mask = 0;
    this.groupFwdMask = options.groupFwdMask ?? 0;
    this.fdb = new Fdb({ ageingCycles: options.ageingCycles ?? DEFAULT_AGEING_CYCLES, ...(options.fdbLimit === undefined ? {} : { limit: options.fdbLimit }), staticRoams: this.linux });
    for (const mac of options.localMacs ?? []) this.addLocal(mac);
    const fill = <T>(v: T): T[] => new Array<T>(ports).fill(v);
    this.learnOn = fill(true);
    this.ucFlood = fill(true);
    this.mcFlood = fill(true);
    this.bcFlood = fill(true);
    this.hairpin = fill(false);
    this.states = fill<PortState>('forwarding');
    this.pvids = fill(1);
    this.members = Array.from({ length: ports }, () => new Set([1]));
    this.untaggedSets = Array.from({ length: ports }, () => new Set([1]));
    const drops = Object.fromEntries(FORWARDING_DROP_REASONS.map((r) => [r, 0])) as Record<ForwardingDropReason, number>;
    this.counters = { forwarded: 0, flooded: 0, local: 0, dropped: 0, drops };
  }

  /** Whether STP runs (BPDUs are then `local`; in `linux` they are flooded otherwise). */
  get stp(): boolean {
    return this.stpOn;
  }

  /** Turns STP on or off. */
  set stp(on: boolean) {
    this.stpOn = on;
  }

  /**
   * The `linux` group_fwd_mask (see {@link ForwardingOptions.groupFwdMask}).
   * @throws {SimError} `sim.bad-option` when set to a value that is not 16 bits, has bits 0–2, or is
   * non-zero in the `ieee` profile.
   */
  get groupFwdMask(): number {
    return this.mask;
  }

  /** Sets the mask (checked as described on the getter). */
  set groupFwdMask(mask: number) {
    checkGroupFwdMask(mask);
    if (!this.linux && mask !== 0) throw new SimError('sim.bad-option', 'groupFwdMask is a linux-profile option: an IEEE bridge never forwards reserved addresses');
    this.mask = mask;
  }

  /**
   * The ageing time of learned entries in cycles (0: learning off). Setting it applies at the
   * latest cycle seen (see {@link Fdb.ageingCycles}); prefer {@link ForwardingCore.setAgeing}.
   * @throws {SimError} `sim.bad-option` when set to a negative or non-integer value.
   */
  get ageingCycles(): number {
    return this.fdb.ageingCycles;
  }

  /** Sets the ageing time at the latest cycle seen. */
  set ageingCycles(cycles: number) {
    this.fdb.ageingCycles = cycles;
  }

  /**
   * Changes the ageing time at cycle `now` (see {@link Fdb.setAgeing}); STP sets the shortened
   * topology-change value and restores the normal one with it.
   * @throws {SimError} `sim.bad-option`, `sim.bad-time` as {@link Fdb.setAgeing}.
   */
  setAgeing(cycles: number, now: number): void {
    this.fdb.setAgeing(cycles, now);
  }

  /**
   * Adds one of the bridge's own addresses: frames to it become `local`, and it is never learned as
   * a source (the Linux bridge warns and keeps its own entry).
   * @throws {SimError} `sim.bad-option` for a group or zero address.
   */
  addLocal(mac: Mac): void {
    checkUnicast('local address', mac);
    this.locals.add(mac);
  }

  /** Whether `mac` is one of the bridge's own addresses. */
  isLocal(mac: Mac): boolean {
    return this.locals.has(mac);
  }

  /**
   * Adds a static filtering entry (see {@link Fdb.addStatic}).
   * @param options - `sticky` (never moves), `vid`, `now`: see {@link StaticEntrySettings}.
   * @throws {SimError} `sim.bad-port` for a port out of range, `sim.bad-option` for a group or zero
   * address, `sim.bad-vlan` for a VID outside 1..4094 (or non-zero without VLAN filtering).
   */
  addStatic(mac: Mac, port: number, options: StaticEntrySettings = {}): void {
    this.checkPort(port);
    checkUnicast('static entry address', mac);
    const vid = options.vid ?? (this.vlanFiltering ? this.pvids[port]! : 0);
    if (this.vlanFiltering ? !Number.isInteger(vid) || vid < 1 || vid > 4094 : vid !== 0) {
      throw new SimError('sim.bad-vlan', `static entry VID ${show(vid)}: ${this.vlanFiltering ? 'must be 1..4094' : 'VLAN filtering is off, entries live in VID 0'}`);
    }
    this.fdb.addStatic(vid, mac, port, { sticky: options.sticky === true, ...(options.now === undefined ? {} : { now: options.now }) });
  }

  /**
   * The configuration of port `i` (a snapshot).
   * @throws {SimError} `sim.bad-port` for a port out of range.
   */
  port(i: number): PortConfig {
    this.checkPort(i);
    return {
      learning: this.learnOn[i]!,
      unicastFlood: this.ucFlood[i]!,
      multicastFlood: this.mcFlood[i]!,
      broadcastFlood: this.bcFlood[i]!,
      hairpin: this.hairpin[i]!,
      state: this.states[i]!,
      pvid: this.pvids[i]!,
      vlans: new Set(this.members[i]),
      untagged: new Set(this.untaggedSets[i]),
    };
  }

  /**
   * Port `i`'s STP state (cheaper than {@link ForwardingCore.port}, which copies the VLAN sets).
   * @throws {SimError} `sim.bad-port` for a port out of range.
   */
  portState(i: number): PortState {
    this.checkPort(i);
    return this.states[i]!;
  }

  /**
   * Changes port `i`'s configuration; settings not given keep their value. The change is checked
   * as a whole and applied only if valid.
   * @throws {SimError} `sim.bad-port` for a port out of range, `sim.bad-option` for an unknown
   * state, `sim.bad-vlan` for a VID outside 1..4094, a PVID that is not a member VLAN (or 0), or an
   * untagged VLAN that is not a member.
   */
  configurePort(i: number, settings: PortSettings): void {
    this.checkPort(i);
    if (settings.state !== undefined && !STATES.includes(settings.state)) throw new SimError('sim.bad-option', `port ${show(i)}: state '${show(settings.state)}' (${STATES.join(', ')})`);
    const vlans = settings.vlans === undefined ? this.members[i]! : new Set(settings.vlans);
    const untagged = settings.untagged === undefined ? this.untaggedSets[i]! : new Set(settings.untagged);
    const pvid = settings.pvid ?? this.pvids[i]!;
    for (const v of vlans) if (!Number.isInteger(v) || v < 1 || v > 4094) throw new SimError('sim.bad-vlan', `port ${show(i)}: VLAN ${show(v)} is not in 1..4094`);
    if (pvid !== 0 && !vlans.has(pvid)) throw new SimError('sim.bad-vlan', `port ${show(i)}: PVID ${show(pvid)} is not a member VLAN`);
    for (const v of untagged) if (!vlans.has(v)) throw new SimError('sim.bad-vlan', `port ${show(i)}: untagged VLAN ${show(v)} is not a member VLAN`);
    if (settings.learning !== undefined) this.learnOn[i] = settings.learning;
    if (settings.unicastFlood !== undefined) this.ucFlood[i] = settings.unicastFlood;
    if (settings.multicastFlood !== undefined) this.mcFlood[i] = settings.multicastFlood;
    if (settings.broadcastFlood !== undefined) this.bcFlood[i] = settings.broadcastFlood;
    if (settings.hairpin !== undefined) this.hairpin[i] = settings.hairpin;
    if (settings.state !== undefined) this.states[i] = settings.state;
    this.pvids[i] = pvid;
    this.members[i] = new Set(vlans);
    this.untaggedSets[i] = new Set(untagged);
  }

  /**
   * Sets port `i`'s STP state (shorthand for `configurePort(i, { state })`). Flushing the port's
   * learned entries when it leaves the active topology is the caller's (STP's) choice:
   * `fdb.flush(i)`.
   * @throws {SimError} `sim.bad-port`, `sim.bad-option` as {@link ForwardingCore.configurePort}.
   */
  setPortState(i: number, state: PortState): void {
    this.configurePort(i, { state });
  }

  /**
   * Decides what happens to `frame`, received on port `ingress` at cycle `now`: learns its source
   * where the rules allow and returns the egress ports, `local`, or a drop with its reason. Every
   * call counts in exactly one counter.
   * @throws {SimError} `sim.bad-port` for an ingress port out of range, `sim.bad-vlan` for a tag
   * whose VID is not an integer 0..4095, `sim.bad-time` when `now` goes backwards.
   */
  decide(ingress: number, frame: ForwardingFrame, now: number): ForwardingDecision {
    this.checkPort(ingress);
    const { src, dst } = frame;
    const tagVid = frame.vlan?.vid;
    if (tagVid !== undefined && (!Number.isInteger(tagVid) || tagVid < 0 || tagVid > 4095)) throw new SimError('sim.bad-vlan', `frame tag VID ${show(tagVid)} is not in 0..4095`);
    if (isGroup(src)) return this.drop('group-source');
    if (src === 0) return this.drop('zero-source');
    const state = this.states[ingress]!;
    const reserved = isReservedAddress(dst);
    if (reserved) {
      const low = dst - BRIDGE_GROUP_ADDRESS;
      if (this.linux) {
        // br_handle_frame: PAUSE is always dropped; the group address is forwarded iff STP is off;
        // the others iff their group_fwd_mask bit is set. What is not forwarded goes up locally,
        // its source learned in every state but disabled.
        if (low === 1) return this.drop('reserved-address');
        const forward = low === 0 ? !this.stpOn : ((this.mask >>> low) & 1) === 1;
        if (!forward) {
          if (state !== 'disabled' && this.learnOn[ingress]!) {
            const vid = this.classify(ingress, tagVid);
            if (vid >= 0) this.learn(vid, src, ingress, now);
          }
          if (low !== 0) return this.drop('reserved-address');
          return state === 'disabled' ? this.drop('port-state') : this.local('bpdu', 0);
        }
      } else if (low === 0 && this.stpOn && state !== 'disabled') {
        return this.local('bpdu', 0);
      }
    }
    if (state !== 'forwarding' && state !== 'learning') return this.drop('port-state');
    const vid = this.classify(ingress, tagVid);
    if (vid < 0) return this.drop('vlan-ingress');
    if (this.learnOn[ingress]!) this.learn(vid, src, ingress, now);
    if (reserved && !this.linux) return this.drop('reserved-address');
    if (state === 'learning') return this.drop('port-state');
    const arrivedUntagged = tagVid === undefined;
    if (isGroup(dst)) return this.flood(ingress, vid, dst === BROADCAST ? 'broadcast' : 'multicast', arrivedUntagged);
    if (this.locals.has(dst)) return this.local('own-address', vid);
    const port = this.fdb.lookup(vid, dst, now);
    if (port === undefined) return this.flood(ingress, vid, 'unicast', arrivedUntagged);
    if (port === ingress && !this.hairpin[ingress]!) return this.drop('filtered-same-port');
    if (port >= this.portCount || this.states[port] !== 'forwarding' || (this.vlanFiltering && !this.members[port]!.has(vid))) return this.drop('no-egress');
    this.counters.forwarded++;
    return { kind: 'forward', vid, ports: [port], untagged: [this.egressUntagged(port, vid, arrivedUntagged)], flood: false };
  }

  /** VLAN of a frame on `ingress` (0 without VLAN filtering), or −1 when ingress filtering drops it. */
  private classify(ingress: number, tagVid: number | undefined): number {
    if (!this.vlanFiltering) return 0;
    if (tagVid === undefined || tagVid === 0) {
      const pvid = this.pvids[ingress]!;
      return pvid === 0 ? -1 : pvid;
    }
    return this.members[ingress]!.has(tagVid) ? tagVid : -1;
  }

  private learn(vid: number, src: Mac, port: number, now: number): void {
    if (!this.locals.has(src)) this.fdb.learn(vid, src, port, now);
  }

  private egressUntagged(port: number, vid: number, arrivedUntagged: boolean): boolean {
    return this.vlanFiltering ? this.untaggedSets[port]!.has(vid) : arrivedUntagged;
  }

  private flood(ingress: number, vid: number, kind: FloodKind, arrivedUntagged: boolean): ForwardingDecision {
    const flag = kind === 'unicast' ? this.ucFlood : kind === 'multicast' ? this.mcFlood : this.bcFlood;
    const ports: number[] = [];
    const untagged: boolean[] = [];
    for (let p = 0; p < this.portCount; p++) {
      if ((p === ingress && !this.hairpin[p]!) || !flag[p]! || this.states[p] !== 'forwarding') continue;
      if (this.vlanFiltering && !this.members[p]!.has(vid)) continue;
      ports.push(p);
      untagged.push(this.egressUntagged(p, vid, arrivedUntagged));
    }
    if (ports.length === 0) return this.drop('no-egress');
    this.counters.flooded++;
    return { kind: 'forward', vid, ports, untagged, flood: true };
  }

  private local(reason: LocalDecision['reason'], vid: number): LocalDecision {
    this.counters.local++;
    return { kind: 'local', reason, vid };
  }

  private drop(reason: ForwardingDropReason): DropDecision {
    this.counters.dropped++;
    this.counters.drops[reason]++;
    return { kind: 'drop', reason };
  }

  private checkPort(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.portCount) throw new SimError('sim.bad-port', `port ${show(i)} is not in 0..${this.portCount - 1}`);
  }
}
