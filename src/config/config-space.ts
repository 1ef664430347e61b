import type { Layout } from '../regs/layout.js';
import { RegisterSpace, type SpaceOptions } from '../regs/space.js';
import { log2Exact, type BarSpec } from './bar.js';

/**
 * A capability as placed in a function's configuration space.
 * @category Config Space
 */
export interface PlacedCapability {
  /** Instance name, e.g. `cap.pcie`, `ecap.ari`. Registers are `<name>.<register>`. */
  readonly name: string;
  /** Which capability list holds it: `standard` (from 0x34) or `extended` (from 0x100). */
  readonly space: 'standard' | 'extended';
  /** Capability ID (8-bit for standard capabilities, 16-bit for extended ones); see {@link CAP_ID} and {@link EXT_CAP_ID}. */
  readonly id: number;
  /** Byte offset of the capability's header in the configuration space. */
  readonly offset: number;
  /** Size in bytes, header included. */
  readonly size: number;
  /** Name as the spec writes it, e.g. `PCI Express Capability`. */
  readonly title: string;
}

/**
 * What a BAR decodes right now.
 * @category Config Space
 */
export interface BarInfo {
  /** BAR slot (the lower slot for a 64-bit BAR). */
  readonly index: number;
  /** Decoder type: 32-bit memory, 64-bit memory (two BAR slots) or I/O space. */
  readonly kind: 'mem32' | 'mem64' | 'io';
  /** The BAR's Prefetchable bit is set (always false for I/O BARs). */
  readonly prefetchable: boolean;
  /** Size in bytes, or undefined when unknown (a BAR imported from a dump without a size). */
  readonly size: bigint | undefined;
  /** Programmed base address (address bits only). */
  readonly base: bigint;
  /** Command Memory Space (memory BARs) or I/O Space (I/O BARs) is set. */
  readonly decodeEnabled: boolean;
  /**
   * Every writable address bit reads 1: the register holds a sizing probe's answer, not an
   * address. Such a BAR is not decoded (QEMU and openvmm treat it the same way).
   */
  readonly sizingProbe: boolean;
  /** The BAR decodes its window: decode enabled, not a probe, size known. */
  readonly active: boolean;
}

/** @internal Metadata the builder hands to a ConfigSpace. */
export interface ConfigMeta {
  readonly headerType: 0 | 1;
  readonly bars: readonly (BarSpec | undefined)[];
  readonly expansionRomSize: number | undefined;
  readonly capabilities: readonly PlacedCapability[];
}

/**
 * The 4096-byte configuration space of one PCIe function: the generic {@link RegisterSpace}
 * engine over a layout of header and capabilities, plus decoders for BARs and the expansion ROM.
 *
 * @remarks Build one with {@link ConfigSpaceBuilder} or {@link buildConfigSpace}, or load one from
 * an lspci dump with {@link configSpaceFromImage}.
 * @example
 * ```ts
 * const fn = buildConfigSpace({ header: { type: 0, vendorId: 0x8086, deviceId: 0x10c9, classCode: 0x020000,
 *   bars: [{ kind: 'mem32', size: 0x20000 }] } });
 * fn.write(0x10, 4, 0xffff_ffff);
 * fn.read(0x10, 4);          // 0xfffe0000: the sizing probe answers the size mask
 * ```
 * @category Config Space
 */
export class ConfigSpace extends RegisterSpace {
  /** Header layout: 0 (endpoint) or 1 (bridge/port). */
  readonly headerType: 0 | 1;
  /** Capabilities in chain order, standard ones first. */
  readonly capabilities: readonly PlacedCapability[];
  private readonly barSpecs: readonly (BarSpec | undefined)[];
  private readonly romSize: number | undefined;
  private readonly meta: ConfigMeta;
  private readonly options: SpaceOptions;

