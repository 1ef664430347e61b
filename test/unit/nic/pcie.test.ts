import { describe, expect, it } from 'vitest';
import { walkCapabilities } from '../../../src/config/index.js';
import { parseMac } from '../../../src/link/index.js';
import { NicError, NicPcie, nicProfile } from '../../../src/nic/index.js';
import { AccessError } from '../../../src/regs/index.js';
import { SriovDevice } from '../../../src/sriov/index.js';
import { frameOf, PF_BAR0, PFC, postFrame, Q, snapshot, SRIOV, upNic, VF_BAR0, vfBase, vfPcieAt, vfRid } from './nic-helpers.js';

function accessCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AccessError);
    return (e as AccessError).code;
  }
  throw new Error('expected an AccessError');
}

describe('NIC profile', () => {
  it('NIC-PROF-01: should be one igb-based PF with TotalVFs 256, PF BAR0 128 KiB mem32 and VF BAR0 16 KiB mem64, both non-prefetchable', () => {
    const nic = new NicPcie({ bus: 1 });
    const pf = nic.pf;
    expect(pf.totalVfs).toBe(256);
    expect(pf.initialVfs).toBe(256);
    expect(nic.configRead(pf.rid, 0, 4)).toBe(0x10c9_8086);
    // BAR sizing probe: 128 KiB, 32-bit, non-prefetchable; no other BAR.
    nic.configWrite(pf.rid, 0x10, 4, 0xffff_ffff);
    expect(nic.configRead(pf.rid, 0x10, 4)).toBe(0xfffe_0000);
    for (const bar of [0x14, 0x18, 0x1c, 0x20, 0x24]) expect(nic.configRead(pf.rid, bar, 4)).toBe(0);
    const sr = pf.sriovOffset;
    nic.configWrite(pf.rid, sr + 0x24, 4, 0xffff_ffff);
    nic.configWrite(pf.rid, sr + 0x28, 4, 0xffff_ffff);
    expect(nic.configRead(pf.rid, sr + 0x24, 4)).toBe(0xffff_c004); // 16 KiB, 64-bit, non-prefetchable
    expect(nic.configRead(pf.rid, sr + 0x2c, 4)).toBe(0);
    // The vendor-specific capability (ID 0x09) is in the PF's chain, with length 8 and the queue geometry.
    const vsc = walkCapabilities(pf.space.peek()).entries.find((c) => c.id === 0x09);
    expect(vsc).toBeDefined();
    expect(nic.configRead(pf.rid, vsc!.offset + 2, 1)).toBe(8);
    expect(nic.configRead(pf.rid, vsc!.offset + 4, 4)).toBe((16 << 16) | (8 << 8) | 6);
  });

  it('NIC-PROF-01: should give each VF the vendor-specific capability and accept TotalVFs 1..4096 only', () => {
    const { nic } = upNic(2);
    const ids = walkCapabilities(nic.pf.vfSpaceForRead(1).peek()).entries.map((c) => c.id);
    expect(ids).toContain(0x09);
    expect(ids).toContain(0x10);
    expect(nicProfile({ totalVfs: 4096 }).device.pfs[0]!.sriov.totalVfs).toBe(4096);
    expect(() => nicProfile({ totalVfs: 4097 })).toThrow(NicError);
    expect(() => new NicPcie({ totalVfs: 0 })).toThrow(/nic.bad-option/);
    // The profile is a plain SR-IOV device profile: the SR-IOV layer builds it by itself.
    expect(new SriovDevice(nicProfile().device).pfs[0]!.totalVfs).toBe(256);
  });
});

describe('lazy VF storage', () => {
  it('NIC-LAZY-01: should create no per-VF storage for 256 enabled VFs asked for their gate and settings; a touch creates one block', () => {
    const nic = new NicPcie({ bus: 1 });
    nic.bringUp({ numVfs: 256, vfBusMaster: false });
    expect(nic.pf.enabledVfs).toBe(256);
    for (let k = 1; k <= 256; k++) {
      expect(nic.vfCanMove(k)).toBe(false);
      expect(nic.vfConfig(k).spoofCheck).toBe(true);
      expect(nic.peekQueues(k)).toBeUndefined();
    }
    expect(nic.materialisedVfBlocks).toBe(0);
    expect(nic.pf.materialisedVfs).toBe(0);
    nic.memWrite(vfBase(200) + BigInt(Q.ctrl), 4, 3);
    expect(nic.materialisedVfBlocks).toBe(1);
    expect(nic.peekQueues(200)?.read(Q.ctrl, 4)).toBe(3);
    expect(nic.peekQueues(199)).toBeUndefined();
  });
});

