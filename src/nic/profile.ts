import { show } from '../bits/show.js';
import type { BarSpec } from '../config/bar.js';
import { CAP_ID, type CapabilityDef } from '../config/cap/capability.js';
import type { PostResetHook } from '../regs/space.js';
import { igbProfile, type DeviceProfile, type PfProfile } from '../sriov/profile.js';
import { NicError } from './errors.js';
import { QUEUE_BLOCK } from './queue-block.js';

/**
 * Where the NIC's register blocks sit in its BARs.
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @category NIC
 */
export const NIC_BAR = {
  /** Size of PF BAR0 in bytes (32-bit, non-prefetchable memory: registers with side effects must not be prefetched). */
  pfBar0Size: 0x20000,
  /** Size of each VF's VF BAR0 window in bytes (64-bit, non-prefetchable memory): one queue block. */
  vfBar0Size: QUEUE_BLOCK.size,
  /** Offset of the PF's own queue block in PF BAR0. */
  pfQueueOffset: 0x0,
  /** Offset of the PF control block in PF BAR0 (it spans the rest of the BAR). */
  controlOffset: QUEUE_BLOCK.size,
} as const;

const PF_BAR0: BarSpec = { kind: 'mem32', size: NIC_BAR.pfBar0Size, prefetchable: false };
const VF_BAR0: BarSpec = { kind: 'mem64', size: NIC_BAR.vfBar0Size, prefetchable: false };

/** Largest TotalVFs the NIC profile supports (the PF control table must fit PF BAR0). @spec iovsim design (docs/guides/nic-registers.md) @category NIC */
export const NIC_MAX_VFS = 4096;

/**
 * Options of {@link nicProfile}.
 * @category NIC
 */
export interface NicProfileOptions {
  /** TotalVFs (and InitialVFs), 1..4096. @defaultValue 256 */
  readonly totalVfs?: number;
}

/**
 * The NIC's profile: the SR-IOV device profile of its one PF, and where its blocks sit.
 * @spec PCIe Base r6.0 §9.3.3 (SR-IOV capability), §7.5.1.2.1 (BARs)
 * @category NIC
 */
export interface NicProfile {
  /** Name shown in reports. */
  readonly name: string;
  /** TotalVFs. */
  readonly totalVfs: number;
  /** The SR-IOV device profile (one PF), without the reset hooks a {@link NicPcie} adds. */
  readonly device: DeviceProfile;
  /** PF BAR0 (PF queue block at 0, PF control block at 0x4000). */
  readonly pfBar0: BarSpec;
  /** VF BAR0 (each VF's queue block, 16 KiB per VF). */
  readonly vfBar0: BarSpec;
}

/**
 * Reset hooks a NIC attaches to its functions' vendor-specific capability, so that a PF reset or a
 * VF's FLR reaches the NIC's internal state. @internal
 */
export interface NicResetHooks {
  /** Runs after every reset of the PF's configuration space. */
  readonly pf: PostResetHook;
  /** Runs after every reset of a VF's configuration space (the space identifies the VF). */
  readonly vf: PostResetHook;
}

/**
 * The NIC's Vendor-Specific capability (ID 0x09, 8 bytes): Capability Length, a version, and the
 * queue block's geometry (RX slots, TX queue depth, block size in KiB), all read-only. With `hook`,
 * its geometry register carries a post-reset hook: the point where a function reset reaches the
 * NIC's internal queues.
 * @spec PCI Code and ID Assignment r1.x §2 (Capability ID 09h, Vendor Specific: byte 2 is the capability length)
 * @example
 * ```ts
 * builder.capability(nicVendorCapability());
 * ```
 * @category NIC
 */
