import { describe, expect, it } from 'vitest';
import { walkCapabilities, walkExtendedCapabilities } from '../../../src/config/index.js';
import { AccessError } from '../../../src/regs/index.js';
import { asRoutingId, igbProfile, maxVfProfile, SriovDevice, type PhysicalFunction } from '../../../src/sriov/index.js';
import { build, CTRL, dwords, enableVfs, onePf, pcieAt, rd, SR, sriovAt, takeCodes, wr } from '../../helpers/arb-sriov.js';

/** igb on bus 1 with ARI Capable Hierarchy set, VF BAR0 at 0xFE900000 and VF BAR3 at 0xFE920000 (d.5). */
function igbD5(ctrl: number = CTRL.vfe | CTRL.mse | CTRL.ari, numVfs = 8): { dev: SriovDevice; pf: PhysicalFunction } {
  const dev = new SriovDevice(igbProfile(), { bus: 1 });
  const pf = dev.pfs[0]!;
  wr(dev, pf, SR.control, 2, CTRL.ari);
  wr(dev, pf, SR.vfBar(0), 4, 0xfe90_0000);
  wr(dev, pf, SR.vfBar(1), 4, 0);
  wr(dev, pf, SR.vfBar(3), 4, 0xfe92_0000);
  wr(dev, pf, SR.vfBar(4), 4, 0);
  enableVfs(dev, pf, numVfs, ctrl);
  return { dev, pf };
}

/** The bytes a configuration read returns for every DWORD of a Routing ID. */
function configDwords(dev: SriovDevice, rid: number): number[] {
  return Array.from({ length: 1024 }, (_, i) => dev.configRead(asRoutingId(rid), i * 4, 4));
}

describe('VF BAR windows (d.5) and memory decode', () => {
  it('SRIOV-BAR-02: should lay igb VF windows out as base + (k − 1) × 16 KiB: VF2 BAR0 0xFE904000, VF8 BAR0 0xFE91C000, VF8 BAR3 0xFE93C000', () => {
    const { pf } = igbD5();
    expect(pf.vfBarWindow(1, 0)).toEqual({ base: 0xfe90_0000n, size: 0x4000n, last: 0xfe90_3fffn });
    expect(pf.vfBarWindow(1, 3)?.base).toBe(0xfe92_0000n);
    expect(pf.vfBarWindow(2, 0)?.base).toBe(0xfe90_4000n);
    expect(pf.vfBarWindow(2, 3)?.base).toBe(0xfe92_4000n);
    expect(pf.vfBarWindow(8, 0)).toEqual({ base: 0xfe91_c000n, size: 0x4000n, last: 0xfe91_ffffn });
    expect(pf.vfBarWindow(8, 3)?.base).toBe(0xfe93_c000n);
    expect(pf.vfBarWindow(1, 1)).toBeUndefined(); // upper half of the 64-bit pair
    expect(pf.vfBarWindow(1, 2)).toBeUndefined(); // unimplemented
    expect(pf.vfBarWindow(0, 0)).toBeUndefined();
  });

  it('SRIOV-BAR-02: should decode each address of the 8 × 16 KiB regions to exactly its VF, BAR and offset', () => {
    const { dev } = igbD5();
    expect(dev.decodeAddress(0xfe90_0000n)).toEqual({ pf: 0, vf: 1, rid: 0x0180, bar: 0, offset: 0n });
    expect(dev.decodeAddress(0xfe90_4010n)).toEqual({ pf: 0, vf: 2, rid: 0x0182, bar: 0, offset: 0x10n });
    expect(dev.decodeAddress(0xfe91_ffffn)).toEqual({ pf: 0, vf: 8, rid: 0x018e, bar: 0, offset: 0x3fffn });
    expect(dev.decodeAddress(0xfe93_c000n)).toEqual({ pf: 0, vf: 8, rid: 0x018e, bar: 3, offset: 0n });
    expect(dev.decodeAddress(0xfe8f_ffffn)).toBeUndefined();
    expect(dev.decodeAddress(0xfe94_0000n)).toBeUndefined();
  });

  it('SRIOV-BAR-02: should decode only NumVFs windows (4 VFs: 0xFE910000 and up hit nothing)', () => {
    const { dev } = igbD5(CTRL.vfe | CTRL.mse | CTRL.ari, 4);
    expect(dev.decodeAddress(0xfe90_c000n)?.vf).toBe(4);
    expect(dev.decodeAddress(0xfe91_0000n)).toBeUndefined();
  });

  it('SRIOV-BAR-02: should decode nothing unless VF Enable and VF MSE are both set', () => {
    expect(igbD5(CTRL.vfe | CTRL.ari).dev.decodeAddress(0xfe90_0000n)).toBeUndefined();
    const { dev, pf } = igbD5(CTRL.mse | CTRL.ari);
    expect(dev.decodeAddress(0xfe90_0000n)).toBeUndefined();
    wr(dev, pf, SR.control, 2, CTRL.vfe | CTRL.mse | CTRL.ari);
    expect(dev.decodeAddress(0xfe90_0000n)?.vf).toBe(1);
    wr(dev, pf, SR.control, 2, CTRL.vfe | CTRL.ari);
    expect(dev.decodeAddress(0xfe90_0000n)).toBeUndefined();
  });

  it('SRIOV-BAR-02: should not decode a VF BAR while its sizing probe is in progress (the other VF BAR still decodes)', () => {
    const { dev, pf } = igbD5();
    wr(dev, pf, SR.vfBar(0), 4, 0xffff_ffff);
    wr(dev, pf, SR.vfBar(1), 4, 0xffff_ffff);
    expect(dev.decodeAddress(0xffff_ffff_ffff_c000n)).toBeUndefined();
    expect(dev.decodeAddress(0xfe90_0000n)).toBeUndefined();
    expect(dev.decodeAddress(0xfe92_0000n)?.bar).toBe(3);
    expect(pf.vfBarWindow(1, 0)).toBeUndefined();
  });

  it('SRIOV-BAR-02: should decode the PF\'s own BAR to the PF (vf undefined) only with the PF\'s Memory Space Enable', () => {
    const { dev, pf } = igbD5();
    dev.configWrite(pf.rid, 0x10, 4, 0xfe80_0000); // BAR0, 128 KiB
    expect(dev.decodeAddress(0xfe80_0010n)).toBeUndefined();
    dev.configWrite(pf.rid, 0x04, 2, 0x0002);
    expect(dev.decodeAddress(0xfe80_0010n)).toEqual({ pf: 0, vf: undefined, rid: 0x0100, bar: 0, offset: 0x10n });
  });
});