describe('memory decode', () => {
  it('NIC-MEM-01: should reach the PF queue block at PF BAR0 and the PF control block at PF BAR0 + 0x4000', () => {
    const { nic } = upNic(2);
    nic.setPfMac(parseMac('02:aa:bb:cc:dd:ee'));
    expect(nic.memRead(PF_BAR0 + BigInt(Q.func), 4)).toBe(0x0001_0000);
    expect(nic.memRead(PF_BAR0 + BigInt(Q.macLo), 4)).toBe(0xccbb_aa02);
    nic.memWrite(PF_BAR0 + BigInt(Q.ctrl), 4, 3);
    expect(nic.pfQueues.read(Q.ctrl, 4)).toBe(3);
    expect(nic.memRead(PF_BAR0 + BigInt(PFC.base), 4) & 0xffff).toBe(64);
    // Bytes of PF BAR0 beyond the VF table read 0.
    expect(nic.memRead(PF_BAR0 + 0x1_fffcn, 4)).toBe(0);
  });

  it('NIC-MEM-01: should reach VF k\'s block from every offset of VF k\'s window, and decode through the SR-IOV layer', () => {
    const { nic } = upNic(8);
    for (const k of [1, 2, 7, 8]) {
      const w = nic.vfWindow(k)!;
      expect(w).toEqual(nic.pf.vfBarWindow(k, 0));
      expect(w.base).toBe(VF_BAR0 + BigInt(k - 1) * 0x4000n);
      expect(nic.memRead(w.base + BigInt(Q.func), 4)).toBe(0x0001_0000 | k);
      expect(nic.device.decodeAddress(w.last)?.vf).toBe(k);
    }
    nic.memWrite(vfBase(7) + 0xffcn, 4, 0x1234_5678); // the last DWORD of VF 7's TX buffer
    expect(nic.peekQueues(7)!.read(0xffc, 4)).toBe(0x1234_5678);
  });

  it('NIC-MEM-01: should decode PF BAR0 only while Memory Space Enable is set, and VF windows only while VF Enable and VF MSE are set', () => {
    const { nic } = upNic(2);
    nic.configWrite(nic.pf.rid, 0x04, 2, 0x0004); // Bus Master only
    expect(nic.memRead(PF_BAR0, 4)).toBe(0xffff_ffff);
    expect(nic.memRead(vfBase(1) + BigInt(Q.func), 4)).toBe(0x0001_0001); // VF windows do not depend on the PF's MSE
    nic.configWrite(nic.pf.rid, nic.pf.sriovOffset + SRIOV.control, 2, SRIOV.vfe | SRIOV.ari); // VF MSE off
    expect(nic.memRead(vfBase(1) + BigInt(Q.func), 4)).toBe(0xffff_ffff);
  });

  it('NIC-MEM-02: should answer an unclaimed address with all ones, change nothing, and report nic.unclaimed-address', () => {
    const { nic } = upNic(4);
    nic.memWrite(vfBase(1) + BigInt(Q.ctrl), 4, 3);
    nic.takeDiagnostics();
    const before = snapshot(nic, 4);
    const misses = [PF_BAR0 - 4n, PF_BAR0 + 0x2_0000n, VF_BAR0 - 4n, vfBase(5), 0n, (1n << 64n) - 4n];
    for (const a of misses) {
      expect(nic.memRead(a, 4)).toBe(0xffff_ffff);
      expect(nic.memRead(a + 2n, 2)).toBe(0xffff);
      expect(nic.memRead(a + 3n, 1)).toBe(0xff);
      nic.memWrite(a, 4, 0);
    }
    expect(snapshot(nic, 4)).toEqual(before);
    const d = nic.takeDiagnostics();
    expect(d.length).toBe(misses.length * 4);
    expect(new Set(d.map((x) => `${x.code} ${x.requirement}`))).toEqual(new Set(['nic.unclaimed-address NIC-MEM-02']));
  });

  it('NIC-MEM-03: should refuse bad sizes, misaligned addresses, addresses beyond 2^64 and values that do not fit with an AccessError', () => {
    const { nic } = upNic(2);
    const before = snapshot(nic, 2);
    expect(accessCode(() => nic.memRead(vfBase(1), 3 as 4))).toBe('access.bad-size');
    expect(accessCode(() => nic.memRead(vfBase(1) + 2n, 4))).toBe('access.misaligned');
    expect(accessCode(() => nic.memWrite(vfBase(1) + 1n, 2, 0))).toBe('access.misaligned');
    expect(accessCode(() => nic.memRead(1n << 64n, 1))).toBe('access.out-of-range');
    expect(accessCode(() => nic.memRead(-4n, 4))).toBe('access.out-of-range');
    expect(accessCode(() => nic.memWrite(vfBase(1), 1, 0x100))).toBe('access.value-too-wide');
    expect(accessCode(() => nic.memWrite(0n, 2, 1.5))).toBe('access.value-too-wide');
    expect(accessCode(() => nic.memRead(4 as unknown as bigint, 4))).toBe('access.bad-offset');
    expect(snapshot(nic, 2)).toEqual(before);
  });
});

