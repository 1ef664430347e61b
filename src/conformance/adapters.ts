import type { RegisterSpace } from '../regs/space.js';
import type { SriovDevice } from '../sriov/device.js';
import { asRoutingId } from '../sriov/routing.js';
import { BurstHost, DEFAULT_AGEING_SECONDS, ForwardingCore, FrameHost, Host, Switch, secondsToCycles, type ForwardingProfile, type LinkMode } from '../devices/index.js';
import { BurstCable, Cable, FrameCable, asMac, type BurstPort, type FramePort, type Port, type RateMbps } from '../link/index.js';
import { Kernel, SimError } from '../sim/index.js';
import type { ConfigTarget, ForwardingDelivery, ForwardingTarget, VlanPlan } from './target.js';
import { egressCopies } from '../devices/switch.js';

/**
 * A {@link ConfigTarget} over one iovsim function space at a Routing ID (any other ID reads all ones).
 * @example
 * ```ts
 * runConformance(configTargetFromSpace(buildConfigSpace(sampleEndpointSpec()), 0x0100));
 * ```
 * @category Conformance
 */
export function configTargetFromSpace(space: RegisterSpace, rid: number, name = 'iovsim function'): ConfigTarget {
  const ones = (size: number): number => (size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff);
  return {
    name,
    functions: () => [rid],
    configRead: (r, o, s) => (r === rid ? space.read(o, s) : ones(s)),
    configWrite: (r, o, s, v) => {
      if (r === rid) space.write(o, s, v);
    },
    reset: (r, kind) => {
      if (r === rid) space.reset(kind);
    },
  };
}

/**
 * A {@link ConfigTarget} over an iovsim SR-IOV device: every PF is checked; VFs are reached through it.
 * @example
 * ```ts
 * runConformance(configTargetFromDevice(new SriovDevice(igbProfile(), { bus: 1 })));
 * ```
 * @category Conformance
 */
export function configTargetFromDevice(dev: SriovDevice, name = `iovsim ${dev.profile.name}`): ConfigTarget {
  return {
    name,
    functions: () => dev.pfs.map((p) => p.rid),
    configRead: (r, o, s) => dev.configRead(asRoutingId(r), o, s),
    configWrite: (r, o, s, v) => dev.configWrite(asRoutingId(r), o, s, v),
    reset: (r, kind) => dev.pfs.find((p) => p.rid === r)?.space.reset(kind),
  };
}

/**
 * Options of {@link forwardingTargetFromCore} and {@link forwardingTargetFromSwitch}: how the
 * model under test is configured (and what the target declares about it).
 * @spec IEEE 802.1Q-2022 §8.6, §8.8.3; net/bridge (the linux profile)
 * @category Conformance
 */
export interface ModelTargetOptions {
  /** Number of ports. @defaultValue 4 */
  readonly ports?: number;
  /** Forwarding profile of the model, declared to the suite. @defaultValue 'ieee' */
  readonly profile?: ForwardingProfile;
  /** Ageing time in seconds (0: no learning), declared to the suite. @defaultValue 300 */
  readonly ageingSeconds?: number;
  /** Ports put in hairpin mode, declared to the suite. @defaultValue none */
  readonly hairpinPorts?: readonly number[];
  /** Name shown in reports. @defaultValue a description of the model */
  readonly name?: string;
}

/**
 * Options of {@link forwardingTargetFromSwitch}: those of {@link ModelTargetOptions} plus the links.
 * @spec IEEE 802.3-2022 §4 (MAC); iovsim design (symbol and burst link modes)
 * @category Conformance
 */
export interface SwitchTargetOptions extends ModelTargetOptions {
  /** Link granularity of the switch and the testers' hosts (as the switch's own `mode` option: one symbol per cycle, whole bursts, or an event per frame). @defaultValue 'symbol' */
  readonly mode?: LinkMode;
  /** Rate of every link in Mb/s. @defaultValue 1000 */
  readonly rate?: RateMbps;
}

/** The switch's own address (its ports use the next ones); outside the suite's 02:1c:0f:… range. */
const SWITCH_MAC = asMac(0x02b0_ff00_0000);
/** The testers' hosts (they send the suite's frames as they are; their own address is never used). */
const TESTER_MAC = asMac(0x02a0_0000_0000);

function modelDefaults(o: ModelTargetOptions): { ports: number; profile: ForwardingProfile; ageingSeconds: number; hairpinPorts: readonly number[] } {
  return { ports: o.ports ?? 4, profile: o.profile ?? 'ieee', ageingSeconds: o.ageingSeconds ?? DEFAULT_AGEING_SECONDS, hairpinPorts: o.hairpinPorts ?? [] };
}

/** Gives each port of `core` its VLAN membership from `plan` (VLAN filtering on). */
function applyPlan(core: ForwardingCore, plan: VlanPlan): void {
  if (!Array.isArray(plan?.ports) || plan.ports.length !== core.portCount) throw new SimError('sim.bad-option', `a VLAN plan needs one entry per port (${core.portCount})`);
  plan.ports.forEach((p, i) => core.configurePort(i, { vlans: p.vlans, pvid: p.pvid, untagged: p.untagged }));
}

/**
 * A {@link ForwardingTarget} over iovsim's {@link ForwardingCore} alone (no links, no time of its
 * own): each injected frame goes through `decide` at `atSeconds` (in cycles of 8 ns), and a
 * forward decision is a delivery of the same bytes on each egress port.
 * @throws {SimError} From `create()`: `sim.bad-option`, `sim.bad-port` for options the core refuses.
 * @example
 * ```ts
 * runConformance(forwardingTargetFromCore({ ports: 8, profile: 'linux' })).failed; // 0
 * ```
 * @category Conformance
 */
