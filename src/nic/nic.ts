import { show } from '../bits/show.js';
import { poke, type Clocked } from '../sim/kernel.js';
import { BurstHost } from '../devices/burst-host.js';
import { ForwardingCore, type ForwardingDropReason, FORWARDING_DROP_REASONS, isReservedAddress } from '../devices/forwarding.js';
import { Host, type HostOptions, type StationBase } from '../devices/host.js';
import { asMac, FRAME, isGroup, isMac, writeFcs, type Mac } from '../link/frame.js';
import { DEFAULT_TIMING, type LinkTiming, type RateMbps } from '../link/timing.js';
import { NicError } from './errors.js';
import { NicPcie, type FlushReason, type QueueFlushEvent } from './pcie.js';
import type { SwitchMode, VfLinkState } from './pf-block.js';
import { QUEUE_BLOCK, QUEUE_CTRL, QUEUE_INT, type QueueBlock } from './queue-block.js';

// ------------------------------------------------------------------------------------------------
// Frames inside the NIC
// ------------------------------------------------------------------------------------------------

/**
 * Largest frame the NIC moves, in bytes without FCS: 1514 untagged, 1518 with an 802.1Q tag (the
 * 802.3 maximum of 1518/1522 less the FCS); no jumbo frames.
 * @spec IEEE 802.3-2022 §3.2.7 (maxUntaggedFrameSize); IEEE 802.1Q-2022 §9.6 (the tag's 4 bytes)
 * @category NIC
 */
export const NIC_MAX_FRAME = {
  /** Without a tag: 1514 bytes. */
  untagged: FRAME.max - FRAME.fcs,
  /** With an 802.1Q tag: 1518 bytes. */
  tagged: FRAME.maxTagged - FRAME.fcs,
} as const;

/**
 * The addresses and tag of a frame as the NIC holds it (destination address to the end of the
 * payload, without FCS).
 * @spec IEEE 802.3-2022 §3.2 (MAC frame format); IEEE 802.1Q-2022 §9.6 (tag)
 * @category NIC
 */
export interface NicFrameHeader {
  /** Destination address. */
  readonly dst: Mac;
  /** Source address. */
  readonly src: Mac;
  /** The 802.1Q tag, when the frame carries one. */
  readonly vlan?: {
    /** Priority Code Point. */
    readonly pcp: number;
    /** Drop Eligible Indicator. */
    readonly dei: boolean;
    /** VLAN ID (0: priority tag only). */
    readonly vid: number;
  };
}

const macAt = (b: Uint8Array, at: number): Mac => {
  let v = 0;
  for (let i = 0; i < 6; i++) v = v * 256 + b[at + i]!;
  return v as Mac;
};

/**
 * Reads the header of a frame held without FCS (as the queue blocks hold frames). Undefined when
 * the bytes are too short for a header (14 bytes, 18 with a tag).
 * @spec IEEE 802.3-2022 §3.2; IEEE 802.1Q-2022 §9.6 (TPID 0x8100)
 * @example
 * ```ts
 * nicFrameHeader(bytes)?.dst; // the destination address
 * ```
 * @category NIC
 */
export function nicFrameHeader(b: Uint8Array): NicFrameHeader | undefined {
  if (b.length < FRAME.header) return undefined;
  const tagged = b[12] === 0x81 && b[13] === 0x00;
  if (!tagged) return { dst: macAt(b, 0), src: macAt(b, 6) };
  if (b.length < FRAME.header + FRAME.tag) return undefined;
  const tci = (b[14]! << 8) | b[15]!;
  return { dst: macAt(b, 0), src: macAt(b, 6), vlan: { pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0xfff } };
}

/** The frame with its tag removed (`vid` undefined) or set to `vid` with priority `pcp`; the same array when nothing changes. */
function retag(b: Uint8Array, h: NicFrameHeader, vid: number | undefined, pcp: number): Uint8Array {
  const body = b.subarray(h.vlan === undefined ? 12 : 16);
  if (vid === undefined) {
    if (h.vlan === undefined) return b;
    const out = new Uint8Array(12 + body.length);
    out.set(b.subarray(0, 12));
    out.set(body, 12);
    return out;
  }
  if (h.vlan !== undefined && h.vlan.vid === vid) return b;
  const tci = ((h.vlan?.pcp ?? pcp) << 13) | (h.vlan?.dei === true ? 0x1000 : 0) | vid;
  const out = new Uint8Array(16 + body.length);
  out.set(b.subarray(0, 12));
  out.set([0x81, 0x00, tci >>> 8, tci & 0xff], 12);
  out.set(body, 16);
  return out;
}

/**
 * The bytes an uplink sends for a frame held without FCS: zero padding up to 60 bytes, then the
 * CRC-32 FCS (what a NIC does with padding and CRC insertion enabled).
 * @spec IEEE 802.3-2022 §3.2.8 (pad), §3.2.9 (FCS)
 * @internal
 */
export function nicToWire(b: Uint8Array): Uint8Array {
  const body = Math.max(b.length, FRAME.min - FRAME.fcs);
  const out = new Uint8Array(body + FRAME.fcs);
  out.set(b);
  writeFcs(out, body);
  return out;
}

// ------------------------------------------------------------------------------------------------
// Options, counters, events
// ------------------------------------------------------------------------------------------------

/**
 * The NIC's host interface (its DMA engines and internal pipeline), the path between a function's
 * queue block and the embedded switch. There is one engine per direction, shared by every
 * function, as the one PCIe link is: it moves one frame at a time, taking
 * `frameCycles + ⌈bytes / bytesPerCycle⌉` cycles, and the frame then needs `latency` more cycles
 * to reach the switch (transmit) or the function's RX ring (receive).
 *
 * @remarks The defaults, at the 8 ns cycle of `DEFAULT_TIMING`: 8 bytes per cycle is 1 GB/s per
 * direction, the order of the usable bandwidth of a PCIe Gen2 x4 link (the 82576's); 8 cycles (64 ns)
 * per frame stands for descriptor handling; 64 cycles (512 ns) of latency is the order of a PCIe
 * transaction's round trip plus the NIC's pipeline. A 64-byte frame then takes 16 cycles of
 * engine time (about 7.8 million frames per second per direction) and 0.64 µs from queue to switch.
 * @spec iovsim design (NIC data-path timing; parameters, not a datasheet)
 * @category NIC
 */
export interface NicDmaOptions {
  /** Bytes moved per cycle by each engine. @defaultValue 8 */
  readonly bytesPerCycle?: number;
  /** Fixed engine cycles per frame. @defaultValue 8 */
  readonly frameCycles?: number;
  /** Cycles from the end of the transfer to the switch (or to the RX ring). @defaultValue 64 */
  readonly latency?: number;
  /** Frame copies that may wait for the receive engine; a copy beyond is dropped (`rx-buffer-full`). @defaultValue 1024 */
  readonly rxQueueLimit?: number;
}

