import { readLE } from '../bits/bits.js';
import type { BarSpec } from '../config/bar.js';
import { CAP_ID, EXT_CAP_ID } from '../config/cap/capability.js';
import { walkCapabilities, walkExtendedCapabilities } from '../config/walk.js';
import { LayoutError } from '../regs/errors.js';
import { SriovDevice, type PfImage, type SriovDeviceOptions } from './device.js';
import type { DeviceProfile, PfProfile } from './profile.js';

/**
 * A function of a dump: its address and its configuration bytes (what `parseLspciDump` returns).
 * @category SR-IOV
 */
export interface DumpedFunction {
  /** PCI address of the function. */
  readonly address: {
    /** PCI domain (segment group) number, 0..0xFFFF; 0 when the dump prints none. */
    readonly domain: number;
    /** Bus number, 0..255 (bits 15:8 of the Routing ID). */
    readonly bus: number;
    /** Device number, 0..31 (bits 7:3 of the Routing ID). */
    readonly device: number;
    /** Function number, 0..7 (bits 2:0 of the Routing ID); under ARI it joins `device` to form the 8-bit function number. */
    readonly function: number;
  };
  /** Configuration bytes (64, 256 or 4096). */
  readonly bytes: Uint8Array;
}

/**
 * Options of {@link deviceFromDump}.
 * @category SR-IOV
 */
export interface DumpDeviceOptions extends Omit<SriovDeviceOptions, 'bus' | 'device' | 'domain' | 'pfImages'> {
  /** Per-VF sizes of VF BAR0..5 (dumps carry none); without them the VF BARs stay read-only and windows are unknown. */
  readonly vfBarSizes?: readonly (number | bigint | undefined)[];
  /** PF BAR sizes by slot. */
  readonly barSizes?: readonly (number | bigint | undefined)[];
  /** PF Expansion ROM size in bytes (without it a non-zero ROM BAR is read-only). */
  readonly expansionRomSize?: number;
}

/**
 * What {@link deviceFromDump} built and what it left out.
 * @category SR-IOV
 */
export interface DumpDevice {
  /** The device, its PFs loaded from the dump with live SR-IOV capabilities. */
  readonly device: SriovDevice;
  /** Functions of the dump that did not become PFs, and why. */
  readonly skipped: readonly {
    /** The function's address as text, `[domain:]bb:dd.f` in hex as lspci prints it (domain only when non-zero). */
    readonly address: string;
    /** Why the function did not become a PF, in words (e.g. a 256-byte dump, no SR-IOV capability, another device). */
    readonly reason: string;
  }[];
}

function sriovOffset(bytes: Uint8Array): number | undefined {
  if (bytes.length < 0x140) return undefined;
  if (!walkCapabilities(bytes).entries.some((e) => e.id === CAP_ID.pcie)) return undefined;
  // The first SR-IOV capability with room for its 0x40 bytes (the same rule the PF loader applies).
  const entries = walkExtendedCapabilities(bytes).entries;
  const starts = entries.map((e) => e.offset).sort((a, b) => a - b);
  return entries.find((e) => e.id === EXT_CAP_ID.sriov && (starts.find((o) => o > e.offset) ?? 0x1000) - e.offset >= 0x40)?.offset;
}

function vfBarSpecs(b: Uint8Array, at: number, sizes: readonly (number | bigint | undefined)[]): (BarSpec | undefined)[] {
  const out: (BarSpec | undefined)[] = [];
  for (let i = 0; i < 6; i++) {
    const lo = readLE(b, at + 0x24 + i * 4, 4);
    const size = sizes[i];
    const is64 = ((lo >>> 1) & 3) === 2;
    out.push(size === undefined ? undefined : is64 ? { kind: 'mem64', size, prefetchable: (lo & 8) !== 0 } : { kind: 'mem32', size: Number(size), prefetchable: (lo & 8) !== 0 });
    if (is64 && size !== undefined) {
      out.push(undefined);
      i++;
    }
  }
  return out;
}

