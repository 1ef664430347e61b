import fc from 'fast-check';
import type { Frame, Mac } from '../link/frame.js';
import { REQUIREMENTS } from './requirements.js';

/**
 * What a PCIe implementation must offer to be checked by {@link runConformance}: configuration
 * reads and writes by Routing ID, the functions to check, and optionally resets.
 *
 * @remarks Values are unsigned; a function that does not exist answers all ones (Unsupported
 * Request). The suite only uses naturally aligned 1-, 2- and 4-byte accesses.
 * @example
 * ```ts
 * const target: ConfigTarget = {
 *   name: 'my-device',
 *   functions: () => [0x0100],
 *   configRead: (rid, off, size) => myDevice.cfgRead(rid, off, size),
 *   configWrite: (rid, off, size, v) => myDevice.cfgWrite(rid, off, size, v),
 *   reset: (rid, kind) => myDevice.reset(rid, kind),
 * };
 * ```
 * @category Conformance
 */
export interface ConfigTarget {
  /** Name shown in reports. */
  readonly name: string;
  /** Routing IDs of the functions to check (PFs or plain functions; VFs are found through SR-IOV). */
  functions(): readonly number[];
  /** Configuration read of `size` bytes at `offset` of the function at `rid`. */
  configRead(rid: number, offset: number, size: 1 | 2 | 4): number;
  /** Configuration write of `size` bytes at `offset` of the function at `rid`. */
  configWrite(rid: number, offset: number, size: 1 | 2 | 4, value: number): void;
  /** Returns a function to its reset state; the suite resets between runs when this is given. */
  reset?(rid: number, kind: 'cold' | 'warm' | 'hot' | 'flr'): void;
}

/**
 * Options of {@link runConformance}.
 * @spec iovsim design (conformance runner)
 * @category Conformance
 */
export interface ConformanceOptions {
  /** fast-check seed; a failure reproduces with the same seed and path. @defaultValue a random seed, reported */
  readonly seed?: number;
  /** Runs per property. @defaultValue 100 */
  readonly numRuns?: number;
  /** Check only these requirement IDs. @defaultValue every requirement the suite knows */
  readonly only?: readonly string[];
}

/**
 * The outcome for one requirement.
 * @spec iovsim design (conformance runner)
 * @category Conformance
 */
export interface RequirementResult {
  /** Requirement ID. */
  readonly id: string;
  /** Our paraphrase of the requirement. */
  readonly title: string;
  /** Spec section. */
  readonly spec: string;
  /** `passed`, `failed`, or `not-applicable` (the target has nothing the requirement applies to). */
  readonly status: 'passed' | 'failed' | 'not-applicable';
  /** For failures: what went wrong, with the counterexample. */
  readonly detail?: string;
  /** For property failures: the seed and path that reproduce it. */
  readonly reproduce?: {
    /** The fast-check seed of the failing run; pass it back as {@link ConformanceOptions.seed}. */
    readonly seed: number;
    /**
     * fast-check's counterexample path (e.g. `"0:1:0"`): given with the seed to fast-check's own
     * `path` parameter, it replays the shrunk failure directly. Empty when fast-check gave none.
     */
    readonly path: string;
  };
}

/**
 * What {@link runConformance} found.
 * @spec iovsim design (conformance runner)
 * @category Conformance
 */
export interface ConformanceReport {
  /** The target's name. */
  readonly target: string;
  /** The seed used. */
  readonly seed: number;
  /** One result per requirement checked. */
  readonly results: readonly RequirementResult[];
  /** Requirements passed. */
  readonly passed: number;
  /** Requirements failed. */
  readonly failed: number;
  /** Requirements not applicable to the target. */
  readonly notApplicable: number;
}

/** What a suite found for one requirement. @internal */
export type Outcome = { status: 'passed' | 'not-applicable' } | { status: 'failed'; detail: string; reproduce?: { seed: number; path: string } };

