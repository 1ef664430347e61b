import { describe, expect, it } from 'vitest';
import {
  buildConfigSpace, pcieCapability, pmCapability,
  type ConfigSpace, type Type0HeaderSpec, type Type1HeaderSpec,
} from '../../../src/config/index.js';
import { LayoutError, type Access, type Diagnostic } from '../../../src/regs/index.js';

/**
 * Type 0 / Type 1 header tests. Expected values come from PCIe Base r6.0 §7.5.1 as summarised in
 * shared/reference/pcie-sriov.md a.5 (Type 0) and a.6 (Type 1), written out as literals here so
 * that a wrong table in src/ cannot make its own test pass.
 */

const HEX = (n: number): string => `0x${n.toString(16)}`;

/** An endpoint with a memory BAR and an I/O BAR, so that Command I/O and Memory Space are writable. */
const TYPE0: Type0HeaderSpec = {
  type: 0, vendorId: 0x8086, deviceId: 0x10c9, revisionId: 0x01, classCode: 0x020000, multiFunction: true, interruptPin: 1,
  subsystemVendorId: 0x8086, subsystemId: 0xa01f,
  bars: [{ kind: 'mem32', size: 0x20000 }, undefined, { kind: 'io', size: 32 }],
};

/** A root port: Type 1 header with default windows (32-bit I/O, 64-bit prefetchable). */
const TYPE1: Type1HeaderSpec = { type: 1, vendorId: 0x8086, deviceId: 0x7c10, classCode: 0x060400 };

function type0(over: Partial<Type0HeaderSpec> = {}, withCap = true): ConfigSpace {
  return buildConfigSpace({ header: { ...TYPE0, ...over }, capabilities: withCap ? [pmCapability()] : [] });
}

function type1(over: Partial<Type1HeaderSpec> = {}, diag?: (d: Diagnostic) => void): ConfigSpace {
  return buildConfigSpace(
    { header: { ...TYPE1, ...over }, capabilities: [pcieCapability({ deviceType: 'root-port' })] },
    diag === undefined ? {} : { onDiagnostic: diag },
  );
}

const ONES = { 1: 0xff, 2: 0xffff, 4: 0xffff_ffff } as const;

/** [offset, size, qualified register name, value after reset, bits software can write]. */
type Row = readonly [number, 1 | 2 | 4, string, number, number];

/** Checks offset and width in the layout, reset value, and which bits an all-ones / all-zeros write changes. */
function checkRow(space: ConfigSpace, [off, size, qname, reset, writable]: Row): void {
  const r = space.layout.register(qname);
  expect(r.offset, `${qname} offset`).toBe(off);
  expect(r.width, `${qname} width`).toBe(size * 8);
  expect(space.read(off, size), `${qname} reset value`).toBe(reset);
  space.write(off, size, ONES[size]);
  expect(space.read(off, size), `${qname} after writing all ones`).toBe((reset | writable) >>> 0);
  space.write(off, size, 0);
  expect(space.read(off, size), `${qname} after writing zeros`).toBe((reset & ~writable) >>> 0);
}

const TYPE0_ROWS: readonly Row[] = [
  [0x00, 2, 'header.vendorId', 0x8086, 0],
  [0x02, 2, 'header.deviceId', 0x10c9, 0],
  // Command: b0 I/O, b1 Memory, b2 Bus Master, b6 Parity Error Response, b8 SERR#, b10 Interrupt Disable.
  [0x04, 2, 'header.command', 0x0000, 0x0547],
  // Status: only Capabilities List (b4) set; RW1C bits are 0 and writing 1 leaves them 0.
  [0x06, 2, 'header.status', 0x0010, 0],
  // Revision 0x01, prog-if 0x00, sub-class 0x00, base class 0x02.
  [0x08, 4, 'header.classRevision', 0x0200_0001, 0],
  [0x0c, 1, 'header.cacheLineSize', 0x00, 0xff],
  [0x0d, 1, 'header.latencyTimer', 0x00, 0],
  [0x0e, 1, 'header.headerType', 0x80, 0],
  [0x0f, 1, 'header.bist', 0x00, 0],
  [0x28, 4, 'header.cardbusCis', 0, 0],
  [0x2c, 2, 'header.subsystemVendorId', 0x8086, 0],
  [0x2e, 2, 'header.subsystemId', 0xa01f, 0],
  [0x34, 1, 'header.capabilitiesPointer', 0x40, 0],
  [0x35, 1, 'header.reserved35', 0, 0],
  [0x36, 2, 'header.reserved36', 0, 0],
  [0x38, 4, 'header.reserved38', 0, 0],
  [0x3c, 1, 'header.interruptLine', 0x00, 0xff],
  [0x3d, 1, 'header.interruptPin', 0x01, 0],
  [0x3e, 1, 'header.minGnt', 0x00, 0],
  [0x3f, 1, 'header.maxLat', 0x00, 0],
];