describe('VF BAR page-size checks', () => {
  it('SRIOV-BAR-03: should report vf-bar-not-page-multiple and vf-bar-misaligned at VF Enable with a 64 KiB System Page Size (igb 16 KiB VF BARs at 0xFE904000)', () => {
    const dev = new SriovDevice(igbProfile(), { bus: 1 });
    const pf = dev.pfs[0]!;
    wr(dev, pf, SR.systemPageSize, 4, 0x10);
    wr(dev, pf, SR.vfBar(0), 4, 0xfe90_4000);
    wr(dev, pf, SR.vfBar(3), 4, 0xfe92_0000);
    wr(dev, pf, SR.numVfs, 2, 2);
    expect(takeCodes(dev)).toEqual([]); // nothing until VF Enable
    wr(dev, pf, SR.control, 2, CTRL.vfe);
    const got = takeCodes(dev).map((d) => [d.code, d.severity, d.requirement, /VF BAR(\d)/.exec(d.message)?.[1]]);
    expect(got).toEqual([
      ['sriov.vf-bar-not-page-multiple', 'warning', 'SRIOV-BAR-03', '0'],
      ['sriov.vf-bar-misaligned', 'warning', 'SRIOV-BAR-03', '0'],
      ['sriov.vf-bar-not-page-multiple', 'warning', 'SRIOV-BAR-03', '3'],
    ]);
  });

  it('SRIOV-BAR-03: should report nothing with 4 KiB or 8 KiB pages, or 16 KiB-aligned BARs of 16 KiB', () => {
    for (const sps of [0x1, 0x2]) {
      const dev = new SriovDevice(igbProfile(), { bus: 1 });
      const pf = dev.pfs[0]!;
      wr(dev, pf, SR.systemPageSize, 4, sps);
      wr(dev, pf, SR.vfBar(0), 4, 0xfe90_4000);
      enableVfs(dev, pf, 8);
      expect(takeCodes(dev), `System Page Size ${sps}`).toEqual([]);
    }
  });

  it('SRIOV-BAR-03: should report only misalignment when the size is a page multiple but the base is not (64 KiB VF BAR at 0x10000 + 0x20000, 256 KiB pages)', () => {
    const { dev, pf } = build(onePf({ totalVfs: 4, vfDeviceId: 1, offsetStride: { offset: 1, stride: 1 }, vfBars: [{ kind: 'mem32', size: 0x4_0000 }] }));
    wr(dev, pf, SR.vfBar(0), 4, 0x0004_0000); // 256 KiB-aligned: fine
    wr(dev, pf, SR.systemPageSize, 4, 0x40);  // 256 KiB
    enableVfs(dev, pf, 1);
    expect(takeCodes(dev)).toEqual([]);
    wr(dev, pf, SR.control, 2, 0);
    const { dev: d2, pf: p2 } = build(onePf({ totalVfs: 4, vfDeviceId: 1, offsetStride: { offset: 1, stride: 1 }, vfBars: [{ kind: 'mem32', size: 0x4_0000 }] }));
    wr(d2, p2, SR.systemPageSize, 4, 0x100); // 1 MiB pages: 256 KiB is not a multiple, 0x40000 not aligned
    wr(d2, p2, SR.vfBar(0), 4, 0x0004_0000);
    enableVfs(d2, p2, 1);
    expect(takeCodes(d2).map((d) => d.code)).toEqual(['sriov.vf-bar-not-page-multiple', 'sriov.vf-bar-misaligned']);
  });
});