function detailOf<T>(r: fc.RunDetails<T>): string {
  const ce = r.counterexample === null ? '' : ` counterexample ${fc.stringify(r.counterexample)}`;
  const err = r.errorInstance instanceof Error ? r.errorInstance.message : String(r.errorInstance ?? '');
  return `${err}${ce}`.trim();
}

/** The outcome of an `fc.check`: failed with the counterexample, seed and path, or passed. @internal */
export function fromCheck<T>(r: fc.RunDetails<T>): Outcome {
  return r.failed ? { status: 'failed', detail: detailOf(r), reproduce: { seed: r.seed, path: r.counterexamplePath ?? '' } } : { status: 'passed' };
}

/** The seed of a run: the one asked for, or a fresh random one. @internal */
export function seedOf(options: ConformanceOptions): number {
  return options.seed ?? (Date.now() ^ Math.floor(Math.random() * 0x7fff_ffff)) | 0;
}

/** A report from one outcome per requirement (in the order given). @internal */
export function reportOf(target: string, seed: number, outcomes: readonly (readonly [string, Outcome])[]): ConformanceReport {
  const results: RequirementResult[] = outcomes.map(([id, out]) => {
    const req = REQUIREMENTS.find((r) => r.id === id)!;
    return { id, title: req.title, spec: req.spec, ...out };
  });
  const count = (s: RequirementResult['status']): number => results.filter((r) => r.status === s).length;
  return { target, seed, results, passed: count('passed'), failed: count('failed'), notApplicable: count('not-applicable') };
}

/**
 * One copy of a frame that left a forwarding device: the port it left by and its bytes as sent
 * (header onwards; the FCS may be there or not). The suite reads the 802.1Q tag (TPID 0x8100 at
 * byte 12) only in the VLAN scenarios, where the tag of every copy is checked (VLAN-EGR-01).
 * @spec IEEE 802.1Q-2022 §8.6.4 (egress)
 * @category Conformance
 */
export interface ForwardingDelivery {
  /** The egress port, 0..{@link ForwardingTarget.ports} − 1. */
  readonly port: number;
  /** The frame's bytes as they left that port. */
  readonly bytes: Uint8Array;
}

/**
 * A frame the forwarding suite injects: the frame as data (addresses, type, payload) and the same
 * frame encoded from header to FCS, for devices that take bytes.
 *
 * @remarks The payload carries a 16-byte marker (`IOVSIMCF`, a run number, the frame's index)
 * by which the suite recognises copies in {@link ForwardingDelivery.bytes}; deliveries without
 * it (a device's own BPDUs, say) are ignored. The type is 0x88B5 (local experimental EtherType).
 * @spec IEEE 802.3-2022 §3.2 (MAC frame format)
 * @category Conformance
 */
export interface InjectedFrame extends Frame {
  /** The frame encoded from header to FCS, 64 bytes (as `encodeFrame` makes it; with the 802.1Q tag when `vlan` is set). */
  readonly bytes: Uint8Array;
}

/**
 * One port's VLAN membership in a {@link VlanPlan}.
 * @spec IEEE 802.1Q-2022 §8.6.2 (PVID, ingress filtering), §8.6.4 (member set, untagged set)
 * @category Conformance
 */
export interface VlanPortPlan {
  /** VLAN given to untagged and priority-tagged frames arriving on the port; 0: none (they are dropped). */
  readonly pvid: number;
  /** The VLANs (1..4094) the port is a member of; a frame of another VLAN is neither taken in nor sent out here. */
  readonly vlans: readonly number[];
  /** The member VLANs whose frames leave the port untagged (the others leave tagged). */
  readonly untagged: readonly number[];
}

/**
 * VLAN membership of every port, for {@link ForwardingDevice.configureVlans}: the configuration of
 * an 802.1Q bridge with ingress filtering (on Linux, `vlan_filtering 1` and `bridge vlan add … pvid
 * untagged` per port).
 * @spec IEEE 802.1Q-2022 §8.6.2, §8.6.4, §8.8 (independent VLAN learning)
 * @category Conformance
 */