export function forwardingTargetFromCore(options: ModelTargetOptions = {}): ForwardingTarget {
  const o = modelDefaults(options);
  return {
    name: options.name ?? `iovsim forwarding core (${o.profile}, ${o.ports} ports)`,
    ports: o.ports, profile: o.profile, ageingSeconds: o.ageingSeconds, hairpinPorts: o.hairpinPorts,
    create: () => {
      // Built at the first use, with VLAN filtering when configureVlans comes first.
      let core: ForwardingCore | undefined;
      const build = (plan?: VlanPlan): ForwardingCore => {
        const c = new ForwardingCore(o.ports, { profile: o.profile, ageingCycles: secondsToCycles(o.ageingSeconds), ...(plan === undefined ? {} : { vlanFiltering: true }) });
        for (const p of o.hairpinPorts) c.configurePort(p, { hairpin: true });
        if (plan !== undefined) applyPlan(c, plan);
        return c;
      };
      return {
        inject: (port, frame, at) => {
          core ??= build();
          const d = core.decide(port, frame, secondsToCycles(at));
          if (d.kind !== 'forward') return [];
          const copies = egressCopies(frame, frame.bytes, d, core.vlanFiltering);
          return d.ports.map((p, k) => ({ port: p, bytes: copies[k]! }));
        },
        addStatic: (mac, port) => (core ??= build()).addStatic(mac, port),
        configureVlans: (plan) => {
          if (core !== undefined) throw new SimError('sim.bad-option', 'configureVlans() comes before any frame or static entry');
          core = build(plan);
        },
      };
    },
  };
}

/**
 * A {@link ForwardingTarget} over iovsim's {@link Switch} driven through real frames: each device
 * is a kernel with the switch and one host per port, joined by cables. An injected frame is sent
 * (its bytes, FCS included) by the host on that port, the kernel runs until idle, and every frame
 * a host receives is a delivery on its port. `advance` runs the kernel's clock forward (ageing).
 * @throws {SimError} From `create()`: `sim.bad-option`, `sim.bad-port` for options the switch refuses.
 * @example
 * ```ts
 * runConformance(forwardingTargetFromSwitch({ ports: 4, profile: 'linux' }), { seed: 42 }).failed; // 0
 * ```
 * @category Conformance
 */
export function forwardingTargetFromSwitch(options: SwitchTargetOptions = {}): ForwardingTarget {
  const o = modelDefaults(options);
  const mode = options.mode ?? 'symbol';
  const rate = options.rate ?? 1000;
  return {
    name: options.name ?? `iovsim switch (${o.profile}, ${o.ports} ports, ${mode} mode)`,
    ports: o.ports, profile: o.profile, ageingSeconds: o.ageingSeconds, hairpinPorts: o.hairpinPorts,
    create: () => {
      const out: ForwardingDelivery[] = [];
      // Built at the first use, with VLAN filtering when configureVlans comes first.
      let net: { k: Kernel; sw: Switch<LinkMode>; hosts: (Host | BurstHost | FrameHost)[] } | undefined;
      const build = (plan?: VlanPlan): NonNullable<typeof net> => {
        const k = new Kernel({ seed: 1 });
        const forwarding = { profile: o.profile, ageingCycles: secondsToCycles(o.ageingSeconds), ...(plan === undefined ? {} : { vlanFiltering: true }) };
        const sw = k.add(new Switch<LinkMode>('dut', { ports: o.ports, mac: SWITCH_MAC, mode, rate, forwarding }));
        for (const p of o.hairpinPorts) sw.core.configurePort(p, { hairpin: true });
        if (plan !== undefined) applyPlan(sw.core, plan);
        const hosts = Array.from({ length: o.ports }, (_, i) => {
          const ho = { mac: asMac(TESTER_MAC + i), rate, promiscuous: true, onReceive: (_f: unknown, _c: number, bytes: Uint8Array) => void out.push({ port: i, bytes }) };
          const name = `cable${i}`;
          if (mode === 'burst') {
            const h = k.add(new BurstHost(`tester${i}`, ho));
            k.add(new BurstCable(name, h.port, sw.ports[i] as BurstPort, { metres: 2 }, k.rng(name)));
            return h;
          }
          if (mode === 'frame') {
            const h = k.add(new FrameHost(`tester${i}`, ho));
            k.add(new FrameCable(name, h.port, sw.ports[i] as FramePort, { metres: 2 }, k.rng(name)));
            return h;
          }
          const h = k.add(new Host(`tester${i}`, ho));
          k.add(new Cable(name, h.port, sw.ports[i] as Port, { metres: 2 }, k.rng(name)));
          return h;
        });
        return { k, sw, hosts };
      };
      return {
        inject: (port, frame) => {
          const n = (net ??= build());
          const h = n.hosts[port];
          if (h === undefined) throw new SimError('sim.bad-port', `port ${port} is not in 0..${o.ports - 1}`);
          h.sendBytes(frame.bytes);
          n.k.run();
          return out.splice(0);
        },
        advance: (seconds) => void (net ??= build()).k.run({ cycles: secondsToCycles(seconds) }),
        addStatic: (mac, port) => (net ??= build()).sw.core.addStatic(mac, port),
        configureVlans: (plan) => {
          if (net !== undefined) throw new SimError('sim.bad-option', 'configureVlans() comes before any frame or static entry');
          net = build(plan);
        },
      };
    },
  };
}