describe('VF lifecycle', () => {
  it('SRIOV-LIFE-01: should make VFs 1..NumVFs exist after VF Enable (functionAt, Vendor ID 0xFFFF) and no others', () => {
    const dev = new SriovDevice(igbProfile(), { bus: 1 });
    const pf = dev.pfs[0]!;
    for (let k = 1; k <= 8; k++) expect(dev.functionAt(pf.vfRid(k)!)).toBeUndefined();
    enableVfs(dev, pf, 5);
    expect(pf.enabledVfs).toBe(5);
    for (let k = 1; k <= 5; k++) {
      const rid = pf.vfRid(k)!;
      expect(dev.functionAt(rid)).toEqual({ kind: 'vf', pf: 0, vf: k, rid });
      expect(dev.configRead(rid, 0x00, 2)).toBe(0xffff);
      expect(dev.configRead(rid, 0x08, 4)).toBe(0x0200_0001); // class 020000, revision 01 (the PF's)
    }
    expect(dev.functionAt(pf.vfRid(6)!)).toBeUndefined();
    expect(dev.configRead(pf.vfRid(6)!, 0x08, 4)).toBe(0xffff_ffff);
  });

  it('SRIOV-LIFE-01: should remove every VF when VF Enable is cleared', () => {
    const dev = new SriovDevice(igbProfile(), { bus: 1 });
    const pf = dev.pfs[0]!;
    enableVfs(dev, pf, 8);
    wr(dev, pf, SR.control, 2, CTRL.mse);
    expect(pf.enabledVfs).toBe(0);
    for (let k = 1; k <= 8; k++) expect(dev.functionAt(pf.vfRid(k)!)).toBeUndefined();
    expect(dev.vfBusRange()).toBeUndefined();
  });

  it('SRIOV-LIFE-01: should give VFs in their reset state after re-enabling (a VF Command write before disabling is gone)', () => {
    const dev = new SriovDevice(igbProfile(), { bus: 1 });
    const pf = dev.pfs[0]!;
    enableVfs(dev, pf, 8);
    const fresh = configDwords(dev, pf.vfRid(3)!);
    dev.configWrite(pf.vfRid(3)!, 0x04, 2, 0x0004); // Bus Master Enable
    dev.configWrite(pf.vfRid(3)!, 0x3c, 1, 0x0b);   // Interrupt Line
    expect(dev.configRead(pf.vfRid(3)!, 0x04, 2)).toBe(0x0004);
    wr(dev, pf, SR.control, 2, 0);
    enableVfs(dev, pf, 8);
    expect(dev.configRead(pf.vfRid(3)!, 0x04, 2)).toBe(0);
    expect(configDwords(dev, pf.vfRid(3)!)).toEqual(fresh);
    expect(pf.materialisedVfs).toBe(0);
  });

  it('SRIOV-LIFE-02: should answer all ones (1, 2 and 4 bytes) and a device.unsupported-request note for a function that does not exist', () => {
    const dev = new SriovDevice(igbProfile(), { bus: 1 });
    const pf = dev.pfs[0]!;
    const vf1 = pf.vfRid(1)!;
    dev.takeDiagnostics();
    expect(dev.configRead(vf1, 0x00, 1)).toBe(0xff);
    expect(dev.configRead(vf1, 0x02, 2)).toBe(0xffff);
    expect(dev.configRead(vf1, 0x08, 4)).toBe(0xffff_ffff);
    expect(dev.configRead(asRoutingId(0x0108), 0x100, 4)).toBe(0xffff_ffff); // 01:01.0: nothing there
    const d = dev.takeDiagnostics();
    expect(d).toHaveLength(4);
    for (const x of d) expect(x).toMatchObject({ code: 'device.unsupported-request', severity: 'note', requirement: 'SRIOV-LIFE-02' });
  });

  it('SRIOV-LIFE-02: should drop writes to a function that does not exist (and report them), and keep the access checks', () => {
    const dev = new SriovDevice(igbProfile(), { bus: 1 });
    const pf = dev.pfs[0]!;
    const vf1 = pf.vfRid(1)!;
    const before = dwords(pf.space);
    dev.takeDiagnostics();
    dev.configWrite(vf1, 0x04, 2, 0x0004);
    expect(dev.takeDiagnostics().map((x) => x.code)).toEqual(['device.unsupported-request']);
    enableVfs(dev, pf, 8);
    expect(dev.configRead(vf1, 0x04, 2)).toBe(0); // the dropped write did not survive into the VF
    expect(pf.materialisedVfs).toBe(0);
    wr(dev, pf, SR.control, 2, 0);
    wr(dev, pf, SR.numVfs, 2, 0);
    expect(dwords(pf.space)).toEqual(before);
    expect(() => dev.configRead(vf1, 0x02, 4)).toThrow(AccessError);
    expect(() => dev.configWrite(vf1, 0x1000, 4, 0)).toThrow(AccessError);
  });

  it('SRIOV-LIFE-03: should clear VF Enable, VF MSE, NumVFs, System Page Size (to 1) and VF BARs, and remove all VFs, on a PF FLR (Device Control bit 15)', () => {
    const { dev, pf } = igbD5();
    wr(dev, pf, SR.control, 2, CTRL.ari); // disable to program System Page Size legally
    wr(dev, pf, SR.systemPageSize, 4, 0x2);
    enableVfs(dev, pf, 8, CTRL.vfe | CTRL.mse | CTRL.ari);
    dev.configWrite(pf.vfRid(1)!, 0x04, 2, 0x0004);
    const pcie = pcieAt(pf.space);
    dev.configWrite(pf.rid, pcie + 0x08, 2, 0x8000);
    expect(rd(dev, pf, SR.control, 2) & (CTRL.vfe | CTRL.mse)).toBe(0);
    expect(rd(dev, pf, SR.numVfs, 2)).toBe(0);
    expect(rd(dev, pf, SR.systemPageSize, 4)).toBe(1);
    expect([0, 1, 3, 4].map((i) => rd(dev, pf, SR.vfBar(i), 4))).toEqual([0x4, 0, 0x4, 0]);
    expect(pf.enabledVfs).toBe(0);
    expect(pf.materialisedVfs).toBe(0);
    expect(dev.functionAt(pf.rid)?.kind).toBe('pf'); // the PF itself still answers
    expect(dev.functionAt(asRoutingId(0x0180))).toBeUndefined();
    expect(dev.functionAt(asRoutingId(0x0280))).toBeUndefined();
    expect(dev.configRead(pf.rid, pcie + 0x08, 2) & 0x8000).toBe(0); // Initiate FLR reads 0
  });

  it.each(['hot', 'cold'] as const)('SRIOV-LIFE-03: should clear the SR-IOV state (ARI Capable Hierarchy included) and remove all VFs on a PF %s reset', (kind) => {
    const { dev, pf } = igbD5();
    pf.space.reset(kind);
    expect(rd(dev, pf, SR.control, 2)).toBe(0);
    expect(rd(dev, pf, SR.numVfs, 2)).toBe(0);
    expect(rd(dev, pf, SR.systemPageSize, 4)).toBe(1);
    expect(rd(dev, pf, SR.firstVfOffset, 2)).toBe(0x180);
    expect([0, 1, 3, 4].map((i) => rd(dev, pf, SR.vfBar(i), 4))).toEqual([0x4, 0, 0x4, 0]);
    expect(pf.enabledVfs).toBe(0);
    for (const r of [0x0180, 0x018e, 0x0280]) expect(dev.functionAt(asRoutingId(r))).toBeUndefined();
  });

  // Regression test for a bug found and fixed this session; see the commit that flipped it from it.fails.
  it('SRIOV-LIFE-03: should keep ARI Capable Hierarchy (and offset 0x80) across a PF FLR, which does not affect it', () => {
    const { dev, pf } = igbD5();
    dev.configWrite(pf.rid, pcieAt(pf.space) + 0x08, 2, 0x8000);
    expect(rd(dev, pf, SR.control, 2)).toBe(CTRL.ari);
    expect(rd(dev, pf, SR.firstVfOffset, 2)).toBe(0x80);
  });

  // Regression test for a bug found and fixed this session; see the commit that flipped it from it.fails.
  it('SRIOV-ISO-01: should leave PF1\'s configuration bytes and VFs alone when PF0 gets an FLR (igb 2 ports, ARI set)', () => {
    const dev = new SriovDevice(igbProfile(2), { bus: 1 });
    const [pf0, pf1] = [dev.pfs[0]!, dev.pfs[1]!];
    wr(dev, pf0, SR.control, 2, CTRL.ari);
    enableVfs(dev, pf1, 8, CTRL.vfe);
    const before = dwords(pf1.space);
    const vf1 = pf1.vfRid(1)!;
    dev.configWrite(pf0.rid, pcieAt(pf0.space) + 0x08, 2, 0x8000);
    expect(dwords(pf1.space)).toEqual(before);
    expect(dev.functionAt(vf1)).toMatchObject({ kind: 'vf', pf: 1, vf: 1 });
  });

  it('SRIOV-LIFE-03: should reset only the VF that gets a VF FLR (its own Device Control bit 15): another VF keeps Bus Master Enable', () => {
    const { dev, pf } = igbD5();
    const [a, b] = [pf.vfRid(1)!, pf.vfRid(2)!];
    dev.configWrite(a, 0x04, 2, 0x0004);
    dev.configWrite(b, 0x04, 2, 0x0004);
    dev.configWrite(b, 0x3c, 1, 0x0a);
    const pfBefore = dwords(pf.space);
    const vfPcie = pcieAt(pf.vfSpaceForRead(2));
    dev.configWrite(b, vfPcie + 0x08, 2, 0x8000);
    expect(dev.configRead(b, 0x04, 2)).toBe(0);
    expect(dev.configRead(b, 0x3c, 1)).toBe(0);
    expect(dev.configRead(a, 0x04, 2)).toBe(0x0004);
    expect(dev.functionAt(b)).toMatchObject({ kind: 'vf', vf: 2 }); // the VF still exists
    expect(pf.enabledVfs).toBe(8);
    expect(dwords(pf.space)).toEqual(pfBefore);
    pf.resetVf(1);
    expect(dev.configRead(a, 0x04, 2)).toBe(0);
  });

  it('SRIOV-LIFE-04: should enable 65,535 VFs, read every VF\'s Vendor ID without materialising any VF, and materialise exactly one on a write', () => {
    const dev = new SriovDevice(maxVfProfile(), { bus: 0 });
    const pf = dev.pfs[0]!;
    enableVfs(dev, pf, 65535);
    expect(pf.enabledVfs).toBe(65535);
    let allOnes = 0;
    for (let k = 1; k <= 65535; k++) if (dev.configRead(asRoutingId(k), 0x00, 2) === 0xffff && pf.vfAt(asRoutingId(k)) === k) allOnes++;
    expect(allOnes).toBe(65535);
    expect(pf.materialisedVfs).toBe(0);
    expect(dev.takeDiagnostics().filter((d) => d.code === 'device.unsupported-request')).toEqual([]);
    dev.configWrite(asRoutingId(0xffff), 0x04, 2, 0x0004);
    expect(pf.materialisedVfs).toBe(1);
    expect(dev.configRead(asRoutingId(0xffff), 0x04, 2)).toBe(0x0004);
    expect(dev.configRead(asRoutingId(0xfffe), 0x04, 2)).toBe(0);
    expect(pf.materialisedVfs).toBe(1);
    expect(dev.vfBusRange()).toEqual({ first: 0, last: 0xff });
  });
});