/**
 * Options of a {@link Nic}.
 * @category NIC
 */
export interface NicOptions {
  /** TotalVFs of the PCIe side; with the uplinks and the PF, at most 4096 switch ports. @defaultValue 64 */
  readonly totalVfs?: number;
  /** External Ethernet ports, 1..8. @defaultValue 1 */
  readonly uplinks?: number;
  /** Link granularity of the external ports: one symbol per cycle, or whole bursts. @defaultValue 'symbol' */
  readonly mode?: 'symbol' | 'burst';
  /** Rate of the external ports in Mb/s. @defaultValue 1000 */
  readonly rate?: RateMbps;
  /** Cycle length. @defaultValue DEFAULT_TIMING */
  readonly timing?: LinkTiming;
  /** Frames each external port queues for transmission (the one being sent not included). @defaultValue 128 */
  readonly uplinkQueueLimit?: number;
  /**
   * Back-pressure from the external ports to the functions' TX queues: the transmit engine takes
   * no frame while an external port with a cable has no room for it, counting the frames already
   * inside the host interface, so a full port leaves frames in the TX queues (whose doorbell then
   * refuses, `tx-queue-full`) instead of dropping them. Off, a copy for a full port is dropped and
   * counted (`uplink-queue-full`).
   *
   * @remarks As a NIC's transmit DMA fetches only into free packet-buffer space. The engine is
   * shared, so a full port also holds frames for other destinations back (head-of-line blocking).
   * Frames from another external port are not held back: their copies can still find a port full.
   * @defaultValue true
   */
  readonly uplinkBackPressure?: boolean;
  /** Address of external port 0 (port i uses this + i); only a name on the wire, the ports are promiscuous. @defaultValue 02:00:4e:49:43:00 */
  readonly mac?: Mac;
  /** The host interface's timing. */
  readonly dma?: NicDmaOptions;
  /** Bus number of the PCIe side. @defaultValue 0 */
  readonly bus?: number;
  /** Device number of the PCIe side. @defaultValue 0 */
  readonly device?: number;
  /** Receives every frame event (for traces and tests); may be called often. */
  readonly onEvent?: (e: NicEvent) => void;
  /** Receives every queue flush of the PCIe side (after the NIC has counted what it held for that function). */
  readonly onFlush?: (e: QueueFlushEvent) => void;
}

/**
 * Why the NIC dropped a frame (at the switch's ingress) or a copy of one (at an egress).
 *
 * @remarks
 * - `malformed`: shorter than an Ethernet header; `oversize`: longer than {@link NIC_MAX_FRAME}.
 * - `link-down`: the sending or receiving VF's link is down (link state `disable`, or `auto` with
 *   the external port down), or an external port without a cable.
 * - `spoofed`: spoof check is on and the VF sent with a source address that is not its own.
 * - `not-moving`: the receiving function may not move frames (VF Enable, VF MSE or its Bus Master
 *   Enable clear; for the PF, Memory Space or Bus Master Enable clear).
 * - the {@link ForwardingDropReason}s of the embedded switch, and `local` (a frame for the switch
 *   itself, which has no address of its own: never expected).
 * - `uplink-queue-full`: the external port's transmit queue was full (with
 *   {@link NicOptions.uplinkBackPressure} on, only a copy of a frame from another external port);
 *   `rx-buffer-full`: too many
 *   copies wait for the receive engine.
 * - `rx-disabled`, `rx-bad-length`, `rx-ring-full`: the receiving function's queue block refused
 *   the copy (its own reason).
 * - `vf-flr`, `vf-removed`, `pf-reset`: the frame was inside the NIC for a function whose queues
 *   were flushed.
 * @spec iovsim design (every frame delivered or counted as dropped with a reason); Linux ndo_set_vf_spoofchk, ndo_set_vf_link_state
 * @category NIC
 */
export type NicDropReason =
  | 'malformed' | 'oversize' | 'link-down' | 'spoofed' | 'not-moving' | ForwardingDropReason | 'local'
  | 'uplink-queue-full' | 'rx-buffer-full' | 'rx-disabled' | 'rx-bad-length' | 'rx-ring-full' | FlushReason;

/** Every {@link NicDropReason}, in a fixed order. @spec iovsim design (every drop has a reason) @category NIC */
export const NIC_DROP_REASONS: readonly NicDropReason[] = [
  'malformed', 'oversize', 'link-down', 'spoofed', 'not-moving', ...FORWARDING_DROP_REASONS, 'local',
  'uplink-queue-full', 'rx-buffer-full', 'rx-disabled', 'rx-bad-length', 'rx-ring-full', 'vf-flr', 'vf-removed', 'pf-reset',
];

/**
 * Counters of a {@link Nic}: frames entering the embedded switch, and the copies it makes.
 *
 * @remarks Two sums hold at every step (see {@link Nic.inFlight}):
 * `fromFunctions + fromWire = forwarded + Σ dropped + inFlight().tx` and
 * `copies = delivered + toWire + Σ copyDrops + inFlight().rx`.
 * @spec iovsim design (conservation: every frame delivered or counted as dropped with a reason)
 * @category NIC
 */
export interface NicCounters {
  /** Frames the NIC took from a function's TX queue. */
  fromFunctions: number;
  /** Frames received intact on an external port. */
  fromWire: number;
  /** Frames for which the switch made at least one copy. */
  forwarded: number;
  /** Frames dropped before any copy was made, by reason. */
  readonly dropped: Record<NicDropReason, number>;
  /** Copies made (one per egress port). */
  copies: number;
  /** Copies placed in a function's RX ring. */
  delivered: number;
  /** Copies accepted by an external port's transmit queue. */
  toWire: number;
  /** Copies dropped, by reason. */
  readonly copyDrops: Record<NicDropReason, number>;
}

/**
 * What happened to a frame inside the NIC.
 * - `take`: taken from function `fn`'s TX queue; `wire-in`: received on external port `port`.
 * - `deliver`: placed in function `fn`'s RX ring; `wire-out`: queued on external port `port`.
 * - `drop`: a frame (`stage` ingress) or a copy (`stage` egress) dropped, with `reason`.
 * @spec iovsim design (frame trace)
 * @category NIC
 */
export type NicEventKind = 'take' | 'wire-in' | 'deliver' | 'wire-out' | 'drop';

/**
 * One frame event of a {@link Nic} (see {@link NicEventKind}).
 * @spec iovsim design (frame trace)
 * @category NIC
 */
