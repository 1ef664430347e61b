import type { BarSpec } from '../config/bar.js';
import type { CapabilityDef } from '../config/cap/capability.js';
import { msixCapability } from '../config/cap/msix.js';
import type { PcieCapabilityOptions } from '../config/cap/pcie.js';
import { pmCapability } from '../config/cap/pm.js';
import { msiCapability } from '../config/cap/msi.js';
import type { Type0HeaderSpec } from '../config/header.js';
import type { SriovOptions } from './capability.js';

/**
 * One Physical Function of a device profile.
 * @category SR-IOV
 */
export interface PfProfile {
  /** Function number within the device: 0..7, or 0..255 when the device uses ARI. */
  readonly function: number;
  /** The PF's Type 0 header (IDs, class, BARs …); `multiFunction` is derived from the PF count. */
  readonly header: Omit<Type0HeaderSpec, 'type' | 'multiFunction'>;
  /** Standard capabilities before the PCI Express capability (PM, MSI, MSI-X …), in chain order. */
  readonly capabilities?: readonly CapabilityDef[];
  /** PCI Express capability options (the device type is always Endpoint). */
  readonly pcie?: Omit<PcieCapabilityOptions, 'deviceType'>;
  /** The SR-IOV capability. */
  readonly sriov: SriovOptions;
  /** Standard capabilities of each VF before its PCI Express capability (e.g. MSI-X). */
  readonly vfCapabilities?: readonly CapabilityDef[];
  /** VF Revision ID. @defaultValue the PF's */
  readonly vfRevisionId?: number;
}

/**
 * A device as data: its PFs and whether its functions carry the ARI capability.
 * @category SR-IOV
 */
export interface DeviceProfile {
  /** Name shown in reports. */
  readonly name: string;
  /** Every function (PFs and VFs) carries an ARI capability; PFs are chained by Next Function Number. */
  readonly ari: boolean;
  /** The PFs, at least one, with distinct function numbers. */
  readonly pfs: readonly PfProfile[];
}

/**
 * An Intel 82576-like dual-port NIC as QEMU's igb models it, one PF per port: 8086:10C9, 8 VFs
 * each (VF Device ID 0x10CA), First VF Offset 0x80 / VF Stride 2 with ARI Capable Hierarchy set,
 * 0x180 / 2 without it (as the real part reports), VF BAR0 and VF BAR3 of 16 KiB, 64-bit.
 * @remarks After `shared/reference` d.1 and d.3: the real 82576 reports non-prefetchable VF
 * BARs (QEMU reports prefetchable); this profile follows the real part. Values illustrative.
 * @param ports - number of PFs (1 or 2).
 * @example
 * ```ts
 * const dev = new SriovDevice(igbProfile(), { bus: 1 });
 * ```
 * @category SR-IOV
 */
export function igbProfile(ports: 1 | 2 = 1): DeviceProfile {
  const vfBar: BarSpec = { kind: 'mem64', size: 0x4000 };
  const pf = (fn: number): PfProfile => ({
    function: fn,
    header: {
      vendorId: 0x8086, deviceId: 0x10c9, revisionId: 0x01, classCode: 0x020000, interruptPin: 1,
      subsystemVendorId: 0x8086, subsystemId: 0xa03c,
      bars: [{ kind: 'mem32', size: 0x20000 }, { kind: 'mem32', size: 0x20000 }, { kind: 'io', size: 32 }, { kind: 'mem64', size: 0x4000 }],
    },
    capabilities: [
      pmCapability({ dsi: true, pmeSupport: 0x19 }),
      msiCapability({ vectors: 1, address64: true, perVectorMasking: true }),
      msixCapability({ tableSize: 10, tableBir: 3, tableOffset: 0, pbaBir: 3, pbaOffset: 0x2000 }),
    ],
    pcie: { maxPayloadSupported: 512, maxLinkSpeed: 2, maxLinkWidth: 4 },
    sriov: {
      totalVfs: 8, vfDeviceId: 0x10ca, vfBars: [vfBar, undefined, undefined, vfBar],
      offsetStride: (_n, ari) => ({ offset: ari ? 0x80 : 0x180, stride: 2 }),
    },
    vfCapabilities: [msixCapability({ tableSize: 3, tableBir: 3, tableOffset: 0, pbaBir: 3, pbaOffset: 0x2000 })],
  });
  return { name: `Intel 82576-like (igb), ${ports} port${ports === 1 ? '' : 's'}`, ari: true, pfs: ports === 1 ? [pf(0)] : [pf(0), pf(1)] };
}

/**
 * A PF that can enable all 65,535 VFs (First VF Offset 1, VF Stride 1, VFs spread over 256 buses),
 * with one 4 KiB 64-bit VF BAR: the shape of the scale benchmark.
 * @example
 * ```ts
 * const dev = new SriovDevice(maxVfProfile(), { bus: 0 });
 * ```
 * @category SR-IOV
 */
export function maxVfProfile(): DeviceProfile {
  return {
    name: 'max-VF test device (65,535 VFs)',
    ari: true,
    pfs: [{
      function: 0,
      header: { vendorId: 0x1af4, deviceId: 0x10ff, classCode: 0x020000, bars: [{ kind: 'mem64', size: 0x10000 }] },
      sriov: { totalVfs: 0xffff, vfDeviceId: 0x10fe, vfBars: [{ kind: 'mem64', size: 0x1000 }], offsetStride: { offset: 1, stride: 1 } },
    }],
  };
}
