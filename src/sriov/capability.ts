import { barRegisters, type BarSpec } from '../config/bar.js';
import { f, EXT_CAP_ID, type CapabilityDef } from '../config/cap/capability.js';
import type { RegisterDef } from '../regs/define.js';
import { LayoutError } from '../regs/errors.js';

/** @internal Spec section of the SR-IOV capability. */
export const SRIOV_SPEC = 'PCIe Base r6.0 §9.3.3';

/**
 * First VF Offset and VF Stride as the device reports them: constants, or a function of NumVFs and
 * ARI Capable Hierarchy (real parts change them: an 82576 reports offset 0x180 with ARI off).
 * @spec PCIe Base r6.0 §9.3.3.9, §9.3.3.10 (may change when NumVFs or ARI Capable Hierarchy change)
 * @category SR-IOV
 */
export type OffsetStride =
  | {
      /**
       * First VF Offset: 16-bit Routing ID offset of VF 1 from the PF's own Routing ID (only the low
       * 16 bits are used).
       * @spec PCIe Base r6.0 §9.3.3.9 (First VF Offset)
       */
      readonly offset: number;
      /**
       * VF Stride: 16-bit Routing ID distance between consecutive VFs (only the low 16 bits are used).
       * @spec PCIe Base r6.0 §9.3.3.10 (VF Stride)
       */
      readonly stride: number;
    }
  | ((numVfs: number, ariCapableHierarchy: boolean) => {
      /**
       * First VF Offset for this NumVFs and ARI Capable Hierarchy: 16-bit Routing ID offset of VF 1
       * from the PF's Routing ID (only the low 16 bits are used).
       * @spec PCIe Base r6.0 §9.3.3.9 (First VF Offset)
       */
      readonly offset: number;
      /**
       * VF Stride for this NumVFs and ARI Capable Hierarchy: 16-bit Routing ID distance between
       * consecutive VFs (only the low 16 bits are used).
       * @spec PCIe Base r6.0 §9.3.3.10 (VF Stride)
       */
      readonly stride: number;
    });

/**
 * The SR-IOV part of a PF's profile.
 * @category SR-IOV
 */
export interface SriovOptions {
  /** TotalVFs (HwInit), 0..65535; 0 means the PF cannot enable VFs. */
  readonly totalVfs: number;
  /** InitialVFs (HwInit). @defaultValue totalVfs */
  readonly initialVfs?: number;
  /** VF Device ID. */
  readonly vfDeviceId: number;
  /** First VF Offset and VF Stride. */
  readonly offsetStride: OffsetStride;
  /** VF BAR0..5 as per-VF sizes; memory only (64-bit BARs take two slots). */
  readonly vfBars?: readonly (BarSpec | undefined)[];
  /** Supported Page Sizes (bit n ⇒ 2^(n+12) bytes). @defaultValue 0x553 (4K, 8K, 64K, 256K, 1M, 4M, which the spec requires) */
  readonly supportedPageSizes?: number;
  /** Function Dependency Link. @defaultValue the PF's own function number */
  readonly functionDependencyLink?: number;
  /** VF 10-Bit Tag Requester Supported. @defaultValue false */
  readonly vf10BitTags?: boolean;
}

/** @internal Offset and stride for a NumVFs / ARI state. */
export function resolveOffsetStride(o: OffsetStride, numVfs: number, ari: boolean): { offset: number; stride: number } {
  const r = typeof o === 'function' ? o(numVfs, ari) : o;
  return { offset: r.offset & 0xffff, stride: r.stride & 0xffff };
}

/** @internal Names of the hooks the SR-IOV capability's registers carry. */
export const SRIOV_HOOKS = {
  controlPre: 'sriov.control.pre',
  controlPost: 'sriov.control.post',
  numVfsPre: 'sriov.numVfs.pre',
  numVfsPost: 'sriov.numVfs.post',
  pageSizePre: 'sriov.systemPageSize.pre',
  reset: 'sriov.reset',
} as const;

