import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { writeLE } from '../../src/bits/bits.js';
import { CAP_ID, buildConfigSpace, pcieCapability, sampleEndpointSpec, walkCapabilities, walkExtendedCapabilities } from '../../src/config/index.js';
import type { ConfigSpace, WalkProblem } from '../../src/config/index.js';
import { describeFunction, formatPciAddress } from '../../src/formats/index.js';
import type { PciAddress } from '../../src/formats/index.js';

const ADDRESS: PciAddress = { domain: 0, bus: 1, device: 0, function: 0 };

const addressArb: fc.Arbitrary<PciAddress> = fc.record({
  domain: fc.integer({ min: 0, max: 0xffffff }),
  bus: fc.integer({ min: 0, max: 0xff }),
  device: fc.integer({ min: 0, max: 0x1f }),
  function: fc.integer({ min: 0, max: 7 }),
});

const verboseArb = fc.constantFrom<0 | 1 | 2 | 3>(0, 1, 2, 3);

const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, '0');

/**
 * Configuration bytes whose capability lists are built to be hostile: Status.Capabilities List
 * set, a Type 0 or Type 1 layout, standard capabilities at DWORD offsets with IDs the decoder
 * knows (and some it does not), next pointers that often point back into the list (loops),
 * into the header, to 0xFF IDs or past the bytes, and — when a PCI Express capability is in the
 * list — an extended list from 0x100 built the same way.
 */
const chainedBytesArb: fc.Arbitrary<Uint8Array> = fc
  .record({
    size: fc.constantFrom(64, 256, 4096),
    base: fc.constantFrom<'zero' | 'random'>('zero', 'random'),
    layout: fc.constantFrom(0, 1, 0x80, 0x81),
    std: fc.uniqueArray(fc.integer({ min: 0x10, max: 0x3f }), { minLength: 1, maxLength: 8 }),
    stdIds: fc.array(fc.oneof(fc.constantFrom(0x01, 0x05, 0x10, 0x11, 0x09, 0x0d, 0x00, 0xff), fc.integer({ min: 0, max: 0xff })), { minLength: 8, maxLength: 8 }),
    stdNext: fc.array(fc.oneof(fc.nat(7), fc.integer({ min: 0, max: 0xff }).map((b) => -1 - b)), { minLength: 8, maxLength: 8 }),
    ext: fc.uniqueArray(fc.integer({ min: 0x41, max: 0x3ff }), { minLength: 1, maxLength: 6 }),
    extIds: fc.array(fc.oneof(fc.constantFrom(0x0001, 0x0003, 0x000e, 0x0010, 0x0000), fc.integer({ min: 0, max: 0xffff })), { minLength: 6, maxLength: 6 }),
    extVersions: fc.array(fc.nat(15), { minLength: 6, maxLength: 6 }),
    extNext: fc.array(fc.oneof(fc.nat(5), fc.integer({ min: 0, max: 0xfff }).map((b) => -1 - b)), { minLength: 6, maxLength: 6 }),
    seed: fc.uint8Array({ minLength: 4096, maxLength: 4096 }),
  })
  .map((g) => {
    const b = g.base === 'zero' ? new Uint8Array(g.size) : g.seed.slice(0, g.size);
    b[0x06] = (b[0x06] ?? 0) | 0x10;
    b[0x0e] = g.layout;
    const std = g.std.map((d) => d * 4);
    b[0x34] = std[0] ?? 0;
    // The first capability is a PCI Express one half of the time, so extended lists get walked.
    std.forEach((at, i) => {
      if (at + 1 >= b.length) return;
      b[at] = i === 0 && (g.seed[0] ?? 0) < 128 ? 0x10 : (g.stdIds[i] ?? 0);
      const n = g.stdNext[i] ?? 0;
      b[at + 1] = n >= 0 ? (std[n % std.length] ?? 0) : (-1 - n) & 0xff;
    });
    const ext = [0x100, ...g.ext.map((d) => d * 4)];
    ext.forEach((at, i) => {
      if (at + 4 > b.length) return;
      const n = g.extNext[i] ?? 0;
      const next = n >= 0 ? (ext[n % ext.length] ?? 0) : (-1 - n) & 0xfff;
      writeLE(b, at, 4, (((next << 20) | ((g.extVersions[i] ?? 0) << 16) | (g.extIds[i] ?? 0)) >>> 0));
    });
    return b;
  });