describe('data-path gate', () => {
  it('NIC-GATE-01: should let a VF move frames exactly when it exists, VF Enable and VF MSE are set, and its Bus Master Enable is set', () => {
    const { nic } = upNic(3);
    expect([0, 1, 2, 3, 4].map((k) => nic.vfCanMove(k))).toEqual([false, true, true, true, false]);
    nic.configWrite(vfRid(nic, 2), 0x04, 2, 0);
    expect([1, 2, 3].map((k) => nic.vfCanMove(k))).toEqual([true, false, true]);
    const ctl = nic.pf.sriovOffset + SRIOV.control;
    nic.configWrite(nic.pf.rid, ctl, 2, SRIOV.vfe | SRIOV.ari); // VF MSE clear
    expect([1, 2, 3].map((k) => nic.vfCanMove(k))).toEqual([false, false, false]);
    nic.configWrite(nic.pf.rid, ctl, 2, SRIOV.vfe | SRIOV.mse | SRIOV.ari);
    expect([1, 2, 3].map((k) => nic.vfCanMove(k))).toEqual([true, false, true]);
    nic.configWrite(nic.pf.rid, ctl, 2, SRIOV.mse | SRIOV.ari); // VF Enable clear: the VFs are gone
    expect([1, 2, 3].map((k) => nic.vfCanMove(k))).toEqual([false, false, false]);
  });

  it('NIC-GATE-01: should let the PF move frames only while its Memory Space and Bus Master Enable are set', () => {
    const { nic } = upNic(0);
    expect(nic.pfCanMove()).toBe(true);
    expect(nic.canMove(0)).toBe(true);
    nic.configWrite(nic.pf.rid, 0x04, 2, 0x0002);
    expect(nic.pfCanMove()).toBe(false);
    nic.configWrite(nic.pf.rid, 0x04, 2, 0x0004);
    expect(nic.pfCanMove()).toBe(false);
    expect(nic.canMove(1)).toBe(false);
  });
});