/**
 * The SR-IOV extended capability (ID 0x0010, version 1, 0x40 bytes) with every register and its
 * access type. VF Enable, NumVFs and System Page Size carry named hooks that the owning device
 * implements (VF lifecycle, offset/stride updates, the undefined-case policy).
 *
 * @remarks ARI Capable Hierarchy is RW only in the lowest-numbered PF (RsvdP in the others) and is
 * kept by FLR. VF
 * Migration is not modelled: its bits are RO 0 (the feature is deprecated). VF BARs are memory
 * BARs sized per VF: writing all ones reads back the per-VF size mask.
 * @param pfFunction - the PF's function number (the default Function Dependency Link).
 * @param lowestPf - this is the lowest-numbered PF of the device.
 * @throws {LayoutError} On TotalVFs/InitialVFs/IDs out of range, an I/O VF BAR, or Supported Page Sizes without 4 KiB.
 * @spec PCIe Base r6.0 §9.3.3 (SR-IOV Extended Capability)
 * @example
 * ```ts
 * sriovCapability({ totalVfs: 8, vfDeviceId: 0x10ca, offsetStride: { offset: 0x80, stride: 2 },
 *   vfBars: [{ kind: 'mem64', size: 0x4000, prefetchable: true }] }, 0, true);
 * ```
 * @category SR-IOV
 */