export interface VlanPlan {
  /** One entry per port, port 0 first. */
  readonly ports: readonly VlanPortPlan[];
}

/**
 * One fresh forwarding device under test, as {@link ForwardingTarget.create} returns it.
 *
 * @remarks Only `inject` is required. Deliveries may come back from `inject` (each call returning
 * what has left the device since the previous one), or all at the end from `collect`, or both:
 * the suite recognises every copy by the marker in its payload (see {@link InjectedFrame}), so late
 * or batched deliveries are attributed to the right frame. Frames are injected in sequence order,
 * and the device is expected to handle each before the next (as a real bridge with an idle wire
 * does). Exceptions thrown by any method count as a failure of the requirement being checked.
 * @spec IEEE 802.1Q-2022 §8.5 (bridge ports), §8.6 (forwarding process)
 * @category Conformance
 */
export interface ForwardingDevice {
  /**
   * Receives `frame` on `port` (0-based) at simulated time `atSeconds` (seconds since the device
   * was created: the sum of all {@link ForwardingDevice.advance} calls so far; never decreasing).
   * Returns the copies that have left the device since the previous call, or nothing when they are
   * reported by {@link ForwardingDevice.collect}.
   */
  inject(port: number, frame: InjectedFrame, atSeconds: number): readonly ForwardingDelivery[] | void;
  /** Copies that left the device and were not yet returned; called once after the last frame of a sequence. */
  collect?(): readonly ForwardingDelivery[];
  /**
   * Lets `seconds` of time pass with no traffic (for ageing). Devices that take the time from
   * `atSeconds` instead need not implement it.
   */
  advance?(seconds: number): void;
  /**
   * Adds a static filtering entry: `mac` (individual, never used as a source by the suite) lives
   * behind `port`. Called right after creation, before any frame. When absent, FDB-STATIC-01 is
   * not applicable.
   */
  addStatic?(mac: Mac, port: number): void;
  /**
   * Turns VLAN filtering on with this membership (ingress filtering, a filtering database per
   * VLAN, tagging on egress). Called right after creation, before any frame, in the VLAN
   * scenarios only (which use no static entries). When absent, VLAN-ING-01, VLAN-EGR-01 and
   * VLAN-FDB-01 are not applicable.
   */
  configureVlans?(plan: VlanPlan): void;
}

