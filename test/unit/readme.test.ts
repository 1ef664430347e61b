import { describe, expect, it } from 'vitest';
import {
  buildConfigSpace, pcieCapability, pmCapability, msiCapability, ariCapability,
  DiagnosticLog, configSpaceFromImage, parseLspciDump, formatLspciDump, SriovOracle, igbProfile, asRoutingId,
  Kernel, Host, Hub, Cable, BROADCAST, parseMac, BurstHost, BurstCable, Switch,
} from '../../src/index.js';

// The README's code, statement for statement, with its comments turned into assertions, so the
// README cannot drift from what the library does.
describe('README examples', () => {
  it('API tour', () => {
    const log = new DiagnosticLog();
    const fn = buildConfigSpace({
      header: {
        type: 0, vendorId: 0x8086, deviceId: 0x10c9, revisionId: 1, classCode: 0x020000, interruptPin: 1,
        bars: [{ kind: 'mem32', size: 0x20000 }, undefined, { kind: 'io', size: 32 }, { kind: 'mem64', size: 0x4000 }],
      },
      capabilities: [pmCapability(), msiCapability({ vectors: 1 }), pcieCapability({ deviceType: 'endpoint' }), ariCapability()],
    }, { onDiagnostic: log.sink });
    fn.write(0x1c, 4, 0xffff_ffff);
    expect(fn.read(0x1c, 4)).toBe(0xffffc004);
    fn.write(0x1c, 4, 0xfe84_0000);
    fn.write(0x04, 2, 0x0002);
    expect(fn.bars()[2]).toMatchObject({ index: 3, kind: 'mem64', base: 0xfe840000n, size: 0x4000n, active: true });
    fn.hwSet('header.status', 'receivedMasterAbort');
    fn.write(0x06, 2, 0x2000);
    expect(fn.readField('header.status', 'receivedMasterAbort')).toBe(0);
    log.take();
    fn.write(0x06, 2, 0x0012);
    expect(log.take()).toMatchObject([{ code: 'driver.rsvdz-nonzero', requirement: 'REG-RSVDZ-02', spec: 'PCIe Base r6.0 §7.4' }]);
    const pcie = fn.capability(0x10)!.offset;
    fn.write(pcie + 0x08, 2, 0x8000);
    expect(fn.read(0x04, 2)).toBe(0);
    const text = formatLspciDump({ address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes: fn.peek() }, 4096);
    const [dumped] = parseLspciDump(text);
    const { space, problems } = configSpaceFromImage(dumped!.bytes, { barSizes: [0x20000] });
    expect(problems).toEqual([]);
    expect(space.peek()).toEqual(fn.peek());
  });

  it('SR-IOV as a driver oracle', () => {
    const oracle = SriovOracle.fromProfile(igbProfile(), { bus: 1 });
    const pf = oracle.device.pfs[0]!;
    const sriov = pf.space.capability(0x10, 'extended')!.offset;
    oracle.write(pf.rid, sriov + 0x24, 4, 0xfe90_0000);
    oracle.write(pf.rid, sriov + 0x08, 2, 0x10);
    expect(pf.firstVfOffset).toBe(0x80);
    oracle.write(pf.rid, sriov + 0x10, 2, 8);
    const a = oracle.write(pf.rid, sriov + 0x08, 2, 0x19, { explain: true });
    expect(a.changes).toContainEqual(expect.objectContaining({
      register: 'ecap.sriov.control', field: 'vfEnable', before: 0, written: 1, after: 1,
      why: 'RW: takes the written value', requirement: 'REG-RW-01', spec: 'PCIe Base r6.0 §9.3.3.3',
    }));
    expect(oracle.whereIsVf(0, 8)).toEqual({ vf: 8, rid: 0x018e, address: '01:11.6', exists: true });
    expect(oracle.vfBarWindow(0, 2, 0)).toEqual({ base: 0xfe904000n, size: 0x4000n, last: 0xfe907fffn });
    expect(oracle.whatHits(0xfe90_4010n)).toEqual({ pf: 0, vf: 2, rid: 0x0182, bar: 0, offset: 0x10n });
    expect(oracle.read(asRoutingId(0x0190), 0, 4)).toMatchObject({ value: 0xffffffff, unsupportedRequest: true, diagnostics: [{ code: 'device.unsupported-request' }] });
    expect(oracle.wouldLinuxEnable(0, 8, { busRange: { start: 1, end: 1 }, ariForwarding: false })).toMatchObject({
      enable: false, errno: 'ENOMEM', reasons: [{ code: 'linux.bus-range', message: "can't enable 8 VFs (bus 02 out of range of [bus 01])", where: 'sriov_enable' }],
    });
    expect(oracle.wouldLinuxEnable(0, 8, { pageSize: 65536, ariForwarding: true }).reasons[0]?.message).toBe('VF BAR0 per-VF size 0x4000 is not a multiple of PAGE_SIZE 0x10000');
  });

  it('Layer 1: the cycle model', () => {
    const got: [number, number][] = [];
    const k = new Kernel({ seed: 1 });
    const hub = k.add(new Hub('hub', { ports: 3 }));
    const hosts = [0, 1, 2].map((i) => k.add(new Host(`h${i}`, {
      mac: parseMac(`02:00:00:00:00:0${i}`), duplex: 'half', rng: k.rng(`h${i}`), onReceive: (_f, at) => got.push([i, at]),
    })));
    hosts.forEach((h, i) => k.add(new Cable(`c${i}`, h.port, hub.ports[i]!, { metres: 30 }, k.rng(`c${i}`))));
    hosts[0]!.send({ dst: BROADCAST, src: hosts[0]!.mac, type: 0x88b5, payload: new Uint8Array(46) });
    expect(k.run()).toBe('idle');
    expect(got.map(([i]) => i).sort()).toEqual([1, 2]);
  });

  it('Layer 2: bridge, switch, STP, VLANs', () => {
    const k = new Kernel({ seed: 1 });
    const sw = k.add(new Switch('sw', { ports: 3, mac: parseMac('02:00:00:00:ff:00'), mode: 'burst' }));
    const got: string[] = [];
    const hosts = [0, 1, 2].map((i) => k.add(new BurstHost(`h${i}`, {
      mac: parseMac(`02:00:00:00:00:0${i}`), onReceive: (_f, at) => got.push(`h${i}@${at}`),
    })));
    hosts.forEach((h, i) => k.add(new BurstCable(`c${i}`, h.port, sw.ports[i]!, { metres: 10 }, k.rng(`c${i}`))));
    hosts[0]!.send({ dst: BROADCAST, src: hosts[0]!.mac, type: 0x88b5, payload: new Uint8Array(46) });
    k.run();
    expect(got.map((g) => g.split('@')[0]).sort()).toEqual(['h1', 'h2']);
    expect(sw.core.fdb.lookup(0, hosts[0]!.mac, k.cycle)).toBe(0);
    hosts[1]!.send({ dst: hosts[0]!.mac, src: hosts[1]!.mac, type: 0x88b5, payload: new Uint8Array(46) });
    k.run();
    expect(sw.core.counters.forwarded).toBe(1);
    expect(got.at(-1)!.startsWith('h0@')).toBe(true);
  });
});