export interface NicEvent {
  /** What happened. */
  readonly kind: NicEventKind;
  /** The cycle. */
  readonly cycle: number;
  /** The embedded switch port: external ports first (0..uplinks − 1), then the PF, then VF n. */
  readonly port: number;
  /** The function (0 = the PF, n = VF n), for an internal port. */
  readonly fn?: number;
  /** The frame as held at that point (without FCS; tagged as it leaves for that port). Read-only. */
  readonly bytes: Uint8Array;
  /** For `drop`: why. */
  readonly reason?: NicDropReason;
  /** For `drop`: a whole frame at the switch's ingress, or one copy at an egress. */
  readonly stage?: 'ingress' | 'egress';
}

/** A frame on its way through one of the host-interface engines. */
interface InFlight {
  readonly due: number;
  readonly fn: number;
  readonly bytes: Uint8Array;
  /** Set when the function's queues were flushed: the frame is discarded, with this reason, when it arrives. */
  flushed: FlushReason | undefined;
}

/** What the data path keeps of a VF's PF-control entry (refreshed when the PF control block changes). */
interface VfState {
  mac: Mac;
  vlan: number;
  qos: number;
  spoofCheck: boolean;
  trust: boolean;
  linkState: VfLinkState;
  /** The static filtering entry installed for the VF's MAC: (vid, mac), or undefined. */
  installed: { readonly vid: number; readonly mac: Mac } | undefined;
}

const emptyDrops = (): Record<NicDropReason, number> => Object.fromEntries(NIC_DROP_REASONS.map((r) => [r, 0])) as Record<NicDropReason, number>;

/** The VLAN untagged frames belong to on the external ports and the PF (the IEEE default PVID). */
const NATIVE_VLAN = 1;
const ALL_VLANS: readonly number[] = Array.from({ length: 4094 }, (_, i) => i + 1);

/** A numeric option (above 0, or at least 0 when `zero` is allowed), or its default. */
function positive(name: string, v: number | undefined, dflt: number, zero = false): number {
  const x = v ?? dflt;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || (x === 0 && !zero)) throw new NicError('nic.bad-option', `${show(name)} ${show(x)} is not a number ${zero ? '>= 0' : '> 0'}`);
  return x;
}

// ------------------------------------------------------------------------------------------------
// The NIC
// ------------------------------------------------------------------------------------------------

/** Whether a queue block has a frame waiting (its TX queue length from its counters: posted − taken − flushed). */
function hasTxWork(q: QueueBlock): boolean {
  const c = q.counters;
  const d = c.txPosted - c.txTaken;
  return d !== 0 && d - c.dropped['tx-flushed'] > 0;
}

/**
 * The SR-IOV NIC as a clocked device: its PCIe side ({@link NicPcie}: PF, VFs, queue blocks, PF
 * control), one or more external Ethernet ports (a promiscuous MAC each, in symbol or burst mode;
 * attach a cable to `ports[i]`), and an embedded switch built on {@link ForwardingCore} whose
 * ports are the external ports, the PF and every VF. Internal ports move frames through the host
 * interface ({@link NicDmaOptions}), not through cables.
 *
 * @remarks
 * - **PCIe state drives the data path.** A VF's switch port exists while the VF exists (VF Enable,
 *   VF ≤ NumVFs). The NIC takes frames from a function's TX queue only while the function may move
 *   them ({@link NicPcie.canMove}: VF Enable, VF MSE and the VF's Bus Master Enable); a copy for a
 *   function that may not is dropped (`not-moving`). A flush of a function's queues (its FLR, its
 *   removal, a PF reset) also drops, with that reason, the frames the NIC holds for it in the host
 *   interface (taken from it, or on their way to it), each when it reaches the end of its stage.
 * - **Transmit.** The transmit engine serves the functions round-robin; a frame reaches the switch
 *   `frameCycles + ⌈len / bytesPerCycle⌉ + latency` cycles after it was taken, where the function's
 *   `txDone()` is signalled and PF-side policy applies: a VF whose link is down loses the frame
 *   (`link-down`), spoof check drops a source address other than the VF's (`spoofed`).
 * - **Per-VF settings** (read from the PF control block whenever it changes): the VF's MAC is a
 *   static, sticky filtering entry on its port (no learning on VF ports); a VF with a port VLAN is an
 *   access port of that VLAN (untagged to and from the VM, tagged on the external ports; VLAN 1 is
 *   the external ports' and the PF's untagged VLAN, so a VF without a port VLAN is in VLAN 1); an
 *   untrusted VF receives only unicast to its MAC, broadcast and every multicast (no multicast
 *   filter is modelled), a trusted one also unknown unicast (promiscuous).
 * - **Switch modes** (SWITCH_MODE): VEB switches between internal ports inside the NIC; VEPA sends
 *   every frame from an internal port out of external port 0 (tagged with its VLAN) and delivers
 *   frames that come back by destination, never back to the port whose address is their source;
 *   the external ports do not learn in VEPA (reflected frames would teach them internal addresses).
 * - **External ports**: frames are held without FCS inside the NIC (padded and given an FCS on the
 *   way out, FCS stripped on the way in); a frame is never forwarded from one external port to
 *   another; the external link (PORT_STATUS) is up while a cable is attached to any external port.
 * - Every frame is accounted for ({@link NicCounters}), and every event can be traced (`onEvent`).
 *   Code that posts frames while the kernel runs must `poke` the NIC ({@link FunctionDriver} does);
 *   a run started after posting needs nothing.
 * @spec IEEE 802.1Q-2022 §40 (Edge Virtual Bridging: VEB, VEPA), §8.6 (forwarding process); PCIe Base r6.0 §9.3.3.3.1, §9.3.3.3.4, §9.3.4.1.2, §6.6.2; Linux ndo_set_vf_mac, ndo_set_vf_vlan, ndo_set_vf_spoofchk, ndo_set_vf_trust, ndo_set_vf_link_state
 * @example
 * ```ts
 * const k = new Kernel();
 * const nic = k.add(new Nic('nic', { totalVfs: 8 }));
 * nic.pcie.bringUp({ numVfs: 2 });
 * nic.pcie.setVfMac(1, parseMac('02:00:00:00:00:01'));
 * nic.pcie.setVfMac(2, parseMac('02:00:00:00:00:02'));
 * const wire = k.add(new Host('wire', { mac: parseMac('02:00:00:00:00:99'), rate: 1000 }));
 * k.add(new Cable('c0', nic.ports[0]! as Port, wire.port, { metres: 10 }, k.rng('c0')));
 * const vm1 = new FunctionDriver(nic, 1);
 * vm1.enable();
 * vm1.post(bytes);   // a frame from 02:00:00:00:00:01, without FCS
 * k.run();
 * ```
 * @category NIC
 */
