import { describe, expect, it } from 'vitest';
import { igbProfile, sriovCapability, SriovDevice, type SriovOptions } from '../../../src/sriov/index.js';
import { layoutError } from '../../helpers/errors.js';
import { build, CTRL, manyPfs, onePf, rd, SR, wr } from '../../helpers/arb-sriov.js';

const igbSriov: SriovOptions = { totalVfs: 8, vfDeviceId: 0x10ca, offsetStride: { offset: 0x80, stride: 2 } };

describe('SR-IOV capability registers and access types', () => {
  it('SRIOV-CAP-01: should place an extended capability with ID 0x0010, version 1 and 0x40 bytes in the PF', () => {
    const { dev, pf } = build(igbProfile(), { bus: 1 });
    const cap = pf.space.capability(0x10, 'extended')!;
    expect(cap.size).toBe(0x40);
    expect(rd(dev, pf, SR.header, 4) & 0xf_ffff).toBe(0x1_0010);
  });

  it('SRIOV-CAP-01: should report the igb reset values of every register (InitialVFs = TotalVFs = 8, offset 0x180 / stride 2 without ARI, VF Device ID 0x10CA, Supported 0x553, System Page Size 1)', () => {
    const { dev, pf } = build(igbProfile(), { bus: 1 });
    expect(rd(dev, pf, SR.control, 2)).toBe(0);
    expect(rd(dev, pf, SR.status, 2)).toBe(0);
    expect(rd(dev, pf, SR.initialVfs, 2)).toBe(8);
    expect(rd(dev, pf, SR.totalVfs, 2)).toBe(8);
    expect(rd(dev, pf, SR.numVfs, 2)).toBe(0);
    expect(rd(dev, pf, SR.fdl, 1)).toBe(0);
    expect(rd(dev, pf, SR.firstVfOffset, 2)).toBe(0x180);
    expect(rd(dev, pf, SR.vfStride, 2)).toBe(2);
    expect(rd(dev, pf, SR.vfDeviceId, 2)).toBe(0x10ca);
    expect(rd(dev, pf, SR.supportedPageSizes, 4)).toBe(0x553);
    expect(rd(dev, pf, SR.systemPageSize, 4)).toBe(1);
    // VF BAR0 and VF BAR3: 64-bit non-prefetchable type bits (real 82576, d.1); the rest unimplemented.
    expect([0, 1, 2, 3, 4, 5].map((i) => rd(dev, pf, SR.vfBar(i), 4))).toEqual([0x4, 0, 0, 0x4, 0, 0]);
    expect(rd(dev, pf, SR.vfMigrationStateArray, 4)).toBe(0);
  });

  it('SRIOV-CAP-01: should make SR-IOV Capabilities read-only: VF Migration Capable 0, ARI Capable Hierarchy Preserved 1 in the lowest PF only, 10-bit tag bit per profile', () => {
    const dev = new SriovDevice(igbProfile(2), { bus: 1 });
    const [pf0, pf1] = [dev.pfs[0]!, dev.pfs[1]!];
    expect(rd(dev, pf0, SR.capabilities, 4)).toBe(0x2);
    expect(rd(dev, pf1, SR.capabilities, 4)).toBe(0x0);
    wr(dev, pf0, SR.capabilities, 4, 0xffff_ffff);
    expect(rd(dev, pf0, SR.capabilities, 4)).toBe(0x2);
    const { dev: d2, pf: p2 } = build(onePf({ ...igbSriov, vf10BitTags: true }));
    expect(rd(d2, p2, SR.capabilities, 4)).toBe(0x2 | 0x4);
  });

  it('SRIOV-CAP-01: should make Control VF Enable and VF MSE RW, VF Migration Enable / Interrupt Enable RO 0 and bits 15:5 RsvdP (no 10-bit tags)', () => {
    const { dev, pf } = build(igbProfile(), { bus: 1 });
    wr(dev, pf, SR.numVfs, 2, 1);
    wr(dev, pf, SR.control, 2, CTRL.vfe | CTRL.mse);
    expect(rd(dev, pf, SR.control, 2)).toBe(0x09);
    wr(dev, pf, SR.control, 2, CTRL.mse);
    expect(rd(dev, pf, SR.control, 2)).toBe(0x08);
    wr(dev, pf, SR.control, 2, 0xffe6); // VFM, VFM interrupt, bit 5 and bits 15:6, no VFE/MSE/ARI
    expect(rd(dev, pf, SR.control, 2)).toBe(0);
  });

  it('SRIOV-CAP-01: should make VF 10-Bit Tag Requester Enable RW only when the PF supports it', () => {
    const { dev, pf } = build(onePf({ ...igbSriov, vf10BitTags: true }));
    wr(dev, pf, SR.control, 2, CTRL.tag10);
    expect(rd(dev, pf, SR.control, 2)).toBe(0x20);
  });

  it('SRIOV-CAP-01: should make ARI Capable Hierarchy RW only in the lowest-numbered PF (RsvdP, reads 0, elsewhere)', () => {
    const dev = new SriovDevice(igbProfile(2), { bus: 1 });
    const [pf0, pf1] = [dev.pfs[0]!, dev.pfs[1]!];
    wr(dev, pf0, SR.control, 2, CTRL.ari);
    wr(dev, pf1, SR.control, 2, CTRL.ari);
    expect(rd(dev, pf0, SR.control, 2)).toBe(0x10);
    expect(rd(dev, pf1, SR.control, 2)).toBe(0x00);
    // The lowest-numbered PF need not be the first in the profile.
    const rev = new SriovDevice(manyPfs([3, 1], () => igbSriov));
    wr(rev, rev.pfs[0]!, SR.control, 2, CTRL.ari);
    wr(rev, rev.pfs[1]!, SR.control, 2, CTRL.ari);
    expect(rd(rev, rev.pfs[0]!, SR.control, 2)).toBe(0);
    expect(rd(rev, rev.pfs[1]!, SR.control, 2)).toBe(0x10);
  });

  it('SRIOV-CAP-01: should make SR-IOV Status VF Migration Status RW1C', () => {
    const { dev, pf } = build(igbProfile(), { bus: 1 });
    pf.space.hwSet('ecap.sriov.status', 'vfMigrationStatus');
    expect(rd(dev, pf, SR.status, 2)).toBe(1);
    wr(dev, pf, SR.status, 2, 0xfffe); // 0 in bit 0 leaves it; the RsvdZ bits stay 0
    expect(rd(dev, pf, SR.status, 2)).toBe(1);
    wr(dev, pf, SR.status, 2, 1);
    expect(rd(dev, pf, SR.status, 2)).toBe(0);
  });

  it('SRIOV-CAP-01: should keep InitialVFs and TotalVFs (HwInit), First VF Offset, VF Stride, VF Device ID, Supported Page Sizes and the VF Migration State Array (RO) against writes', () => {
    const { dev, pf } = build(igbProfile(), { bus: 1 });
    wr(dev, pf, SR.initialVfs, 4, 0); // InitialVFs and TotalVFs in one DWORD
    wr(dev, pf, SR.firstVfOffset, 4, 0x0001_0001);
    wr(dev, pf, SR.vfDeviceId - 2, 4, 0xffff_ffff);
    wr(dev, pf, SR.supportedPageSizes, 4, 0);
    wr(dev, pf, SR.vfMigrationStateArray, 4, 0xffff_ffff);
    expect(rd(dev, pf, SR.initialVfs, 2)).toBe(8);
    expect(rd(dev, pf, SR.totalVfs, 2)).toBe(8);
    expect(rd(dev, pf, SR.firstVfOffset, 2)).toBe(0x180);
    expect(rd(dev, pf, SR.vfStride, 2)).toBe(2);
    expect(rd(dev, pf, SR.vfDeviceId, 2)).toBe(0x10ca);
    expect(rd(dev, pf, 0x18, 2)).toBe(0); // reserved
    expect(rd(dev, pf, SR.supportedPageSizes, 4)).toBe(0x553);
    expect(rd(dev, pf, SR.vfMigrationStateArray, 4)).toBe(0);
  });

  it('SRIOV-CAP-01: should make NumVFs RW (16 bits) while VF Enable is clear', () => {
    const { dev, pf } = build(igbProfile(), { bus: 1 });
    wr(dev, pf, SR.numVfs, 2, 5);
    expect(rd(dev, pf, SR.numVfs, 2)).toBe(5);
    wr(dev, pf, SR.numVfs, 2, 0);
    expect(rd(dev, pf, SR.numVfs, 2)).toBe(0);
  });

  it('SRIOV-CAP-01: should make Function Dependency Link RO, equal to the PF\'s own function number by default', () => {
    const dev = new SriovDevice(igbProfile(2), { bus: 1 });
    expect(rd(dev, dev.pfs[0]!, SR.fdl, 1)).toBe(0);
    expect(rd(dev, dev.pfs[1]!, SR.fdl, 1)).toBe(1);
    wr(dev, dev.pfs[1]!, SR.numVfs, 4, 0x00ff_0000); // FDL and the reserved byte
    expect(rd(dev, dev.pfs[1]!, SR.fdl, 2)).toBe(1);
    const { dev: d2, pf: p2 } = build(onePf({ ...igbSriov, functionDependencyLink: 0 }, { function: 5 }));
    expect(rd(d2, p2, SR.fdl, 1)).toBe(0);
  });

  it('SRIOV-CAP-01: should make System Page Size RW with reset value 1', () => {
    const { dev, pf } = build(igbProfile(), { bus: 1 });
    wr(dev, pf, SR.systemPageSize, 4, 0x10);
    expect(rd(dev, pf, SR.systemPageSize, 4)).toBe(0x10);
    expect(pf.systemPageSize).toBe(65536);
  });

  it('SRIOV-CAP-01: should refuse I/O VF BARs and bad options with a LayoutError', () => {
    const bad: SriovOptions[] = [
      { ...igbSriov, vfBars: [{ kind: 'io', size: 32 }] },
      { ...igbSriov, totalVfs: 0x10000 },
      { ...igbSriov, totalVfs: -1 },
      { ...igbSriov, totalVfs: 1.5 },
      { ...igbSriov, initialVfs: 0x10000 },
      { ...igbSriov, vfDeviceId: 0x10000 },
      { ...igbSriov, supportedPageSizes: 0x552 }, // no 4 KiB
      { ...igbSriov, supportedPageSizes: 2 ** 32 },
      { ...igbSriov, functionDependencyLink: 256 },
      { ...igbSriov, vfBars: [undefined, undefined, undefined, undefined, undefined, undefined, { kind: 'mem32', size: 0x1000 }] },
      { ...igbSriov, vfBars: [undefined, undefined, undefined, undefined, undefined, { kind: 'mem64', size: 0x1000 }] },
      { ...igbSriov, vfBars: [{ kind: 'mem64', size: 0x1000 }, { kind: 'mem32', size: 0x1000 }] },
      { ...igbSriov, vfBars: [{ kind: 'mem32', size: 0x3000 }] },
    ];
    for (const o of bad) {
      expect(layoutError(() => sriovCapability(o, 0, true)).code).toBe('layout.bad-option');
      layoutError(() => new SriovDevice(onePf(o)));
    }
    expect(() => sriovCapability({ ...igbSriov, vfBars: [{ kind: 'mem32', size: 0x1000 }] }, 0, true)).not.toThrow();
  });
});

