import { show } from '../bits/show.js';
import { SimError, type Clocked } from '../sim/kernel.js';

/**
 * What a wire carries during one cycle: nothing (idle), or part of a byte symbol.
 * @remarks A byte lasts `cyclesPerByte` cycles; `first` marks its first cycle, when a receiver
 * latches it. `amplitude` is relative to a transmitter's 1.0 and falls along a cable.
 * @category Link
 */
export interface Symbol {
  /** The octet, or {@link EXTENSION} (≥ 0x100) for a non-data carrier-extension symbol. */
  readonly byte: number;
  /** Signal amplitude at this point. */
  readonly amplitude: number;
  /** First cycle of the byte. */
  readonly first: boolean;
}

/**
 * The carrier-extension symbol (a non-data code-group, outside the octet range): what a 1 Gb/s
 * half-duplex transmitter sends after a frame shorter than the slot time, so that a collision is
 * seen within the slot. Receivers drop it from the frame. Noise (1..255 XORed in) keeps it ≥ 0x100.
 * @spec IEEE 802.3-2022 §4.2.3.4 (carrier extension), §36.2.4.14 (carrier extend code-groups)
 * @category Link
 */
export const EXTENSION = 0x100;

/**
 * What a cable needs of the ports at its ends, in either link mode.
 * @internal
 */
export interface CableEnd {
  /** For errors. */
  readonly name: string;
  /** The cable attached, if any. */
  cable: Clocked | undefined;
  /** The device the port belongs to. */
  owner: Clocked | undefined;
}

/**
 * Attaches `cable` to ports `a` and `b` (symbol, burst and frame cables alike), which must both be
 * ports of the cable's link mode (`type`): a port of another mode would never see the cable's
 * frames, which would then vanish without a count.
 * @throws {SimError} `sim.port-in-use` when a port already has a cable, or both ends are one port;
 * `sim.wrong-port` for a port of another link mode (reachable from untyped JavaScript).
 * @internal
 */
export function attachCable(cable: Clocked, a: CableEnd, b: CableEnd, type: abstract new (...args: never[]) => CableEnd): void {
  for (const end of [a, b] as unknown[]) {
    if (!(end instanceof type)) {
      const ctor = typeof end === 'object' && end !== null ? (end as { constructor?: { name?: unknown } }).constructor : undefined;
      const what = ctor !== undefined ? `a ${show(ctor.name)}` : typeof end === 'object' && end !== null ? 'an object without a prototype' : show(end);
      throw new SimError('sim.wrong-port', `cable ${show(cable.name)} joins ${show(type.name)}s; one end is ${show(what)} (each link mode has its own ports and cables)`);
    }
  }
  if (a.cable !== undefined || b.cable !== undefined) throw new SimError('sim.port-in-use', `cable ${show(cable.name)}: port ${a.cable !== undefined ? a.name : b.name} already has a cable`);
  if (a === b) throw new SimError('sim.port-in-use', `cable ${show(cable.name)}: both ends on ${show(a.name)}`);
  a.cable = cable;
  b.cable = cable;
}

/** The devices at a cable's ends (its kernel wake-ups). @internal */
export function* endOwners(ends: readonly CableEnd[]): Iterable<Clocked> {
  for (const p of ends) if (p.owner !== undefined) yield p.owner;
}

/**
 * A device's attachment to a cable: what the device drives (`tx`, published at its commit) and what
 * reaches it (`rx`, published by the cable's commit). Both hold committed values only.
 * @category Link
 */
export class Port {
  /** What the device drives this cycle (committed), or null for idle. */
  tx: Symbol | null = null;
  /** What reaches the device this cycle (committed by the cable), or null for idle. */
  rx: Symbol | null = null;
  /** Whether a cable is attached. */
  get attached(): boolean {
    return this.cable !== undefined;
  }
  /** The component that drives `tx` and reads `rx` (set by the device that owns the port), for the kernel's wake-ups. */
  owner: Clocked | undefined;
  /** The cable attached (set by the cable), for the kernel's wake-ups. */
  cable: Clocked | undefined;
  /** Called by the cable when it changes `rx` (a device holding many ports uses it to step only the ports that changed). */
  onRx: (() => void) | undefined;

  /** @param name - `device.portN`, for traces and errors. */
  constructor(readonly name: string) {}
}