export class Nic implements Clocked {
  /** The PCIe side (configuration space, BAR windows, queue blocks, PF control). */
  readonly pcie: NicPcie;
  /** The embedded switch's forwarding core (VLAN filtering on, `ieee` profile). */
  readonly core: ForwardingCore;
  /** One MAC per external port: its `port` is the attachment point, its `counters` the port counters. */
  readonly macs: readonly (Host | BurstHost)[];
  /** Number of external ports (switch ports 0..uplinks − 1). */
  readonly uplinks: number;
  /** Frame counters. */
  readonly counters: NicCounters = { fromFunctions: 0, fromWire: 0, forwarded: 0, dropped: emptyDrops(), copies: 0, delivered: 0, toWire: 0, copyDrops: emptyDrops() };
  private readonly bpc: number;
  private readonly dmaFrame: number;
  private readonly latency: number;
  private readonly rxLimit: number;
  private readonly uplinkLimit: number;
  private readonly backPressure: boolean;
  private readonly onEvent: ((e: NicEvent) => void) | undefined;
  private readonly userFlush: ((e: QueueFlushEvent) => void) | undefined;
  private readonly handlers = new Map<number, (cycle: number) => void>();
  private readonly vfState: (VfState | undefined)[] = [];
  private txPipe: InFlight[] = [];
  private txHead = 0;
  private rxPipe: InFlight[] = [];
  private rxHead = 0;
  private txFreeAt = 0;
  private rxFreeAt = 0;
  private rr = -1;
  private stagedPick = -1;
  private now = 0;
  private seenPf = -1;
  private seenCtl = -1;
  private seenBlocks = -1;
  private blocks: QueueBlock[] = [];
  private blocksDirty = true;
  /** The blocks of {@link Nic.blockList} by function number. */
  private byFn: (QueueBlock | undefined)[] = [];
  /**
   * Functions whose block may have a frame to send, one bit each: set when a doorbell queues a
   * frame (and for every block with work when the list is rebuilt), cleared when found empty, so
   * the transmit engine's round robin costs the functions with work, not all functions.
   */
  private txReady = new Uint32Array(0);
  private portUp = false;
  private mode: SwitchMode = 'veb';

  /**
   * A NIC with its PCIe side in reset (VFs disabled: call `pcie.bringUp`), its external ports
   * without cables.
   * @param name - component name; external port i is `name.port<i>`.
   * @param options - see {@link NicOptions}.
   * @throws {NicError} `nic.bad-option` for a bad TotalVFs, uplink count, queue limit, DMA parameter or link mode.
   * @throws {SimError} For a rate the timing cannot express.
   */
  constructor(readonly name: string, options: NicOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new NicError('nic.bad-option', `${show(name)}: options must be an object, not ${show(options)}`);
    const uplinks = options.uplinks ?? 1;
    // Frame mode's MACs are timed events of the kernel; the NIC steps its port MACs itself, so it takes symbol or burst mode.
    if (options.mode !== undefined && options.mode !== 'symbol' && options.mode !== 'burst') throw new NicError('nic.bad-option', `link mode ${show(options.mode)} (the NIC's ports run in 'symbol' or 'burst' mode)`);
    if (!Number.isInteger(uplinks) || uplinks < 1 || uplinks > 8) throw new NicError('nic.bad-option', `${show(uplinks)} external ports (1..8)`);
    const totalVfs = options.totalVfs ?? 64;
    if (!Number.isInteger(totalVfs) || totalVfs < 1 || uplinks + 1 + totalVfs > 4096) throw new NicError('nic.bad-option', `TotalVFs ${show(totalVfs)}: the embedded switch has at most 4096 ports (${show(uplinks)} external, the PF, the VFs)`);
    const dma = options.dma ?? {};
    this.bpc = positive('dma.bytesPerCycle', dma.bytesPerCycle, 8);
    this.dmaFrame = Math.round(positive('dma.frameCycles', dma.frameCycles, 8, true));
    this.latency = Math.round(positive('dma.latency', dma.latency, 64, true));
    this.rxLimit = Math.round(positive('dma.rxQueueLimit', dma.rxQueueLimit, 1024));
    const queueLimit = options.uplinkQueueLimit ?? 128;
    if (!Number.isInteger(queueLimit) || queueLimit < 0) throw new NicError('nic.bad-option', `uplink queue limit ${show(queueLimit)}`);
    this.backPressure = options.uplinkBackPressure ?? true;
    if (typeof this.backPressure !== 'boolean') throw new NicError('nic.bad-option', `uplinkBackPressure ${show(this.backPressure)} is not a boolean`);
    // A port that queues nothing would hold the transmit engine back for ever.
    if (this.backPressure && queueLimit === 0) throw new NicError('nic.bad-option', 'uplink queue limit 0 with back-pressure would stall the transmit engine for ever');
    this.uplinkLimit = queueLimit;
    this.uplinks = uplinks;
    this.onEvent = options.onEvent;
    this.userFlush = options.onFlush;
    this.txReady = new Uint32Array(Math.ceil((totalVfs + 1) / 32));
    this.pcie = new NicPcie({ totalVfs, bus: options.bus ?? 0, device: options.device ?? 0, onFlush: (e) => this.flushed(e), onTxPosted: (fn) => this.markTxReady(fn) });
    this.core = new ForwardingCore(uplinks + 1 + totalVfs, { vlanFiltering: true });
    for (let u = 0; u < uplinks; u++) this.core.configurePort(u, { vlans: ALL_VLANS, pvid: NATIVE_VLAN, untagged: [NATIVE_VLAN] });
    for (let vf = 1; vf <= totalVfs; vf++) this.core.configurePort(uplinks + vf, { state: 'disabled', learning: false, unicastFlood: false });
    const base = (options.mac ?? asMac(0x0200_4e49_4300)) as number;
    if (!isMac(base)) throw new NicError('nic.bad-mac', `${show(base)} is not a 48-bit MAC address`);
    const M = options.mode === 'burst' ? BurstHost : Host;
    this.macs = Array.from({ length: uplinks }, (_, i) => {
      const o: HostOptions = {
        mac: asMac((base + i) % 2 ** 48), rate: options.rate ?? 1000, timing: options.timing ?? DEFAULT_TIMING, promiscuous: true, queueLimit,
        onReceive: (_f, cycle, bytes) => this.fromWire(i, bytes, cycle),
      };
      const m = new M(`${name}.port${i}`, o);
      m.port.owner = this;
      m.parent = this;
      return m;
    });
  }

  /** An external port MAC was given a frame from outside the NIC's own stepping. @internal */
  childPoked(_m: StationBase): void {
    poke(this);
  }

