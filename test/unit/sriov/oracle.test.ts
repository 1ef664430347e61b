import { describe, expect, it } from 'vitest';
import { buildConfigSpace, sampleEndpointSpec } from '../../../src/config/index.js';
import { formatLspciDump, formatLspciDumps, parseLspciDump } from '../../../src/formats/index.js';
import { LayoutError } from '../../../src/regs/index.js';
import { asRoutingId, deviceFromDump, formatRid, igbProfile, SriovError, SriovOracle, type LinuxHost } from '../../../src/sriov/index.js';
import { thrown } from '../../helpers/errors.js';
import { CTRL, SR, sriovAt } from '../../helpers/arb-sriov.js';

/** An igb oracle on bus 1 with VF BAR0/3 at 0xFE900000/0xFE920000 (d.5), 8 VFs enabled with `ctrl`. */
function programmedIgb(ctrl: number) {
  const oracle = SriovOracle.fromProfile(igbProfile(), { bus: 1 });
  const pf = oracle.device.pfs[0]!;
  const cap = sriovAt(pf);
  oracle.write(pf.rid, cap + SR.control, 2, ctrl & CTRL.ari);
  oracle.write(pf.rid, cap + SR.vfBar(0), 4, 0xfe90_0000);
  oracle.write(pf.rid, cap + SR.vfBar(3), 4, 0xfe92_0000);
  oracle.write(pf.rid, cap + SR.numVfs, 2, 8);
  oracle.write(pf.rid, cap + SR.control, 2, ctrl);
  return { oracle, pf, cap };
}

