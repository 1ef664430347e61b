import { describe, expect, it } from 'vitest';
import {
  asRoutingId, formatRid, igbProfile, reachable, routingId, SriovDevice, vfNumberOf, vfRoutingId, type OffsetStride, type RoutingId,
} from '../../../src/sriov/index.js';
import { build, CTRL, enableVfs, manyPfs, onePf, rd, SR, wr } from '../../helpers/arb-sriov.js';

/** Addresses of VFs 1..n of the first PF, as lspci prints them. */
function vfAddresses(dev: SriovDevice, n: number): string[] {
  const pf = dev.pfs[0]!;
  return Array.from({ length: n }, (_, i) => formatRid(pf.vfRid(i + 1)!));
}

describe('VF Routing IDs: d.2 worked examples', () => {
  it('SRIOV-RID-01: should place case A (03:00.0, offset 0x80, stride 2, 64 VFs) at 03:10.0 .. 03:1f.6', () => {
    const { dev, pf } = build(onePf({ totalVfs: 64, vfDeviceId: 1, offsetStride: { offset: 0x80, stride: 2 } }), { bus: 3 });
    enableVfs(dev, pf, 64);
    const all = vfAddresses(dev, 64);
    expect(all[0]).toBe('03:10.0');
    expect(all[63]).toBe('03:1f.6');
    expect(pf.vfRid(1)).toBe(0x0380);
    expect(pf.vfRid(64)).toBe(0x03fe);
    expect(dev.functionAt(asRoutingId(0x03fe))).toEqual({ kind: 'vf', pf: 0, vf: 64, rid: 0x03fe });
    expect(dev.functionAt(asRoutingId(0x0381))).toBeUndefined(); // between two VFs (stride 2)
    expect(dev.vfBusRange()).toEqual({ first: 3, last: 3 });
  });

  it('SRIOV-RID-01: should place QEMU igb behind a root port (01:00.0, ARI, 0x80 / 2 / 8) at 01:10.0, .2, .4, .6, 01:11.0, .2, .4, .6', () => {
    const dev = new SriovDevice(igbProfile(), { bus: 1 });
    const pf = dev.pfs[0]!;
    wr(dev, pf, SR.control, 2, CTRL.ari);
    enableVfs(dev, pf, 8, CTRL.vfe | CTRL.mse | CTRL.ari);
    expect(vfAddresses(dev, 8)).toEqual(['01:10.0', '01:10.2', '01:10.4', '01:10.6', '01:11.0', '01:11.2', '01:11.4', '01:11.6']);
    expect(pf.vfRid(8)).toBe(0x018e);
  });

  it('SRIOV-RID-01: should place QEMU igb on the q35 root bus (00:03.0, devfn 0x18) at 00:13.0 .. 00:14.6', () => {
    const dev = new SriovDevice(igbProfile(), { bus: 0, device: 3 });
    const pf = dev.pfs[0]!;
    expect(formatRid(pf.rid)).toBe('00:03.0');
    enableVfs(dev, pf, 8, CTRL.vfe | CTRL.ari);
    expect(pf.vfRid(1)).toBe(0x0098);
    expect(pf.vfRid(8)).toBe(0x00a6);
    expect(vfAddresses(dev, 8)[7]).toBe('00:14.6');
  });

  it('SRIOV-RID-01: should place the real 82576 with ARI off (01:00.0, offset 0x180) at 02:10.0 .. 02:11.6 (bus crossing)', () => {
    const dev = new SriovDevice(igbProfile(), { bus: 1 });
    const pf = dev.pfs[0]!;
    enableVfs(dev, pf, 8);
    expect(formatRid(pf.vfRid(1)!)).toBe('02:10.0');
    expect(pf.vfRid(1)).toBe(0x0280);
    expect(formatRid(pf.vfRid(8)!)).toBe('02:11.6');
    expect(dev.vfBusRange()).toEqual({ first: 2, last: 2 });
    expect(dev.functionAt(asRoutingId(0x0280))).toMatchObject({ kind: 'vf', vf: 1 });
  });

  it('SRIOV-RID-01: should place case D (81:00.0, 0x80 / 1 / 200) at 81:10.0 .. 82:08.7 with id 127 = 81:1f.7 and id 128 = 82:00.0', () => {
    const { dev, pf } = build(onePf({ totalVfs: 200, vfDeviceId: 1, offsetStride: { offset: 0x80, stride: 1 } }), { bus: 0x81 });
    enableVfs(dev, pf, 200);
    const all = vfAddresses(dev, 200);
    expect(all[0]).toBe('81:10.0');
    expect(all[127]).toBe('81:1f.7'); // Linux id 127 = VF 128
    expect(all[128]).toBe('82:00.0'); // Linux id 128 = VF 129
    expect(all[199]).toBe('82:08.7');
    expect(pf.vfRid(200)).toBe(0x8247);
    expect(vfRoutingId(asRoutingId(0x8100), 0x80, 1, 200)).toBe(0x8247);
    expect(vfNumberOf(asRoutingId(0x8100), 0x80, 1, asRoutingId(0x8247), 200)).toBe(200);
    expect(dev.vfBusRange()).toEqual({ first: 0x81, last: 0x82 });
  });

  it('SRIOV-RID-01: should place the Intel X722 example (67:00.0, 16 / 1 / 32) at 67:02.0 .. 67:05.7', () => {
    expect(formatRid(vfRoutingId(routingId(0x67, 0), 16, 1, 1)!)).toBe('67:02.0');
    expect(formatRid(vfRoutingId(routingId(0x67, 0), 16, 1, 32)!)).toBe('67:05.7');
  });

  it('SRIOV-RID-01: should return undefined for a VF Routing ID beyond 0xFFFF and refuse VF numbers outside 1..65535', () => {
    expect(vfRoutingId(asRoutingId(0xff00), 0x80, 2, 64)).toBe(0xfffe);
    expect(vfRoutingId(asRoutingId(0xff00), 0x80, 2, 65)).toBeUndefined();
    expect(vfRoutingId(asRoutingId(0xffff), 1, 0, 1)).toBeUndefined();
    expect(() => vfRoutingId(asRoutingId(0), 1, 1, 0)).toThrow(RangeError);
    expect(() => vfRoutingId(asRoutingId(0), 1, 1, 0x10000)).toThrow(RangeError);
  });

  it('SRIOV-RID-01: should with stride 0 give only VF 1 a Routing ID match (stride 0 is legal only for one VF)', () => {
    const pf = asRoutingId(0x0100);
    expect(vfNumberOf(pf, 4, 0, asRoutingId(0x0104), 1)).toBe(1);
    expect(vfNumberOf(pf, 4, 0, asRoutingId(0x0105), 1)).toBeUndefined();
    expect(vfNumberOf(pf, 4, 0, asRoutingId(0x0104), 0)).toBeUndefined();
  });

  it('SRIOV-RID-01: should print Routing IDs as lspci does, with a domain when asked', () => {
    expect(formatRid(asRoutingId(0x0380))).toBe('03:10.0');
    expect(formatRid(asRoutingId(0x03fe))).toBe('03:1f.6');
    expect(formatRid(asRoutingId(0x0380), 0, true)).toBe('0000:03:10.0');
    expect(formatRid(asRoutingId(0x0380), 0x12)).toBe('0012:03:10.0');
  });
});

