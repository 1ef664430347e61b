import { describe, expect, it } from 'vitest';
import { igbProfile, SriovDevice, type SriovPolicy } from '../../../src/sriov/index.js';
import { build, CTRL, enableVfs, onePf, rd, SR, takeCodes, wr } from '../../helpers/arb-sriov.js';

/**
 * The policy table (src/sriov/policy.ts, reference b.1, b.2, b.3, b.5, b.12) written out as
 * literals: what each policy keeps, and the diagnostic it raises.
 */
const severity = (p: SriovPolicy, qemu: 'note' | 'warning', others: 'note' | 'warning' = 'warning') => (p === 'qemu' ? qemu : others);

function igb(policy: SriovPolicy) {
  const dev = new SriovDevice(igbProfile(), { bus: 1, policy });
  return { dev, pf: dev.pfs[0]! };
}

const codes = (dev: SriovDevice) => takeCodes(dev).map((d) => ({ code: d.code, severity: d.severity, requirement: d.requirement }));

describe.each(['strict', 'qemu', 'clamp'] as const)('policy %s', (policy) => {
  it(`SRIOV-POL-01: should ignore a NumVFs write while VF Enable = 1 (${policy}: ${policy === 'qemu' ? 'note' : 'warning'})`, () => {
    const { dev, pf } = igb(policy);
    enableVfs(dev, pf, 4);
    takeCodes(dev);
    wr(dev, pf, SR.numVfs, 2, 6);
    expect(rd(dev, pf, SR.numVfs, 2)).toBe(4);
    expect(pf.enabledVfs).toBe(4);
    expect(codes(dev)).toEqual([{ code: 'sriov.numvfs-while-enabled', severity: severity(policy, 'note'), requirement: 'SRIOV-POL-01' }]);
    wr(dev, pf, SR.numVfs, 2, 4); // rewriting the same value is not a change
    expect(codes(dev)).toEqual([]);
    wr(dev, pf, SR.control, 2, 0);
    wr(dev, pf, SR.numVfs, 2, 6); // legal again once VF Enable is clear
    expect(rd(dev, pf, SR.numVfs, 2)).toBe(6);
    expect(codes(dev)).toEqual([]);
  });

  it(`SRIOV-POL-02: should handle NumVFs > TotalVFs then VF Enable (QEMU CVE-2024-26327 case) under ${policy}`, () => {
    const { dev, pf } = igb(policy);
    wr(dev, pf, SR.numVfs, 2, 9);
    const atWrite = codes(dev);
    expect(atWrite).toEqual([{ code: 'sriov.numvfs-above-total', severity: 'warning', requirement: 'SRIOV-POL-02' }]);
    wr(dev, pf, SR.control, 2, CTRL.vfe | CTRL.mse);
    const atEnable = codes(dev);
    if (policy === 'clamp') {
      expect(rd(dev, pf, SR.numVfs, 2)).toBe(8);
      expect(rd(dev, pf, SR.control, 2)).toBe(0x09);
      expect(pf.enabledVfs).toBe(8);
      expect(atEnable).toEqual([]);
    } else {
      expect(rd(dev, pf, SR.numVfs, 2)).toBe(9);
      expect(rd(dev, pf, SR.control, 2)).toBe(0x08); // VF Enable stays 0, VF MSE taken
      expect(pf.enabledVfs).toBe(0);
      expect(dev.functionAt(pf.vfRid(1)!)).toBeUndefined();
      expect(atEnable).toEqual([{ code: 'sriov.numvfs-above-total', severity: 'warning', requirement: 'SRIOV-POL-02' }]);
    }
  });

  it(`SRIOV-POL-02: should treat NumVFs 0xFFFF on an 8-VF PF the same way under ${policy}`, () => {
    const { dev, pf } = igb(policy);
    enableVfs(dev, pf, 0xffff);
    expect(rd(dev, pf, SR.numVfs, 2)).toBe(policy === 'clamp' ? 8 : 0xffff);
    expect(pf.enabledVfs).toBe(policy === 'clamp' ? 8 : 0);
    expect(pf.vfEnable).toBe(policy === 'clamp');
  });

  it(`SRIOV-POL-03: should handle VF Enable with NumVFs = 0 under ${policy}`, () => {
    const { dev, pf } = igb(policy);
    wr(dev, pf, SR.control, 2, CTRL.vfe);
    if (policy === 'strict') {
      expect(rd(dev, pf, SR.control, 2)).toBe(0);
      expect(codes(dev)).toEqual([{ code: 'sriov.enable-zero-vfs', severity: 'warning', requirement: 'SRIOV-POL-03' }]);
    } else {
      expect(rd(dev, pf, SR.control, 2)).toBe(0x01);
      expect(codes(dev)).toEqual([{ code: 'sriov.enable-zero-vfs', severity: 'note', requirement: 'SRIOV-POL-03' }]);
    }
    expect(pf.enabledVfs).toBe(0);
    expect(dev.vfBusRange()).toBeUndefined();
    expect(dev.functionAt(pf.vfRid(1)!)).toBeUndefined();
  });

  // System Page Size: [written, what qemu stores] with Supported 0x553 (bits 0, 1, 4, 6, 8, 10).
  const invalid: readonly [string, number, number][] = [
    ['0x0 (zero)', 0x0, 0x0],
    ['0x3 (two page sizes)', 0x3, 0x3],
    ['0x11 (two page sizes)', 0x11, 0x11],
    ['0x5 (4 KiB and the unsupported 16 KiB)', 0x5, 0x1],
    ['0x4 (16 KiB, unsupported by 0x553)', 0x4, 0x0],
    ['0x80000000 (unsupported)', 0x8000_0000, 0x0],
  ];
  it.each(invalid)(`SRIOV-POL-04: should handle System Page Size %s under ${policy}`, (_label, written, qemuStores) => {
    const { dev, pf } = igb(policy);
    wr(dev, pf, SR.systemPageSize, 4, 0x10); // a valid value first
    expect(codes(dev)).toEqual([]);
    wr(dev, pf, SR.systemPageSize, 4, written);
    expect(rd(dev, pf, SR.systemPageSize, 4)).toBe(policy === 'qemu' ? qemuStores : 0x10);
    expect(codes(dev)).toEqual([{ code: 'sriov.page-size-invalid', severity: 'warning', requirement: 'SRIOV-POL-04' }]);
  });

  it(`SRIOV-POL-04: should handle System Page Size 0x2 when only 4 KiB is supported (Supported 0x1) under ${policy}`, () => {
    const { dev, pf } = build(onePf({ totalVfs: 4, vfDeviceId: 1, offsetStride: { offset: 1, stride: 1 }, supportedPageSizes: 0x1 }), { policy });
    expect(rd(dev, pf, SR.supportedPageSizes, 4)).toBe(0x1);
    wr(dev, pf, SR.systemPageSize, 4, 0x2);
    expect(rd(dev, pf, SR.systemPageSize, 4)).toBe(policy === 'qemu' ? 0 : 1);
    expect(codes(dev)).toEqual([{ code: 'sriov.page-size-invalid', severity: 'warning', requirement: 'SRIOV-POL-04' }]);
  });

  it(`SRIOV-POL-04: should accept every supported single page size silently under ${policy}`, () => {
    for (const sps of [0x1, 0x2, 0x10, 0x40, 0x100, 0x400]) {
      const { dev, pf } = igb(policy);
      wr(dev, pf, SR.systemPageSize, 4, sps);
      expect(rd(dev, pf, SR.systemPageSize, 4)).toBe(sps);
      expect(pf.systemPageSize).toBe(4096 * sps);
      expect(codes(dev)).toEqual([]);
    }
  });

  it(`SRIOV-POL-04: should handle System Page Size written while VF Enable = 1 under ${policy}`, () => {
    const { dev, pf } = igb(policy);
    enableVfs(dev, pf, 2);
    takeCodes(dev);
    wr(dev, pf, SR.systemPageSize, 4, 0x10);
    expect(rd(dev, pf, SR.systemPageSize, 4)).toBe(policy === 'qemu' ? 0x10 : 0x1);
    expect(codes(dev)).toEqual([{ code: 'sriov.page-size-while-enabled', severity: severity(policy, 'note'), requirement: 'SRIOV-POL-04' }]);
    wr(dev, pf, SR.systemPageSize, 4, rd(dev, pf, SR.systemPageSize, 4)); // writing back the value read is no change
    expect(codes(dev)).toEqual([]);
    expect(pf.enabledVfs).toBe(2);
  });

  it(`SRIOV-POL-05: should handle ARI Capable Hierarchy changed while VF Enable = 1 under ${policy}`, () => {
    const { dev, pf } = igb(policy);
    enableVfs(dev, pf, 8);
    takeCodes(dev);
    const before = pf.vfRid(1);
    wr(dev, pf, SR.control, 2, CTRL.vfe | CTRL.mse | CTRL.ari);
    expect(codes(dev)).toEqual([{ code: 'sriov.ari-while-enabled', severity: severity(policy, 'note'), requirement: 'SRIOV-POL-05' }]);
    if (policy === 'qemu') {
      expect(rd(dev, pf, SR.control, 2)).toBe(0x19);
      expect(rd(dev, pf, SR.firstVfOffset, 2)).toBe(0x80);
    } else {
      expect(rd(dev, pf, SR.control, 2)).toBe(0x09);
      expect(rd(dev, pf, SR.firstVfOffset, 2)).toBe(0x180);
      expect(pf.vfRid(1)).toBe(before);
    }
    expect(pf.enabledVfs).toBe(8);
  });

  it(`SRIOV-POL-05: should accept ARI Capable Hierarchy silently in the same write that sets VF Enable, and while VF Enable is clear, under ${policy}`, () => {
    const { dev, pf } = igb(policy);
    wr(dev, pf, SR.control, 2, CTRL.ari);
    wr(dev, pf, SR.control, 2, 0);
    enableVfs(dev, pf, 8, CTRL.vfe | CTRL.ari);
    expect(codes(dev)).toEqual([]);
    expect(rd(dev, pf, SR.control, 2)).toBe(0x11);
    expect(rd(dev, pf, SR.firstVfOffset, 2)).toBe(0x80);
  });

  // Regression test for a bug found and fixed this session; see the commit that flipped it from it.fails.
  it(`SRIOV-POL-05: should treat ARI Capable Hierarchy changed while VF Enable is set in another PF as the same undefined case under ${policy}`, () => {
    const dev = new SriovDevice(igbProfile(2), { bus: 1, policy });
    const [pf0, pf1] = [dev.pfs[0]!, dev.pfs[1]!];
    enableVfs(dev, pf1, 8, CTRL.vfe);
    takeCodes(dev);
    wr(dev, pf0, SR.control, 2, CTRL.ari);
    expect(codes(dev)).toEqual([{ code: 'sriov.ari-while-enabled', severity: severity(policy, 'note'), requirement: 'SRIOV-POL-05' }]);
    if (policy !== 'qemu') expect(rd(dev, pf1, SR.firstVfOffset, 2)).toBe(0x180);
  });
});