describe('SriovOracle', () => {
  it('SRIOV-ORACLE-01: should explain a Control write of 0x19 field by field (VF Enable 0 → 1: "RW: takes the written value") and the offset side effect', () => {
    const oracle = SriovOracle.fromProfile(igbProfile(), { bus: 1 });
    const pf = oracle.device.pfs[0]!;
    const cap = sriovAt(pf);
    oracle.write(pf.rid, cap + SR.numVfs, 2, 8);
    const a = oracle.write(pf.rid, cap + SR.control, 2, 0x19, { explain: true });
    expect(a.unsupportedRequest).toBe(false);
    const by = (f: string) => a.changes!.find((c) => c.field === f)!;
    expect(by('vfEnable')).toMatchObject({ register: 'ecap.sriov.control', access: 'RW', bits: [0, 0], before: 0, written: 1, after: 1, why: 'RW: takes the written value', requirement: 'REG-RW-01' });
    expect(by('vfEnable').spec).toContain('§9.3.3.3');
    expect(by('vfMse')).toMatchObject({ before: 0, written: 1, after: 1 });
    expect(by('ariCapableHierarchy')).toMatchObject({ before: 0, written: 1, after: 1 });
    expect(by('vfMigrationEnable')).toMatchObject({ access: 'RO', written: 0, after: 0 });
    const offset = a.changes!.find((c) => c.register === 'ecap.sriov.firstVfOffset')!;
    expect(offset).toMatchObject({ before: 0x180, written: undefined, after: 0x80, requirement: 'REG-HOOK-01' });
    expect(offset.why).toContain('side effect');
    expect(oracle.device.pfs[0]!.enabledVfs).toBe(8);
  });

  it('SRIOV-ORACLE-01: should show a refused VF Enable under strict with after 0, a hook mention and the diagnostic', () => {
    const oracle = SriovOracle.fromProfile(igbProfile(), { bus: 1, policy: 'strict' });
    const pf = oracle.device.pfs[0]!;
    const a = oracle.write(pf.rid, sriovAt(pf) + SR.control, 2, CTRL.vfe, { explain: true });
    const vfe = a.changes!.find((c) => c.field === 'vfEnable')!;
    expect(vfe).toMatchObject({ before: 0, written: 1, after: 0, requirement: 'REG-HOOK-01' });
    expect(vfe.why).toContain("preWrite hook 'sriov.control.pre'");
    expect(a.diagnostics.map((d) => [d.code, d.severity])).toEqual([['sriov.enable-zero-vfs', 'warning']]);
  });

  it('SRIOV-ORACLE-01: should explain an RW1C clear of SR-IOV Status', () => {
    const oracle = SriovOracle.fromProfile(igbProfile(), { bus: 1 });
    const pf = oracle.device.pfs[0]!;
    pf.space.hwSet('ecap.sriov.status', 'vfMigrationStatus');
    const a = oracle.write(pf.rid, sriovAt(pf) + SR.status, 2, 1, { explain: true });
    expect(a.changes!.find((c) => c.field === 'vfMigrationStatus')).toMatchObject({ access: 'RW1C', before: 1, written: 1, after: 0, why: 'RW1C: writing 1 cleared it', requirement: 'REG-W1C-01' });
    const b = oracle.write(pf.rid, sriovAt(pf) + SR.status, 2, 1, { explain: true });
    expect(b.changes!.find((c) => c.field === 'vfMigrationStatus')!.why).toBe('RW1C: writing 1 to a clear bit leaves it clear');
  });

  it('SRIOV-ORACLE-01: should answer reads and writes to absent functions as Unsupported Request', () => {
    const oracle = SriovOracle.fromProfile(igbProfile(), { bus: 1 });
    const r = oracle.read(asRoutingId(0x0180), 0, 4);
    expect(r).toMatchObject({ value: 0xffff_ffff, unsupportedRequest: true });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['device.unsupported-request']);
    const w = oracle.write(asRoutingId(0x0180), 4, 2, 4, { explain: true });
    expect(w.unsupportedRequest).toBe(true);
    expect(w.changes).toBeUndefined();
    expect(oracle.read(oracle.device.pfs[0]!.rid, 0, 4)).toMatchObject({ value: 0x10c9_8086, unsupportedRequest: false, diagnostics: [] });
  });

  it('SRIOV-ORACLE-01: should say where a VF is (bb:dd.f) and whether it exists', () => {
    const { oracle, pf, cap } = programmedIgb(CTRL.vfe | CTRL.mse | CTRL.ari);
    expect(oracle.whereIsVf(0, 1)).toEqual({ vf: 1, rid: 0x0180, address: '01:10.0', exists: true });
    expect(oracle.whereIsVf(0, 8)).toEqual({ vf: 8, rid: 0x018e, address: '01:11.6', exists: true });
    expect(oracle.whereIsVf(0, 9)).toMatchObject({ address: '01:12.0', exists: false });
    oracle.write(pf.rid, cap + SR.control, 2, CTRL.ari);
    expect(oracle.whereIsVf(0, 1)).toMatchObject({ address: '01:10.0', exists: false });
    expect(SriovOracle.fromProfile(igbProfile(), { bus: 1, domain: 2 }).whereIsVf(0, 1).address).toBe('0002:02:10.0');
    expect(() => oracle.whereIsVf(1, 1)).toThrow(RangeError);
  });

  it('SRIOV-ORACLE-02: refuses a question it cannot ask with a coded SriovError (a RangeError): no such PF, a VF number, a Routing ID or an argument of the wrong kind', () => {
    const { oracle, pf } = programmedIgb(CTRL.vfe | CTRL.mse | CTRL.ari);
    const code = (f: () => unknown): string => thrown(f, SriovError).code;
    expect(thrown(() => oracle.whereIsVf(1, 1), RangeError)).toBeInstanceOf(SriovError);
    expect([code(() => oracle.whereIsVf(1, 1)), code(() => oracle.vfBarWindow(-1, 1, 0)), code(() => oracle.wouldLinuxEnable(0.5, 1))]).toEqual(['sriov.no-such-pf', 'sriov.no-such-pf', 'sriov.no-such-pf']);
    expect([code(() => oracle.whereIsVf(0, 0)), code(() => oracle.vfBarWindow(0, 0x10000, 0))]).toEqual(['sriov.bad-vf-number', 'sriov.bad-vf-number']);
    expect([code(() => oracle.read(0x10000 as never, 0, 4)), code(() => oracle.write(-1 as never, 0, 4, 0)), code(() => asRoutingId(1.5))]).toEqual(['sriov.bad-routing-id', 'sriov.bad-routing-id', 'sriov.bad-routing-id']);
    expect([
      code(() => oracle.whatHits(0xfe90_0000 as never)),
      code(() => oracle.reachable(pf.rid, { secondary: 1, subordinate: 256, ariForwarding: true })),
      code(() => oracle.wouldLinuxEnable(0, 1, { pageSize: 3000 })),
      code(() => oracle.wouldLinuxEnable(0, 1, null as never)),
    ]).toEqual(['sriov.bad-argument', 'sriov.bad-argument', 'sriov.bad-argument', 'sriov.bad-argument']);
    // A Routing ID in range with no function behind it is still an answer: all ones, Unsupported Request.
    expect(oracle.read(asRoutingId(0xfff0), 0, 4)).toMatchObject({ value: 0xffff_ffff, unsupportedRequest: true });
  });

  it('SRIOV-ORACLE-01: should say what an address hits and give each VF BAR window (d.5)', () => {
    const { oracle } = programmedIgb(CTRL.vfe | CTRL.mse | CTRL.ari);
    expect(oracle.whatHits(0xfe91_c004n)).toEqual({ pf: 0, vf: 8, rid: 0x018e, bar: 0, offset: 4n });
    expect(oracle.whatHits(0xfe92_4000n)).toEqual({ pf: 0, vf: 2, rid: 0x0182, bar: 3, offset: 0n });
    expect(oracle.whatHits(0x1000n)).toBeUndefined();
    expect(oracle.vfBarWindow(0, 8, 3)).toEqual({ base: 0xfe93_c000n, size: 0x4000n, last: 0xfe93_ffffn });
    expect(programmedIgb(CTRL.vfe | CTRL.ari).oracle.whatHits(0xfe91_c004n)).toBeUndefined(); // VF MSE clear
    expect(oracle.reachable(asRoutingId(0x0180), { secondary: 1, subordinate: 1, ariForwarding: false })).toBe(false);
    expect(oracle.reachable(asRoutingId(0x0180), { secondary: 1, subordinate: 1, ariForwarding: true })).toBe(true);
  });

  it.each([
    ['ARI set, ARI forwarding', CTRL.vfe | CTRL.mse | CTRL.ari, { ariForwarding: true, busRange: { start: 1, end: 1 } }],
    ['ARI clear, bus range 01..02', CTRL.vfe | CTRL.mse, { busRange: { start: 1, end: 2 } }],
    ['ARI clear, bus range 01', CTRL.vfe | CTRL.mse, { busRange: { start: 1, end: 1 } }],
  ] as const)('SRIOV-ORACLE-01: should round-trip an igb PF through an lspci -xxxx dump (%s): same VF RIDs, windows and Linux verdict', (_name, ctrl, host: LinuxHost) => {
    const { oracle, pf } = programmedIgb(ctrl);
    const text = formatLspciDump({ address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes: pf.space.peek(), description: 'Ethernet controller' });
    const parsed = parseLspciDump(text);
    expect(parsed).toHaveLength(1);
    const back = SriovOracle.fromDump(parsed, { vfBarSizes: [0x4000, undefined, undefined, 0x4000] });
    const q = back.device.pfs[0]!;
    expect(q.rid).toBe(pf.rid);
    expect(q.enabledVfs).toBe(8);
    expect([q.firstVfOffset, q.vfStride]).toEqual([pf.firstVfOffset, pf.vfStride]);
    for (let k = 1; k <= 8; k++) {
      expect(back.whereIsVf(0, k)).toEqual(oracle.whereIsVf(0, k));
      for (const bar of [0, 3]) expect(back.vfBarWindow(0, k, bar)).toEqual(oracle.vfBarWindow(0, k, bar));
      expect(back.device.functionAt(pf.vfRid(k)!)).toEqual(oracle.device.functionAt(pf.vfRid(k)!));
    }
    for (const a of [0xfe90_0000n, 0xfe91_fffcn, 0xfe92_4000n, 0xfe94_0000n]) expect(back.whatHits(a)).toEqual(oracle.whatHits(a));
    const want = oracle.wouldLinuxEnable(0, 8, host);
    const got = back.wouldLinuxEnable(0, 8, host);
    expect(got).toEqual(want);
    expect(formatRid(q.vfRid(1)!)).toBe(ctrl & CTRL.ari ? '01:10.0' : '02:10.0');
    // The live SR-IOV capability of the loaded PF still obeys the policy: NumVFs is locked while enabled.
    back.write(q.rid, sriovAt(q) + SR.numVfs, 2, 2);
    expect(back.read(q.rid, sriovAt(q) + SR.numVfs, 2).value).toBe(8);
  });

  it('SRIOV-ORACLE-01: should skip a dump function without an SR-IOV capability, with a reason', () => {
    const { pf } = programmedIgb(CTRL.vfe | CTRL.ari);
    const plain = buildConfigSpace(sampleEndpointSpec()).peek();
    const text = formatLspciDumps([
      { address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes: pf.space.peek() },
      { address: { domain: 0, bus: 1, device: 0, function: 1 }, bytes: plain },
      { address: { domain: 0, bus: 1, device: 0, function: 2 }, bytes: plain.slice(0, 256) },
    ]);
    const { device, skipped } = deviceFromDump(parseLspciDump(text), { vfBarSizes: [0x4000, undefined, undefined, 0x4000] });
    expect(device.pfs).toHaveLength(1);
    expect(skipped.map((s) => s.address)).toEqual(['01:00.1', '01:00.2']);
    expect(skipped[0]!.reason).toContain('no SR-IOV capability');
    expect(skipped[1]!.reason).toContain('256-byte dump');
  });

  it('SRIOV-ORACLE-01: should load Supported Page Sizes with bit 31 set (8 TiB pages) as the unsigned value the dump holds', () => {
    const { pf } = programmedIgb(CTRL.vfe | CTRL.ari);
    const bytes = pf.space.peek().slice();
    const at = sriovAt(pf) + 0x1c;
    new DataView(bytes.buffer).setUint32(at, 0x8000_0013, true);
    const back = SriovOracle.fromDump(parseLspciDump(formatLspciDump({ address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes })));
    const q = back.device.pfs[0]!;
    expect(back.read(q.rid, at, 4).value).toBe(0x8000_0013);
  });

  it('SRIOV-ORACLE-01: should throw a LayoutError for a dump with no PF', () => {
    const plain = buildConfigSpace(sampleEndpointSpec()).peek();
    const text = formatLspciDump({ address: { domain: 0, bus: 3, device: 0, function: 0 }, bytes: plain });
    expect(() => SriovOracle.fromDump(parseLspciDump(text))).toThrow(LayoutError);
    expect(() => deviceFromDump([])).toThrow(LayoutError);
  });

  it('SRIOV-ORACLE-01: should leave VF windows unknown (and decode nothing) when the dump is loaded without VF BAR sizes', () => {
    const { pf } = programmedIgb(CTRL.vfe | CTRL.mse | CTRL.ari);
    const back = SriovOracle.fromDump(parseLspciDump(formatLspciDump({ address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes: pf.space.peek() })));
    expect(back.whereIsVf(0, 1)).toMatchObject({ address: '01:10.0', exists: true });
    expect(back.vfBarWindow(0, 1, 0)).toBeUndefined();
    expect(back.whatHits(0xfe90_0000n)).toBeUndefined();
  });
});
