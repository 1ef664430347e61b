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
