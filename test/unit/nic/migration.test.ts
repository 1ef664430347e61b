import { describe, expect, it } from 'vitest';
import { parseMac } from '../../../src/link/index.js';
import { attemptMigration, migrationInventory, NicError } from '../../../src/nic/index.js';
import { frameOf, postFrame, Q, snapshot, upNic, vfBase, vfPcieAt, vfRid } from './nic-helpers.js';

/** VF 2 with an assigned MAC and VLAN, RX/TX enabled, 3 frames in its RX ring, 1 posted and 1 in flight. */
function busyVf() {
  const { nic } = upNic(4);
  nic.setVfMac(2, parseMac('02:00:00:00:00:02'));
  nic.setVfVlan(2, 100);
  const b = vfBase(2);
  nic.memWrite(b + BigInt(Q.ctrl), 4, 3);
  nic.memWrite(b + BigInt(Q.intMask), 4, 0);
  for (let i = 0; i < 3; i++) nic.queues(2).deliverRx(frameOf(60, i));
  postFrame(nic, b, frameOf(70, 7));
  postFrame(nic, b, frameOf(71, 8));
  nic.queues(2).postedTx();
  // The hypervisor-visible part: Device Control Max_Read_Request_Size changed by the VF driver.
  const devctl = vfPcieAt(nic, 2) + 0x08;
  nic.configWrite(vfRid(nic, 2), devctl, 2, (nic.configRead(vfRid(nic, 2), devctl, 2) & ~0x7000) | 0x5000);
  return nic;
}

describe('migration inventory', () => {
  it('NIC-MIG-01: should list configuration, PF-control and device-internal state with who can restore it', () => {
    const nic = busyVf();
    const items = migrationInventory(nic, 2);
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get('config:header.command')).toMatchObject({ location: 'config-space', value: '0x0004', restorableBy: 'hypervisor' });
    expect(byId.get('config:cap.pcie.deviceControl')?.value).toMatch(/^0x5/);
    expect(byId.get('config:header.status')).toMatchObject({ location: 'config-space', restorableBy: 'nobody' });
    expect(byId.get('config:vf-bar0-window')).toMatchObject({ value: '0x100004000-0x100007fff', restorableBy: 'hypervisor' });
    expect(byId.get('pf:mac')).toMatchObject({ location: 'pf-control', value: '02:00:00:00:00:02', restorableBy: 'pf-driver' });
    expect(byId.get('pf:vlan')?.value).toBe('vlan 100 qos 0');
    expect(byId.get('pf:spoofchk')?.value).toBe('on');
    expect(byId.get('queue:rx-ring')).toMatchObject({ location: 'device-internal', frames: 3, value: '3 frames (180 bytes)', restorableBy: 'nobody' });
    expect(byId.get('queue:tx-queued')).toMatchObject({ frames: 1, value: '1 frame (71 bytes)' });
    expect(byId.get('queue:tx-in-flight')?.frames).toBe(1);
    expect(byId.get('queue:ctrl')).toMatchObject({ value: '0x00000003', restorableBy: 'vf-driver' });
    expect(byId.get('queue:int-status')?.restorableBy).toBe('nobody');
    expect(byId.get('queue:rx-head')?.value).toBe('3');
    // Device-internal state never appears as configuration space, and every item names its source.
    expect(items.filter((i) => i.id.startsWith('queue:')).every((i) => i.location === 'device-internal')).toBe(true);
    expect(items.every((i) => i.spec.length > 3)).toBe(true);
  });

  it('NIC-MIG-01: should change nothing and create no storage when taking the inventory', () => {
    const { nic } = upNic(4);
    const before = snapshot(nic, 4);
    const items = migrationInventory(nic, 3);
    expect(items.find((i) => i.id === 'queue:rx-ring')?.frames).toBe(0);
    expect(nic.materialisedVfBlocks).toBe(0);
    expect(snapshot(nic, 4)).toEqual(before);
    expect(() => migrationInventory(nic, 5)).toThrow(NicError);
  });
});

describe('migration attempt', () => {
  it('NIC-MIG-02: should keep configuration state and lose the queues and PF-assigned settings, with frame counts', () => {
    const nic = busyVf();
    const before = snapshot(nic, 4);
    const r = attemptMigration(nic, 2);
    expect(r.attempted).toBe(true);
    expect(r.lostFrames).toEqual({ rxRing: 3, txQueued: 1, txInFlight: 1, total: 5 });
    expect(r.summary).toContain('3 frames in the RX ring');
    expect(r.summary).toContain('1 frame posted in the TX queue');
    const lost = new Set(r.lost.map((l) => l.item.id));
    for (const id of ['pf:mac', 'pf:vlan', 'queue:ctrl', 'queue:int-mask', 'queue:int-status', 'queue:rx-head', 'queue:rx-ring', 'queue:tx-queued', 'queue:tx-in-flight']) expect(lost.has(id), id).toBe(true);
    expect([...lost].some((id) => id.startsWith('config:'))).toBe(false);
    expect(r.preserved.map((i) => i.id)).toEqual(expect.arrayContaining(['config:header.command', 'config:cap.pcie.deviceControl', 'config:vf-bar0-window', 'pf:spoofchk', 'pf:trust']));
    expect(r.lost.find((l) => l.item.id === 'pf:mac')?.after).toBe('00:00:00:00:00:00');
    expect(snapshot(nic, 4)).toEqual(before); // the source is untouched
  });

  it('NIC-MIG-02: should keep the PF-control settings when the PF driver restores them, losing only device-internal state', () => {
    const r = attemptMigration(busyVf(), 2, { pfDriverRestores: true });
    expect(r.lost.every((l) => l.item.location === 'device-internal')).toBe(true);
    expect(r.lostFrames.total).toBe(5);
  });

  it('NIC-MIG-02: should report nothing lost for an idle VF and never throw for a VF that does not exist', () => {
    const { nic } = upNic(2);
    expect(attemptMigration(nic, 1)).toMatchObject({ attempted: true, lost: [], summary: ['nothing lost: the VF held no state outside what was restored'] });
    for (const vf of [0, 3, -1, 1.5, Number.NaN]) {
      const r = attemptMigration(nic, vf);
      expect(r.attempted).toBe(false);
      expect(r.reason).toMatch(/does not exist/);
    }
  });
});
