import fc from 'fast-check';
import { expect } from 'vitest';
import { BRIDGE_GROUP_ADDRESS, ForwardingCore, type ForwardingDecision, type ForwardingFrame, type ForwardingProfile, type PortState } from '../../src/devices/index.js';
import { BROADCAST, asMac, type Mac } from '../../src/link/index.js';
import { SimError } from '../../src/sim/index.js';

/** Runs `fn` and checks it threw a SimError with `code`. */
export function expectSimError(fn: () => unknown, code: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected SimError ${code}`).toBeInstanceOf(SimError);
  expect((err as SimError).code).toBe(code);
}

/**
 * Hands out the ports of nodes `names` in order: `take('sw0')` is `"sw0.0"`, then `"sw0.1"`…;
 * `used(name)` is how many were taken (random networks size their switches by it).
 */
export function portTaker(names: readonly string[]): { take(name: string): string; used(name: string): number } {
  const next = new Map(names.map((n) => [n, 0]));
  return {
    take(n) {
      const p = next.get(n)!;
      next.set(n, p + 1);
      return `${n}.${p}`;
    },
    used: (n) => next.get(n)!,
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios for the forwarding core (properties)

/** Host addresses 02:00:00:00:01:00.. (a small pool, so learning, moves and filtering happen often). */
export const hostMac = (i: number): Mac => asMac(0x0200_0000_0100 + i);
/** A multicast address that is not reserved. */
export const MULTICAST = asMac(0x0100_5e00_0001);
/** The bridge's own address in the scenarios. */
export const OWN_MAC = asMac(0x02b0_ff00_0000);

/** One port's configuration in a scenario. */
export interface ScenarioPort {
  readonly learning: boolean;
  readonly unicastFlood: boolean;
  readonly multicastFlood: boolean;
  readonly broadcastFlood: boolean;
  readonly hairpin: boolean;
  readonly state: PortState;
  readonly pvid: number;
  readonly vlans: readonly number[];
  readonly untagged: readonly number[];
}

/** A frame of a scenario: ingress port, addresses, optional tag VID, cycles to wait before it. */
export interface ScenarioFrame {
  readonly ingress: number;
  readonly frame: ForwardingFrame;
  readonly wait: number;
}

/** A random bridge and traffic for it. */
export interface CoreScenario {
  readonly n: number;
  readonly profile: ForwardingProfile;
  readonly vlanFiltering: boolean;
  readonly stp: boolean;
  readonly groupFwdMask: number;
  readonly ageing: number;
  readonly ports: readonly ScenarioPort[];
  readonly statics: readonly { readonly host: number; readonly port: number; readonly sticky: boolean }[];
  readonly frames: readonly ScenarioFrame[];
}

const STATES: readonly PortState[] = ['disabled', 'blocking', 'listening', 'learning', 'forwarding'];

/** `v` four times out of five. */
const mostly = (v: boolean): fc.Arbitrary<boolean> => fc.oneof({ arbitrary: fc.constant(v), weight: 4 }, { arbitrary: fc.constant(!v), weight: 1 });

const arbPort = (vlanFiltering: boolean): fc.Arbitrary<ScenarioPort> =>
  fc
    .record({
      learning: mostly(true),
      unicastFlood: mostly(true),
      multicastFlood: mostly(true),
      broadcastFlood: mostly(true),
      hairpin: mostly(false),
      state: fc.oneof({ arbitrary: fc.constant<PortState>('forwarding'), weight: 6 }, { arbitrary: fc.constantFrom(...STATES), weight: 2 }),
      vlans: vlanFiltering ? fc.subarray([1, 2, 3]) : fc.constant<number[]>([1]),
    })
    .chain((p) =>
      fc.record({ untagged: fc.subarray([...p.vlans]), pvid: fc.constantFrom(0, ...p.vlans) }).map(({ untagged, pvid }) => ({ ...p, untagged, pvid: vlanFiltering ? pvid : 1 })),
    );

const arbDst = (n: number): fc.Arbitrary<Mac> =>
  fc.oneof(
    { arbitrary: fc.nat(7).map(hostMac), weight: 10 },
    { arbitrary: fc.constantFrom(BROADCAST, MULTICAST), weight: 3 },
    { arbitrary: fc.nat(15).map((x) => asMac(BRIDGE_GROUP_ADDRESS + x)), weight: 2 },
    { arbitrary: fc.constant(OWN_MAC), weight: 1 },
    { arbitrary: fc.nat(n).map((i) => asMac(0x02a0_0000_0000 + i)), weight: 1 },
  );

const arbSrc: fc.Arbitrary<Mac> = fc.oneof(
  { arbitrary: fc.nat(7).map(hostMac), weight: 20 },
  { arbitrary: fc.constantFrom(asMac(0), BROADCAST, MULTICAST), weight: 1 },
  { arbitrary: fc.constant(OWN_MAC), weight: 1 },
);

/**
 * Random bridges (1..8 ports, either profile, VLAN filtering or not, random flags, states and VLAN
 * sets) with 0..40 frames and small waits against an ageing time of 1..60 cycles.
 */
export function arbCoreScenario(opts: { readonly profile?: ForwardingProfile; readonly vlanFiltering?: boolean; readonly maxFrames?: number } = {}): fc.Arbitrary<CoreScenario> {
  return fc
    .record({
      n: fc.integer({ min: 1, max: 8 }),
      profile: opts.profile === undefined ? fc.constantFrom<ForwardingProfile>('ieee', 'linux') : fc.constant(opts.profile),
      vlanFiltering: opts.vlanFiltering === undefined ? fc.boolean() : fc.constant(opts.vlanFiltering),
      stp: fc.boolean(),
      ageing: fc.integer({ min: 1, max: 60 }),
    })
    .chain((b) =>
      fc.record({
        n: fc.constant(b.n),
        profile: fc.constant(b.profile),
        vlanFiltering: fc.constant(b.vlanFiltering),
        stp: fc.constant(b.stp),
        ageing: fc.constant(b.ageing),
        groupFwdMask: b.profile === 'linux' ? fc.integer({ min: 0, max: 0xffff }).map((x) => x & 0xfff8) : fc.constant(0),
        ports: fc.array(arbPort(b.vlanFiltering), { minLength: b.n, maxLength: b.n }),
        statics: fc.uniqueArray(fc.record({ host: fc.nat(7), port: fc.nat(b.n - 1), sticky: fc.boolean() }), { maxLength: 2, selector: (s) => s.host }),
        frames: fc.array(
          fc.record({
            ingress: fc.nat(b.n - 1),
            src: arbSrc,
            dst: arbDst(b.n),
            vid: b.vlanFiltering ? fc.option(fc.oneof({ arbitrary: fc.constantFrom(0, 1, 2, 3), weight: 8 }, { arbitrary: fc.constantFrom(4, 4095), weight: 1 }), { nil: undefined }) : fc.option(fc.integer({ min: 0, max: 4095 }), { nil: undefined, freq: 4 }),
            wait: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.nat(30), weight: 1 }),
          }).map(({ ingress, src, dst, vid, wait }): ScenarioFrame => ({ ingress, frame: vid === undefined ? { src, dst } : { src, dst, vlan: { vid } }, wait })),
          { maxLength: opts.maxFrames ?? 40 },
        ),
      }),
    );
}

/** Builds the scenario's bridge (static entries on the port's PVID, or VID 0). */
export function buildCore(s: CoreScenario): ForwardingCore {
  const core = new ForwardingCore(s.n, { profile: s.profile, vlanFiltering: s.vlanFiltering, stp: s.stp, groupFwdMask: s.groupFwdMask, ageingCycles: s.ageing, localMacs: [OWN_MAC] });
  s.ports.forEach((p, i) => core.configurePort(i, p));
  for (const st of s.statics) {
    const vid = s.vlanFiltering ? s.ports[st.port]!.pvid : 0;
    if (vid !== 0 || !s.vlanFiltering) core.addStatic(hostMac(st.host), st.port, { sticky: st.sticky, vid });
  }
  return core;
}

/** Runs the scenario's frames; returns every decision with the cycle it was made at. */
export function runScenario(core: ForwardingCore, s: CoreScenario): { decisions: { at: number; f: ScenarioFrame; d: ForwardingDecision }[]; now: number } {
  let now = 0;
  const decisions = s.frames.map((f) => {
    now += f.wait;
    return { at: now, f, d: core.decide(f.ingress, f.frame, now) };
  });
  return { decisions, now };
}

/**
 * The VLAN a frame on `port` belongs to by 802.1Q ingress rules (0 when VLAN filtering is off),
 * or undefined when ingress filtering drops it. Independent of the core.
 */
export function expectedVid(s: CoreScenario, port: number, frame: ForwardingFrame): number | undefined {
  if (!s.vlanFiltering) return 0;
  const p = s.ports[port]!;
  const tag = frame.vlan?.vid;
  if (tag === undefined || tag === 0) return p.pvid === 0 ? undefined : p.pvid;
  return p.vlans.includes(tag) ? tag : undefined;
}

// ---------------------------------------------------------------------------------------------
// Sequences in the Linux-bridge oracle's format (differential test)

/** A frame in the oracle's input format. */
export interface OracleFrame {
  readonly in_port: number;
  readonly src: string;
  readonly dst: string;
  readonly ethertype: string;
  readonly payload_hex: string;
  readonly wait_s?: number;
}

/** A sequence in the oracle's input format. */
export interface OracleSequence {
  readonly static_fdb: readonly { readonly mac: string; readonly port: number; readonly sticky: boolean }[];
  readonly frames: readonly OracleFrame[];
}

const hex2 = (i: number): string => i.toString(16).padStart(2, '0');
const oracleHost = (i: number): string => `02:00:00:00:01:${hex2(i)}`;

/**
 * Random oracle sequences on `ports` ports: learning, station moves, known and unknown unicast,
 * broadcast, multicast, every link-local 01:80:c2:00:00:0X, invalid (zero and group) sources,
 * the bridge's own addresses as destination (and rarely as source), static entries (sticky or
 * not) and, when `waits` is given, waits drawn from it (at most `maxWaits` of them).
 */
export function arbOracleSequence(ports: number, opts: { readonly minFrames?: number; readonly maxFrames?: number; readonly waits?: readonly number[]; readonly maxWaits?: number } = {}): fc.Arbitrary<OracleSequence> {
  const hosts = 6;
  const own = ['02:b0:ff:00:00:00', '02:b0:00:00:00:fe', ...Array.from({ length: ports + 1 }, (_, i) => `02:b0:00:00:00:${hex2(i)}`)];
  const dst = fc.oneof(
    { arbitrary: fc.nat(hosts - 1).map(oracleHost), weight: 14 },
    { arbitrary: fc.constantFrom('ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:fb', '33:33:00:00:00:01', '03:00:00:00:00:07'), weight: 3 },
    { arbitrary: fc.nat(15).map((x) => `01:80:c2:00:00:${hex2(x)}`), weight: 3 },
    { arbitrary: fc.constantFrom(...own), weight: 1 },
    { arbitrary: fc.constant('02:a0:00:00:00:00'), weight: 1 },
  );
  const src = fc.oneof(
    { arbitrary: fc.nat(hosts - 1).map(oracleHost), weight: 40 },
    { arbitrary: fc.constantFrom('00:00:00:00:00:00', '01:00:5e:00:00:01', 'ff:ff:ff:ff:ff:ff', '03:00:00:00:00:07'), weight: 2 },
    { arbitrary: fc.constantFrom(...own.slice(0, ports + 2)), weight: 1 },
  );
  const waits = opts.waits ?? [];
  const frame = fc.record({
    in_port: fc.nat(ports - 1),
    src,
    dst,
    ethertype: fc.constantFrom('0x88b5', '0x0800', '0x0806', '0x002e', '0x88cc'),
    payload_hex: fc.constantFrom('', '00', 'aaaa03', 'deadbeef'),
    wait: waits.length > 0 ? fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.constantFrom(...waits), weight: 1 }) : fc.constant(0),
  });
  return fc
    .record({
      static_fdb: fc.uniqueArray(fc.record({ mac: fc.nat(hosts - 1).map(oracleHost), port: fc.nat(ports - 1), sticky: fc.boolean() }), { maxLength: 3, selector: (e) => e.mac }),
      frames: fc.array(frame, { minLength: opts.minFrames ?? 20, maxLength: opts.maxFrames ?? 60, size: 'max' }),
    })
    .map(({ static_fdb, frames }) => {
      let waitsLeft = opts.maxWaits ?? Infinity;
      return {
        static_fdb,
        frames: frames.map(({ wait, ...f }) => {
          if (wait > 0 && waitsLeft > 0) {
            waitsLeft--;
            return { ...f, wait_s: wait };
          }
          return f;
        }),
      };
    });
}