export function sriovCapability(o: SriovOptions, pfFunction: number, lowestPf: boolean): CapabilityDef {
  const s = SRIOV_SPEC;
  const int = (what: string, v: number, max: number): number => {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new LayoutError('layout.bad-option', `SR-IOV ${what} ${v} is not 0..${max}`);
    return v;
  };
  int('TotalVFs', o.totalVfs, 0xffff);
  const initial = int('InitialVFs', o.initialVfs ?? o.totalVfs, 0xffff);
  int('VF Device ID', o.vfDeviceId, 0xffff);
  const supported = int('Supported Page Sizes', o.supportedPageSizes ?? 0x553, 0xffff_ffff);
  if ((supported & 1) === 0) throw new LayoutError('layout.bad-option', 'SR-IOV Supported Page Sizes must include 4 KiB (bit 0)');
  const link = int('Function Dependency Link', o.functionDependencyLink ?? pfFunction, 0xff);
  const bars = o.vfBars ?? [];
  if (bars.length > 6) throw new LayoutError('layout.bad-option', `SR-IOV has 6 VF BAR slots, ${bars.length} given`);
  const { offset, stride } = resolveOffsetStride(o.offsetStride, 0, false);
  const tags = o.vf10BitTags === true;
  const barRegs: RegisterDef[] = [];
  for (let i = 0; i < 6; i++) {
    const b = bars[i];
    if (b?.kind === 'io') throw new LayoutError('layout.bad-option', `VF BAR${i}: VF BARs are memory BARs only`);
    if (b?.kind === 'mem64') {
      if (i === 5 || bars[i + 1] !== undefined) throw new LayoutError('layout.bad-option', `VF BAR${i}: a 64-bit VF BAR needs slot ${i + 1} empty`);
      barRegs.push(...barRegisters('SR-IOV', i, 0x24 + i * 4, b, `${s}.14`).map((r) => ({ ...r, name: `VF ${r.name}` })));
      i++;
    } else {
      barRegs.push(...barRegisters('SR-IOV', i, 0x24 + i * 4, b, `${s}.14`).map((r) => ({ ...r, name: `VF ${r.name}` })));
    }
  }
  const H = SRIOV_HOOKS;
  return {
    space: 'extended', id: EXT_CAP_ID.sriov, version: 1, key: 'sriov', name: 'Single Root I/O Virtualization (SR-IOV)', size: 0x40, spec: s,
    registers: [
      {
        id: 'capabilities', name: 'SR-IOV Capabilities', offset: 0x04, width: 32, spec: `${s}.2`, rest: 'RsvdP',
        fields: {
          vfMigrationCapable: f.ro([0, 0]), ariCapableHierarchyPreserved: f.ro([1, 1], lowestPf ? 1 : 0),
          vf10BitTagRequesterSupported: f.ro([2, 2], tags ? 1 : 0), vfMigrationInterruptMessageNumber: f.ro([31, 21]),
        },
      },
      {
        id: 'control', name: 'SR-IOV Control', offset: 0x08, width: 16, spec: `${s}.3`, rest: 'RsvdP',
        hooks: { preWrite: H.controlPre, postWrite: H.controlPost, postReset: H.reset },
        fields: {
          vfEnable: f.rw([0, 0]), vfMigrationEnable: f.ro([1, 1]), vfMigrationInterruptEnable: f.ro([2, 2]), vfMse: f.rw([3, 3]),
          // Not affected by FLR of any PF or VF (§9.3.3.3.5): only a conventional reset clears it.
          ariCapableHierarchy: lowestPf ? { bits: [4, 4], access: 'RW', preserveOnFlr: true } : { bits: [4, 4], access: 'RsvdP' },
          vf10BitTagRequesterEnable: f.rwIf(tags, [5, 5]),
        },
      },
      { id: 'status', name: 'SR-IOV Status', offset: 0x0a, width: 16, spec: `${s}.4`, rest: 'RsvdZ', fields: { vfMigrationStatus: f.w1c([0, 0]) } },
      { id: 'initialVfs', name: 'InitialVFs', offset: 0x0c, width: 16, spec: `${s}.5`, fields: { initialVfs: f.hw([15, 0], initial) } },
      { id: 'totalVfs', name: 'TotalVFs', offset: 0x0e, width: 16, spec: `${s}.6`, fields: { totalVfs: f.hw([15, 0], o.totalVfs) } },
      { id: 'numVfs', name: 'NumVFs', offset: 0x10, width: 16, spec: `${s}.7`, hooks: { preWrite: H.numVfsPre, postWrite: H.numVfsPost }, fields: { numVfs: f.rw([15, 0]) } },
      { id: 'functionDependencyLink', name: 'Function Dependency Link', offset: 0x12, width: 8, spec: `${s}.8`, fields: { link: f.ro([7, 0], link) } },
      { id: 'reserved13', name: 'Reserved', offset: 0x13, width: 8, rest: 'RsvdP', fields: {} },
      { id: 'firstVfOffset', name: 'First VF Offset', offset: 0x14, width: 16, spec: `${s}.9`, fields: { offset: f.ro([15, 0], offset) } },
      { id: 'vfStride', name: 'VF Stride', offset: 0x16, width: 16, spec: `${s}.10`, fields: { stride: f.ro([15, 0], stride) } },
      { id: 'reserved18', name: 'Reserved', offset: 0x18, width: 16, rest: 'RsvdP', fields: {} },
      { id: 'vfDeviceId', name: 'VF Device ID', offset: 0x1a, width: 16, spec: `${s}.11`, fields: { deviceId: f.ro([15, 0], o.vfDeviceId) } },
      { id: 'supportedPageSizes', name: 'Supported Page Sizes', offset: 0x1c, width: 32, spec: `${s}.12`, fields: { sizes: f.ro([31, 0], supported) } },
      { id: 'systemPageSize', name: 'System Page Size', offset: 0x20, width: 32, spec: `${s}.13`, hooks: { preWrite: H.pageSizePre }, fields: { size: f.rw([31, 0], 1) } },
      ...barRegs,
      { id: 'vfMigrationStateArrayOffset', name: 'VF Migration State Array Offset', offset: 0x3c, width: 32, spec: `${s}.15`, fields: { bir: f.ro([2, 0]), offset: f.ro([31, 3]) } },
    ],
  };
}