describe('VF BAR sizing probe', () => {
  it('SRIOV-BAR-01: should read back 0xFFFFC004 / 0xFFFFFFFF for igb\'s 16 KiB 64-bit non-prefetchable VF BAR0 and VF BAR3', () => {
    const { dev, pf } = build(igbProfile(), { bus: 1 });
    for (const i of [0, 1, 2, 3, 4, 5]) wr(dev, pf, SR.vfBar(i), 4, 0xffff_ffff);
    expect([0, 1, 2, 3, 4, 5].map((i) => rd(dev, pf, SR.vfBar(i), 4))).toEqual([0xffff_c004, 0xffff_ffff, 0, 0xffff_c004, 0xffff_ffff, 0]);
    const info = pf.vfBars();
    expect(info.map((b) => [b.bar, b.kind, b.perVfSize, b.sizingProbe, b.prefetchable])).toEqual([
      [0, 'mem64', 0x4000n, true, false],
      [3, 'mem64', 0x4000n, true, false],
    ]);
    // Writing an address ends the probe.
    wr(dev, pf, SR.vfBar(0), 4, 0xfe90_0000);
    wr(dev, pf, SR.vfBar(1), 4, 0);
    expect(rd(dev, pf, SR.vfBar(0), 4)).toBe(0xfe90_0004);
    expect(pf.vfBars()[0]).toMatchObject({ base: 0xfe90_0000n, sizingProbe: false });
  });

  it('SRIOV-BAR-01: should answer the d.4 vectors: 64 KiB 32-bit → 0xFFFF0000; 8 GiB 64-bit prefetchable → 0x0000000C / 0xFFFFFFFE; 16 MiB 64-bit → 0xFF000004 / 0xFFFFFFFF', () => {
    const { dev, pf } = build(onePf({
      ...igbSriov,
      vfBars: [{ kind: 'mem32', size: 0x1_0000 }, { kind: 'mem64', size: 2n ** 33n, prefetchable: true }, undefined, { kind: 'mem64', size: 0x100_0000 }],
    }));
    expect([0, 1, 2, 3, 4, 5].map((i) => rd(dev, pf, SR.vfBar(i), 4))).toEqual([0, 0xc, 0, 0x4, 0, 0]);
    for (const i of [0, 1, 2, 3, 4, 5]) wr(dev, pf, SR.vfBar(i), 4, 0xffff_ffff);
    expect([0, 1, 2, 3, 4, 5].map((i) => rd(dev, pf, SR.vfBar(i), 4))).toEqual([0xffff_0000, 0x0000_000c, 0xffff_fffe, 0xff00_0004, 0xffff_ffff, 0]);
    expect(pf.vfBars().map((b) => [b.bar, b.perVfSize, b.sizingProbe])).toEqual([[0, 0x1_0000n, true], [1, 0x2_0000_0000n, true], [3, 0x100_0000n, true]]);
  });

  it('SRIOV-BAR-01: should answer 0xE000000C / 0xFFFFFFFF for a 512 MiB 64-bit prefetchable VF BAR (i915 VF BAR2, d.4)', () => {
    const { dev, pf } = build(onePf({ ...igbSriov, vfBars: [undefined, undefined, { kind: 'mem64', size: 0x2000_0000, prefetchable: true }] }));
    wr(dev, pf, SR.vfBar(2), 4, 0xffff_ffff);
    wr(dev, pf, SR.vfBar(3), 4, 0xffff_ffff);
    expect(rd(dev, pf, SR.vfBar(2), 4)).toBe(0xe000_000c);
    expect(rd(dev, pf, SR.vfBar(3), 4)).toBe(0xffff_ffff);
  });
});
