import { resolveOffsetStride } from './capability.js';
import type { PhysicalFunction, SriovDevice } from './device.js';
import { vfRoutingId } from './routing.js';
import { SriovError } from './errors.js';
import { show } from '../bits/show.js';

/**
 * Inputs to {@link linuxSriovEnable} that describe the host rather than the device.
 * @category SR-IOV
 */
export interface LinuxHost {
  /** Host page size in bytes (4096, 16384, 65536 …). @defaultValue 4096 */
  readonly pageSize?: number;
  /** Bus-number range the PF's bus may use (`busn_res`): the upstream bridge's secondary..subordinate. @defaultValue the device's bus only */
  readonly busRange?: {
    /** First bus number of the range (0..255), inclusive: the bridge's Secondary Bus Number. */
    readonly start: number;
    /** Last bus number of the range (0..255), inclusive: the bridge's Subordinate Bus Number; the last VF's bus must not exceed it. */
    readonly end: number;
  };
  /** ARI Forwarding is enabled in the port above (Linux then sets ARI Capable Hierarchy in the lowest PF). @defaultValue false */
  readonly ariForwarding?: boolean;
  /**
   * Size in bytes of the IOV resource the PCI core assigned to each VF BAR (index = VF BAR slot).
   * @defaultValue per-VF size × TotalVFs for every VF BAR (what Linux reserves when it sizes them)
   */
  readonly iovResourceSizes?: readonly (bigint | undefined)[];
  /** VFs already enabled on this PF (sysfs `sriov_numvfs`). @defaultValue 0 */
  readonly alreadyEnabled?: number;
}

/**
 * One reason Linux would refuse, with the errno it returns and where in Linux the check lives.
 * @category SR-IOV
 */
export interface LinuxReason {
  /** errno name, e.g. `EIO`. */
  readonly errno: 'EIO' | 'EINVAL' | 'ENOMEM' | 'ENODEV' | 'ENOSYS' | 'EBUSY' | 'ERANGE';
  /** Stable code, `linux.*`. */
  readonly code: string;
  /** What Linux checks and what it found, in our words (with its log message where it prints one). */
  readonly message: string;
  /** The Linux function that performs the check. */
  readonly where: string;
}

/**
 * Linux's verdict on `sriov_enable(nr)` for one PF.
 * @category SR-IOV
 */
export interface LinuxVerdict {
  /** Whether enabling `nr` VFs would succeed. */
  readonly enable: boolean;
  /** The first errno Linux returns, when it refuses. */
  readonly errno: LinuxReason['errno'] | undefined;
  /** Every refusal found (Linux stops at the first; all are listed so a user can fix them together). */
  readonly reasons: readonly LinuxReason[];
  /** System Page Size Linux would program, in bytes (undefined when none fits). */
  readonly systemPageSize: number | undefined;
  /** Highest bus number the `nr` VFs would use. */
  readonly lastVfBus: number | undefined;
  /** Highest VF bus over every NumVFs up to TotalVFs: what Linux reserves at scan (`pci_iov_bus_range`). */
  readonly maxVfBus: number;
}

/**
 * Would Linux's `sriov_enable(nr)` succeed on this PF, and if not, why?
 *
 * @remarks Follows the checks of Linux v6.18 `drivers/pci/iov.c` in order: at probe `sriov_init`
 * (TotalVFs, InitialVFs vs TotalVFs, offset/stride validity for every NumVFs in
 * `compute_max_vf_buses`, System Page Size selection from Supported Page Sizes for the host page
 * size, VF BAR sizes a multiple of the page size, Function Dependency Link), then `sriov_enable`
 * (already enabled, nr vs TotalVFs/InitialVFs, IOV resources large enough for nr VFs, last VF bus
 * inside the bridge's bus range). Offset and stride come from the profile for each NumVFs with ARI
 * Capable Hierarchy as Linux would set it. Evaluated on the profile: the device's registers are
 * not changed.
 * @spec Linux v6.18 drivers/pci/iov.c (sriov_init, compute_max_vf_buses, sriov_enable); PCIe Base r6.0 §9.3.3
 * @example
 * ```ts
 * linuxSriovEnable(dev, 0, 8, { busRange: { start: 1, end: 1 } }).enable; // false for an 82576 without ARI: VFs on bus 02
 * ```
 * @category SR-IOV
 */
