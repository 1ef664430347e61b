import { describe, expect, it } from 'vitest';
import { igbProfile, linuxSriovEnable, SriovDevice, type OffsetStride, type SriovOptions } from '../../../src/sriov/index.js';
import { build, CTRL, enableVfs, manyPfs, onePf, rd, SR, wr } from '../../helpers/arb-sriov.js';

const igb = (bus = 1) => new SriovDevice(igbProfile(), { bus });
const opts = (o: Partial<SriovOptions> & { offsetStride: OffsetStride }): SriovOptions => ({ totalVfs: 8, vfDeviceId: 0x10ca, ...o });
const codes = (v: { reasons: readonly { code: string }[] }) => v.reasons.map((r) => r.code);

describe('Linux sriov_enable verdict (reference d.8)', () => {
  it('SRIOV-LINUX-01: should enable igb with ARI forwarding: offset 0x80 keeps the 8 VFs on bus 01', () => {
    const v = linuxSriovEnable(igb(), 0, 8, { busRange: { start: 1, end: 1 }, ariForwarding: true });
    expect(v).toMatchObject({ enable: true, errno: undefined, reasons: [], systemPageSize: 4096, lastVfBus: 1, maxVfBus: 1 });
  });

  it('SRIOV-LINUX-01: should refuse the real 82576 with ARI off behind a [bus 01] bridge: VFs on bus 02 → ENOMEM', () => {
    const v = linuxSriovEnable(igb(), 0, 8, { busRange: { start: 1, end: 1 } });
    expect(v.enable).toBe(false);
    expect(v.errno).toBe('ENOMEM');
    expect(codes(v)).toEqual(['linux.bus-range']);
    expect(v.reasons[0]!.message).toBe("can't enable 8 VFs (bus 02 out of range of [bus 01])");
    expect(v.lastVfBus).toBe(2);
    expect(v.maxVfBus).toBe(2);
    expect(linuxSriovEnable(igb(), 0, 8, { busRange: { start: 1, end: 2 } }).enable).toBe(true);
  });

  it('SRIOV-LINUX-01: should refuse case D (200 VFs from 81:00.0) with range 81..81 (bus 82) and enable it with 81..82', () => {
    const { dev } = build(onePf(opts({ totalVfs: 200, offsetStride: { offset: 0x80, stride: 1 } })), { bus: 0x81 });
    const no = linuxSriovEnable(dev, 0, 200, { busRange: { start: 0x81, end: 0x81 } });
    expect(no).toMatchObject({ enable: false, errno: 'ENOMEM', lastVfBus: 0x82 });
    expect(no.reasons[0]!.message).toBe("can't enable 200 VFs (bus 82 out of range of [bus 81])");
    // The default bus range is the PF's own bus.
    expect(linuxSriovEnable(dev, 0, 200).errno).toBe('ENOMEM');
    // 112 VFs end at 81:ff.7 and fit.
    expect(linuxSriovEnable(dev, 0, 112, { busRange: { start: 0x81, end: 0x81 } })).toMatchObject({ enable: true, lastVfBus: 0x81 });
    const yes = linuxSriovEnable(dev, 0, 200, { busRange: { start: 0x81, end: 0x82 } });
    expect(yes).toMatchObject({ enable: true, errno: undefined, lastVfBus: 0x82, maxVfBus: 0x82 });
  });

  it('SRIOV-LINUX-01: should return EIO (linux.offset-stride) when First VF Offset is 0 or VF Stride is 0 with NumVFs > 1, for any NumVFs', () => {
    const zeroOffset = build(onePf(opts({ offsetStride: { offset: 0, stride: 1 } }))).dev;
    expect(linuxSriovEnable(zeroOffset, 0, 1)).toMatchObject({ enable: false, errno: 'EIO' });
    expect(codes(linuxSriovEnable(zeroOffset, 0, 1))[0]).toBe('linux.offset-stride');
    const zeroStride = build(onePf(opts({ offsetStride: { offset: 1, stride: 0 } }))).dev;
    const v = linuxSriovEnable(zeroStride, 0, 1); // nr = 1 is fine by itself, but sriov_init checks every NumVFs
    expect(v.errno).toBe('EIO');
    expect(codes(v)).toContain('linux.offset-stride');
    // Stride 0 only for NumVFs = 5 (a device whose values depend on NumVFs).
    const odd = build(onePf(opts({ offsetStride: (n) => ({ offset: 0x10, stride: n === 5 ? 0 : 1 }) }))).dev;
    expect(linuxSriovEnable(odd, 0, 2)).toMatchObject({ enable: false, errno: 'EIO' });
    // One VF with stride 0 is legal.
    const one = build(onePf(opts({ totalVfs: 1, offsetStride: { offset: 1, stride: 0 } }))).dev;
    expect(linuxSriovEnable(one, 0, 1)).toMatchObject({ enable: true, lastVfBus: 0 });
  });

  it('SRIOV-LINUX-01: should pick System Page Size per d.6: Supported 0x553 with 4 KiB → 4096, 16 KiB → 65536, 64 KiB → 65536 pages', () => {
    const noBars = build(onePf(opts({ offsetStride: { offset: 1, stride: 1 } }))).dev;
    expect(linuxSriovEnable(noBars, 0, 8, { pageSize: 4096 }).systemPageSize).toBe(4096);
    expect(linuxSriovEnable(noBars, 0, 8, { pageSize: 16384 }).systemPageSize).toBe(65536);
    expect(linuxSriovEnable(noBars, 0, 8, { pageSize: 65536 }).systemPageSize).toBe(65536);
    expect(linuxSriovEnable(noBars, 0, 8, { pageSize: 65536 }).enable).toBe(true);
    // igb's 16 KiB VF BARs are a multiple of 16 KiB pages.
    expect(linuxSriovEnable(igb(), 0, 8, { pageSize: 16384, busRange: { start: 1, end: 2 } })).toMatchObject({ enable: true, systemPageSize: 65536 });
  });

  it('SRIOV-LINUX-01: should return EIO (linux.page-size) when Supported Page Sizes has no size ≥ PAGE_SIZE (d.6: Supported 0x1 with 16 KiB pages)', () => {
    const { dev } = build(onePf(opts({ offsetStride: { offset: 1, stride: 1 }, supportedPageSizes: 0x1 })));
    expect(linuxSriovEnable(dev, 0, 8, { pageSize: 4096 })).toMatchObject({ enable: true, systemPageSize: 4096 });
    const v = linuxSriovEnable(dev, 0, 8, { pageSize: 16384 });
    expect(v).toMatchObject({ enable: false, errno: 'EIO', systemPageSize: undefined });
    expect(codes(v)).toEqual(['linux.page-size']);
    expect(linuxSriovEnable(dev, 0, 8, { pageSize: 65536 }).errno).toBe('EIO');
  });

  it('SRIOV-LINUX-01: should return EIO (linux.vf-bar-size) for igb\'s 16 KiB VF BARs with 64 KiB pages', () => {
    const v = linuxSriovEnable(igb(), 0, 8, { pageSize: 65536, busRange: { start: 1, end: 2 } });
    expect(v).toMatchObject({ enable: false, errno: 'EIO' });
    expect(codes(v)).toEqual(['linux.vf-bar-size', 'linux.vf-bar-size']);
    expect(v.reasons.map((r) => /VF BAR(\d)/.exec(r.message)?.[1])).toEqual(['0', '3']);
  });

  it('SRIOV-LINUX-01: should return EIO (linux.initialvfs) when InitialVFs ≠ TotalVFs without VF Migration', () => {
    const { dev } = build(onePf(opts({ initialVfs: 4, offsetStride: { offset: 1, stride: 1 } })));
    const v = linuxSriovEnable(dev, 0, 2);
    expect(v).toMatchObject({ enable: false, errno: 'EIO' });
    expect(codes(v)).toEqual(['linux.initialvfs']);
    const above = build(onePf(opts({ initialVfs: 9, offsetStride: { offset: 1, stride: 1 } }))).dev;
    expect(linuxSriovEnable(above, 0, 2).errno).toBe('EIO');
  });

  it('SRIOV-LINUX-01: should return ERANGE (linux.nr-above-total) for nr > TotalVFs', () => {
    const v = linuxSriovEnable(igb(), 0, 9, { ariForwarding: true });
    expect(v).toMatchObject({ enable: false, errno: 'ERANGE' });
    expect(codes(v)).toContain('linux.nr-above-total');
  });

  it('SRIOV-LINUX-01: should return EBUSY (linux.already-enabled) when VFs are already enabled', () => {
    const v = linuxSriovEnable(igb(), 0, 4, { ariForwarding: true, alreadyEnabled: 2 });
    expect(v).toMatchObject({ enable: false, errno: 'EBUSY' });
    expect(codes(v)).toEqual(['linux.already-enabled']);
    expect(v.reasons[0]!.message).toContain('2 VFs already enabled. Disable before enabling 4 VFs');
  });

  it('SRIOV-LINUX-01: should return ENOMEM (linux.mmio-resources) when an IOV resource is smaller than per-VF size × nr', () => {
    const host = { ariForwarding: true, iovResourceSizes: [0x1_0000n, undefined, undefined, 0x2_0000n] } as const;
    expect(linuxSriovEnable(igb(), 0, 4, host).enable).toBe(true); // 4 × 16 KiB = 64 KiB fits
    const v = linuxSriovEnable(igb(), 0, 5, host);
    expect(v).toMatchObject({ enable: false, errno: 'ENOMEM' });
    expect(codes(v)).toEqual(['linux.mmio-resources']);
    expect(v.reasons[0]!.message).toContain('VF BAR0');
    expect(v.reasons[0]!.message).toContain('not enough MMIO resources for SR-IOV');
  });

  it('SRIOV-LINUX-01: should return ENOSYS when TotalVFs is 0 and ask nothing of nr = 0', () => {
    const { dev } = build(onePf(opts({ totalVfs: 0, offsetStride: { offset: 1, stride: 1 } })));
    expect(linuxSriovEnable(dev, 0, 0)).toMatchObject({ enable: false, errno: 'ENOSYS', lastVfBus: undefined });
    expect(linuxSriovEnable(igb(), 0, 0)).toMatchObject({ enable: true, lastVfBus: undefined });
  });

  it('SRIOV-LINUX-01: should set ARI Capable Hierarchy only for the lowest PF (PF1 of a 2-port igb keeps 0x180 even under ARI forwarding)', () => {
    const dev = new SriovDevice(igbProfile(2), { bus: 1 });
    expect(linuxSriovEnable(dev, 0, 8, { ariForwarding: true }).lastVfBus).toBe(1);
    expect(linuxSriovEnable(dev, 1, 8, { ariForwarding: true }).lastVfBus).toBe(2);
  });

  it('SRIOV-LINUX-01: should return ENODEV (linux.dependency-link) for a Function Dependency Link naming no function', () => {
    const dev = new SriovDevice(manyPfs([0, 1], (fn) => opts({ offsetStride: { offset: 8, stride: 2 }, functionDependencyLink: fn === 1 ? 5 : 0 })));
    expect(linuxSriovEnable(dev, 0, 2).enable).toBe(true);
    const v = linuxSriovEnable(dev, 1, 2);
    expect(v).toMatchObject({ enable: false, errno: 'ENODEV' });
  });

  it('SRIOV-LINUX-01: should evaluate the profile without touching the device registers', () => {
    const dev = igb();
    const pf = dev.pfs[0]!;
    wr(dev, pf, SR.systemPageSize, 4, 0x2);
    const before = [SR.control, SR.numVfs, SR.firstVfOffset].map((r) => rd(dev, pf, r, 2));
    linuxSriovEnable(dev, 0, 8, { ariForwarding: true, pageSize: 16384 });
    expect([SR.control, SR.numVfs, SR.firstVfOffset].map((r) => rd(dev, pf, r, 2))).toEqual(before);
    expect(rd(dev, pf, SR.systemPageSize, 4)).toBe(0x2);
    enableVfs(dev, pf, 8, CTRL.vfe);
    expect(pf.enabledVfs).toBe(8);
    expect(() => linuxSriovEnable(dev, 3, 1)).toThrow(RangeError);
    expect(() => linuxSriovEnable(dev, 0, 0x10000)).toThrow(RangeError);
    expect(() => linuxSriovEnable(dev, 0, 1, { pageSize: 1000 })).toThrow(RangeError);
  });
});