/** What the decoder should print for a walk's terminal problem. */
function marker(p: WalkProblem | undefined): string | undefined {
  if (p === undefined) return undefined;
  return p.code === 'cap.loop' ? '<chain looped>' : p.code === 'cap.truncated' ? '<not available' : '<chain broken';
}

/** `[label] rest` of each capability line. */
function capabilityLines(text: string): { label: string; rest: string }[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('\tCapabilities: ['))
    .map((l) => {
      const m = /^\tCapabilities: \[([^\]]*)\] (.*)$/.exec(l);
      return { label: m?.[1] ?? '', rest: m?.[2] ?? '' };
    });
}

describe('describeFunction properties', () => {
  it('FMT-DECODE-01: describeFunction never throws and terminates on any configuration bytes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(64, 256, 4096).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        addressArb,
        verboseArb,
        (bytes, address, verbose) => {
          const before = bytes.slice();
          const text = describeFunction(bytes, address, { verbose });
          expect(typeof text).toBe('string');
          expect(text.endsWith('\n')).toBe(true);
          const lines = text.trimEnd().split('\n');
          expect(lines[0]?.startsWith(`${formatPciAddress(address)} `)).toBe(true);
          if (verbose === 0) expect(lines).toHaveLength(1);
          // Bounded output: at most 48 standard and 960 extended capabilities, a few lines each.
          expect(lines.length).toBeLessThan(8000);
          // The input is not modified.
          expect(bytes).toEqual(before);
        },
      ),
    );
  });

  it('FMT-DECODE-01: describeFunction never throws and terminates on bytes with looping or broken capability chains', () => {
    fc.assert(
      fc.property(chainedBytesArb, verboseArb, (bytes, verbose) => {
        const text = describeFunction(bytes, ADDRESS, { verbose });
        expect(text.endsWith('\n')).toBe(true);
        if (verbose === 0) return;
        // The capability lines follow the walkers: each entry in order, then the stop reason.
        const std = walkCapabilities(bytes);
        const stdStop = std.problems.find((p) => p.code !== 'cap.misaligned');
        const hasPcie = std.entries.some((e) => e.id === CAP_ID.pcie);
        const ext = walkExtendedCapabilities(bytes);
        const extStop = ext.problems.find((p) => p.code !== 'cap.misaligned');
        const layout = (bytes[0x0e] ?? 0) & 0x7f;
        const expected: { label?: string; marker?: string }[] = [];
        if (layout === 0 || layout === 1) {
          for (const e of std.entries) expected.push({ label: hex(e.offset, 2) });
          const m = marker(stdStop);
          if (m !== undefined) expected.push({ marker: m });
          if (hasPcie) {
            for (const e of ext.entries) expected.push({ label: `${hex(e.offset, 3)} v${e.version ?? 0}` });
            const x = marker(extStop);
            if (x !== undefined) expected.push({ marker: x });
          }
        }
        const got = capabilityLines(text);
        expect(got).toHaveLength(expected.length);
        got.forEach((g, i) => {
          const want = expected[i];
          if (want?.label !== undefined) expect(g.label).toBe(want.label);
          if (want?.marker !== undefined) expect(g.rest.startsWith(want.marker), `${g.rest} starts with ${want.marker}`).toBe(true);
        });
        if (std.problems.some((p) => p.code === 'cap.loop') && (layout === 0 || layout === 1)) expect(text).toContain('<chain looped>');
      }),
    );
  });
});