  /** @internal Use {@link ConfigSpaceBuilder}. */
  constructor(layout: Layout, meta: ConfigMeta, options: SpaceOptions = {}) {
    super(layout, options);
    this.meta = meta;
    this.options = options;
    this.headerType = meta.headerType;
    this.capabilities = meta.capabilities;
    this.barSpecs = meta.bars;
    this.romSize = meta.expansionRomSize;
  }

  /**
   * A new function with the same layout, capabilities and hooks, in its reset state. The compiled
   * layout is shared, so many instances (one per Virtual Function) cost one storage array each.
   * @param options - replaces the options this space was built with (e.g. another diagnostic sink).
   */
  instantiate(options: SpaceOptions = this.options): ConfigSpace {
    return new ConfigSpace(this.layout, this.meta, options);
  }

  /** The capability with this ID (first match), or undefined. */
  capability(id: number, space: 'standard' | 'extended' = 'standard'): PlacedCapability | undefined {
    return this.capabilities.find((c) => c.id === id && c.space === space);
  }

  /**
   * Decodes every implemented BAR (cached until the space changes; do not mutate the result).
   * @spec PCIe Base r6.0 §7.5.1.2.1 (BARs), §7.5.1.1.3 (Command: I/O and Memory Space Enable)
   */
  bars(): readonly BarInfo[] {
    if (this.barCache !== undefined && this.barCache.version === this.version) return this.barCache.bars;
    const out: BarInfo[] = [];
    const slots = this.headerType === 0 ? 6 : 2;
    const command = this.read(0x04, 2);
    for (let i = 0; i < slots; i++) {
      const lo = this.read(0x10 + i * 4, 4);
      const spec = this.barSpecs[i];
      if (spec === undefined && lo === 0) continue;
      const io = spec !== undefined ? spec.kind === 'io' : (lo & 1) === 1;
      const is64 = spec !== undefined ? spec.kind === 'mem64' : !io && ((lo >>> 1) & 3) === 2;
      const hi = is64 && i + 1 < slots ? this.read(0x14 + i * 4, 4) : 0;
      const base = io ? BigInt((lo & ~3) >>> 0) : (BigInt(hi) << 32n) | BigInt((lo & ~0xf) >>> 0);
      const size = spec === undefined ? undefined : BigInt(spec.size);
      const width = is64 ? 64n : 32n;
      const addrMask = size === undefined ? 0n : BigInt.asUintN(Number(width), ~(size - 1n)) & (io ? 0xffff_fffcn : ~0xfn);
      const sizingProbe = size !== undefined && (base & addrMask) === addrMask;
      const decodeEnabled = (command & (io ? 1 : 2)) !== 0;
      out.push({
        index: i, kind: io ? 'io' : is64 ? 'mem64' : 'mem32', prefetchable: !io && (lo & 8) !== 0,
        size, base, decodeEnabled, sizingProbe, active: decodeEnabled && !sizingProbe && size !== undefined,
      });
      if (is64) i++;
    }
    this.barCache = { version: this.version, bars: out };
    return out;
  }
  private barCache: { readonly version: number; readonly bars: readonly BarInfo[] } | undefined;

  /**
   * The expansion ROM: size, programmed base, and whether it decodes (ROM Enable and Memory Space Enable).
   * @spec PCIe Base r6.0 §7.5.1.2.4 (Expansion ROM Base Address)
   */
  expansionRom():
    | {
        /** ROM size in bytes (a power of two). */
        readonly size: number;
        /** Programmed ROM base address (address bits only, ROM Enable masked off). */
        readonly base: number;
        /** ROM Enable and Memory Space Enable are both set, so the ROM decodes. */
        readonly enabled: boolean;
      }
    | undefined {
    if (this.romSize === undefined) return undefined;
    const v = this.read(this.headerType === 0 ? 0x30 : 0x38, 4);
    const k = log2Exact(BigInt(this.romSize));
    const base = (v & ~(2 ** k - 1)) >>> 0;
    return { size: this.romSize, base, enabled: (v & 1) === 1 && (this.read(0x04, 2) & 2) !== 0 };
  }

}