describe('First VF Offset / VF Stride follow NumVFs and ARI Capable Hierarchy', () => {
  it('SRIOV-RID-02: should report igb offset 0x180 with ARI Capable Hierarchy clear and 0x80 once it is set (stride 2 both ways)', () => {
    const dev = new SriovDevice(igbProfile(), { bus: 1 });
    const pf = dev.pfs[0]!;
    expect(rd(dev, pf, SR.firstVfOffset, 2)).toBe(0x180);
    wr(dev, pf, SR.control, 2, CTRL.ari);
    expect(rd(dev, pf, SR.firstVfOffset, 2)).toBe(0x80);
    expect(rd(dev, pf, SR.vfStride, 2)).toBe(2);
    wr(dev, pf, SR.control, 2, 0);
    expect(rd(dev, pf, SR.firstVfOffset, 2)).toBe(0x180);
    expect(pf.firstVfOffset).toBe(0x180);
    expect(pf.vfStride).toBe(2);
  });

  it('SRIOV-RID-02: should re-evaluate offset and stride on every NumVFs write (a device whose values depend on NumVFs)', () => {
    const os: OffsetStride = (n, ari) => ({ offset: n <= 4 ? 0x10 : 0x40, stride: ari ? 1 : 8 });
    const { dev, pf } = build(onePf({ totalVfs: 16, vfDeviceId: 1, offsetStride: os }));
    expect([rd(dev, pf, SR.firstVfOffset, 2), rd(dev, pf, SR.vfStride, 2)]).toEqual([0x10, 8]);
    wr(dev, pf, SR.numVfs, 2, 5);
    expect([rd(dev, pf, SR.firstVfOffset, 2), rd(dev, pf, SR.vfStride, 2)]).toEqual([0x40, 8]);
    wr(dev, pf, SR.control, 2, CTRL.ari);
    expect([rd(dev, pf, SR.firstVfOffset, 2), rd(dev, pf, SR.vfStride, 2)]).toEqual([0x40, 1]);
    wr(dev, pf, SR.numVfs, 2, 2);
    expect([rd(dev, pf, SR.firstVfOffset, 2), rd(dev, pf, SR.vfStride, 2)]).toEqual([0x10, 1]);
    wr(dev, pf, SR.control, 2, CTRL.ari | CTRL.vfe);
    expect(formatRid(pf.vfRid(2)!)).toBe('00:02.1');
    expect(dev.functionAt(asRoutingId(0x0011))).toMatchObject({ kind: 'vf', vf: 2 });
  });

  // PCIe Base r6.0 §9.3.3.3.5 / §9.3.3.9: ARI Capable Hierarchy lives in the lowest-numbered PF and
  // "affects all PFs of the Device"; First VF Offset may change when *the lowest-numbered PF's* bit changes.
  it('SRIOV-RID-02: should let the lowest PF\'s ARI Capable Hierarchy set First VF Offset in every PF (igb 2 ports: PF1 0x80)', () => {
    const dev = new SriovDevice(igbProfile(2), { bus: 1 });
    const [pf0, pf1] = [dev.pfs[0]!, dev.pfs[1]!];
    wr(dev, pf0, SR.control, 2, CTRL.ari);
    expect(rd(dev, pf0, SR.firstVfOffset, 2)).toBe(0x80);
    expect(rd(dev, pf1, SR.firstVfOffset, 2)).toBe(0x80);
    enableVfs(dev, pf1, 8, CTRL.vfe);
    expect(formatRid(pf1.vfRid(1)!)).toBe('01:10.1');
    // Clearing it while PF1 has VFs enabled is undefined (§9.3.3.3.5): strict ignores the write.
    wr(dev, pf0, SR.control, 2, 0);
    expect(rd(dev, pf1, SR.firstVfOffset, 2)).toBe(0x80);
    wr(dev, pf1, SR.control, 2, 0);
    wr(dev, pf0, SR.control, 2, 0);
    expect(rd(dev, pf0, SR.firstVfOffset, 2)).toBe(0x180);
    expect(rd(dev, pf1, SR.firstVfOffset, 2)).toBe(0x180);
  });

  it('SRIOV-RID-02: should never let two PFs of a 2-port igb hand out the same VF Routing ID (ARI off)', () => {
    const dev = new SriovDevice(igbProfile(2), { bus: 1 });
    for (const pf of dev.pfs) enableVfs(dev, pf, 8);
    const rids = dev.pfs.flatMap((pf) => Array.from({ length: 8 }, (_, i) => pf.vfRid(i + 1)!));
    expect(new Set(rids).size).toBe(16);
    expect(rids.map((r) => formatRid(r)).slice(0, 2)).toEqual(['02:10.0', '02:10.2']);
    expect(formatRid(rids[8]!)).toBe('02:10.1');
  });

  it('SRIOV-RID-02: should find every PF of a multi-PF device and none of its VFs before VF Enable', () => {
    const dev = new SriovDevice(manyPfs([0, 1, 2], () => ({ totalVfs: 4, vfDeviceId: 1, offsetStride: { offset: 4, stride: 3 } })));
    expect(dev.pfs.map((p) => dev.functionAt(p.rid)?.kind)).toEqual(['pf', 'pf', 'pf']);
    expect(dev.functionAt(asRoutingId(4))).toBeUndefined();
  });
});

