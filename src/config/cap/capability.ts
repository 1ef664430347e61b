import type { FieldDef, RegisterDef } from '../../regs/define.js';
import type { HookImpls } from '../../regs/space.js';

/**
 * A capability structure as data, ready for a {@link ConfigSpaceBuilder}: its ID, size and body
 * registers (offsets relative to the capability's start; the builder adds the header with the
 * ID and the next pointer). Factories such as {@link pcieCapability} make these.
 * @category Capabilities
 */
export interface CapabilityDef {
  /** `standard` (list from 0x34, IDs 8-bit) or `extended` (list from 0x100, IDs 16-bit). */
  readonly space: 'standard' | 'extended';
  /** Capability ID. */
  readonly id: number;
  /** Extended capabilities: Capability Version. @defaultValue 1 */
  readonly version?: number;
  /** Short instance name, e.g. `pcie`, `msi`, `ari`, `sriov`. */
  readonly key: string;
  /** Name as the spec writes it. */
  readonly name: string;
  /** Size in bytes, header included; a multiple of 4 is not required, but placement is DWORD-aligned. */
  readonly size: number;
  /** Body registers (not the header). */
  readonly registers: readonly RegisterDef[];
  /** Hook implementations the body registers name. */
  readonly hooks?: HookImpls;
  /** Spec section. */
  readonly spec: string;
}

/** @internal Standard capability header (ID, next pointer) as data. */
export function standardHeader(id: number, next: number, spec: string): RegisterDef {
  return {
    id: 'header', name: 'Capability Header', offset: 0, width: 16, spec,
    fields: { capabilityId: { bits: [7, 0], access: 'RO', reset: id }, nextPointer: { bits: [15, 8], access: 'RO', reset: next } },
  };
}

/** @internal Extended capability header (ID, version, next offset) as data. */
export function extendedHeader(id: number, version: number, next: number, spec: string): RegisterDef {
  return {
    id: 'header', name: 'Extended Capability Header', offset: 0, width: 32, spec,
    fields: {
      capabilityId: { bits: [15, 0], access: 'RO', reset: id },
      version: { bits: [19, 16], access: 'RO', reset: version },
      nextOffset: { bits: [31, 20], access: 'RO', reset: next },
    },
  };
}

/** @internal Shorthand field constructors for capability tables. */
export const f = {
  ro: (bits: readonly [number, number], reset = 0): FieldDef => ({ bits, access: 'RO', reset }),
  rw: (bits: readonly [number, number], reset = 0): FieldDef => ({ bits, access: 'RW', reset }),
  w1c: (bits: readonly [number, number]): FieldDef => ({ bits, access: 'RW1C' }),
  hw: (bits: readonly [number, number], reset = 0): FieldDef => ({ bits, access: 'HwInit', reset }),
  rwIf: (cond: boolean, bits: readonly [number, number], reset = 0): FieldDef => (cond ? { bits, access: 'RW', reset } : { bits, access: 'RsvdP' }),
};

/** Well-known standard capability IDs. @spec PCI Code and ID Assignment r1.x §2 @category Capabilities */
export const CAP_ID = {
  /** Power Management (0x01). */
  pm: 0x01,
  /** MSI, Message Signaled Interrupts (0x05). */
  msi: 0x05,
  /** Vendor-Specific (0x09). */
  vendor: 0x09,
  /** PCI Express (0x10). */
  pcie: 0x10,
  /** MSI-X (0x11). */
  msix: 0x11,
} as const;

/** Well-known extended capability IDs. @spec PCI Code and ID Assignment r1.x §3 @category Capabilities */
export const EXT_CAP_ID = {
  /** Advanced Error Reporting, AER (0x0001). */
  aer: 0x0001,
  /** Alternative Routing-ID Interpretation, ARI (0x000E). */
  ari: 0x000e,
  /** Single Root I/O Virtualization, SR-IOV (0x0010). */
  sriov: 0x0010,
} as const;