  /** The external ports, for cables (`Port` in symbol mode, `BurstPort` in burst mode). */
  get ports(): readonly (Host | BurstHost)['port'][] {
    return this.macs.map((m) => m.port);
  }

  /**
   * The embedded switch port of function `fn` (0 = the PF, n = VF n).
   * @throws {NicError} `nic.no-such-function` for a function outside 0..TotalVFs.
   */
  functionPort(fn: number): number {
    if (!Number.isInteger(fn) || fn < 0 || fn > this.pcie.profile.totalVfs) throw new NicError('nic.no-such-function', `function ${show(fn)} is not 0..${show(this.pcie.profile.totalVfs)}`);
    return this.uplinks + fn;
  }

  /** The function behind embedded switch port `port`, or undefined for an external port (or no such port). */
  portFunction(port: number): number | undefined {
    return Number.isInteger(port) && port >= this.uplinks && port < this.core.portCount ? port - this.uplinks : undefined;
  }

  /**
   * Installs (or, with undefined, removes) function `fn`'s interrupt handler: called with the cycle
   * whenever the device sets an INT_STATUS bit of that function that INT_MASK leaves unmasked (a
   * frame placed in its RX ring, a transmit completed), i.e. when the function would signal an
   * interrupt. The handler may access the NIC (drain the ring, post frames).
   * @throws {NicError} `nic.no-such-function` for a function outside 0..TotalVFs.
   */
  onInterrupt(fn: number, handler: ((cycle: number) => void) | undefined): void {
    this.functionPort(fn);
    if (handler === undefined) this.handlers.delete(fn);
    else this.handlers.set(fn, handler);
  }

  /**
   * Frames inside the host interface: taken from a TX queue and not yet at the switch (`tx`);
   * copies on their way to an RX ring (`rx`). Frames of a flushed function count until they
   * arrive, where they are discarded and counted with the flush's reason.
   */
  inFlight(): {
    /** Frames taken from a TX queue that have not reached the switch. */
    readonly tx: number;
    /** Copies on their way to an RX ring. */
    readonly rx: number;
  } {
    return { tx: this.txPipe.length - this.txHead, rx: this.rxPipe.length - this.rxHead };
  }

  /**
   * Applies the PCIe side's state to the data path now (the NIC does it at every step): the
   * external link into PORT_STATUS, VF existence into the VF ports, the PF control entries (MAC,
   * VLAN, trust, link state) and the switch mode into the switch.
   */
  refresh(): void {
    const up = this.macs.some((m) => m.port.attached);
    if (this.pcie.portLinkUp !== up) this.pcie.setPortLink(up);
    const pf = this.pcie.pf.space.version;
    if (pf !== this.seenPf) {
      this.pcie.sync();
      this.seenPf = this.pcie.pf.space.version;
      this.syncPorts();
      this.seenCtl = -1;
      this.blocksDirty = true;
    }
    const ctl = this.pcie.control.space.version;
    if (ctl !== this.seenCtl) {
      this.seenCtl = ctl;
      this.syncConfig();
    }
  }

  /** VF ports exist exactly while their VFs do; a VF that went away loses its static entry. */
  private syncPorts(): void {
    const total = this.pcie.profile.totalVfs;
    for (let vf = 1; vf <= total; vf++) {
      const port = this.uplinks + vf;
      const want = this.pcie.vfExists(vf) ? 'forwarding' : 'disabled';
      if (this.core.portState(port) === want) continue;
      this.core.configurePort(port, { state: want });
      if (want === 'disabled') {
        this.uninstall(vf);
        this.vfState[vf] = undefined;
        this.core.fdb.flush(port);
      }
    }
  }

  private uninstall(vf: number): void {
    const s = this.vfState[vf];
    if (s?.installed === undefined) return;
    const { vid, mac } = s.installed;
    if (this.core.fdb.get(vid, mac, this.now)?.port === this.uplinks + vf) this.core.fdb.remove(vid, mac, this.now);
    s.installed = undefined;
  }

  /** Mirrors the PF control entries of the existing VFs, the external link and the switch mode into the switch. */
  private syncConfig(): void {
    this.portUp = this.pcie.portLinkUp;
    const mode = this.pcie.switchMode;
    if (mode !== this.mode) {
      this.mode = mode;
      for (let u = 0; u < this.uplinks; u++) {
        this.core.configurePort(u, { learning: mode === 'veb' });
        this.core.fdb.flush(u);
      }
    }
    const n = this.pcie.pf.enabledVfs;
    for (let vf = 1; vf <= n; vf++) {
      const c = this.pcie.vfConfig(vf);
      const port = this.uplinks + vf;
      const old = this.vfState[vf];
      const s: VfState = old ?? { mac: 0 as Mac, vlan: -1, qos: 0, spoofCheck: true, trust: false, linkState: 'auto', installed: undefined };
      this.vfState[vf] = s;
      if (old === undefined || old.vlan !== c.vlan) {
        const v = c.vlan === 0 ? NATIVE_VLAN : c.vlan;
        this.core.configurePort(port, { vlans: [v], pvid: v, untagged: [v] });
      }
      if (old === undefined || old.trust !== c.trust) this.core.configurePort(port, { unicastFlood: c.trust });
      const vid = c.vlan === 0 ? NATIVE_VLAN : c.vlan;
      if (s.installed === undefined || s.installed.mac !== c.mac || s.installed.vid !== vid) {
        this.uninstall(vf);
        if (c.mac !== 0) {
          this.core.addStatic(c.mac, port, { sticky: true, vid, now: this.now });
          s.installed = { vid, mac: c.mac };
        }
      }
      s.mac = c.mac;
      s.vlan = c.vlan;
      s.qos = c.qos;
      s.spoofCheck = c.spoofCheck;
      s.trust = c.trust;
      s.linkState = c.linkState;
    }
  }

  /** A VF's link as the data path sees it (from the cached PF control entry). */
  private vfUp(vf: number): boolean {
    const s = this.vfState[vf];
    if (s === undefined) return false;
    return s.linkState === 'enable' || (s.linkState === 'auto' && this.portUp);
  }

  /** The queue blocks the transmit engine serves: the PF's, then each existing VF's that has one. */
  private blockList(): QueueBlock[] {
    const count = this.pcie.materialisedVfBlocks;
    if (this.blocksDirty || count !== this.seenBlocks) {
      const out: QueueBlock[] = [this.pcie.pfQueues];
      const n = this.pcie.pf.enabledVfs;
      if (count > 0) {
        for (let vf = 1; vf <= n; vf++) {
          const q = this.pcie.peekQueues(vf);
          if (q !== undefined) out.push(q);
        }
      }
      this.blocks = out;
      this.seenBlocks = this.pcie.materialisedVfBlocks;
      this.blocksDirty = false;
      this.byFn = [];
      this.txReady.fill(0);
      for (const q of out) {
        this.byFn[q.fn] = q;
        if (hasTxWork(q)) this.markTxReady(q.fn);
      }
    }
    return this.blocks;
  }