/** [qualified register, field, [hi, lo], spec access type]. */
type FieldRow = readonly [string, string, readonly [number, number], Access];

const TYPE0_FIELDS: readonly FieldRow[] = [
  ['header.vendorId', 'vendorId', [15, 0], 'RO'],
  ['header.deviceId', 'deviceId', [15, 0], 'RO'],
  ['header.command', 'ioSpace', [0, 0], 'RW'],
  ['header.command', 'memorySpace', [1, 1], 'RW'],
  ['header.command', 'busMaster', [2, 2], 'RW'],
  ['header.command', 'specialCycle', [3, 3], 'RO'],
  ['header.command', 'memoryWriteInvalidate', [4, 4], 'RO'],
  ['header.command', 'vgaPaletteSnoop', [5, 5], 'RO'],
  ['header.command', 'parityErrorResponse', [6, 6], 'RW'],
  ['header.command', 'idselStepping', [7, 7], 'RO'],
  ['header.command', 'serrEnable', [8, 8], 'RW'],
  ['header.command', 'fastBackToBack', [9, 9], 'RO'],
  ['header.command', 'interruptDisable', [10, 10], 'RW'],
  ['header.status', 'immediateReadiness', [0, 0], 'RO'],
  ['header.status', 'interruptStatus', [3, 3], 'RO'],
  ['header.status', 'capabilitiesList', [4, 4], 'RO'],
  ['header.status', 'mhz66Capable', [5, 5], 'RO'],
  ['header.status', 'fastBackToBackCapable', [7, 7], 'RO'],
  ['header.status', 'masterDataParityError', [8, 8], 'RW1C'],
  ['header.status', 'devselTiming', [10, 9], 'RO'],
  ['header.status', 'signaledTargetAbort', [11, 11], 'RW1C'],
  ['header.status', 'receivedTargetAbort', [12, 12], 'RW1C'],
  ['header.status', 'receivedMasterAbort', [13, 13], 'RW1C'],
  ['header.status', 'signaledSystemError', [14, 14], 'RW1C'],
  ['header.status', 'detectedParityError', [15, 15], 'RW1C'],
  ['header.classRevision', 'revisionId', [7, 0], 'RO'],
  ['header.classRevision', 'programmingInterface', [15, 8], 'RO'],
  ['header.classRevision', 'subClass', [23, 16], 'RO'],
  ['header.classRevision', 'baseClass', [31, 24], 'RO'],
  ['header.cacheLineSize', 'cacheLineSize', [7, 0], 'RW'],
  ['header.headerType', 'headerLayout', [6, 0], 'RO'],
  ['header.headerType', 'multiFunction', [7, 7], 'RO'],
  ['header.capabilitiesPointer', 'pointer', [7, 0], 'RO'],
  ['header.interruptLine', 'interruptLine', [7, 0], 'RW'],
  ['header.interruptPin', 'interruptPin', [7, 0], 'RO'],
  ['header.minGnt', 'minGnt', [7, 0], 'RO'],
  ['header.maxLat', 'maxLat', [7, 0], 'RO'],
];

const STATUS_W1C = [
  ['masterDataParityError', 8],
  ['signaledTargetAbort', 11],
  ['receivedTargetAbort', 12],
  ['receivedMasterAbort', 13],
  ['signaledSystemError', 14],
  ['detectedParityError', 15],
] as const;