/**
 * Builds an SR-IOV device from a dump's functions: every function with an SR-IOV capability on the
 * first device found becomes a PF loaded from its bytes; First VF Offset and VF Stride are the
 * dump's (constant: a dump shows one NumVFs/ARI state); the VF state (VF Enable, NumVFs, VF BARs)
 * is the dump's.
 *
 * @remarks Functions without an SR-IOV capability, of another bus/device, or shorter than the
 * extended space are skipped with a reason. ARI is taken as in use when a PF carries the ARI
 * capability, and then PF function numbers are the full 8-bit devfn.
 * @throws {LayoutError} When no function of the dump is a PF the model can load.
 * @spec PCIe Base r6.0 §9.3.3 (SR-IOV capability fields read from the dump)
 * @example
 * ```ts
 * const { device } = deviceFromDump(parseLspciDump(text), { vfBarSizes: [0x4000, undefined, undefined, 0x4000] });
 * ```
 * @category SR-IOV
 */
export function deviceFromDump(functions: readonly DumpedFunction[], options: DumpDeviceOptions = {}): DumpDevice {
  const skipped: { address: string; reason: string }[] = [];
  const name = (f: DumpedFunction): string => {
    const a = f.address;
    const h = (n: number, d: number): string => n.toString(16).padStart(d, '0');
    return `${a.domain !== 0 ? `${h(a.domain, 4)}:` : ''}${h(a.bus, 2)}:${h(a.device, 2)}.${a.function}`;
  };
  const candidates = functions.filter((f) => {
    if (f.bytes.length < 4096) {
      skipped.push({ address: name(f), reason: `${f.bytes.length}-byte dump: the SR-IOV capability lives in the extended space (use lspci -xxxx)` });
      return false;
    }
    if (sriovOffset(f.bytes) === undefined) {
      skipped.push({ address: name(f), reason: 'no SR-IOV capability (or no PCI Express capability, without which the extended list is not read)' });
      return false;
    }
    return true;
  });
  const first = candidates[0];
  if (first === undefined) throw new LayoutError('layout.bad-option', `no function of the dump is an SR-IOV PF${skipped.length > 0 ? `: ${skipped.map((s) => `${s.address}: ${s.reason}`).join('; ')}` : ''}`);
  const same = candidates.filter((f) => {
    const ok = f.address.domain === first.address.domain && f.address.bus === first.address.bus && f.address.device === first.address.device;
    if (!ok) skipped.push({ address: name(f), reason: `belongs to another device than ${name(first)}` });
    return ok;
  });
  const ari = same.some((f) => walkExtendedCapabilities(f.bytes).entries.some((e) => e.id === EXT_CAP_ID.ari));
  const pfs: PfProfile[] = [];
  const images: PfImage[] = [];
  for (const f of same) {
    const b = f.bytes;
    const at = sriovOffset(b)!;
    const u16 = (o: number): number => readLE(b, o, 2);
    const fn = ari ? (f.address.device << 3) | f.address.function : f.address.function;
    pfs.push({
      function: fn,
      header: {
        vendorId: u16(0), deviceId: u16(2), revisionId: b[8]!, classCode: readLE(b, 8, 4) >>> 8, subsystemVendorId: u16(0x2c), subsystemId: u16(0x2e),
        interruptPin: Math.min(b[0x3d]!, 4),
      },
      sriov: {
        totalVfs: u16(at + 0x0e), initialVfs: u16(at + 0x0c), vfDeviceId: u16(at + 0x1a), supportedPageSizes: (readLE(b, at + 0x1c, 4) | 1) >>> 0,
        functionDependencyLink: b[at + 0x12]!, vf10BitTags: (readLE(b, at + 4, 4) & 4) !== 0,
        offsetStride: { offset: u16(at + 0x14), stride: u16(at + 0x16) },
        vfBars: vfBarSpecs(b, at, options.vfBarSizes ?? []),
      },
    });
    images.push({
      bytes: b, ...(options.barSizes === undefined ? {} : { barSizes: options.barSizes }),
      ...(options.expansionRomSize === undefined ? {} : { expansionRomSize: options.expansionRomSize }),
    });
  }
  const profile: DeviceProfile = { name: `dump of ${name(first)}`, ari, pfs };
  const { vfBarSizes: _v, barSizes: _b, expansionRomSize: _r, ...rest } = options;
  const device = new SriovDevice(profile, { ...rest, bus: first.address.bus, device: ari ? 0 : first.address.device, domain: first.address.domain, pfImages: images });
  return { device, skipped };
}
