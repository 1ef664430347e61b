import { describe, expect, it } from 'vitest';
import { SriovDevice, igbProfile } from '../../../src/sriov/index.js';

describe('ARI Capable Hierarchy across PFs', () => {
  it('SRIOV-RID-02: the lowest-numbered PF\'s bit sets First VF Offset for every PF; the others\' bit is RsvdP', () => {
    const dev = new SriovDevice(igbProfile(2), { bus: 1 });
    const [p0, p1] = dev.pfs;
    const cap = p0!.space.capability(0x10, 'extended')!.offset;
    expect([p0!.firstVfOffset, p1!.firstVfOffset]).toEqual([0x180, 0x180]);
    p1!.space.write(cap + 8, 2, 0x10);
    expect(p1!.ariCapableHierarchy).toBe(false);
    expect(p1!.firstVfOffset).toBe(0x180);
    p0!.space.write(cap + 8, 2, 0x10);
    expect([p0!.firstVfOffset, p1!.firstVfOffset]).toEqual([0x80, 0x80]);
    // PF 1 (01:00.1, RID 0x0101) puts its first VF at 0x0181 = 01:10.1.
    expect(p1!.vfRid(1)).toBe(0x0181);
    p0!.space.reset('hot');
    expect([p0!.firstVfOffset, p1!.firstVfOffset]).toEqual([0x180, 0x180]);
  });
});

describe('loading PFs from damaged dumps', () => {
  it('SRIOV-ORACLE-01: an SR-IOV ID on a capability too short to be one never reaches the live registers', async () => {
    const { deviceFromDump } = await import('../../../src/sriov/index.js');
    const { LayoutError } = await import('../../../src/regs/index.js');
    const dev = new SriovDevice(igbProfile(), { bus: 1 });
    const bytes = dev.pfs[0]!.space.peek();
    // The ARI capability at 0x100 (8 bytes, before SR-IOV at 0x108) now claims ID 0x0010.
    bytes[0x100] = 0x10;
    bytes[0x101] = 0x00;
    const address = { domain: 0, bus: 1, device: 0, function: 0 };
    let loaded: ReturnType<typeof deviceFromDump> | undefined;
    try {
      loaded = deviceFromDump([{ address, bytes }]);
    } catch (e) {
      expect(e).toBeInstanceOf(LayoutError);
    }
    if (loaded !== undefined) {
      const pf = loaded.device.pfs[0]!;
      expect(pf.sriovOffset).toBe(0x108);
      expect(pf.totalVfs).toBe(8);
      // The profile the loader derived reads the same capability: offset/stride stay the dump's.
      expect(pf.sriov.totalVfs).toBe(8);
      expect(pf.firstVfOffset).toBe(0x180);
    }
  });
});
