import { readLE } from '../bits/bits.js';
import { LayoutError } from '../regs/errors.js';
import type { SpaceOptions } from '../regs/space.js';
import type { BarSpec } from './bar.js';
import { ConfigSpaceBuilder, CONFIG_SPACE_SIZE } from './builder.js';
import { ariCapability } from './cap/ari.js';
import { CAP_ID, EXT_CAP_ID, type CapabilityDef } from './cap/capability.js';
import { msiCapability } from './cap/msi.js';
import { msixCapability } from './cap/msix.js';
import { PCIE_DEVICE_TYPE, pcieCapability, type PcieDeviceType } from './cap/pcie.js';
import { pmCapability } from './cap/pm.js';
import { opaqueCapability } from './cap/raw.js';
import type { ConfigSpace } from './config-space.js';
import type { HeaderSpec } from './header.js';
import { walkCapabilities, walkExtendedCapabilities, type WalkProblem } from './walk.js';

/**
 * Decodes one capability found in an image into a definition, or returns undefined to keep it opaque.
 * @param bytes - the whole 4096-byte image.
 * @param offset - offset of the capability header.
 * @param room - bytes available before the next capability or the end of the region.
 * @category Config Space
 */
export type CapabilityDecoder = (bytes: Uint8Array, offset: number, room: number) => CapabilityDef | undefined;

/**
 * Options of {@link configSpaceFromImage}.
 * @category Config Space
 */
export interface ImageOptions extends Omit<SpaceOptions, 'readOnlyImage'> {
  /**
   * BAR sizes in bytes by slot. Dumps do not carry sizes (lspci reads them from sysfs), so without
   * a size a BAR is kept as a read-only register holding the dumped value.
   */
  readonly barSizes?: readonly (number | bigint | undefined)[];
  /** Expansion ROM size in bytes; without it a non-zero ROM BAR is kept read-only. */
  readonly expansionRomSize?: number;
  /** Extra decoders for extended capabilities by ID (the SR-IOV layer supplies one for 0x0010). */
  readonly extendedDecoders?: Readonly<Record<number, CapabilityDecoder>>;
}

/**
 * A function loaded from an image, and what the walkers reported while reading it.
 * @category Config Space
 */
export interface ImageResult {
  /** The loaded function's configuration space. */
  readonly space: ConfigSpace;
  /** Capability-chain problems; capabilities after a problem are not loaded. */
  readonly problems: readonly WalkProblem[];
  /** Capabilities kept as opaque read-only bytes because the model does not decode them. */
  readonly opaque: readonly {
    /** Capability ID (8-bit standard, 16-bit extended). */
    readonly id: number;
    /** Byte offset of the capability header. */
    readonly offset: number;
    /** Which capability list holds it: `standard` or `extended`. */
    readonly space: 'standard' | 'extended';
  }[];
}

const TYPE_BY_CODE = new Map<number, PcieDeviceType>(Object.entries(PCIE_DEVICE_TYPE).map(([k, v]) => [v, k as PcieDeviceType]));