  private markTxReady(fn: number): void {
    if (fn >= 0 && fn < this.txReady.length * 32) this.txReady[fn >>> 5]! |= 1 << (fn & 31);
  }

  /**
   * The next function (round-robin: the first after the last served, in function order) with a
   * frame waiting that may move it, or −1. A block's TX queue length is read from its counters
   * (posted − taken − flushed), which is exact and cheaper than its registers.
   */
  private pick(): number {
    this.blockList();
    const bits = this.txReady;
    const n = bits.length * 32;
    // Functions rr + 1 … last, then 0 … rr: the first with work that may move it.
    for (let k = 0; k < n; k++) {
      const fn = (this.rr + 1 + k) % n;
      const word = bits[fn >>> 5]!;
      if (word === 0) {
        k += 31 - (fn & 31); // skip the rest of an empty word
        continue;
      }
      if ((word & (1 << (fn & 31))) === 0) continue;
      const q = this.byFn[fn];
      if (q === undefined || !hasTxWork(q)) {
        bits[fn >>> 5] = word & ~(1 << (fn & 31));
        continue;
      }
      if (this.pcie.canMove(fn)) return fn;
    }
    return -1;
  }

  // ----------------------------------------------------------------------------------------------
  // Clocked
  // ----------------------------------------------------------------------------------------------

  /** Evaluates the external port MACs and stages which function the transmit engine serves next. */
  evaluate(cycle: number): void {
    for (const m of this.macs) m.evaluate(cycle);
    this.stagedPick = cycle >= this.txFreeAt && this.uplinkRoom() ? this.pick() : -1;
  }

  /**
   * Applies the PCIe state, commits the external port MACs (frames received are switched as they
   * complete), switches the frames reaching the switch, starts the staged transfer, and places the
   * copies due in their RX rings.
   */
  commit(cycle: number): void {
    this.now = Math.max(this.now, cycle);
    this.refresh();
    for (const m of this.macs) m.commit(cycle);
    while (this.txHead < this.txPipe.length && this.txPipe[this.txHead]!.due <= cycle) {
      const it = this.txPipe[this.txHead++]!;
      if (it.flushed !== undefined) this.dropFrame(it.flushed, this.uplinks + it.fn, it.bytes, cycle);
      else this.arrive(it, cycle);
    }
    if (this.txHead > 256 && this.txHead * 2 > this.txPipe.length) this.compact('tx');
    if (this.stagedPick >= 0) this.take(this.stagedPick, cycle);
    this.stagedPick = -1;
    while (this.rxHead < this.rxPipe.length && this.rxPipe[this.rxHead]!.due <= cycle) {
      const it = this.rxPipe[this.rxHead++]!;
      if (it.flushed !== undefined) this.dropCopy(it.flushed, this.uplinks + it.fn, it.bytes, cycle);
      else this.deliver(it, cycle);
    }
    if (this.rxHead > 256 && this.rxHead * 2 > this.rxPipe.length) this.compact('rx');
  }

  private compact(which: 'tx' | 'rx'): void {
    if (which === 'tx') {
      this.txPipe = this.txPipe.slice(this.txHead);
      this.txHead = 0;
    } else {
      this.rxPipe = this.rxPipe.slice(this.rxHead);
      this.rxHead = 0;
    }
  }

  /** The cables on the external ports (the kernel's wake-ups). */
  *wakes(): Iterable<Clocked> {
    for (const m of this.macs) if (m.port.cable !== undefined) yield m.port.cable;
  }

  /** The earliest event of an external port, a frame in the host interface, or the transmit engine's next transfer. */
  nextEvent(from: number): number {
    let next = Infinity;
    for (const m of this.macs) {
      const e = m.nextEvent(from);
      if (e <= from) return from;
      if (e < next) next = e;
    }
    if (this.txHead < this.txPipe.length) next = Math.min(next, this.txPipe[this.txHead]!.due);
    if (this.rxHead < this.rxPipe.length) next = Math.min(next, this.rxPipe[this.rxHead]!.due);
    // Held back by a full port, the engine is asked again when the NIC next steps (a port starting a frame, a frame reaching the switch).
    if (this.txFreeAt < next && this.uplinkRoom() && this.pick() >= 0) next = Math.min(next, this.txFreeAt);
    return Math.max(next, from);
  }

  // ----------------------------------------------------------------------------------------------
  // Data path
  // ----------------------------------------------------------------------------------------------

  private emit(kind: NicEventKind, cycle: number, port: number, bytes: Uint8Array, reason?: NicDropReason, stage?: 'ingress' | 'egress'): void {
    const fn = this.portFunction(port);
    this.onEvent?.({ kind, cycle, port, ...(fn === undefined ? {} : { fn }), bytes, ...(reason === undefined ? {} : { reason, stage: stage! }) });
  }

  private dropFrame(reason: NicDropReason, port: number, bytes: Uint8Array, cycle: number): void {
    this.counters.dropped[reason]++;
    if (this.onEvent !== undefined) this.emit('drop', cycle, port, bytes, reason, 'ingress');
  }

  private dropCopy(reason: NicDropReason, port: number, bytes: Uint8Array, cycle: number): void {
    this.counters.copyDrops[reason]++;
    if (this.onEvent !== undefined) this.emit('drop', cycle, port, bytes, reason, 'egress');
  }

  private interrupt(q: QueueBlock, cycle: number): void {
    const h = this.handlers.get(q.fn);
    if (h !== undefined && q.interruptPending) h(cycle);
  }

  /**
   * Whether the transmit engine may take a frame: with back-pressure, every external port with a
   * cable has room for one more beyond its queue and every frame already in the host interface
   * (each of which may be flooded to every port).
   * @spec iovsim design (NIC back-pressure; see {@link NicOptions.uplinkBackPressure})
   */
  private uplinkRoom(): boolean {
    if (!this.backPressure) return true;
    const inside = this.txPipe.length - this.txHead;
    for (const m of this.macs) if (m.port.attached && m.queued + inside >= this.uplinkLimit) return false;
    return true;
  }

  /** The transmit engine takes the next frame of function `fn`. */
  private take(fn: number, cycle: number): void {
    const q = this.pcie.peekQueues(fn);
    const bytes = q?.postedTx();
    if (bytes === undefined) return;
    this.rr = fn;
    this.counters.fromFunctions++;
    const done = cycle + this.dmaFrame + Math.max(1, Math.ceil(bytes.length / this.bpc));
    this.txFreeAt = done;
    this.txPipe.push({ due: done + this.latency, fn, bytes, flushed: undefined });
    if (this.onEvent !== undefined) this.emit('take', cycle, this.uplinks + fn, bytes);
  }