describe('VF configuration space', () => {
  const setup = () => {
    const { dev, pf } = igbD5();
    return { dev, pf, vf: pf.vfRid(1)! };
  };

  it('SRIOV-VF-01: should read Vendor ID and Device ID 0xFFFF, Header Type 0x00, Interrupt Pin 0, the PF\'s class, revision and subsystem IDs', () => {
    const { dev, vf } = setup();
    expect(dev.configRead(vf, 0x00, 4)).toBe(0xffff_ffff);
    expect(dev.configRead(vf, 0x0e, 1)).toBe(0x00);
    expect(dev.configRead(vf, 0x3d, 1)).toBe(0);
    expect(dev.configRead(vf, 0x08, 4)).toBe(0x0200_0001);
    expect(dev.configRead(vf, 0x2c, 4)).toBe(0xa03c_8086);
    dev.configWrite(vf, 0x00, 4, 0x1234_5678);
    dev.configWrite(vf, 0x3c, 2, 0x0401); // Interrupt Pin is RO
    expect(dev.configRead(vf, 0x00, 4)).toBe(0xffff_ffff);
    expect(dev.configRead(vf, 0x3d, 1)).toBe(0);
  });

  it('SRIOV-VF-01: should read BAR0..5 as 0 and ignore writes, even all ones', () => {
    const { dev, vf } = setup();
    for (let i = 0; i < 6; i++) {
      dev.configWrite(vf, 0x10 + 4 * i, 4, 0xffff_ffff);
      expect(dev.configRead(vf, 0x10 + 4 * i, 4), `BAR${i}`).toBe(0);
      dev.configWrite(vf, 0x10 + 4 * i, 4, 0xfe90_0000);
      expect(dev.configRead(vf, 0x10 + 4 * i, 4), `BAR${i}`).toBe(0);
    }
  });

  it('SRIOV-VF-01: should hardwire Command I/O Space, Memory Space and Interrupt Disable to 0 and keep Bus Master Enable per VF', () => {
    const { dev, pf, vf } = setup();
    dev.configWrite(vf, 0x04, 2, 0x0407); // I/O | Memory | Bus Master | Interrupt Disable
    expect(dev.configRead(vf, 0x04, 2)).toBe(0x0004);
    expect(dev.configRead(pf.vfRid(2)!, 0x04, 2)).toBe(0);
    dev.configWrite(vf, 0x04, 2, 0);
    expect(dev.configRead(vf, 0x04, 2)).toBe(0);
  });

  it('SRIOV-VF-01: should carry a PCI Express capability (Endpoint, FLR capable), the ARI capability when the profile uses ARI, and never an SR-IOV capability', () => {
    const { dev, vf } = setup();
    const bytes = new Uint8Array(4096);
    configDwords(dev, vf).forEach((w, i) => new DataView(bytes.buffer).setUint32(i * 4, w, true));
    const std = walkCapabilities(bytes);
    const ext = walkExtendedCapabilities(bytes);
    expect(std.problems).toEqual([]);
    expect(ext.problems).toEqual([]);
    expect(std.entries.map((e) => e.id)).toEqual([0x11, 0x10]); // MSI-X, then PCI Express
    const pcie = std.entries.find((e) => e.id === 0x10)!.offset;
    expect((bytes[pcie + 2]! >> 4) & 0xf).toBe(0); // Device/Port Type: Endpoint
    expect(new DataView(bytes.buffer).getUint32(pcie + 4, true) & 0x1000_0000).not.toBe(0); // FLR Capable
    expect(ext.entries.map((e) => e.id)).toEqual([0x000e]);
    expect(ext.entries.some((e) => e.id === 0x0010)).toBe(false);
  });

  it('SRIOV-VF-01: should give no ARI capability to VFs of a profile without ARI', () => {
    const { dev, pf } = build(onePf({ totalVfs: 4, vfDeviceId: 1, offsetStride: { offset: 1, stride: 1 } }, { ari: false }), { bus: 2 });
    enableVfs(dev, pf, 2);
    const bytes = new Uint8Array(4096);
    configDwords(dev, pf.vfRid(1)!).forEach((w, i) => new DataView(bytes.buffer).setUint32(i * 4, w, true));
    expect(walkCapabilities(bytes).entries.map((e) => e.id)).toEqual([0x10]);
    expect(walkExtendedCapabilities(bytes).entries).toEqual([]);
    expect(dev.configRead(pf.vfRid(1)!, 0x0e, 1)).toBe(0x00);
    expect(sriovAt(pf)).toBeGreaterThanOrEqual(0x100);
  });
});