describe('resets', () => {
  it('NIC-FLR-01: should flush and reset a VF\'s block on Initiate FLR, report the flush, and keep the PF-assigned MAC', () => {
    const { nic, flushes } = upNic(2);
    nic.setVfMac(1, parseMac('02:00:00:00:00:01'));
    const b = vfBase(1);
    nic.memWrite(b + BigInt(Q.ctrl), 4, 3);
    nic.queues(1).deliverRx(frameOf(64, 1));
    nic.queues(1).deliverRx(frameOf(64, 2));
    postFrame(nic, b, frameOf(80, 3));
    nic.configWrite(vfRid(nic, 1), vfPcieAt(nic, 1) + 0x08, 2, 0x8000);
    expect(flushes).toEqual([{ fn: 1, reason: 'vf-flr', tx: 1, rx: 2 }]);
    expect([nic.memRead(b + BigInt(Q.ctrl), 4), nic.memRead(b + BigInt(Q.rxHead), 4), nic.memRead(b + BigInt(Q.txPending), 4), nic.memRead(b + BigInt(Q.intStatus), 4)]).toEqual([0, 0, 0, 0]);
    expect(nic.memRead(b + BigInt(Q.macLo), 4)).toBe(0x02);
    expect(nic.vfConfig(1).mac).toBe(parseMac('02:00:00:00:00:01'));
    expect(nic.queues(1).counters.dropped).toMatchObject({ 'tx-flushed': 1, 'rx-flushed': 2 });
    expect(nic.onVfFlr(2)).toBe(0); // VF 2 has no block: nothing to flush
  });

  it('NIC-FLR-01: should drop every VF block and reset the PF block and the PF control block on a PF FLR', () => {
    const { nic, flushes } = upNic(2);
    nic.setVfVlan(2, 7);
    nic.setPortLink(true);
    nic.memWrite(PF_BAR0 + BigInt(Q.ctrl), 4, 3);
    nic.pfQueues.deliverRx(frameOf(64, 1));
    nic.memWrite(vfBase(2) + BigInt(Q.ctrl), 4, 3);
    nic.queues(2).deliverRx(frameOf(64, 1));
    const pcie = nic.pf.space.capability(0x10)!.offset;
    nic.configWrite(nic.pf.rid, pcie + 0x08, 2, 0x8000);
    expect(flushes).toEqual([{ fn: 2, reason: 'pf-reset', tx: 0, rx: 1 }, { fn: 0, reason: 'pf-reset', tx: 0, rx: 1 }]);
    expect(nic.materialisedVfBlocks).toBe(0);
    expect(nic.pf.enabledVfs).toBe(0);
    expect(nic.vfConfig(2).vlan).toBe(0);
    expect(nic.pfQueues.read(Q.ctrl, 4)).toBe(0);
    expect(nic.pfQueues.linkUp).toBe(true); // the port's link is physical
    expect(nic.portLinkUp).toBe(true);
  });

  it('NIC-ISO-03: should remove the VF windows when VF Enable is cleared and flush the VFs\' queues as vf-removed', () => {
    const { nic, flushes } = upNic(3);
    for (const k of [1, 3]) {
      nic.memWrite(vfBase(k) + BigInt(Q.ctrl), 4, 3);
      nic.queues(k).deliverRx(frameOf(64, k));
    }
    nic.configWrite(nic.pf.rid, nic.pf.sriovOffset + SRIOV.control, 2, SRIOV.mse | SRIOV.ari);
    expect(flushes).toEqual([{ fn: 1, reason: 'vf-removed', tx: 0, rx: 1 }, { fn: 3, reason: 'vf-removed', tx: 0, rx: 1 }]);
    expect(nic.materialisedVfBlocks).toBe(0);
    nic.takeDiagnostics();
    expect(nic.memRead(vfBase(1), 4)).toBe(0xffff_ffff);
    expect(nic.takeDiagnostics().map((d) => d.code)).toEqual(['nic.unclaimed-address']);
    expect(() => nic.queues(1)).toThrow(NicError);
    // Re-enabled VFs start with fresh blocks.
    nic.configWrite(nic.pf.rid, nic.pf.sriovOffset + SRIOV.control, 2, SRIOV.vfe | SRIOV.mse | SRIOV.ari);
    expect(nic.memRead(vfBase(1) + BigInt(Q.ctrl), 4)).toBe(0);
  });

  it('NIC-ISO-03: should notice VFs removed behind its back at the next access or sync', () => {
    const { nic, flushes } = upNic(2);
    nic.memWrite(vfBase(1) + BigInt(Q.ctrl), 4, 3);
    nic.queues(1).deliverRx(frameOf(64, 1));
    const ctl = nic.pf.sriovOffset + SRIOV.control;
    nic.device.configWrite(nic.pf.rid, ctl, 2, SRIOV.mse | SRIOV.ari);
    nic.device.configWrite(nic.pf.rid, ctl, 2, SRIOV.vfe | SRIOV.mse | SRIOV.ari);
    expect(flushes).toEqual([]);
    expect(nic.memRead(vfBase(1) + BigInt(Q.ctrl), 4)).toBe(0); // a fresh block
    expect(flushes).toEqual([{ fn: 1, reason: 'vf-removed', tx: 0, rx: 1 }]);
    expect(nic.sync()).toEqual([]);
  });

  it('NIC-GATE-01: should refuse a bring-up with NumVFs above TotalVFs or misaligned BARs', () => {
    const nic = new NicPcie({ totalVfs: 8 });
    expect(() => nic.bringUp({ numVfs: 9 })).toThrow(/nic.bad-option/);
    expect(() => nic.bringUp({ numVfs: 1, pfBar0: 0xfe01_0000n })).toThrow(/nic.bad-option/);
    expect(() => nic.bringUp({ numVfs: 1, vfBar0: 0x1000n })).toThrow(/nic.bad-option/);
    expect(nic.pf.enabledVfs).toBe(0);
  });
});