describe('configuration reachability below a downstream port', () => {
  const port = (secondary: number, subordinate: number, ariForwarding: boolean) => ({ secondary, subordinate, ariForwarding });
  const rid = (s: string): RoutingId => {
    const m = /^([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(s)!;
    return routingId(parseInt(m[1]!, 16), (parseInt(m[2]!, 16) << 3) | parseInt(m[3]!, 10));
  };

  it('SRIOV-RID-02: should reach only device 0 on the secondary bus without ARI Forwarding', () => {
    expect(reachable(rid('01:00.0'), port(1, 1, false))).toBe(true);
    expect(reachable(rid('01:00.7'), port(1, 1, false))).toBe(true);
    expect(reachable(rid('01:10.0'), port(1, 1, false))).toBe(false); // igb VF 1 with ARI: device 16
    expect(reachable(rid('01:01.0'), port(1, 1, false))).toBe(false);
    expect(reachable(rid('01:10.0'), port(1, 1, true))).toBe(true);
    expect(reachable(rid('01:1f.7'), port(1, 1, true))).toBe(true);
  });

  it('SRIOV-RID-02: should reach VFs on buses above the secondary bus inside secondary..subordinate whatever their device number', () => {
    expect(reachable(rid('02:10.0'), port(1, 2, false))).toBe(true);
    expect(reachable(rid('82:08.7'), port(0x81, 0x82, false))).toBe(true);
    expect(reachable(rid('82:08.7'), port(0x81, 0x81, true))).toBe(false);
  });

  it('SRIOV-RID-02: should never reach a bus outside secondary..subordinate', () => {
    for (let r = 0; r <= 0xffff; r += 0x3f) {
      const bus = r >>> 8;
      for (const ari of [false, true]) {
        const p = port(0x10, 0x20, ari);
        const want = bus >= 0x10 && bus <= 0x20 && (bus > 0x10 || ari || ((r >>> 3) & 0x1f) === 0);
        expect(reachable(asRoutingId(r), p), `rid 0x${r.toString(16)} ari ${ari}`).toBe(want);
      }
    }
    expect(reachable(rid('00:00.0'), port(1, 5, true))).toBe(false);
    expect(reachable(rid('06:00.0'), port(1, 5, true))).toBe(false);
  });
});