const SECONDARY_STATUS_W1C = [
  ['masterDataParityError', 8],
  ['signaledTargetAbort', 11],
  ['receivedTargetAbort', 12],
  ['receivedMasterAbort', 13],
  ['receivedSystemError', 14],
  ['detectedParityError', 15],
] as const;

describe('config/header', () => {
  describe('headerBlock (Type 0)', () => {
    it.each(TYPE0_ROWS.map((r) => [r[2], HEX(r[0]), r] as const))(
      'CFG-HDR-01 should place %s at %s with its reset value and writable bits when written all ones then zeros',
      (_name, _off, row) => {
        checkRow(type0(), row);
      },
    );

    it.each(TYPE0_FIELDS.map((r) => [`${r[0]}.${r[1]}`, r] as const))(
      'CFG-HDR-01 should give %s its spec bit range and access type when the header is built',
      (_name, [qname, field, [hi, lo], access]) => {
        const f = type0().layout.field(qname, field);
        expect([f.hi, f.lo]).toEqual([hi, lo]);
        expect(f.access).toBe(access);
      },
    );

    it('CFG-HDR-01 should make Command bits 15:11 RsvdP and Status bits 1, 2, 6 RsvdZ when the header is built', () => {
      const s = type0();
      expect(s.layout.register('header.command').checked.masks.RsvdP).toBe(0xf800);
      expect(s.layout.register('header.status').checked.masks.RsvdZ).toBe(0x0046);
    });

    it('CFG-HDR-01 should report the Command RO bits as driver.ro-write and bits 15:11 as driver.rsvdp-changed when software writes 0xFFFF', () => {
      const got: Diagnostic[] = [];
      const s = buildConfigSpace({ header: TYPE0 }, { onDiagnostic: (d) => got.push(d) });
      s.write(0x04, 2, 0xffff);
      expect(s.read(0x04, 2)).toBe(0x0547);
      const ro = got.find((d) => d.code === 'driver.ro-write');
      expect(ro?.register).toBe('header.command');
      expect([...(ro?.fields ?? [])].sort()).toEqual(['fastBackToBack', 'idselStepping', 'memoryWriteInvalidate', 'specialCycle', 'vgaPaletteSnoop']);
      expect(got.find((d) => d.code === 'driver.rsvdp-changed')?.register).toBe('header.command');
    });

    it('CFG-HDR-01 should report driver.rsvdz-nonzero when software writes 1 to a reserved Status bit', () => {
      const got: Diagnostic[] = [];
      const s = buildConfigSpace({ header: TYPE0 }, { onDiagnostic: (d) => got.push(d) });
      s.write(0x06, 2, 0x0002);
      expect(got.map((d) => d.code)).toEqual(['driver.rsvdz-nonzero']);
      expect(s.read(0x06, 2)).toBe(0x0000);
    });

    it('CFG-HDR-01 should encode a 24-bit Class Code as prog-if, sub-class and base class bytes when read at 0x09..0x0B', () => {
      const s = type0({ classCode: 0x0c0330, revisionId: 0x5a });
      expect([s.read(0x08, 1), s.read(0x09, 1), s.read(0x0a, 1), s.read(0x0b, 1)]).toEqual([0x5a, 0x30, 0x03, 0x0c]);
      expect(s.readField('header.classRevision', 'baseClass')).toBe(0x0c);
      s.write(0x08, 4, 0);
      expect(s.read(0x08, 4)).toBe(0x0c03_305a);
    });

    const DECODE_CASES: readonly (readonly [string, Partial<Type0HeaderSpec>, number])[] = [
      ['no BAR and no ROM', {}, 0x0],
      ['only an I/O BAR', { bars: [{ kind: 'io', size: 16 }] }, 0x1],
      ['only a mem32 BAR', { bars: [{ kind: 'mem32', size: 0x1000 }] }, 0x2],
      ['only a mem64 BAR', { bars: [undefined, { kind: 'mem64', size: 0x1000 }] }, 0x2],
      ['only an expansion ROM', { expansionRomSize: 0x800 }, 0x2],
      ['an I/O and a memory BAR', { bars: [{ kind: 'io', size: 16 }, { kind: 'mem32', size: 0x1000 }] }, 0x3],
      // The hardwired-zero decode enables are selected by `virtualFunction` (formerly decodeEnablesHardwiredZero).
      ['I/O and memory BARs but a VF header with decode enables hardwired to 0', { bars: [{ kind: 'io', size: 16 }, { kind: 'mem32', size: 0x1000 }], virtualFunction: true }, 0x0],
    ];

    it.each(DECODE_CASES)('CFG-HDR-01 should keep Command I/O / Memory Space writable only as the BARs require when the function has %s', (_what, over, decode) => {
      const header: Type0HeaderSpec = { type: 0, vendorId: 0x1af4, deviceId: 0x1000, classCode: 0, ...over };
      const s = buildConfigSpace({ header });
      s.write(0x04, 2, 0x0007);
      // Bus Master (b2) is always RW; I/O (b0) and Memory (b1) only as expected.
      expect(s.read(0x04, 2)).toBe(0x0004 | decode);
      expect(s.layout.field('header.command', 'ioSpace').access).toBe((decode & 1) !== 0 ? 'RW' : 'RO');
      expect(s.layout.field('header.command', 'memorySpace').access).toBe((decode & 2) !== 0 ? 'RW' : 'RO');
    });

    it('CFG-HDR-01 should hardwire Command I/O, Memory Space and Interrupt Disable to 0 but keep Bus Master RW when the header is a VF\'s', () => {
      const s = type0({ virtualFunction: true, interruptPin: 0 });
      s.write(0x04, 2, 0x0547);
      expect(s.read(0x04, 2)).toBe(0x0144);
    });

    it.each([
      [0, false, '0x00', 0x00],
      [0, true, '0x80', 0x80],
      [1, false, '0x01', 0x01],
      [1, true, '0x81', 0x81],
    ] as const)('CFG-HDR-01 should read Header Type (layout %i, multi-function %s) as %s and ignore writes when built', (type, multiFunction, _hex, want) => {
      const s = buildConfigSpace({ header: { type, vendorId: 1, deviceId: 2, classCode: 0, multiFunction } });
      expect(s.read(0x0e, 1)).toBe(want);
      s.write(0x0e, 1, want ^ 0xff);
      expect(s.read(0x0e, 1)).toBe(want);
    });

    it('CFG-HDR-01 should read Capabilities Pointer 0 and Status.Capabilities List 0 when there is no capability', () => {
      const s = type0({}, false);
      expect(s.read(0x34, 1)).toBe(0);
      expect(s.read(0x06, 2) & 0x10).toBe(0);
    });

    it('CFG-HDR-01 should point Capabilities Pointer at the first capability and set Status.Capabilities List when capabilities are placed', () => {
      const s = buildConfigSpace({ header: TYPE0, capabilities: [{ def: pmCapability(), at: 0x60 }, { def: pcieCapability({ deviceType: 'endpoint' }), at: 0x80 }] });
      expect(s.read(0x34, 1)).toBe(0x60);
      expect(s.readField('header.status', 'capabilitiesList')).toBe(1);
      s.write(0x34, 1, 0);
      expect(s.read(0x34, 1)).toBe(0x60);
    });

    it('CFG-HDR-01 should keep Interrupt Line RW and reset it to 0 when a cold reset follows a write', () => {
      const s = type0();
      s.write(0x3c, 1, 0x0b);
      expect(s.readField('header.interruptLine', 'interruptLine')).toBe(0x0b);
      s.reset('cold');
      expect(s.read(0x3c, 1)).toBe(0);
    });

    it.each([0, 1, 2, 3, 4])('CFG-HDR-01 should read Interrupt Pin %i and ignore writes when configured so', (pin) => {
      const s = type0({ interruptPin: pin });
      expect(s.read(0x3d, 1)).toBe(pin);
      s.write(0x3c, 2, 0xffff);
      expect(s.read(0x3d, 1)).toBe(pin);
      expect(s.read(0x3c, 1)).toBe(0xff);
    });

    it('CFG-HDR-01 should read Min_Gnt and Max_Lat as 0 when software writes all ones', () => {
      const s = type0();
      s.write(0x3c, 4, 0xffff_ffff);
      expect(s.read(0x3e, 2)).toBe(0);
      expect(s.read(0x3c, 4)).toBe(0x0000_01ff);
    });

    // Regression test for a bug found and fixed this session; see the commit that flipped it from it.fails.
    it('should refuse an Interrupt Pin above 4 (INTD#) with layout.bad-option when the header is built', () => {
      let err: unknown;
      try {
        type0({ interruptPin: 5 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LayoutError);
      expect((err as LayoutError).code).toBe('layout.bad-option');
    });

    it.each([
      ['vendorId', { vendorId: 0x1_0000 }],
      ['deviceId', { deviceId: -1 }],
      ['classCode', { classCode: 0x100_0000 }],
      ['revisionId', { revisionId: 0x100 }],
      ['subsystemId', { subsystemId: 0x1_0000 }],
    ] as const)('CFG-HDR-01 should refuse an out-of-range %s with layout.bad-option when the header is built', (_f, over) => {
      let err: unknown;
      try {
        type0(over);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LayoutError);
      expect((err as LayoutError).code).toBe('layout.bad-option');
    });
  });

  describe('RegisterSpace.write on Status (RW1C)', () => {
    it.each(STATUS_W1C)('CFG-W1C-01 should keep Status.%s (bit %i) on a write of 0 and clear it on a write of 1 when hardware set it', (field, bit) => {
      const s = type0();
      s.hwSet('header.status', field);
      expect(s.read(0x06, 2)).toBe(0x0010 | (1 << bit));
      s.write(0x06, 2, 0x0000);
      expect(s.read(0x06, 2)).toBe(0x0010 | (1 << bit));
      s.write(0x06, 2, 1 << bit);
      expect(s.read(0x06, 2)).toBe(0x0010);
      expect(s.readField('header.status', field)).toBe(0);
    });

    it('CFG-W1C-01 should clear only the Status bits written as 1 when several error bits are set', () => {
      const s = type0();
      for (const [f] of STATUS_W1C) s.hwSet('header.status', f);
      expect(s.read(0x06, 2)).toBe(0xf910);
      s.write(0x07, 1, 0x20); // byte write to bits 15:8: clears Received Master Abort (b13) only
      expect(s.read(0x06, 2)).toBe(0xd910);
      s.write(0x06, 2, 0x8100); // b15 and b8
      expect(s.read(0x06, 2)).toBe(0x5810);
      s.write(0x06, 2, 0xffff); // all remaining; Capabilities List (RO) stays
      expect(s.read(0x06, 2)).toBe(0x0010);
    });

    it('CFG-W1C-01 should not set a Status error bit when software writes 1 to it while it is clear', () => {
      const s = type0();
      s.write(0x06, 2, 0xf900);
      expect(s.read(0x06, 2)).toBe(0x0010);
    });

    it('CFG-W1C-01 should leave Command untouched when a DWORD write at 0x04 clears Status bits', () => {
      const s = type0();
      s.write(0x04, 2, 0x0006);
      s.hwSet('header.status', 'receivedMasterAbort');
      s.hwSet('header.status', 'signaledTargetAbort');
      s.write(0x04, 4, 0x2000_0006);
      expect(s.read(0x04, 4)).toBe(0x0810_0006);
    });
  });

  describe('headerBlock (Type 1)', () => {
    const TYPE1_ROWS: readonly Row[] = [
      [0x04, 2, 'header.command', 0x0000, 0x0547],
      [0x0e, 1, 'header.headerType', 0x01, 0],
      [0x18, 1, 'header.primaryBus', 0, 0xff],
      [0x19, 1, 'header.secondaryBus', 0, 0xff],
      [0x1a, 1, 'header.subordinateBus', 0, 0xff],
      [0x1b, 1, 'header.secondaryLatencyTimer', 0, 0],
      [0x1c, 1, 'header.ioBase', 0x01, 0xf0],
      [0x1d, 1, 'header.ioLimit', 0x01, 0xf0],
      [0x1e, 2, 'header.secondaryStatus', 0, 0],
      [0x20, 2, 'header.memoryBase', 0, 0xfff0],
      [0x22, 2, 'header.memoryLimit', 0, 0xfff0],
      [0x24, 2, 'header.prefetchableBase', 0x0001, 0xfff0],
      [0x26, 2, 'header.prefetchableLimit', 0x0001, 0xfff0],
      [0x28, 4, 'header.prefetchableBaseUpper', 0, 0xffff_ffff],
      [0x2c, 4, 'header.prefetchableLimitUpper', 0, 0xffff_ffff],
      [0x30, 2, 'header.ioBaseUpper', 0, 0xffff],
      [0x32, 2, 'header.ioLimitUpper', 0, 0xffff],
      [0x34, 1, 'header.capabilitiesPointer', 0x40, 0],
      [0x35, 1, 'header.reserved35', 0, 0],
      [0x36, 2, 'header.reserved36', 0, 0],
      [0x38, 4, 'header.expansionRom', 0, 0],
      [0x3c, 1, 'header.interruptLine', 0, 0xff],
      [0x3d, 1, 'header.interruptPin', 0, 0],
      // Bridge Control: b0..b4 and b6 RW; b5, b7, b11:8 RO 0; b15:12 RsvdP.
      [0x3e, 2, 'header.bridgeControl', 0, 0x005f],
    ];

    it.each(TYPE1_ROWS.map((r) => [r[2], HEX(r[0]), r] as const))(
      'CFG-HDR-02 should place %s at %s with its reset value and writable bits when the windows are 32-bit I/O and 64-bit prefetchable',
      (_name, _off, row) => {
        checkRow(type1(), row);
      },
    );

    it.each([
      ['16', 0x00, 0xf0, 0],
      ['32', 0x01, 0xf0, 0xffff],
      ['none', 0x00, 0x00, 0],
    ] as const)('CFG-HDR-02 should implement I/O Base/Limit and their upper halves as a %s-bit I/O window requires', (ioWindow, cap, addr, upper) => {
      const s = type1({ ioWindow });
      for (const [off, name] of [[0x1c, 'header.ioBase'], [0x1d, 'header.ioLimit']] as const) checkRow(s, [off, 1, name, cap, addr]);
      for (const [off, name] of [[0x30, 'header.ioBaseUpper'], [0x32, 'header.ioLimitUpper']] as const) checkRow(s, [off, 2, name, 0, upper]);
    });

    it.each([
      ['64', 0x0001, 0xfff0, 0xffff_ffff],
      ['32', 0x0000, 0xfff0, 0],
      ['none', 0x0000, 0x0000, 0],
    ] as const)('CFG-HDR-02 should implement the prefetchable window and its upper registers as a %s-bit window requires', (prefetchableWindow, cap, addr, upper) => {
      const s = type1({ prefetchableWindow });
      for (const [off, name] of [[0x24, 'header.prefetchableBase'], [0x26, 'header.prefetchableLimit']] as const) checkRow(s, [off, 2, name, cap, addr]);
      for (const [off, name] of [[0x28, 'header.prefetchableBaseUpper'], [0x2c, 'header.prefetchableLimitUpper']] as const) checkRow(s, [off, 4, name, 0, upper]);
    });

    it('CFG-HDR-02 should store primary, secondary and subordinate bus numbers independently when written with one DWORD', () => {
      const s = type1();
      s.write(0x18, 4, 0xff05_0300);
      expect([s.read(0x18, 1), s.read(0x19, 1), s.read(0x1a, 1), s.read(0x1b, 1)]).toEqual([0x00, 0x03, 0x05, 0x00]);
      expect(s.readField('header.subordinateBus', 'busNumber')).toBe(0x05);
    });

    it('CFG-HDR-02 should store a memory window as address bits 31:20 when base and limit are written', () => {
      const s = type1();
      s.write(0x20, 4, 0xfe1f_fe00); // base 0xFE00_0000, limit 0xFE1F_FFFF
      expect(s.readField('header.memoryBase', 'address')).toBe(0xfe0);
      expect(s.readField('header.memoryLimit', 'address')).toBe(0xfe1);
      expect(s.read(0x20, 4)).toBe(0xfe10_fe00);
    });

    it('CFG-HDR-02 should report Bridge Control RO bits as driver.ro-write and bits 15:12 as driver.rsvdp-changed when software writes 0xFFFF', () => {
      const got: Diagnostic[] = [];
      const s = type1({}, (d) => got.push(d));
      s.write(0x3e, 2, 0xffff);
      expect(s.read(0x3e, 2)).toBe(0x005f);
      const ro = got.find((d) => d.code === 'driver.ro-write' && d.register === 'header.bridgeControl');
      expect([...(ro?.fields ?? [])].sort()).toEqual(['discardTimers', 'fastBackToBack', 'masterAbortMode']);
      expect(got.some((d) => d.code === 'driver.rsvdp-changed' && d.register === 'header.bridgeControl')).toBe(true);
    });

    it('CFG-HDR-02 should give Bridge Control fields their spec access types when the header is built', () => {
      const s = type1();
      const want: [string, Access][] = [
        ['parityErrorResponse', 'RW'], ['serrEnable', 'RW'], ['isaEnable', 'RW'], ['vgaEnable', 'RW'], ['vga16BitDecode', 'RW'],
        ['masterAbortMode', 'RO'], ['secondaryBusReset', 'RW'], ['fastBackToBack', 'RO'], ['discardTimers', 'RO'],
      ];
      for (const [field, access] of want) expect(s.layout.field('header.bridgeControl', field).access, field).toBe(access);
      expect(s.layout.register('header.bridgeControl').checked.masks.RsvdP).toBe(0xf000);
    });

    it('CFG-HDR-02 should make Command I/O and Memory Space writable when a bridge has no BARs', () => {
      const s = type1();
      s.write(0x04, 2, 0x0003);
      expect(s.read(0x04, 2)).toBe(0x0003);
    });

    it('CFG-HDR-02 should refuse a third BAR with layout.bad-option when a Type 1 header is built', () => {
      let err: unknown;
      try {
        type1({ bars: [{ kind: 'mem32', size: 0x1000 }, { kind: 'mem32', size: 0x1000 }, { kind: 'mem32', size: 0x1000 }] });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LayoutError);
      expect((err as LayoutError).code).toBe('layout.bad-option');
    });

    it.each(SECONDARY_STATUS_W1C)('CFG-W1C-01 should keep Secondary Status.%s (bit %i) on a write of 0 and clear it on a write of 1 when hardware set it', (field, bit) => {
      const s = type1();
      s.hwSet('header.secondaryStatus', field);
      expect(s.read(0x1e, 2)).toBe(1 << bit);
      s.write(0x1e, 2, 0);
      expect(s.read(0x1e, 2)).toBe(1 << bit);
      s.write(0x1e, 2, 1 << bit);
      expect(s.read(0x1e, 2)).toBe(0);
    });

    it('CFG-W1C-01 should clear only the Secondary Status bits written as 1 and leave I/O Base/Limit alone when a DWORD write at 0x1C carries them', () => {
      const s = type1();
      for (const [f] of SECONDARY_STATUS_W1C) s.hwSet('header.secondaryStatus', f);
      expect(s.read(0x1e, 2)).toBe(0xf900);
      s.write(0x1c, 4, 0x2000_f0f0);
      expect(s.read(0x1e, 2)).toBe(0xd900);
      expect(s.read(0x1c, 2)).toBe(0xf1f1);
    });

    it('CFG-W1C-01 should keep Status and Secondary Status independent when hardware sets Received Master Abort in one of them', () => {
      const s = type1();
      s.hwSet('header.status', 'receivedMasterAbort');
      expect(s.read(0x06, 2)).toBe(0x2010);
      expect(s.read(0x1e, 2)).toBe(0);
      s.hwSet('header.secondaryStatus', 'receivedMasterAbort');
      s.write(0x1e, 2, 0x2000);
      expect(s.read(0x06, 2)).toBe(0x2010);
      expect(s.read(0x1e, 2)).toBe(0);
    });
  });
});
