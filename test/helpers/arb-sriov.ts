import fc from 'fast-check';
import type { BarSpec } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/regs/index.js';
import {
  SriovDevice, igbProfile, type DeviceProfile, type PfProfile, type PhysicalFunction, type SriovDeviceOptions, type SriovOptions, type SriovPolicy,
} from '../../src/sriov/index.js';
import type { ConfigSpace } from '../../src/config/index.js';

/**
 * Register offsets inside the SR-IOV extended capability (PCIe Base r6.0 §9.3.3, reference a.1).
 * Test-side literals on purpose: the tests must not read them back from src.
 */
export const SR = {
  header: 0x00,
  capabilities: 0x04,
  control: 0x08,
  status: 0x0a,
  initialVfs: 0x0c,
  totalVfs: 0x0e,
  numVfs: 0x10,
  fdl: 0x12,
  firstVfOffset: 0x14,
  vfStride: 0x16,
  vfDeviceId: 0x1a,
  supportedPageSizes: 0x1c,
  systemPageSize: 0x20,
  vfBar: (i: number): number => 0x24 + 4 * i,
  vfMigrationStateArray: 0x3c,
} as const;

/** SR-IOV Control bits (reference a.1, Linux `PCI_SRIOV_CTRL_*`). */
export const CTRL = { vfe: 0x01, vfm: 0x02, vfmIntr: 0x04, mse: 0x08, ari: 0x10, tag10: 0x20 } as const;

/** Every policy, as literals. */
export const POLICIES: readonly SriovPolicy[] = ['strict', 'qemu', 'clamp'];

/** Offset of the SR-IOV capability (extended ID 0x0010) in a PF. */
export function sriovAt(pf: PhysicalFunction): number {
  return pf.space.capability(0x10, 'extended')!.offset;
}

/** Offset of the PCI Express capability (ID 0x10) in a function's space. */
export function pcieAt(space: ConfigSpace): number {
  return space.capability(0x10, 'standard')!.offset;
}

/** Reads an SR-IOV register of a PF through the device's configuration path. */
export function rd(dev: SriovDevice, pf: PhysicalFunction, reg: number, size: 1 | 2 | 4): number {
  return dev.configRead(pf.rid, sriovAt(pf) + reg, size);
}

/** Writes an SR-IOV register of a PF through the device's configuration path. */
export function wr(dev: SriovDevice, pf: PhysicalFunction, reg: number, size: 1 | 2 | 4, value: number): void {
  dev.configWrite(pf.rid, sriovAt(pf) + reg, size, value);
}

/** NumVFs = n, then Control = ctrl (VF Enable etc.), through configuration writes. */
export function enableVfs(dev: SriovDevice, pf: PhysicalFunction, n: number, ctrl: number = CTRL.vfe | CTRL.mse): void {
  wr(dev, pf, SR.numVfs, 2, n);
  wr(dev, pf, SR.control, 2, ctrl);
}

/** The diagnostics of the device whose code starts with `prefix` (consumes all pending diagnostics). */
export function takeCodes(dev: SriovDevice, prefix = 'sriov.'): Diagnostic[] {
  return dev.takeDiagnostics().filter((d) => d.code.startsWith(prefix));
}

/** All 1024 DWORDs of a space (cheap snapshot; equal to the bytes a configuration read returns). */
export function dwords(space: ConfigSpace): Uint32Array {
  const out = new Uint32Array(1024);
  for (let i = 0; i < 1024; i++) out[i] = space.read(i * 4, 4);
  return out;
}

/** A one-PF device profile with a plain header and the given SR-IOV options. */
export function onePf(sriov: SriovOptions, opts: { readonly ari?: boolean; readonly function?: number; readonly bars?: readonly (BarSpec | undefined)[] } = {}): DeviceProfile {
  return {
    name: 'test PF',
    ari: opts.ari ?? true,
    pfs: [{
      function: opts.function ?? 0,
      header: { vendorId: 0x1af4, deviceId: 0x1234, revisionId: 2, classCode: 0x020000, ...(opts.bars === undefined ? {} : { bars: opts.bars }) },
      sriov,
    }],
  };
}

/** Several PFs (function numbers as given) sharing one SR-IOV option set. */
export function manyPfs(functions: readonly number[], sriov: (fn: number) => SriovOptions, ari = true): DeviceProfile {
  const pfs: PfProfile[] = functions.map((fn) => ({
    function: fn,
    header: { vendorId: 0x1af4, deviceId: 0x1234, classCode: 0x020000 },
    sriov: sriov(fn),
  }));
  return { name: 'test PFs', ari, pfs };
}

/** Builds a device and returns it with its first PF. */
export function build(profile: DeviceProfile, options: SriovDeviceOptions = {}): { dev: SriovDevice; pf: PhysicalFunction } {
  const dev = new SriovDevice(profile, options);
  return { dev, pf: dev.pfs[0]! };
}

/** An arbitrary policy. */
export const policyArb: fc.Arbitrary<SriovPolicy> = fc.constantFrom<SriovPolicy>('strict', 'qemu', 'clamp');

/** A 16-bit value biased towards the edges. */
export const u16Arb = (min: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min, max: 0xffff }) },
    { weight: 2, arbitrary: fc.integer({ min, max: Math.max(min, 0x200) }) },
    { weight: 1, arbitrary: fc.constantFrom(...[min, min + 1, 0x80, 0x100, 0x180, 0xff, 0xfffe, 0xffff].filter((v) => v >= min)) },
  );

/** Expected VF Routing ID per the spec formula (1-based n), undefined when it leaves 16 bits. */
export function expectedVfRid(pfRid: number, offset: number, stride: number, n: number): number | undefined {
  const r = pfRid + offset + (n - 1) * stride;
  return r > 0xffff ? undefined : r;
}

/**
 * An igb-like PF as a driver leaves it on bus 1: VF BAR0/3 placed page-aligned at 0xfe900000 /
 * 0xfe920000, ARI Capable Hierarchy, NumVFs and VF Enable (with VF MSE) as given. Returns the PF's
 * 4096 configuration bytes and its SR-IOV capability offset.
 */
export function igbPf(opts: { readonly ari?: boolean; readonly numVfs?: number; readonly enable?: boolean } = {}): { bytes: Uint8Array; cap: number } {
  const ari = opts.ari ?? true;
  const dev = new SriovDevice(igbProfile(), { bus: 1 });
  const pf = dev.pfs[0]!;
  const cap = pf.space.capability(0x10, 'extended')!.offset;
  pf.space.write(cap + 0x24, 4, 0xfe90_0000);
  pf.space.write(cap + 0x30, 4, 0xfe92_0000);
  if (ari) pf.space.write(cap + 0x08, 2, 0x10);
  if (opts.numVfs !== undefined) pf.space.write(cap + 0x10, 2, opts.numVfs);
  if (opts.enable === true) pf.space.write(cap + 0x08, 2, (ari ? 0x10 : 0) | 0x9);
  return { bytes: pf.space.peek(), cap };
}
