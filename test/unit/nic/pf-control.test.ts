import { describe, expect, it } from 'vitest';
import { asMac, parseMac } from '../../../src/link/index.js';
import { NicError, PfControlBlock } from '../../../src/nic/index.js';
import { INT, PF_BAR0, PFC, Q, upNic, vfBase } from './nic-helpers.js';

/** Address of a register of VF n's PF control entry. */
const entry = (vf: number, reg: number): bigint => PF_BAR0 + BigInt(PFC.base + PFC.entry(vf) + reg);

function nicError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(NicError);
    return (e as NicError).code;
  }
  throw new Error('expected a NicError');
}

describe('PF control block', () => {
  it('NIC-PFC-01: should start every entry with MAC 0, no VLAN, spoof check on, trust off, link auto', () => {
    const { nic } = upNic(4);
    for (const vf of [1, 4, 64]) {
      expect(nic.vfConfig(vf)).toEqual({ vf, mac: 0, vlan: 0, qos: 0, spoofCheck: true, trust: false, linkState: 'auto' });
      expect(nic.memRead(entry(vf, PFC.flags), 4)).toBe(1);
    }
    expect(nic.memRead(PF_BAR0 + BigInt(PFC.base + PFC.info), 4)).toBe((1 << 24) | (16 << 16) | 64);
  });

  it('NIC-PFC-01: should write the typed settings into the registers a driver reads by memory address', () => {
    const { nic } = upNic(4);
    nic.setVfMac(3, parseMac('02:11:22:33:44:55'));
    nic.setVfVlan(3, 100, 5);
    nic.setVfSpoofCheck(3, false);
    nic.setVfTrust(3, true);
    nic.setVfLinkState(3, 'disable');
    expect(nic.memRead(entry(3, PFC.macLo), 4)).toBe(0x3322_1102);
    expect(nic.memRead(entry(3, PFC.macHi), 4)).toBe(0x5544);
    expect(nic.memRead(entry(3, PFC.vlan), 4)).toBe((5 << 12) | 100);
    expect(nic.memRead(entry(3, PFC.flags), 4)).toBe((2 << 2) | 2);
    // Neighbouring entries are untouched.
    expect(nic.vfConfig(2)).toMatchObject({ mac: 0, vlan: 0, spoofCheck: true, trust: false, linkState: 'auto' });
    expect(nic.vfConfig(4)).toMatchObject({ mac: 0, vlan: 0, spoofCheck: true, trust: false, linkState: 'auto' });
  });

  it('NIC-PFC-01: should read back settings a driver writes by memory address through vfConfig', () => {
    const { nic } = upNic(4);
    nic.memWrite(entry(2, PFC.macLo), 4, 0xefbe_adde);
    nic.memWrite(entry(2, PFC.macHi), 2, 0x0c0a);
    nic.memWrite(entry(2, PFC.vlan), 4, (7 << 12) | 4094);
    nic.memWrite(entry(2, PFC.flags), 1, (1 << 2) | 2);
    expect(nic.vfConfig(2)).toEqual({ vf: 2, mac: 0xdead_beef_0a0c, vlan: 4094, qos: 7, spoofCheck: false, trust: true, linkState: 'enable' });
  });

  it('NIC-PFC-01: should keep the table across VF disable and re-enable, and hold entries up to TotalVFs for VFs not enabled', () => {
    const { nic } = upNic(2);
    nic.setVfMac(2, parseMac('02:00:00:00:00:22'));
    nic.memWrite(entry(64, PFC.vlan), 4, 64); // VF 64 is not enabled; its entry is still a register
    const ctl = nic.pf.sriovOffset + 0x08;
    nic.configWrite(nic.pf.rid, ctl, 2, 0x18); // VF Enable clear
    nic.configWrite(nic.pf.rid, ctl, 2, 0x19); // and set again
    expect(nic.vfConfig(2).mac).toBe(parseMac('02:00:00:00:00:22'));
    expect(nic.vfConfig(64).vlan).toBe(64);
    expect(nic.memRead(vfBase(2) + BigInt(Q.macLo), 4)).toBe(0x02); // the new VF 2 shows it
  });

  it('NIC-PFC-01: should set and read the switch mode through SWITCH_MODE', () => {
    const { nic } = upNic(1);
    expect(nic.switchMode).toBe('veb');
    nic.setSwitchMode('vepa');
    expect(nic.memRead(PF_BAR0 + BigInt(PFC.base + PFC.switchMode), 4)).toBe(1);
    nic.memWrite(PF_BAR0 + BigInt(PFC.base + PFC.switchMode), 4, 0);
    expect(nic.switchMode).toBe('veb');
    expect(nicError(() => nic.setSwitchMode('hairpin' as 'veb'))).toBe('nic.bad-option');
  });

  it('NIC-PFC-02: should refuse VLAN ID 4095 and link state 3 written to the registers, keep the old value and report it', () => {
    const { nic } = upNic(2);
    nic.setVfVlan(1, 10);
    nic.takeDiagnostics();
    nic.memWrite(entry(1, PFC.vlan), 4, 0xfff);
    nic.memWrite(entry(1, PFC.flags), 4, 0xc | 1);
    expect(nic.vfConfig(1)).toMatchObject({ vlan: 10, linkState: 'auto', spoofCheck: true });
    expect(nic.takeDiagnostics().map((d) => [d.code, d.requirement])).toEqual([['nic.vlan-reserved', 'NIC-PFC-02'], ['nic.link-state-invalid', 'NIC-PFC-02']]);
  });

  it('NIC-PFC-02: should refuse bad arguments and VFs that do not exist with a NicError, as the Linux callbacks return -EINVAL', () => {
    const { nic } = upNic(2);
    expect(nicError(() => nic.setVfMac(1, parseMac('01:00:5e:00:00:01')))).toBe('nic.bad-mac');
    expect(nicError(() => nic.setVfMac(1, 2 ** 48 as never))).toBe('nic.bad-mac');
    expect(nicError(() => nic.setVfVlan(1, 4095))).toBe('nic.bad-vlan');
    expect(nicError(() => nic.setVfVlan(1, 1, 8))).toBe('nic.bad-vlan');
    expect(nicError(() => nic.setVfLinkState(1, 'up' as 'auto'))).toBe('nic.bad-link-state');
    expect(nicError(() => nic.setVfMac(3, asMac(2)))).toBe('nic.no-such-function');
    expect(nicError(() => nic.setVfTrust(0, true))).toBe('nic.no-such-function');
    expect(nicError(() => nic.vfConfig(65))).toBe('nic.no-such-function');
    expect(nicError(() => new PfControlBlock({ totalVfs: 0, size: 0x1000 }))).toBe('nic.bad-option');
    expect(nicError(() => new PfControlBlock({ totalVfs: 300, size: 0x1000 }))).toBe('nic.bad-option');
    expect(nic.vfConfig(1)).toMatchObject({ mac: 0, vlan: 0, linkState: 'auto' });
  });

  it('NIC-PFC-03: should show the PF-assigned MAC in the VF\'s MAC_LO/MAC_HI and ignore the VF\'s own writes', () => {
    const { nic } = upNic(4);
    nic.memRead(vfBase(2), 4); // the VF's block exists before the assignment
    nic.setVfMac(2, parseMac('02:00:00:00:00:02'));
    nic.setVfMac(4, parseMac('02:00:00:00:00:04'));
    expect([nic.memRead(vfBase(2) + BigInt(Q.macLo), 4), nic.memRead(vfBase(2) + BigInt(Q.macHi), 4)]).toEqual([0x02, 0x0200]);
    expect([nic.memRead(vfBase(4) + BigInt(Q.macLo), 4), nic.memRead(vfBase(4) + BigInt(Q.macHi), 4)]).toEqual([0x02, 0x0400]);
    nic.memWrite(vfBase(2) + BigInt(Q.macHi), 4, 0x0900);
    expect(nic.memRead(vfBase(2) + BigInt(Q.macHi), 4)).toBe(0x0200);
    expect(nic.queues(2).mac).toBe(parseMac('02:00:00:00:00:02'));
  });

  it('NIC-PFC-03: should drive the VF\'s STATUS link from its link state and the port, setting link change on each change', () => {
    const { nic } = upNic(3);
    const status = (vf: number): number => nic.memRead(vfBase(vf) + BigInt(Q.status), 4);
    const ints = (vf: number): number => nic.memRead(vfBase(vf) + BigInt(Q.intStatus), 4);
    expect([status(1), status(2), status(3)]).toEqual([0, 0, 0]);
    nic.setVfLinkState(2, 'enable');
    nic.setVfLinkState(3, 'disable');
    expect([status(1), status(2), status(3)]).toEqual([0, 1, 0]);
    expect([ints(1), ints(2), ints(3)]).toEqual([0, INT.linkChange, 0]);
    nic.setPortLink(true);
    expect([status(1), status(2), status(3)]).toEqual([1, 1, 0]);
    expect(ints(1)).toBe(INT.linkChange);
    expect(nic.pfQueues.linkUp).toBe(true);
    expect(nic.memRead(PF_BAR0 + BigInt(PFC.base + PFC.portStatus), 4)).toBe(1);
    expect([nic.vfLinkUp(1), nic.vfLinkUp(2), nic.vfLinkUp(3)]).toEqual([true, true, false]);
    nic.setVfLinkState(1, 'disable');
    expect(status(1)).toBe(0);
  });
});