/** The sample endpoint with BARs, Command, interrupt line, MSI, MSI-X and Device Control programmed. */
function programmedSample(): ConfigSpace {
  const fn = buildConfigSpace(sampleEndpointSpec());
  fn.write(0x10, 4, 0xfe80_0000);
  fn.write(0x14, 4, 0xfe82_0000);
  fn.write(0x18, 4, 0x0000_e000);
  fn.write(0x1c, 4, 0xfe84_0000);
  fn.write(0x20, 4, 0);
  fn.write(0x04, 2, 0x0007);
  fn.write(0x3c, 1, 11);
  fn.write(0x52, 2, fn.read(0x52, 2) | 1);
  fn.write(0x72, 2, fn.read(0x72, 2) | 0x8000);
  fn.write(0xa8, 2, (fn.read(0xa8, 2) & ~0x70e0) | (1 << 5) | (2 << 12));
  return fn;
}

function linesOf(text: string): string[] {
  return text.trimEnd().split('\n');
}

describe('describeFunction on the sample function', () => {
  it('prints the first line, header lines and BAR regions of a programmed endpoint', () => {
    const lines = linesOf(describeFunction(programmedSample().peek(), ADDRESS));
    expect(lines[0]).toBe('01:00.0 Ethernet controller [0200]: Device [8086:10c9] (rev 01)');
    expect(lines).toContain('\tSubsystem: Device [8086:0000]');
    expect(lines).toContain('\tControl: I/O+ Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx-');
    expect(lines).toContain('\tStatus: Cap+ 66MHz- UDF- FastB2B- ParErr- DEVSEL=fast >TAbort- <TAbort- <MAbort- >SERR- <PERR- INTx-');
    expect(lines).toContain('\tInterrupt: pin A routed to IRQ 11');
    expect(lines.filter((l) => l.startsWith('\tRegion '))).toEqual([
      '\tRegion 0: Memory at fe800000 (32-bit, non-prefetchable)',
      '\tRegion 1: Memory at fe820000 (32-bit, non-prefetchable)',
      '\tRegion 2: I/O ports at e000',
      '\tRegion 3: Memory at fe840000 (64-bit, non-prefetchable)',
    ]);
    // Sizes are not in the bytes, so none are printed.
    expect(lines.some((l) => l.includes('[size='))).toBe(false);
  });

  it('prints one title line per capability, in chain order, with decoded fields', () => {
    const text = describeFunction(programmedSample().peek(), ADDRESS);
    const lines = linesOf(text);
    expect(lines.filter((l) => l.startsWith('\tCapabilities: '))).toEqual([
      '\tCapabilities: [40] Power Management version 3',
      '\tCapabilities: [50] MSI: Enable+ Count=1/1 Maskable+ 64bit+',
      '\tCapabilities: [70] MSI-X: Enable+ Count=10 Masked-',
      '\tCapabilities: [a0] Express (v2) Endpoint, MSI 00',
      '\tCapabilities: [100 v1] Alternative Routing-ID Interpretation (ARI)',
    ]);
    expect(lines).toContain('\t\tFlags: PMEClk- DSI+ D1- D2- AuxCurrent=0mA PME(D0+,D1-,D2-,D3hot+,D3cold+)');
    expect(lines).toContain('\t\tStatus: D0 NoSoftRst+ PME-Enable- DSel=0 DScale=0 PME-');
    expect(lines).toContain('\t\tAddress: 0000000000000000  Data: 0000');
    expect(lines).toContain('\t\tMasking: 00000000  Pending: 00000000');
    expect(lines).toContain('\t\tVector table: BAR=3 offset=00000000');
    expect(lines).toContain('\t\tPBA: BAR=3 offset=00002000');
    expect(lines).toContain('\t\tDevCap:\tMaxPayload 512 bytes, PhantFunc 0, Latency L0s <64ns, L1 <1us');
    expect(lines).toContain('\t\t\tExtTag+ AttnBtn- AttnInd- PwrInd- RBE+ FLReset+ SlotPowerLimit 0W'); // as lspci 3.9 prints it
    expect(lines).toContain('\t\t\tMaxPayload 256 bytes, MaxReadReq 512 bytes');
    expect(lines).toContain('\t\tLnkCap:\tPort #0, Speed 5GT/s, Width x4, ASPM not supported');
    expect(lines).toContain('\t\tLnkSta:\tSpeed 5GT/s, Width x4');
    expect(lines).toContain('\t\tLnkCap2: Supported Link Speeds: 2.5-5GT/s, Crosslink- Retimer- 2Retimers- DRS-'); // as lspci 3.9 prints it
    expect(lines).toContain('\t\tARICap:\tMFVC- ACS-, Next Function: 0');
    expect(lines).toContain('\t\tARICtl:\tMFVC- ACS-, Function Group: 0');
    // ARIFwd is a port feature.
    expect(text).not.toContain('ARIFwd');
  });

  it('follows the verbosity levels', () => {
    const bytes = programmedSample().peek();
    const at = (verbose: 0 | 1 | 2 | 3): string[] => linesOf(describeFunction(bytes, ADDRESS, { verbose }));
    expect(at(0)).toEqual(['01:00.0 Ethernet controller [0200]: Device [8086:10c9] (rev 01)']);
    const v1 = at(1);
    expect(v1.some((l) => l.startsWith('\tControl:'))).toBe(false);
    expect(v1.filter((l) => l.startsWith('\tRegion '))).toHaveLength(4);
    expect(v1.filter((l) => l.startsWith('\tCapabilities: '))).toHaveLength(5);
    expect(v1.some((l) => l.startsWith('\t\t'))).toBe(false);
    const v2 = at(2);
    expect(v2.some((l) => l.startsWith('\tControl:'))).toBe(true);
    expect(v2.some((l) => l.startsWith('\t\tDevCtl2:'))).toBe(true);
    expect(v2.some((l) => l.startsWith('\t\tLnkCap2:'))).toBe(false);
    expect(at(3)).toEqual(linesOf(describeFunction(bytes, ADDRESS)));
    expect(at(3).some((l) => l.startsWith('\t\tLnkCap2:'))).toBe(true);
  });

  it('prints unassigned BARs of a fresh function as lspci does and leaves out BARs that read 0', () => {
    const fn = buildConfigSpace(sampleEndpointSpec());
    const lines = linesOf(describeFunction(fn.peek(), ADDRESS));
    // BAR0/BAR1 read 0 (mem32, not prefetchable, address 0): not printed. BAR2 reads 1 (I/O),
    // BAR3 reads 4 (mem64): printed as unassigned, and disabled since Command decodes nothing.
    expect(lines.filter((l) => l.startsWith('\tRegion '))).toEqual([
      '\tRegion 2: I/O ports at <unassigned> [disabled]',
      '\tRegion 3: Memory at <unassigned> (64-bit, non-prefetchable) [disabled]',
    ]);
    expect(lines.some((l) => l.startsWith('\tInterrupt: pin A routed to IRQ 0'))).toBe(true);
    expect(lines.some((l) => l.startsWith('\tExpansion ROM'))).toBe(false);
  });

  it('prints the expansion ROM with [disabled] unless ROM Enable and Memory Space are both set', () => {
    const fn = buildConfigSpace(sampleEndpointSpec());
    fn.write(0x30, 4, 0xfe00_0000);
    expect(describeFunction(fn.peek(), ADDRESS)).toContain('\tExpansion ROM at fe000000 [disabled]\n');
    fn.write(0x30, 4, 0xfe00_0001);
    expect(describeFunction(fn.peek(), ADDRESS)).toContain('\tExpansion ROM at fe000000 [disabled]\n');
    fn.write(0x04, 2, 0x0002);
    expect(describeFunction(fn.peek(), ADDRESS)).toContain('\tExpansion ROM at fe000000\n');
  });

  it('decodes a Type 1 root port: bus numbers, windows, bridge lines and ARI forwarding', () => {
    const fn = buildConfigSpace({
      header: { type: 1, vendorId: 0x1b36, deviceId: 0x000c, classCode: 0x060400 },
      capabilities: [pcieCapability({ deviceType: 'root-port', ariForwardingSupported: true })],
    });
    fn.write(0x19, 1, 0x01);
    fn.write(0x1a, 1, 0x05);
    fn.write(0x20, 2, 0xfe80); // Memory Base 0xfe800000
    fn.write(0x22, 2, 0xfe90); // Memory Limit 0xfe9fffff
    fn.write(0x1c, 1, 0xf1); // I/O Base above Limit: window closed
    fn.write(0x40 + 0x28, 2, 0x0020);
    const lines = linesOf(describeFunction(fn.peek(), { domain: 0, bus: 0, device: 1, function: 0 }));
    expect(lines[0]).toBe('00:01.0 PCI bridge [0604]: Device [1b36:000c]');
    expect(lines).toContain('\tBus: primary=00, secondary=01, subordinate=05, sec-latency=0');
    expect(lines).toContain('\tI/O behind bridge: 0000f000-00000fff [disabled] [32-bit]'); // closed: both ends shown, as lspci 3.9 does
    expect(lines).toContain('\tMemory behind bridge: fe800000-fe9fffff [size=2M] [32-bit]');
    expect(lines).toContain('\tPrefetchable memory behind bridge: 0000000000000000-00000000000fffff [size=1M] [64-bit]');
    expect(lines.some((l) => l.startsWith('\tSecondary status: 66MHz- '))).toBe(true);
    expect(lines.some((l) => l.startsWith('\tBridgeCtl: Parity- '))).toBe(true);
    expect(lines).toContain('\tCapabilities: [40] Express (v2) Root Port (Slot-), MSI 00');
    // lspci 3.9 puts ARIFwd on DevCap2's fourth line (after FRS, LN System CLS and TPH) and at the end of DevCtl2.
    expect(lines.find((l) => l.startsWith('\t\t\t FRS'))).toMatch(/ ARIFwd\+$/);
    expect(lines.find((l) => l.startsWith('\t\tDevCtl2:'))).toMatch(/, ARIFwd\+$/);
    // No Interrupt line (pin 0) and no Region lines (no BARs).
    expect(lines.some((l) => l.startsWith('\tInterrupt:') || l.startsWith('\tRegion '))).toBe(false);
  });

  it('decodes an SR-IOV capability from its raw layout (reference d.7 vector)', () => {
    const b = programmedSample().peek();
    writeLE(b, 0x100, 4, 0x1601_000e); // ARI, next 0x160
    const sriov: [number, number, number][] = [
      [0x00, 4, 0x0001_0010], [0x04, 4, 0], [0x08, 2, 0x0019], [0x0c, 2, 8], [0x0e, 2, 8], [0x10, 2, 8],
      [0x14, 2, 0x80], [0x16, 2, 2], [0x1a, 2, 0x10ca], [0x1c, 4, 0x553], [0x20, 4, 1], [0x24, 4, 0xfe90_000c], [0x30, 4, 0xfe92_000c],
    ];
    for (const [o, s, v] of sriov) writeLE(b, 0x160 + o, s as 2 | 4, v);
    const lines = linesOf(describeFunction(b, ADDRESS));
    const start = lines.indexOf('\tCapabilities: [160 v1] Single Root I/O Virtualization (SR-IOV)');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1)).toEqual([
      '\t\tIOVCap:\tMigration- 10BitTagReq- Interrupt Message Number: 000',
      '\t\tIOVCtl:\tEnable+ Migration- Interrupt- MSE+ ARIHierarchy+ 10BitTagReq-',
      '\t\tIOVSta:\tMigration-',
      '\t\tInitial VFs: 8, Total VFs: 8, Number of VFs: 8, Function Dependency Link: 00',
      '\t\tVF offset: 128, stride: 2, Device ID: 10ca',
      '\t\tSupported Page Size: 00000553, System Page Size: 00000001',
      '\t\tRegion 0: Memory at 00000000fe900000 (64-bit, prefetchable)',
      '\t\tRegion 3: Memory at 00000000fe920000 (64-bit, prefetchable)',
      '\t\tVF Migration: offset: 00000000, BIR: 0',
    ]);
  });

  it('lists extended capabilities only when a PCI Express capability is present', () => {
    const b = new Uint8Array(4096);
    b.set([0x86, 0x80, 0xc9, 0x10, 0x00, 0x00, 0x10, 0x00], 0);
    b[0x34] = 0x40;
    b.set([0x01, 0x00, 0x03, 0x00], 0x40); // PM only
    writeLE(b, 0x100, 4, 0x0001_000e); // ARI header
    expect(describeFunction(b, ADDRESS)).not.toContain('[100');
    b[0x41] = 0x50;
    b.set([0x10, 0x00, 0x02, 0x00], 0x50); // PCIe v2 endpoint
    expect(describeFunction(b, ADDRESS)).toContain('\tCapabilities: [100 v1] Alternative Routing-ID Interpretation (ARI)\n');
    // A 256-byte dump has no extended space.
    expect(describeFunction(b.slice(0, 256), ADDRESS)).not.toContain('[100');
  });

  it('names unknown IDs and reports looped, broken and missing chains', () => {
    const b = new Uint8Array(4096);
    b.set([0x86, 0x80, 0xc9, 0x10, 0x00, 0x00, 0x10, 0x00], 0);
    b[0x34] = 0x40;
    b.set([0x99, 0x50], 0x40);
    b.set([0x10, 0x40, 0x02, 0x00], 0x50); // PCIe, next back to 0x40: a loop
    writeLE(b, 0x100, 4, 0x2001_9999); // unknown, next 0x200
    writeLE(b, 0x200, 4, 0x1001_000e); // ARI, next back to 0x100: a loop
    let lines = linesOf(describeFunction(b, ADDRESS));
    expect(lines.filter((l) => l.startsWith('\tCapabilities: '))).toEqual([
      '\tCapabilities: [40] Capability id 99',
      '\tCapabilities: [50] Express (v2) Endpoint, MSI 00',
      '\tCapabilities: [40] <chain looped>',
      '\tCapabilities: [100 v1] Extended Capability ID 9999',
      '\tCapabilities: [200 v1] Alternative Routing-ID Interpretation (ARI)',
      '\tCapabilities: [100] <chain looped>',
    ]);
    b[0x51] = 0x60;
    b[0x60] = 0xff;
    lines = linesOf(describeFunction(b, ADDRESS));
    expect(lines).toContain('\tCapabilities: [60] <chain broken>');
    b[0x51] = 0x08;
    expect(describeFunction(b, ADDRESS)).toContain('\tCapabilities: [08] <chain broken: pointer at 0x51 points into the header>\n');
    expect(describeFunction(b.slice(0, 64), ADDRESS)).toContain('\tCapabilities: [40] <not available: beyond the 64 bytes given>\n');
  });

  it('reports a capability whose fields run past the bytes given', () => {
    const b = new Uint8Array(256);
    b.set([0x86, 0x80, 0xc9, 0x10, 0x00, 0x00, 0x10, 0x00], 0);
    b[0x34] = 0xf0;
    b.set([0x10, 0x00, 0x02, 0x00], 0xf0); // PCIe needs 0x3c bytes from 0xf0
    const lines = linesOf(describeFunction(b, ADDRESS));
    expect(lines).toContain('\tCapabilities: [f0] Express (v2) Endpoint, MSI 00');
    expect(lines).toContain('\t\t<truncated: 20 bytes from 0xf0 run past the 256 bytes given>');
  });

  it('handles short input and rejects a bad address or non-byte input', () => {
    expect(describeFunction(new Uint8Array(10), ADDRESS)).toBe('01:00.0 <not decoded: 10 bytes given, the header needs 64>\n');
    expect(() => describeFunction(new Uint8Array(64), { domain: 0, bus: 0x100, device: 0, function: 0 })).toThrow(RangeError);
    expect(() => describeFunction([1, 2, 3] as unknown as Uint8Array, ADDRESS)).toThrow(TypeError);
  });
});
