import type { RegisterSpace } from '../regs/space.js';
import type { SriovDevice } from '../sriov/device.js';
import { asRoutingId } from '../sriov/routing.js';
import { BurstHost, DEFAULT_AGEING_SECONDS, ForwardingCore, Host, Switch, secondsToCycles, type ForwardingProfile } from '../devices/index.js';
import { BurstCable, Cable, asMac, type BurstPort, type Port, type RateMbps } from '../link/index.js';
import { Kernel, SimError } from '../sim/index.js';
import type { ConfigTarget, ForwardingDelivery, ForwardingTarget } from './target.js';

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
  /** Link granularity of the switch and the testers' hosts (as the switch's own `mode` option: one symbol per cycle, or whole bursts). @defaultValue 'symbol' */
  readonly mode?: 'symbol' | 'burst';
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
      const core = new ForwardingCore(o.ports, { profile: o.profile, ageingCycles: secondsToCycles(o.ageingSeconds) });
      for (const p of o.hairpinPorts) core.configurePort(p, { hairpin: true });
      return {
        inject: (port, frame, at) => {
          const d = core.decide(port, frame, secondsToCycles(at));
          return d.kind === 'forward' ? d.ports.map((p) => ({ port: p, bytes: frame.bytes })) : [];
        },
        addStatic: (mac, port) => core.addStatic(mac, port),
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
      const k = new Kernel({ seed: 1 });
      const out: ForwardingDelivery[] = [];
      const sw = k.add(new Switch('dut', { ports: o.ports, mac: SWITCH_MAC, mode, rate, forwarding: { profile: o.profile, ageingCycles: secondsToCycles(o.ageingSeconds) } }));
      for (const p of o.hairpinPorts) sw.core.configurePort(p, { hairpin: true });
      const hosts = Array.from({ length: o.ports }, (_, i) => {
        const ho = { mac: asMac(TESTER_MAC + i), rate, promiscuous: true, onReceive: (_f: unknown, _c: number, bytes: Uint8Array) => void out.push({ port: i, bytes }) };
        const h = k.add(mode === 'burst' ? new BurstHost(`tester${i}`, ho) : new Host(`tester${i}`, ho));
        if (h instanceof BurstHost) k.add(new BurstCable(`cable${i}`, h.port, sw.ports[i] as BurstPort, { metres: 2 }, k.rng(`cable${i}`)));
        else k.add(new Cable(`cable${i}`, h.port, sw.ports[i] as Port, { metres: 2 }, k.rng(`cable${i}`)));
        return h;
      });
      return {
        inject: (port, frame) => {
          const h = hosts[port];
          if (h === undefined) throw new SimError('sim.bad-port', `port ${port} is not in 0..${o.ports - 1}`);
          h.sendBytes(frame.bytes);
          k.run();
          return out.splice(0);
        },
        advance: (seconds) => void k.run({ cycles: secondsToCycles(seconds) }),
        addStatic: (mac, port) => sw.core.addStatic(mac, port),
      };
    },
  };
}