  /** A frame taken from function `it.fn` reaches the switch: completion, then policy and switching. */
  private arrive(it: InFlight, cycle: number): void {
    const q = this.pcie.peekQueues(it.fn);
    if (q !== undefined && q.txDone()) this.interrupt(q, cycle);
    this.ingress(this.uplinks + it.fn, it.fn, it.bytes, cycle);
  }

  /** A frame received intact on external port `u` (bytes header to FCS). */
  private fromWire(u: number, wire: Uint8Array, cycle: number): void {
    const bytes = wire.slice(0, wire.length - FRAME.fcs);
    this.counters.fromWire++;
    if (this.onEvent !== undefined) this.emit('wire-in', cycle, u, bytes);
    this.ingress(u, undefined, bytes, cycle);
  }

  /** PF-side policy, then the switching decision, then one copy per egress port. */
  private ingress(port: number, fn: number | undefined, bytes: Uint8Array, cycle: number): void {
    const h = nicFrameHeader(bytes);
    if (h === undefined) return this.dropFrame('malformed', port, bytes, cycle);
    if (bytes.length > (h.vlan === undefined ? NIC_MAX_FRAME.untagged : NIC_MAX_FRAME.tagged)) return this.dropFrame('oversize', port, bytes, cycle);
    let pcp = 0;
    if (fn !== undefined && fn > 0) {
      const s = this.vfState[fn];
      if (s === undefined || !this.vfUp(fn)) return this.dropFrame('link-down', port, bytes, cycle);
      if (s.spoofCheck && h.src !== s.mac) return this.dropFrame('spoofed', port, bytes, cycle);
      pcp = s.qos;
    }
    if (fn !== undefined && this.mode === 'vepa') return this.vepaUp(port, fn, h, bytes, pcp, cycle);
    const d = this.core.decide(port, h, cycle);
    if (d.kind === 'local') return this.dropFrame('local', port, bytes, cycle);
    if (d.kind === 'drop') return this.dropFrame(d.reason, port, bytes, cycle);
    const fromUplink = fn === undefined;
    const pruned = fromUplink && this.mode === 'vepa' ? this.core.fdb.lookup(d.vid, h.src, cycle) : undefined;
    let made = 0;
    for (let k = 0; k < d.ports.length; k++) {
      const out = d.ports[k]!;
      if ((fromUplink && out < this.uplinks) || out === pruned) continue;
      if (made++ === 0) this.counters.forwarded++;
      this.copy(out, retag(bytes, h, d.untagged[k]! ? undefined : d.vid, pcp), cycle);
    }
    if (made === 0) this.dropFrame('no-egress', port, bytes, cycle);
  }

  /**
   * VEPA: a frame from an internal port goes out of external port 0, tagged with its VLAN, after
   * the checks the switch's ingress makes (VLAN membership, source and reserved addresses); the
   * PF's port still learns its sources, so that reflected frames find their way back.
   */
  private vepaUp(port: number, fn: number, h: NicFrameHeader, bytes: Uint8Array, pcp: number, cycle: number): void {
    const own = fn === 0 ? NATIVE_VLAN : (this.vfState[fn]!.vlan || NATIVE_VLAN);
    const tag = h.vlan?.vid ?? 0;
    if (tag !== 0 && tag !== own) return this.dropFrame('vlan-ingress', port, bytes, cycle);
    if (isGroup(h.src)) return this.dropFrame('group-source', port, bytes, cycle);
    if (h.src === 0) return this.dropFrame('zero-source', port, bytes, cycle);
    if (isReservedAddress(h.dst)) return this.dropFrame('reserved-address', port, bytes, cycle);
    if (fn === 0) this.core.fdb.learn(own, h.src, port, cycle); // VF ports never learn: their address is static
    this.counters.forwarded++;
    this.copy(0, retag(bytes, h, own === NATIVE_VLAN ? undefined : own, pcp), cycle);
  }

  /** One copy to switch port `out`: queued on an external port, or into the receive engine. */
  private copy(out: number, bytes: Uint8Array, cycle: number): void {
    this.counters.copies++;
    if (out < this.uplinks) {
      const m = this.macs[out]!;
      const h = nicFrameHeader(bytes)!;
      if (!m.port.attached) return this.dropCopy('link-down', out, bytes, cycle);
      if (bytes.length > (h.vlan === undefined ? NIC_MAX_FRAME.untagged : NIC_MAX_FRAME.tagged)) return this.dropCopy('oversize', out, bytes, cycle);
      if (!m.sendOwned(nicToWire(bytes))) return this.dropCopy('uplink-queue-full', out, bytes, cycle);
      this.counters.toWire++;
      if (this.onEvent !== undefined) this.emit('wire-out', cycle, out, bytes);
      return;
    }
    if (this.rxPipe.length - this.rxHead >= this.rxLimit) return this.dropCopy('rx-buffer-full', out, bytes, cycle);
    const start = Math.max(cycle, this.rxFreeAt);
    this.rxFreeAt = start + this.dmaFrame + Math.max(1, Math.ceil(bytes.length / this.bpc));
    this.rxPipe.push({ due: this.rxFreeAt + this.latency, fn: out - this.uplinks, bytes, flushed: undefined });
  }

  /** A copy reaches function `it.fn`: placed in its RX ring, or dropped with the reason. */
  private deliver(it: InFlight, cycle: number): void {
    const fn = it.fn;
    const port = this.uplinks + fn;
    if (fn > 0 && !this.pcie.vfExists(fn)) return this.dropCopy('vf-removed', port, it.bytes, cycle);
    if (!this.pcie.canMove(fn)) return this.dropCopy('not-moving', port, it.bytes, cycle);
    if (fn > 0 && !this.vfUp(fn)) return this.dropCopy('link-down', port, it.bytes, cycle);
    const q = this.pcie.peekQueues(fn);
    // A VF whose driver never touched its window has no block yet: its CTRL is in reset, RX disabled.
    if (q === undefined) return this.dropCopy('rx-disabled', port, it.bytes, cycle);
    if (!q.deliverRx(it.bytes)) {
      const r = q.lastRxDrop;
      return this.dropCopy(r === 'rx-ring-full' || r === 'rx-bad-length' ? r : 'rx-disabled', port, it.bytes, cycle);
    }
    this.counters.delivered++;
    if (this.onEvent !== undefined) this.emit('deliver', cycle, port, it.bytes);
    this.interrupt(q, cycle);
  }