function decodeStandard(b: Uint8Array, at: number, room: number): CapabilityDef | undefined {
  const id = b[at]!;
  const u16 = (o: number): number => readLE(b, at + o, 2);
  const u32 = (o: number): number => readLE(b, at + o, 4);
  const fits = (d: CapabilityDef): CapabilityDef | undefined => (d.size <= room ? d : undefined);
  if (id === CAP_ID.pm) {
    const pmc = u16(2);
    return fits(pmCapability({ d1: (pmc & 0x200) !== 0, d2: (pmc & 0x400) !== 0, pmeSupport: pmc >>> 11, dsi: (pmc & 0x20) !== 0, noSoftReset: (u16(4) & 8) !== 0 }));
  }
  if (id === CAP_ID.msi) {
    const mc = u16(2);
    const mmc = (mc >>> 1) & 7;
    if (mmc > 5 || (mc & 0x200) !== 0) return undefined;
    return fits(msiCapability({ vectors: 2 ** mmc, address64: (mc & 0x80) !== 0, perVectorMasking: (mc & 0x100) !== 0 }));
  }
  if (id === CAP_ID.msix) {
    const t = u32(4);
    const p = u32(8);
    if ((t & 7) > 5 || (p & 7) > 5) return undefined;
    return fits(msixCapability({ tableSize: (u16(2) & 0x7ff) + 1, tableBir: t & 7, tableOffset: (t & ~7) >>> 0, pbaBir: p & 7, pbaOffset: (p & ~7) >>> 0 }));
  }
  if (id === CAP_ID.pcie) {
    const caps = u16(2);
    const type = TYPE_BY_CODE.get((caps >>> 4) & 0xf);
    if ((caps & 0xf) !== 2 || type === undefined || room < 0x3c) return undefined;
    const devcap = u32(4);
    const lnkcap = u32(0x0c);
    const devcap2 = u32(0x24);
    const mps = 128 * 2 ** (devcap & 7);
    const speed = lnkcap & 0xf;
    const width = (lnkcap >>> 4) & 0x3f;
    const port = type === 'root-port' || type === 'downstream-port';
    try {
      return pcieCapability({
        deviceType: type, maxPayloadSupported: mps, flrCapable: (devcap & 0x1000_0000) !== 0, extendedTagSupported: (devcap & 0x20) !== 0,
        maxLinkSpeed: speed, maxLinkWidth: width, portNumber: lnkcap >>> 24, ariForwardingSupported: port && (devcap2 & 0x20) !== 0,
        tenBitTags: (devcap2 & 0x2_0000) !== 0, ltrSupported: (devcap2 & 0x800) !== 0,
      });
    } catch (e) {
      if (e instanceof LayoutError) return undefined; // values the model cannot express: keep it opaque
      throw e;
    }
  }
  return undefined;
}

function decodeAri(b: Uint8Array, at: number, room: number): CapabilityDef | undefined {
  const c = readLE(b, at + 4, 2);
  return room >= 8 ? ariCapability({ mfvcFunctionGroups: (c & 1) !== 0, acsFunctionGroups: (c & 2) !== 0, nextFunction: c >>> 8 }) : undefined;
}

function barSpecs(b: Uint8Array, slots: number, sizes: readonly (number | bigint | undefined)[]): (BarSpec | undefined)[] {
  const out: (BarSpec | undefined)[] = [];
  for (let i = 0; i < slots; i++) {
    const size = sizes[i];
    const lo = readLE(b, 0x10 + i * 4, 4);
    if (size === undefined) {
      out.push(undefined);
      continue;
    }
    const io = (lo & 1) === 1;
    const is64 = !io && ((lo >>> 1) & 3) === 2;
    const spec: BarSpec = io ? { kind: 'io', size: Number(size) } : is64 ? { kind: 'mem64', size, prefetchable: (lo & 8) !== 0 } : { kind: 'mem32', size: Number(size), prefetchable: (lo & 8) !== 0 };
    const base = is64 ? (BigInt(readLE(b, 0x14 + i * 4, 4)) << 32n) | BigInt((lo & ~0xf) >>> 0) : BigInt((lo & (io ? ~3 : ~0xf)) >>> 0);
    if ((base & (BigInt(size) - 1n)) !== 0n) throw new LayoutError('layout.bad-option', `BAR${i} holds 0x${base.toString(16)}, not aligned to the given size 0x${BigInt(size).toString(16)}`);
    out.push(spec);
    if (is64) {
      out.push(undefined);
      i++;
    }
  }
  return out;
}

/**
 * Loads a function's configuration space from raw bytes (for instance an `lspci -xxxx` dump):
 * the header and the capabilities the model knows (PM, MSI, MSI-X, PCI Express v2, ARI, and any
 * decoder passed in) become live registers; unknown capabilities stay opaque read-only bytes.
 * Current values are the image's; read-only bits keep the image's values across resets.
 *
 * @remarks Policies: an image shorter than 4096 bytes is padded with zeros (no extended
 * capabilities); BARs without a size in `barSizes` are read-only registers holding the dumped
 * value (dumps carry no sizes); a capability whose decoded layout would overlap the next one is
 * kept opaque; a broken or looping chain stops loading at the problem, which is returned.
 * @throws {LayoutError} For images the model cannot hold: a header type other than 0 or 1, a
 * length other than 64, 256 or 4096, or a BAR base not aligned to the size given for it.
 * @spec PCIe Base r6.0 §7.5.1 (headers), §7.5.1.1.11 and §7.6.3 (capability lists)
 * @example
 * ```ts
 * const [fn] = parseLspciDump(text);
 * const { space, problems } = configSpaceFromImage(fn.bytes, { barSizes: [0x20000] });
 * ```
 * @category Config Space
 */