/**
 * What a forwarding device (learning bridge, switch, embedded switch) must offer to be checked by
 * {@link runConformance}: a name, its port count, and a factory of fresh devices — one per
 * generated frame sequence, so that no run sees another's filtering database. Frame level only:
 * frames in on a port, copies out on ports, as the Linux-bridge oracle observes a real bridge.
 *
 * @remarks The suite assumes the device in its default configuration: every port forwarding with
 * learning and flooding on, VLAN-unaware (or every port an untagged member of one VLAN) unless it
 * is given a plan with {@link ForwardingDevice.configureVlans}, no STP
 * (or STP converged with every port forwarding), and room in its filtering database for a dozen
 * addresses. The frames use locally administered addresses `02:1c:0f:00:0x:xx`; the device's own
 * addresses must not be among them. What the suite checks, per requirement:
 *
 * - FWD-ING-01: no copy leaves by the ingress port, unless that port is in `hairpinPorts`;
 * - FWD-DUP-01: no port receives two copies of one frame;
 * - FWD-UNI-01: a unicast to an address learned on one port reaches exactly that port (no port
 *   when that is the ingress port, unless hairpin);
 * - FWD-FLOOD-01: unknown unicast, broadcast and (non-reserved) multicast reach exactly every other
 *   port (and the ingress port if hairpin);
 * - FWD-SRC-01: frames with a group or all-zero source reach no port, and are not learned;
 * - FDB-LEARN-01: after a station move, unicast to it reaches exactly its new port;
 * - FDB-AGE-01 (when `ageingSeconds` > 0 is declared): an address not seen as a source for
 *   longer than the ageing time (+10 %) is unknown again (flooded), and known before (−10 %);
 * - FDB-STATIC-01 (when the device has `addStatic`): a static entry is followed, waits included;
 * - FWD-RSV-01 (`profile: 'ieee'`): frames to 01-80-C2-00-00-00..0F reach no port;
 * - FWD-LNX-01 (`profile: 'linux'`, the Linux bridge's defaults: STP off, group_fwd_mask 0): the
 *   bridge group address is flooded, the other reserved addresses reach no port, and their
 *   sources (but PAUSE's) are learned.
 * - With {@link ForwardingDevice.configureVlans}, on random VLAN plans (VLANs 1, 10 and 20, random
 *   PVIDs, members and untagged sets) and frames untagged, priority-tagged or tagged (VIDs 1, 10,
 *   20, 30, 4095):
 *   - VLAN-ING-01: an untagged or priority-tagged frame on a port without PVID, a frame of a VLAN
 *     the port is not a member of, or of VID 4095, reaches no port;
 *   - VLAN-EGR-01: broadcast, multicast and unknown unicast reach exactly the other member ports of
 *     the frame's VLAN, and every copy leaves untagged where the port's untagged set holds the VLAN
 *     and tagged with its VID elsewhere;
 *   - VLAN-FDB-01: learning is per VLAN: a unicast reaches the port its address was learned on in
 *     the frame's VLAN, and an address learned only in another VLAN is unknown (flooded in the
 *     frame's VLAN). This is independent VLAN learning (IVL), as the Linux bridge does it; a bridge
 *     with shared VLAN learning (SVL, which 802.1Q §8.8 also allows) fails it by design.
 *
 * Without a declared profile, frames to reserved addresses are only checked for FWD-ING-01 and
 * FWD-DUP-01, and their sources are taken as maybe learned.
 * @spec IEEE 802.1Q-2022 §8.6 (forwarding process), §8.7 (learning), §8.8 (filtering database); net/bridge/br_input.c, br_forward.c (the linux profile)
 * @example
 * ```ts
 * const target: ForwardingTarget = {
 *   name: 'my-switch',
 *   ports: 4,
 *   ageingSeconds: 300,
 *   create: () => {
 *     const sw = new MySwitch(4);
 *     return {
 *       inject: (port, frame, at) => sw.receive(port, frame.bytes, at).map((out) => ({ port: out.port, bytes: out.data })),
 *       addStatic: (mac, port) => sw.addStatic(mac, port),
 *     };
 *   },
 * };
 * runConformance(target, { seed: 42 });
 * ```
 * @category Conformance
 */
export interface ForwardingTarget {
  /** Name shown in reports. */
  readonly name: string;
  /** Number of ports, numbered 0..ports − 1 (1..4096). */
  readonly ports: number;
  /** Ports in hairpin (reflective relay) mode: frames received there may leave by the same port. @defaultValue none */
  readonly hairpinPorts?: readonly number[];
  /**
   * The device's ageing time in seconds; declare it only if the device honours `atSeconds` or
   * implements `advance`. 0 means the device does not learn. @defaultValue unknown: no entry is
   * assumed to age during a sequence, and FDB-AGE-01 is not applicable
   */
  readonly ageingSeconds?: number;
  /**
   * Which reserved-address rules the device follows, when it declares them: `ieee` (IEEE 802.1Q:
   * 01-80-C2-00-00-00..0F never forwarded) or `linux` (the Linux bridge with STP off and
   * group_fwd_mask 0). @defaultValue undeclared: those rules are not checked
   */
  readonly profile?: 'ieee' | 'linux';
  /** A fresh device, in its default configuration, with an empty filtering database. */
  create(): ForwardingDevice;
}