export function linuxSriovEnable(dev: SriovDevice, pfIndex: number, nr: number, host: LinuxHost = {}): LinuxVerdict {
  const pf = Number.isInteger(pfIndex) && pfIndex >= 0 ? dev.pfs[pfIndex] : undefined;
  if (pf === undefined) throw new SriovError('sriov.no-such-pf', `no PF ${show(pfIndex)}`);
  if (!Number.isInteger(nr) || nr < 0 || nr > 0xffff) throw new SriovError('sriov.bad-argument', `nr ${show(nr)} is not 0..65535`);
  if (typeof host !== 'object' || host === null) throw new SriovError('sriov.bad-argument', 'the host description must be an object');
  const reasons: LinuxReason[] = [];
  const add = (errno: LinuxReason['errno'], code: string, where: string, message: string): void => {
    reasons.push({ errno, code, where, message });
  };
  const pageSize = host.pageSize ?? 4096;
  if (typeof pageSize !== 'number' || !Number.isInteger(Math.log2(pageSize)) || pageSize < 4096) throw new SriovError('sriov.bad-argument', `page size ${show(pageSize)} is not a power of two >= 4096`);
  const total = pf.totalVfs;
  const initial = pf.initialVfs;
  // Linux sets ARI Capable Hierarchy only in the lowest PF, and only under an ARI-forwarding port.
  const ari = host.ariForwarding === true && pf.index === lowestPfIndex(dev);

  // ---- sriov_init ----
  if (total === 0) add('ENOSYS', 'linux.not-a-pf', 'sriov_init', 'TotalVFs is 0: Linux does not set the function up as a PF (pci_enable_sriov returns -ENOSYS)');
  const vfm = pf.space.readField('ecap.sriov.capabilities', 'vfMigrationCapable') === 1;
  if (initial > total || (!vfm && initial !== total)) {
    add('EIO', 'linux.initialvfs', 'sriov_init', `InitialVFs ${initial} and TotalVFs ${total} disagree (without VF Migration they must be equal)`);
  }
  let maxBus = pf.rid >>> 8;
  for (let n = total; n >= 1; n--) {
    const { offset, stride } = resolveOffsetStride(pf.sriov.offsetStride, n, ari);
    if (offset === 0 || (n > 1 && stride === 0)) {
      add('EIO', 'linux.offset-stride', 'compute_max_vf_buses', `NumVFs ${n} gives First VF Offset ${offset} / VF Stride ${stride}: offset must be non-zero, and stride too when NumVFs > 1`);
      break;
    }
    const last = vfRoutingId(pf.rid, offset, stride, n);
    maxBus = Math.max(maxBus, last === undefined ? 256 : last >>> 8);
  }
  const supported = pf.space.readField('ecap.sriov.supportedPageSizes', 'sizes');
  const shift = Math.log2(pageSize) - 12;
  let pgsz = (supported & ~(2 ** shift - 1)) >>> 0;
  let systemPageSize: number | undefined;
  if (pgsz === 0) add('EIO', 'linux.page-size', 'sriov_init', `Supported Page Sizes 0x${supported.toString(16)} has no page size >= the host's ${pageSize} bytes`);
  else {
    pgsz = (pgsz & -pgsz) >>> 0;
    systemPageSize = 4096 * pgsz;
  }
  for (const b of pf.vfBars()) {
    if (b.perVfSize === undefined) continue;
    if (b.perVfSize % BigInt(pageSize) !== 0n) {
      add('EIO', 'linux.vf-bar-size', 'sriov_init', `VF BAR${b.bar} per-VF size 0x${b.perVfSize.toString(16)} is not a multiple of PAGE_SIZE 0x${pageSize.toString(16)}`);
    }
  }
  const link = pf.space.readField('ecap.sriov.functionDependencyLink', 'link');
  if (link !== pf.profile.function) {
    const target = dev.pfs.find((p) => p.profile.function === link);
    if (target === undefined) add('ENODEV', 'linux.dependency-link', 'sriov_add_vfs/pci_iov_add_virtfn (dep link)', `Function Dependency Link ${link} names no function of the device`);
  }

  // ---- sriov_enable(nr) ----
  let lastVfBus: number | undefined;
  if (nr > 0) {
    if ((host.alreadyEnabled ?? 0) > 0) add('EBUSY', 'linux.already-enabled', 'sriov_numvfs_store', `${host.alreadyEnabled} VFs already enabled. Disable before enabling ${nr} VFs (sysfs -EBUSY; sriov_enable -EINVAL)`);
    if (nr > total) add('ERANGE', 'linux.nr-above-total', 'sriov_enable', `nr ${nr} exceeds TotalVFs ${total} (sriov_enable -EINVAL, sysfs -ERANGE)`);
    else if (!vfm && nr > initial) add('EINVAL', 'linux.nr-above-initial', 'sriov_enable', `nr ${nr} exceeds InitialVFs ${initial}`);
    const { offset, stride } = resolveOffsetStride(pf.sriov.offsetStride, nr, ari);
    if (offset === 0 || (nr > 1 && stride === 0)) {
      add('EINVAL', 'linux.offset-stride-nr', 'sriov_enable', `First VF Offset ${offset} / VF Stride ${stride} for ${nr} VFs`);
    } else {
      const last = vfRoutingId(pf.rid, offset, stride, nr);
      lastVfBus = last === undefined ? 256 : last >>> 8;
      const range = host.busRange ?? { start: pf.rid >>> 8, end: pf.rid >>> 8 };
      if (lastVfBus > range.end) {
        add('ENOMEM', 'linux.bus-range', 'sriov_enable', `can't enable ${nr} VFs (bus ${lastVfBus.toString(16).padStart(2, '0')} out of range of [bus ${range.start.toString(16).padStart(2, '0')}${range.end !== range.start ? `-${range.end.toString(16).padStart(2, '0')}` : ''}])`);
      }
    }
    for (const b of pf.vfBars()) {
      if (b.perVfSize === undefined) continue;
      const res = host.iovResourceSizes?.[b.bar] ?? b.perVfSize * BigInt(total);
      if (b.perVfSize * BigInt(nr) > res) {
        add('ENOMEM', 'linux.mmio-resources', 'sriov_enable', `not enough MMIO resources for SR-IOV: VF BAR${b.bar} needs 0x${(b.perVfSize * BigInt(nr)).toString(16)} bytes for ${nr} VFs, the IOV resource has 0x${res.toString(16)}`);
      }
    }
  }
  return { enable: reasons.length === 0, errno: reasons[0]?.errno, reasons, systemPageSize, lastVfBus, maxVfBus: maxBus };
}

function lowestPfIndex(dev: SriovDevice): number {
  let best: PhysicalFunction = dev.pfs[0]!;
  for (const p of dev.pfs) if (p.profile.function < best.profile.function) best = p;
  return best.index;
}