  /**
   * A function's queues were flushed: what the NIC holds for it in the host interface is marked
   * to be discarded with the same reason when it arrives (at a cycle that does not depend on when
   * the flush was noticed, so traces are the same however the kernel steps).
   */
  private flushed(e: QueueFlushEvent): void {
    this.blocksDirty = true;
    for (const [pipe, head] of [[this.txPipe, this.txHead], [this.rxPipe, this.rxHead]] as const) {
      for (let i = head; i < pipe.length; i++) {
        const it = pipe[i]!;
        if (it.fn === e.fn && it.flushed === undefined) it.flushed = e.reason;
      }
    }
    this.userFlush?.(e);
  }
}

// ------------------------------------------------------------------------------------------------
// A driver for one function, through memory accesses only
// ------------------------------------------------------------------------------------------------

/**
 * A minimal driver of one NIC function (a VM's VF driver, or the hypervisor's PF driver) that
 * works only through memory reads and writes of the function's BAR window, as the register guide
 * describes: it enables RX and TX, unmasks the RX-ready interrupt, posts frames through the TX
 * buffer and doorbell, and drains the RX ring in its interrupt handler.
 *
 * @remarks Frames are Ethernet frames without FCS (the NIC adds it). {@link FunctionDriver.post}
 * refuses a frame (returns false, the frame is lost) when the TX queue is full, as a driver with
 * no room in its ring must.
 * @spec iovsim design (docs/guides/nic-registers.md: transmit and receive sequences)
 * @example
 * ```ts
 * const vm = new FunctionDriver(nic, 3, (frame, cycle) => console.log(cycle, frame.length));
 * vm.enable();
 * vm.post(frame);
 * ```
 * @category NIC
 */
export class FunctionDriver {
  /** Frames the doorbell queued. */
  posted = 0;
  /** Frames not queued: TX queue full, or the doorbell refused them. */
  refused = 0;
  /** Frames received. */
  received = 0;

  /**
   * @param nic - the NIC.
   * @param fn - the function: 0 for the PF, n for VF n.
   * @param onReceive - called for every frame drained from the RX ring, with the cycle of the interrupt.
   * @throws {NicError} `nic.no-such-function` for a function outside 0..TotalVFs.
   */
  constructor(readonly nic: Nic, readonly fn: number, readonly onReceive?: (frame: Uint8Array, cycle: number) => void) {
    nic.functionPort(fn);
  }

  /**
   * The base address of the function's queue block: PF BAR0 for the PF, the VF's window for a VF.
   * @throws {NicError} `nic.no-such-function` when the VF does not exist or its BAR is unprogrammed.
   */
  get base(): bigint {
    if (this.fn === 0) {
      const p = this.nic.pcie;
      return BigInt((p.configRead(p.pf.rid, 0x10, 4) & ~0xf) >>> 0);
    }
    const w = this.nic.pcie.vfWindow(this.fn);
    if (w === undefined) throw new NicError('nic.no-such-function', `VF ${show(this.fn)} has no BAR window (it does not exist, or VF BAR0 is not programmed)`);
    return w.base;
  }

  private r(base: bigint, off: number): number {
    return this.nic.pcie.memRead(base + BigInt(off), 4);
  }

  private w(base: bigint, off: number, v: number): void {
    this.nic.pcie.memWrite(base + BigInt(off), 4, v);
  }

  /**
   * Enables RX and TX (CTRL), unmasks RX_READY (INT_MASK), and installs the interrupt handler that
   * drains the RX ring.
   * @throws {NicError} As {@link FunctionDriver.base}.
   */
  enable(): void {
    const base = this.base;
    this.w(base, QUEUE_BLOCK.ctrl, QUEUE_CTRL.rxEnable | QUEUE_CTRL.txEnable);
    this.w(base, QUEUE_BLOCK.intMask, 0x1f & ~QUEUE_INT.rxReady);
    this.nic.onInterrupt(this.fn, (cycle) => {
      for (const f of this.drain()) this.onReceive?.(f, cycle);
    });
  }

  /**
   * Posts a frame (without FCS): TX buffer, TX_LEN, TX_DOORBELL. Returns false, and counts it in
   * `refused`, when TX_PENDING shows the queue full (nothing is written) or when the doorbell did
   * not queue the frame (TX disabled, e.g. after an FLR; a bad length).
   * @throws {NicError} As {@link FunctionDriver.base}.
   */
  post(frame: Uint8Array): boolean {
    const base = this.base;
    const mem = this.nic.pcie;
    const pendingAt = base + BigInt(QUEUE_BLOCK.txPending);
    const before = mem.memRead(pendingAt, 4);
    if (before >= QUEUE_BLOCK.txQueueDepth) {
      this.refused++;
      return false;
    }
    for (let i = 0; i < frame.length; i += 4) {
      const v = (frame[i]! | ((frame[i + 1] ?? 0) << 8) | ((frame[i + 2] ?? 0) << 16) | ((frame[i + 3] ?? 0) << 24)) >>> 0;
      mem.memWrite(base + BigInt(QUEUE_BLOCK.txBuffer + i), 4, v);
    }
    mem.memWrite(base + BigInt(QUEUE_BLOCK.txLen), 4, frame.length);
    mem.memWrite(base + BigInt(QUEUE_BLOCK.txDoorbell), 4, 1);
    if (mem.memRead(pendingAt, 4) !== before + 1) {
      this.refused++;
      return false;
    }
    this.posted++;
    poke(this.nic);
    return true;
  }

  /**
   * Reads every frame in the RX ring (from RX_TAIL to RX_HEAD), releases the slots (RX_TAIL) and
   * clears INT_STATUS.
   * @throws {NicError} As {@link FunctionDriver.base}.
   */
  drain(): Uint8Array[] {
    const Q = QUEUE_BLOCK;
    const out: Uint8Array[] = [];
    const base = this.base;
    const head = this.r(base, Q.rxHead);
    let tail = this.r(base, Q.rxTail);
    while (tail !== head) {
      const len = this.r(base, Q.rxLen + 4 * tail) & 0xfff;
      const f = new Uint8Array(len);
      const slot = Q.rxSlot + tail * Q.rxSlotSize;
      for (let i = 0; i < len; i += 4) {
        const v = this.r(base, slot + i);
        for (let j = 0; j < 4 && i + j < len; j++) f[i + j] = (v >>> (8 * j)) & 0xff;
      }
      out.push(f);
      tail = (tail + 1) % Q.rxSlots;
    }
    if (out.length > 0) this.w(base, Q.rxTail, tail);
    this.w(base, Q.intStatus, 0x1f);
    this.received += out.length;
    return out;
  }
}