export function nicVendorCapability(hook?: { readonly name: string; readonly impl: PostResetHook }): CapabilityDef {
  const spec = 'PCI Code and ID Assignment r1.x §2 (Vendor Specific capability); iovsim design (docs/guides/nic-registers.md)';
  return {
    space: 'standard', id: CAP_ID.vendor, key: 'nic', name: 'Vendor Specific (iovsim NIC)', size: 8, spec,
    registers: [
      {
        id: 'lengthVersion', name: 'Capability Length / Version', offset: 2, width: 16, spec,
        fields: { length: { bits: [7, 0], access: 'RO', reset: 8 }, version: { bits: [15, 8], access: 'RO', reset: QUEUE_BLOCK.version } },
      },
      {
        id: 'geometry', name: 'Queue Geometry', offset: 4, width: 32, spec,
        fields: {
          rxSlots: { bits: [7, 0], access: 'RO', reset: QUEUE_BLOCK.rxSlots }, txQueueDepth: { bits: [15, 8], access: 'RO', reset: QUEUE_BLOCK.txQueueDepth },
          blockKiB: { bits: [31, 16], access: 'RO', reset: QUEUE_BLOCK.size / 1024 },
        },
        ...(hook === undefined ? {} : { hooks: { postReset: hook.name } }),
      },
    ],
    ...(hook === undefined ? {} : { hooks: { postReset: { [hook.name]: hook.impl } } }),
  };
}

/**
 * The NIC's profile: one PF built from {@link igbProfile}'s PF (its IDs, class, PM and MSI
 * capabilities, PCIe options, and First VF Offset / VF Stride: 0x80 / 2 with ARI Capable
 * Hierarchy, 0x180 / 2 without), changed where the NIC model needs it:
 * - TotalVFs and InitialVFs `totalVfs` (default 256);
 * - PF BAR0 only: 128 KiB, 32-bit, non-prefetchable: the PF's own queue block at 0, the PF control
 *   block at 0x4000 (the igb flash, I/O and MSI-X BARs and the MSI-X capabilities are not modelled);
 * - VF BAR0 only: 16 KiB per VF, 64-bit, non-prefetchable: each VF's queue block;
 * - a Vendor-Specific capability in the PF and in each VF ({@link nicVendorCapability}).
 * @spec PCIe Base r6.0 §9.3.3 (SR-IOV capability), §9.3.3.14 (VF BARs), §7.5.1.2.1 (BARs); iovsim design (docs/guides/nic-registers.md)
 * @throws {NicError} `nic.bad-option` if `totalVfs` is not 1..4096.
 * @example
 * ```ts
 * const p = nicProfile({ totalVfs: 64 });
 * p.device.pfs[0]!.sriov.totalVfs; // 64
 * ```
 * @category NIC
 */
export function nicProfile(options: NicProfileOptions = {}): NicProfile {
  return { ...buildProfile(options.totalVfs ?? 256, undefined) };
}

/**
 * {@link nicProfile} with the reset hooks attached (what a {@link NicPcie} builds its device from).
 * @internal
 */
export function nicDeviceProfile(totalVfs: number, hooks: NicResetHooks): NicProfile {
  return buildProfile(totalVfs, hooks);
}

function buildProfile(totalVfs: number, hooks: NicResetHooks | undefined): NicProfile {
  if (!Number.isInteger(totalVfs) || totalVfs < 1 || totalVfs > NIC_MAX_VFS) throw new NicError('nic.bad-option', `TotalVFs ${show(totalVfs)} is not 1..${NIC_MAX_VFS}`);
  const igb = igbProfile(1).pfs[0]!;
  const caps = (igb.capabilities ?? []).filter((c) => c.id !== CAP_ID.msix);
  const pf: PfProfile = {
    ...igb,
    header: { ...igb.header, bars: [PF_BAR0] },
    capabilities: [...caps, nicVendorCapability(hooks === undefined ? undefined : { name: 'nic.pfReset', impl: hooks.pf })],
    sriov: { ...igb.sriov, totalVfs, initialVfs: totalVfs, vfBars: [VF_BAR0] },
    vfCapabilities: [nicVendorCapability(hooks === undefined ? undefined : { name: 'nic.vfReset', impl: hooks.vf })],
  };
  const name = `iovsim SR-IOV NIC (igb-based PF, ${totalVfs} VFs)`;
  return { name, totalVfs, device: { name, ari: true, pfs: [pf] }, pfBar0: PF_BAR0, vfBar0: VF_BAR0 };
}