export function configSpaceFromImage(image: Uint8Array, options: ImageOptions = {}): ImageResult {
  if (image.length !== 64 && image.length !== 256 && image.length !== CONFIG_SPACE_SIZE) {
    throw new LayoutError('layout.bad-option', `an image is 64, 256 or 4096 bytes, not ${image.length}`);
  }
  const b = new Uint8Array(CONFIG_SPACE_SIZE);
  b.set(image);
  const type = b[0x0e]! & 0x7f;
  if (type !== 0 && type !== 1) throw new LayoutError('layout.bad-option', `header type ${type} is not modelled (only 0 and 1)`);
  const u16 = (o: number): number => readLE(b, o, 2);
  const bars = barSpecs(b, type === 0 ? 6 : 2, options.barSizes ?? []);
  const raw = Array.from({ length: type === 0 ? 6 : 2 }, (_, i) => readLE(b, 0x10 + i * 4, 4));
  const romAt = type === 0 ? 0x30 : 0x38;
  // Sizes are unknown, so decode enables are implemented wherever the image shows such a BAR.
  const decodes = {
    io: type === 1 || raw.some((v) => (v & 1) === 1) || (b[4]! & 1) === 1,
    memory: type === 1 || raw.some((v) => v !== 0 && (v & 1) === 0) || readLE(b, romAt, 4) !== 0 || (b[4]! & 2) === 2,
  };
  const common = {
    vendorId: u16(0), deviceId: u16(2), revisionId: b[8]!, classCode: readLE(b, 8, 4) >>> 8,
    multiFunction: (b[0x0e]! & 0x80) !== 0, interruptPin: b[0x3d]! & 7, decodes,
    ...(options.expansionRomSize === undefined ? {} : { expansionRomSize: options.expansionRomSize }),
  };

  const header: HeaderSpec = type === 0
    ? { ...common, type: 0, bars, subsystemVendorId: u16(0x2c), subsystemId: u16(0x2e) }
    : { ...common, type: 1, bars, ioWindow: (b[0x1c]! & 0xf) === 1 ? '32' : '16', prefetchableWindow: (u16(0x24) & 0xf) === 1 ? '64' : '32' };
  const builder = new ConfigSpaceBuilder(header);
  const std = walkCapabilities(b);
  const hasPcie = std.entries.some((e) => e.id === CAP_ID.pcie);
  const ext = hasPcie ? walkExtendedCapabilities(b) : { entries: [], problems: [] };
  const opaque: { id: number; offset: number; space: 'standard' | 'extended' }[] = [];
  const load = (entries: readonly { id: number; offset: number; version?: number }[], space: 'standard' | 'extended', end: number, decode: (at: number, room: number, id: number) => CapabilityDef | undefined): void => {
    const starts = entries.map((e) => e.offset).sort((x, y) => x - y);
    for (const e of entries) {
      const next = starts.find((s) => s > e.offset) ?? end;
      const room = next - e.offset;
      const def = decode(e.offset, room, e.id);
      if (def !== undefined) builder.capability(def, e.offset);
      else {
        opaque.push({ id: e.id, offset: e.offset, space });
        builder.capability(opaqueCapability(space, e.id, b.slice(e.offset + (space === 'standard' ? 2 : 4), e.offset + room), e.version ?? 1), e.offset);
      }
    }
  };
  load(std.entries, 'standard', 0x100, (at, room) => decodeStandard(b, at, room));
  const decoders: Record<number, CapabilityDecoder> = { [EXT_CAP_ID.ari]: decodeAri, ...options.extendedDecoders };
  load(ext.entries, 'extended', CONFIG_SPACE_SIZE, (at, room, id) => decoders[id]?.(b, at, room));
  const { barSizes: _b, expansionRomSize: _r, extendedDecoders: _d, ...spaceOptions } = options;
  const space = builder.build({ ...spaceOptions, readOnlyImage: b });
  space.poke(0, b);
  return { space, problems: [...std.problems, ...ext.problems], opaque };
}
