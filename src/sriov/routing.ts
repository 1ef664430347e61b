import { SriovError, checkRid } from './errors.js';
import { show } from '../bits/show.js';

/**
 * A 16-bit PCIe Routing ID (bus number in bits 15:8, device/function in 7:0; under ARI the whole
 * low byte is the function number). Branded so that a plain number is not taken for one.
 * @spec PCIe Base r6.0 §2.2.4.2 (Routing ID), §6.13 (ARI)
 * @category SR-IOV
 */
export type RoutingId = number & {
  /** Compile-time brand only: never present at run time; it keeps plain numbers from passing as a RoutingId. */
  readonly __routingId: never;
};

/**
 * Makes a Routing ID from a bus number and an 8-bit device/function number.
 * @throws {SriovError} `sriov.bad-routing-id` (a RangeError) if bus or devfn is not 0..255.
 * @example
 * ```ts
 * routingId(0x03, 0x00); // 0x0300 (03:00.0)
 * ```
 * @category SR-IOV
 */
export function routingId(bus: number, devfn: number): RoutingId {
  if (!Number.isInteger(bus) || bus < 0 || bus > 255) throw new SriovError('sriov.bad-routing-id', `bus ${show(bus)} is not 0..255`);
  if (!Number.isInteger(devfn) || devfn < 0 || devfn > 255) throw new SriovError('sriov.bad-routing-id', `devfn ${show(devfn)} is not 0..255`);
  return ((bus << 8) | devfn) as RoutingId;
}

/**
 * Takes a number as a Routing ID.
 * @throws {SriovError} `sriov.bad-routing-id` (a RangeError) if it is not 0..0xFFFF.
 * @example
 * ```ts
 * asRoutingId(0x0380);
 * ```
 * @category SR-IOV
 */
export function asRoutingId(n: number): RoutingId {
  checkRid(n);
  return n as RoutingId;
}

/**
 * The parts of a Routing ID.
 * @example
 * ```ts
 * ridParts(asRoutingId(0x03fe)); // { bus: 3, devfn: 0xfe, device: 0x1f, function: 6 }
 * ```
 * @category SR-IOV
 */
export function ridParts(rid: RoutingId): {
  /** Bus Number: bits 15:8 of the Routing ID (0..255). */
  readonly bus: number;
  /** The whole low byte, bits 7:0 (0..255): Device and Function Number, or the 8-bit Function Number under ARI. */
  readonly devfn: number;
  /** Device Number: bits 7:3 (0..31), as read without ARI. */
  readonly device: number;
  /** Function Number: bits 2:0 (0..7), as read without ARI. */
  readonly function: number;
} {
  return { bus: rid >>> 8, devfn: rid & 0xff, device: (rid >>> 3) & 0x1f, function: rid & 7 };
}

/**
 * `[domain:]bb:dd.f` text of a Routing ID, as lspci and Linux print it (also for ARI functions).
 * @param domain - PCI domain; printed when given and non-zero, or when `forceDomain`.
 * @example
 * ```ts
 * formatRid(asRoutingId(0x0380)); // "03:10.0"
 * ```
 * @category SR-IOV
 */
export function formatRid(rid: RoutingId, domain = 0, forceDomain = false): string {
  const p = ridParts(rid);
  const h = (n: number, d: number): string => n.toString(16).padStart(d, '0');
  const base = `${h(p.bus, 2)}:${h(p.device, 2)}.${p.function}`;
  return domain !== 0 || forceDomain ? `${h(domain, 4)}:${base}` : base;
}

/**
 * Routing ID of VF `n` (1-based): PF RID + First VF Offset + (n − 1) × VF Stride, the carry going
 * into the bus number. Returns undefined when the sum leaves the 16-bit Routing ID space.
 * @spec PCIe Base r6.0 §9.3.3.9-10 (First VF Offset, VF Stride)
 * @throws {SriovError} `sriov.bad-vf-number` (a RangeError) if `n` is not 1..65535.
 * @example
 * ```ts
 * vfRoutingId(asRoutingId(0x8100), 0x80, 1, 200); // 0x8247 (82:08.7)
 * ```
 * @category SR-IOV
 */
export function vfRoutingId(pf: RoutingId, offset: number, stride: number, n: number): RoutingId | undefined {
  if (!Number.isInteger(n) || n < 1 || n > 0xffff) throw new SriovError('sriov.bad-vf-number', `VF number ${show(n)} is not 1..65535`);
  const rid = pf + offset + (n - 1) * stride;
  return rid > 0xffff ? undefined : (rid as RoutingId);
}

/**
 * The VF number (1-based) a Routing ID names under a PF's offset and stride, or undefined.
 * @remarks With stride 0 only the first VF has a Routing ID (the spec allows stride 0 only when NumVFs is 1).
 * @example
 * ```ts
 * vfNumberOf(asRoutingId(0x8100), 0x80, 1, asRoutingId(0x8247), 200); // 200
 * ```
 * @category SR-IOV
 */
export function vfNumberOf(pf: RoutingId, offset: number, stride: number, rid: RoutingId, numVfs: number): number | undefined {
  const d = rid - pf - offset;
  if (d < 0 || numVfs < 1) return undefined;
  if (stride === 0) return d === 0 ? 1 : undefined;
  if (d % stride !== 0) return undefined;
  const n = d / stride + 1;
  return n <= numVfs ? n : undefined;
}

/**
 * Where a configuration request can reach below a downstream port: the bus must lie in the port's
 * secondary..subordinate range; on the secondary bus itself, without ARI Forwarding Enable, only
 * Device Number 0 is decoded (the port converts to Type 0 only for device 0).
 *
 * @remarks VFs on buses above the secondary bus (no bridge in between) are reached by Type 1
 * requests the port forwards; the device-0 rule applies only to the secondary bus.
 * @spec PCIe Base r6.0 §7.3.3 (configuration request routing), §6.13 (ARI Forwarding)
 * @example
 * ```ts
 * reachable(asRoutingId(0x0180), { secondary: 1, subordinate: 1, ariForwarding: false }); // false: device 16
 * ```
 * @category SR-IOV
 */
export function reachable(rid: RoutingId, port: { readonly secondary: number; readonly subordinate: number; readonly ariForwarding: boolean }): boolean {
  checkRid(rid);
  const bus8 = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255;
  if (typeof port !== 'object' || port === null || !bus8(port.secondary) || !bus8(port.subordinate) || typeof port.ariForwarding !== 'boolean') {
    throw new SriovError('sriov.bad-argument', 'a port is { secondary: 0..255, subordinate: 0..255, ariForwarding: boolean }');
  }
  const { bus, device } = ridParts(rid);
  if (bus < port.secondary || bus > port.subordinate) return false;
  return bus > port.secondary || port.ariForwarding || device === 0;
}
