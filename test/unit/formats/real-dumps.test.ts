import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeFunction, formatPciAddress, parseLspciDump } from '../../../src/formats/index.js';
import { SriovOracle, asRoutingId, deviceFromDump, formatRid } from '../../../src/index.js';
import { runCli } from '../../helpers/cli.js';

// Dumps of real devices, copied verbatim from public test corpora (see test/fixtures/real-dumps/SOURCES.md).
// Most are `lspci -vvv -xxxx` output, so each carries lspci's own decoding of the same bytes: an
// oracle written by someone else, from real hardware, that our parser, decoder and SR-IOV model
// must agree with.
const DIR = join(process.cwd(), 'test/fixtures/real-dumps');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();

/** lspci's decoded lines of the file (one tab or more), and the number on `name: N` in them. */
const decoded = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('\t'));
function num(lines: readonly string[], re: RegExp): number {
  const m = lines.map((l) => re.exec(l)).find((x) => x !== null);
  expect(m, String(re)).toBeDefined();
  return Number.parseInt(m![1]!, re.source.includes('[0-9a-f]') ? 16 : 10);
}

describe('real devices (lspci -vvv -xxxx dumps from public test corpora)', () => {
  it('has the corpus', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(5);
  });

  for (const file of FILES) {
    it(`FMT-LSPCI-06: ${file} parses (decoded lines skipped) to one 4096-byte function, and our capability offsets are lspci's`, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      const fns = parseLspciDump(text);
      expect(fns).toHaveLength(1);
      const [fn] = fns;
      expect(fn!.size).toBe(4096);
      expect(text.startsWith(`${formatPciAddress(fn!.address)} `)).toBe(true);
      // Vendor and Device ID as the header line prints them ("Device 8086:10c9" or "[8086:10c9]").
      const ids = /(?:Device |\[)([0-9a-f]{4}):([0-9a-f]{4})/.exec(text.split('\n')[0]!);
      if (ids !== null) expect([fn!.bytes[0]! | (fn!.bytes[1]! << 8), fn!.bytes[2]! | (fn!.bytes[3]! << 8)]).toEqual([Number.parseInt(ids[1]!, 16), Number.parseInt(ids[2]!, 16)]);
      const theirs = decoded(text).filter((l) => l.startsWith('\tCapabilities: [')).map((l) => /\[([0-9a-f]+)/.exec(l)![1]);
      if (theirs.length > 0) {
        const ours = describeFunction(fn!.bytes, fn!.address).split('\n').filter((l) => l.startsWith('\tCapabilities: [')).map((l) => /\[([0-9a-f]+)/.exec(l)![1]);
        expect(ours).toEqual(theirs);
      }
      // iovsim check: real devices give notes at most, never an error or a warning.
      const r = runCli(['check', file], { [file]: text });
      expect(r.code, r.out + r.err).toBe(0);
      expect(r.out).toMatch(/1 function, 0 errors, 0 warnings/);
    });
  }

  it('FMT-LSPCI-03 FMT-LSPCI-06: a whole machine (53 functions of an X58 board: 19 of 4096 bytes, 34 of 256) parses in order, and check finds no error or warning in any', () => {
    const file = 'pciutils-tree-asus-p6t6.dump';
    const text = readFileSync(join(DIR, file), 'utf8');
    const fns = parseLspciDump(text);
    const headers = text.split('\n').filter((l) => /^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] /.test(l)).map((l) => l.slice(0, 7));
    expect(fns.map((f) => formatPciAddress(f.address))).toEqual(headers);
    expect(headers).toHaveLength(53);
    expect(fns.filter((f) => f.size === 4096)).toHaveLength(19);
    expect(fns.filter((f) => f.size === 256)).toHaveLength(34);
    const r = runCli(['check', file], { [file]: text });
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/53 functions, 0 errors, 0 warnings/);
    // Capabilities only this machine has, decoded as lspci 3.9 prints them for these bytes.
    const at = (a: string): string => describeFunction(fns.find((f) => formatPciAddress(f.address) === a)!.bytes, fns.find((f) => formatPciAddress(f.address) === a)!.address);
    expect(at('00:1a.7')).toContain('\tCapabilities: [58] Debug port: BAR=1 offset=00a0\n');
    expect(at('00:1f.2')).toContain('\tCapabilities: [a8] SATA HBA v1.0 BAR4 Offset=00000004\n');
    // A root port's AER (with its root error registers) and ACS, as lspci 3.9 prints them for these bytes.
    for (const line of [
      '\t\tUESvrt:\tDLP+ SDES+ TLP- FCP+ CmpltTO- CmpltAbrt- UnxCmplt- RxOF+ MalfTLP+ ECRC- UnsupReq- ACSViol-',
      '\t\tCEMsk:\tRxErr- BadTLP- BadDLLP- Rollover- Timeout- AdvNonFatalErr+',
      '\t\t\tMultHdrRecCap- MultHdrRecEn- TLPPfxPres- HdrLogCap-',
      '\t\tHeaderLog: 00000000 00000000 00000000 00000000',
      '\t\tRootCmd: CERptEn- NFERptEn- FERptEn-',
      '\t\t\t FirstFatal- NonFatalMsg- FatalMsg- IntMsg 0',
      '\t\tErrorSrc: ERR_COR: 0000 ERR_FATAL/NONFATAL: 0000',
      '\t\tACSCap:\tSrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-',
      '\t\tACSCtl:\tSrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl- DirectTrans-',
    ]) expect(at('00:01.0').split('\n')).toContain(line);
    // A Root Complex Integrated Endpoint has no Link: no Link registers, no ASPM acceptable latencies (as lspci).
    expect(at('00:14.0')).toContain('Express (v2) Root Complex Integrated Endpoint');
    expect(at('00:14.0')).toContain('\t\tDevCap:\tMaxPayload 128 bytes, PhantFunc 0\n');
    expect(at('00:14.0')).not.toMatch(/LnkCap|LnkCtl|LnkSta/);
    // A Switch Downstream Port shows its Selectable De-emphasis (lspci 3.9 prints these lines for these bytes).
    expect(at('03:00.0')).toContain('\t\tLnkCtl2: Target Link Speed: 5GT/s, EnterCompliance- SpeedDis-, Selectable De-emphasis: -3.5dB\n');
    expect(at('03:02.0')).toContain('\t\tLnkCtl2: Target Link Speed: 5GT/s, EnterCompliance- SpeedDis-, Selectable De-emphasis: -6dB\n');
    expect(at('00:1c.0')).toContain('\t\tLnkCap:\tPort #1, Speed 2.5GT/s, Width x1, ASPM L0s L1, Exit Latency L0s <256ns, L1 <4us\n');
  });

  it('FMT-LSPCI-06: a bus master shows its Latency Timer, Min_Gnt/Max_Lat and Cache Line Size as lspci 3.9 prints them (82576 bytes, registers varied)', () => {
    const [fn] = parseLspciDump(readFileSync(join(DIR, 'pciutils-cap-pcie-2-82576-pf-sriov.txt'), 'utf8'));
    const latency = (set: Record<number, number>): string | undefined => {
      const b = fn!.bytes.slice();
      for (const [at, v] of Object.entries(set)) b[Number(at)] = v;
      return describeFunction(b, fn!.address).split('\n').find((l) => l.startsWith('\tLatency:'));
    };
    // Expected lines: what lspci 3.9 -F -vvv printed for the same bytes.
    expect(latency({})).toBe('\tLatency: 0, Cache Line Size: 64 bytes');
    expect(latency({ 0x3e: 3, 0x3f: 1 })).toBe('\tLatency: 0 (750ns min, 250ns max), Cache Line Size: 64 bytes');
    expect(latency({ 0x3f: 2, 0x0c: 0, 0x0d: 0x20 })).toBe('\tLatency: 32 (500ns max)');
    expect(latency({ 0x3e: 1, 0x0c: 8, 0x0d: 0xff })).toBe('\tLatency: 255 (250ns min), Cache Line Size: 32 bytes');
    expect(latency({ 0x04: 0x03 })).toBeUndefined(); // not a bus master: no line
    // Link Control 2 lives in Function 0 of an Upstream Port (lspci prints it there only); a target
    // speed of 0 reads as 2.5GT/s, as lspci 3.9 prints it.
    const lines = (fnNo: number): string[] => describeFunction(fn!.bytes, { ...fn!.address, function: fnNo }).split('\n');
    expect(lines(0)).toContain('\t\tLnkCtl2: Target Link Speed: 2.5GT/s, EnterCompliance- SpeedDis-');
    expect(lines(1).some((l) => l.includes('LnkCtl2'))).toBe(false);
    expect(lines(1)).toContain('\t\t\t Retimer- 2Retimers- CrosslinkRes: unsupported');
  });

  for (const file of FILES.filter((f) => f.includes('sriov'))) {
    it(`CHK-SRIOV-01 CHK-SRIOV-02 CHK-SRIOV-03 SRIOV-RID-01 SRIOV-LINUX-01: ${file}: the SR-IOV model loaded from the dump reads what lspci decoded, places the VFs by its offset and stride, and says Linux would enable the VFs Linux did enable`, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      const lines = decoded(text);
      const { device } = deviceFromDump(parseLspciDump(text));
      const [pf] = device.pfs;
      expect(pf).toBeDefined();
      const at = pf!.sriovOffset;
      expect(lines.some((l) => l.startsWith(`\tCapabilities: [${at.toString(16)}`) && l.includes('SR-IOV'))).toBe(true);
      const read = (o: number, size: 1 | 2 | 4): number => pf!.space.read(at + o, size);
      expect(read(0x0c, 2)).toBe(num(lines, /Initial VFs: (\d+)/));
      expect(read(0x0e, 2)).toBe(num(lines, /Total VFs: (\d+)/));
      expect(read(0x10, 2)).toBe(num(lines, /Number of VFs: (\d+)/));
      const offset = num(lines, /VF offset: (\d+)/);
      const stride = num(lines, /stride: (\d+)/);
      expect(read(0x14, 2)).toBe(offset);
      expect(read(0x16, 2)).toBe(stride);
      expect(read(0x1a, 2)).toBe(num(lines, /Device ID: ([0-9a-f]+)/));
      expect(read(0x1c, 4)).toBe(num(lines, /Supported Page Size: ([0-9a-f]+)/));
      expect(read(0x20, 4)).toBe(num(lines, /System Page Size: ([0-9a-f]+)/));
      const ctl = lines.find((l) => l.includes('IOVCtl:'))!;
      expect([pf!.vfEnable, pf!.vfMse, pf!.ariCapableHierarchy]).toEqual([/Enable\+/.test(ctl), /MSE\+/.test(ctl), /ARIHierarchy\+/.test(ctl)]);
      // VF n's Routing ID from lspci's numbers: PF RID + offset + (n − 1) × stride.
      const n = pf!.enabledVfs;
      expect(n).toBe(/Enable\+/.test(ctl) ? read(0x10, 2) : 0);
      for (let k = 1; k <= n; k++) expect(pf!.vfRid(k)).toBe(pf!.rid + offset + (k - 1) * stride);
      if (n > 0) expect(formatRid(pf!.vfRid(1)!)).toBe(formatRid(asRoutingId(pf!.rid + offset)));
      // Where Linux had enabled VFs when the dump was taken (VF Enable set), our verdict on enabling
      // that many must be that Linux would: reality already said so. ARI Capable Hierarchy set means
      // Linux found ARI Forwarding in the port above.
      if (n > 0) {
        const oracle = SriovOracle.fromDump(parseLspciDump(text));
        const v = oracle.wouldLinuxEnable(0, n, { ariForwarding: pf!.ariCapableHierarchy });
        expect(v.enable, JSON.stringify(v.reasons)).toBe(true);
      }
      // Linux refuses more VFs than TotalVFs, on any device.
      expect(SriovOracle.fromDump(parseLspciDump(text)).wouldLinuxEnable(0, read(0x0e, 2) + 1).reasons.map((r) => r.code)).toContain('linux.nr-above-total');
    });
  }
});
