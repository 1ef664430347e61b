import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { buildConfigSpace, sampleEndpointSpec, type BarSpec, type ConfigSpace, type Type1HeaderSpec } from '../../../src/config/index.js';
import type { Diagnostic } from '../../../src/regs/index.js';

/**
 * BAR sizing probe and decode. The probe vectors are those of shared/reference/pcie-sriov.md d.4,
 * written as literals (PCIe Base r6.0 §7.5.1.2.1).
 */

const HEADER = { type: 0, vendorId: 0x8086, deviceId: 0x10c9, classCode: 0x020000 } as const;

/** A Type 0 function with `bar` in `slot` (other slots unimplemented). */
function withBar(bar: BarSpec, slot = 0, diag?: (d: Diagnostic) => void): ConfigSpace {
  const bars: (BarSpec | undefined)[] = new Array<BarSpec | undefined>(slot).fill(undefined);
  bars.push(bar);
  return buildConfigSpace({ header: { ...HEADER, bars } }, diag === undefined ? {} : { onDiagnostic: diag });
}

/** Writes all ones to each DWORD of the BAR and returns what each reads back. */
function probe(space: ConfigSpace, slot: number, dwords: 1 | 2): number[] {
  const out: number[] = [];
  for (let i = 0; i < dwords; i++) space.write(0x10 + (slot + i) * 4, 4, 0xffff_ffff);
  for (let i = 0; i < dwords; i++) out.push(space.read(0x10 + (slot + i) * 4, 4));
  return out;
}

const HEX = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;

/** d.4: [what, BAR, low read-back, high read-back (64-bit only)]. */
const D4: readonly (readonly [string, BarSpec, number, number | undefined])[] = [
  ['16 KiB 64-bit prefetchable', { kind: 'mem64', size: 0x4000, prefetchable: true }, 0xffff_c00c, 0xffff_ffff],
  ['64 KiB 32-bit non-prefetchable', { kind: 'mem32', size: 0x1_0000 }, 0xffff_0000, undefined],
  ['8 GiB 64-bit prefetchable', { kind: 'mem64', size: 0x2_0000_0000n, prefetchable: true }, 0x0000_000c, 0xffff_fffe],
  ['8 GiB 64-bit prefetchable (size as number)', { kind: 'mem64', size: 2 ** 33, prefetchable: true }, 0x0000_000c, 0xffff_fffe],
  ['16 MiB 64-bit non-prefetchable', { kind: 'mem64', size: 0x100_0000 }, 0xff00_0004, 0xffff_ffff],
  ['512 MiB 64-bit prefetchable', { kind: 'mem64', size: 0x2000_0000, prefetchable: true }, 0xe000_000c, 0xffff_ffff],
  ['32 B I/O', { kind: 'io', size: 32 }, 0xffff_ffe1, undefined],
];

/** What a sizing probe must answer for a BAR of 2^k bytes, computed independently of src/. */
function expectedProbe(kind: BarSpec['kind'], k: number, prefetchable: boolean): number[] {
  const size = 1n << BigInt(k);
  if (kind === 'io') return [(Number(BigInt.asUintN(32, ~(size - 1n)) & 0xffff_fffcn) | 1) >>> 0];
  const width = kind === 'mem64' ? 64 : 32;
  const mask = BigInt.asUintN(width, ~(size - 1n));
  const low = (Number(mask & 0xffff_fff0n) | (kind === 'mem64' ? 0b100 : 0) | (prefetchable ? 0b1000 : 0)) >>> 0;
  return kind === 'mem64' ? [low, Number(mask >> 32n)] : [low];
}

const barArb = fc.oneof(
  fc.record({ kind: fc.constant('mem32' as const), k: fc.integer({ min: 4, max: 31 }), prefetchable: fc.boolean(), slot: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('mem64' as const), k: fc.integer({ min: 4, max: 63 }), prefetchable: fc.boolean(), slot: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('io' as const), k: fc.integer({ min: 2, max: 8 }), prefetchable: fc.constant(false), slot: fc.integer({ min: 0, max: 5 }) }),
);

function specOf(b: { kind: BarSpec['kind']; k: number; prefetchable: boolean }): BarSpec {
  if (b.kind === 'io') return { kind: 'io', size: 2 ** b.k };
  if (b.kind === 'mem32') return { kind: 'mem32', size: 2 ** b.k, prefetchable: b.prefetchable };
  return { kind: 'mem64', size: 1n << BigInt(b.k), prefetchable: b.prefetchable };
}

describe('config/bar', () => {
  describe('barRegisters (sizing probe)', () => {
    it.each(D4.map(([what, bar, lo, hi]) => [what, HEX(lo), hi === undefined ? 'n/a' : HEX(hi), bar, lo, hi] as const))(
      'CFG-BAR-01 should answer a sizing probe of a %s BAR with low %s high %s when 0xFFFFFFFF is written to each DWORD',
      (_what, _l, _h, bar, lo, hi) => {
        const s = withBar(bar);
        expect(probe(s, 0, hi === undefined ? 1 : 2)).toEqual(hi === undefined ? [lo] : [lo, hi]);
      },
    );

    it('CFG-BAR-01 should answer 0 for an unimplemented BAR when 0xFFFFFFFF is written', () => {
      const s = buildConfigSpace({ header: HEADER });
      for (let slot = 0; slot < 6; slot++) expect(probe(s, slot, 1)).toEqual([0]);
    });

    it('CFG-BAR-01 should answer the sample endpoint\'s probes slot by slot (128 KiB, 128 KiB, 32 B I/O, 16 KiB mem64, none) when every slot is probed', () => {
      const s = buildConfigSpace(sampleEndpointSpec());
      const got = [0, 1, 2, 3, 4, 5].map((i) => {
        s.write(0x10 + i * 4, 4, 0xffff_ffff);
        return s.read(0x10 + i * 4, 4);
      });
      expect(got).toEqual([0xfffe_0000, 0xfffe_0000, 0xffff_ffe1, 0xffff_c004, 0xffff_ffff, 0]);
    });

    it('CFG-BAR-01 should read only the type bits of each BAR when the function comes out of reset', () => {
      const s = buildConfigSpace({ header: { ...HEADER, bars: [{ kind: 'mem64', size: 0x4000, prefetchable: true }, undefined, { kind: 'mem32', size: 0x1000 }, { kind: 'io', size: 16 }] } });
      expect([0, 1, 2, 3, 4, 5].map((i) => s.read(0x10 + i * 4, 4))).toEqual([0x0000_000c, 0, 0x0000_0000, 0x0000_0001, 0, 0]);
    });

    it('CFG-BAR-01 should keep address bits below the size at 0 when software programs a misaligned base', () => {
      const s = withBar({ kind: 'mem32', size: 0x1_0000 });
      s.write(0x10, 4, 0xfe90_1234);
      expect(s.read(0x10, 4)).toBe(0xfe90_0000);
      const io = withBar({ kind: 'io', size: 32 });
      io.write(0x10, 4, 0x0000_e03f);
      expect(io.read(0x10, 4)).toBe(0x0000_e021);
    });

    it('CFG-BAR-01 should not report driver.ro-write when the sizing probe writes ones over the read-only type and size bits', () => {
      const got: Diagnostic[] = [];
      const s = withBar({ kind: 'mem64', size: 0x4000, prefetchable: true }, 0, (d) => got.push(d));
      probe(s, 0, 2);
      s.write(0x18, 4, 0xffff_ffff); // an unimplemented slot is also probed by enumeration code
      expect(got).toEqual([]);
    });

    test.prop([barArb])('CFG-BAR-01 should answer ~(size-1) masked | type bits when a random mem32/mem64/io BAR in a random slot is probed', (b) => {
      const s = withBar(specOf(b), b.slot);
      const want = expectedProbe(b.kind, b.k, b.prefetchable);
      expect(probe(s, b.slot, b.kind === 'mem64' ? 2 : 1)).toEqual(want);
      // Writing 0 restores the type bits only; neighbouring unimplemented slots stay 0.
      for (let i = 0; i < want.length; i++) s.write(0x10 + (b.slot + i) * 4, 4, 0);
      expect(s.read(0x10 + b.slot * 4, 4)).toBe(b.kind === 'io' ? 1 : (b.kind === 'mem64' ? 4 : 0) | (b.prefetchable ? 8 : 0));
      for (let i = 0; i < 6; i++) if (i < b.slot || i >= b.slot + want.length) expect(s.read(0x10 + i * 4, 4)).toBe(0);
    });
  });

  describe('expansionRomRegister', () => {
    it('CFG-BAR-01 should answer 0xFFFC0001 for a 256 KiB Expansion ROM when 0xFFFFFFFF is written (bit 0 Enable is RW)', () => {
      const s = buildConfigSpace({ header: { ...HEADER, expansionRomSize: 0x4_0000 } });
      expect(s.read(0x30, 4)).toBe(0);
      s.write(0x30, 4, 0xffff_ffff);
      expect(s.read(0x30, 4)).toBe(0xfffc_0001);
      s.write(0x30, 4, 0xffff_fffe);
      expect(s.read(0x30, 4)).toBe(0xfffc_0000);
    });

    it.each([
      [0x800, 0xffff_f801],
      [0x1_0000, 0xffff_0001],
      [0x100_0000, 0xff00_0001],
    ])('CFG-BAR-01 should answer the size mask | Enable for a %i-byte Expansion ROM when probed', (size, want) => {
      const s = buildConfigSpace({ header: { ...HEADER, expansionRomSize: size } });
      s.write(0x30, 4, 0xffff_ffff);
      expect(s.read(0x30, 4)).toBe(want);
    });

    it('CFG-BAR-01 should answer 0 for an absent Expansion ROM when 0xFFFFFFFF is written', () => {
      const s = buildConfigSpace({ header: HEADER });
      s.write(0x30, 4, 0xffff_ffff);
      expect(s.read(0x30, 4)).toBe(0);
    });

    it('CFG-BAR-01 should put a Type 1 Expansion ROM at 0x38 when the bridge has one', () => {
      const s = buildConfigSpace({ header: { type: 1, vendorId: 1, deviceId: 2, classCode: 0x060400, expansionRomSize: 0x4_0000 } satisfies Type1HeaderSpec });
      s.write(0x38, 4, 0xffff_ffff);
      expect(s.read(0x38, 4)).toBe(0xfffc_0001);
      expect(s.read(0x30, 4)).toBe(0);
    });
  });

  describe('ConfigSpace.bars', () => {
    it('CFG-BAR-02 should decode every implemented BAR with base 0 and decoding off when the sample endpoint comes out of reset', () => {
      const s = buildConfigSpace(sampleEndpointSpec());
      expect(s.bars()).toEqual([
        { index: 0, kind: 'mem32', prefetchable: false, size: 0x2_0000n, base: 0n, decodeEnabled: false, sizingProbe: false, active: false },
        { index: 1, kind: 'mem32', prefetchable: false, size: 0x2_0000n, base: 0n, decodeEnabled: false, sizingProbe: false, active: false },
        { index: 2, kind: 'io', prefetchable: false, size: 32n, base: 0n, decodeEnabled: false, sizingProbe: false, active: false },
        { index: 3, kind: 'mem64', prefetchable: false, size: 0x4000n, base: 0n, decodeEnabled: false, sizingProbe: false, active: false },
      ]);
    });

    it('CFG-BAR-02 should follow Command Memory Space for memory BARs and I/O Space for I/O BARs when each is set in turn', () => {
      const s = buildConfigSpace(sampleEndpointSpec());
      s.write(0x10, 4, 0xfe00_0000);
      s.write(0x18, 4, 0x0000_e000);
      s.write(0x04, 2, 0x0002);
      let b = s.bars();
      expect(b.map((x) => x.decodeEnabled)).toEqual([true, true, false, true]);
      expect(b[0]).toMatchObject({ base: 0xfe00_0000n, active: true });
      expect(b[2]).toMatchObject({ base: 0xe000n, active: false });
      s.write(0x04, 2, 0x0001);
      b = s.bars();
      expect(b.map((x) => x.decodeEnabled)).toEqual([false, false, true, false]);
      expect(b[2]).toMatchObject({ base: 0xe000n, active: true });
      expect(b[0]?.active).toBe(false);
    });

    it('CFG-BAR-02 should flag a sizing probe and not decode it when all ones were written, then decode again when an address is written back', () => {
      const s = buildConfigSpace(sampleEndpointSpec());
      s.write(0x04, 2, 0x0003);
      s.write(0x10, 4, 0xffff_ffff);
      s.write(0x18, 4, 0xffff_ffff);
      s.write(0x1c, 4, 0xffff_ffff);
      s.write(0x20, 4, 0xffff_ffff);
      const b = s.bars();
      expect(b.map((x) => x.sizingProbe)).toEqual([true, false, true, true]);
      expect(b.map((x) => x.active)).toEqual([false, true, false, false]);
      expect(b[0]?.base).toBe(0xfffe_0000n);
      expect(b[3]?.base).toBe(0xffff_ffff_ffff_c000n);
      s.write(0x10, 4, 0xfe00_0000);
      expect(s.bars()[0]).toMatchObject({ base: 0xfe00_0000n, sizingProbe: false, active: true });
    });

    it('CFG-BAR-02 should decode a 64-bit base across both DWORDs as a bigint when low and high are programmed', () => {
      const s = buildConfigSpace(sampleEndpointSpec());
      s.write(0x1c, 4, 0xc000_4000);
      s.write(0x20, 4, 0x0000_0003);
      s.write(0x04, 2, 0x0002);
      const b3 = s.bars()[3];
      expect(b3).toMatchObject({ index: 3, kind: 'mem64', base: 0x3_c000_4000n, decodeEnabled: true, sizingProbe: false, active: true });
      expect(s.bars().some((x) => x.index === 4)).toBe(false);
    });

    it('CFG-BAR-02 should report prefetchable from the BAR when a 64-bit prefetchable BAR is decoded', () => {
      const s = withBar({ kind: 'mem64', size: 0x2_0000_0000n, prefetchable: true }, 2);
      s.write(0x18, 4, 0);
      s.write(0x1c, 4, 0x0000_0014);
      expect(s.bars()).toEqual([{ index: 2, kind: 'mem64', prefetchable: true, size: 0x2_0000_0000n, base: 0x14_0000_0000n, decodeEnabled: false, sizingProbe: false, active: false }]);
    });

    it('CFG-BAR-02 should decode the two BAR slots of a Type 1 header when a bridge has BARs', () => {
      const s = buildConfigSpace({ header: { type: 1, vendorId: 1, deviceId: 2, classCode: 0x060400, bars: [{ kind: 'mem64', size: 0x1000 }] } });
      s.write(0x10, 4, 0xfeb0_1000);
      s.write(0x14, 4, 0x1);
      s.write(0x04, 2, 0x2);
      expect(s.bars()).toEqual([{ index: 0, kind: 'mem64', prefetchable: false, size: 0x1000n, base: 0x1_feb0_1000n, decodeEnabled: true, sizingProbe: false, active: true }]);
    });

    test.prop([barArb, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })])(
      'CFG-BAR-02 should decode exactly the programmed aligned base when a random BAR is programmed and decoding is on',
      (b, raw) => {
        const s = withBar(specOf(b), b.slot);
        const size = 1n << BigInt(b.k);
        const width = b.kind === 'mem64' ? 64 : 32;
        const base = BigInt.asUintN(width, raw) & ~(size - 1n) & (b.kind === 'io' ? 0xffff_fffcn : ~0xfn);
        s.write(0x10 + b.slot * 4, 4, Number(base & 0xffff_ffffn));
        if (b.kind === 'mem64') s.write(0x14 + b.slot * 4, 4, Number(base >> 32n));
        s.write(0x04, 2, b.kind === 'io' ? 0x1 : 0x2);
        const addrMask = BigInt.asUintN(width, ~(size - 1n)) & (b.kind === 'io' ? 0xffff_fffcn : ~0xfn);
        const probeLike = base === addrMask;
        expect(s.bars()).toEqual([{
          index: b.slot, kind: b.kind, prefetchable: b.prefetchable, size, base, decodeEnabled: true, sizingProbe: probeLike, active: !probeLike,
        }]);
      },
    );
  });

  describe('ConfigSpace.expansionRom', () => {
    it('CFG-BAR-02 should return undefined when the function has no Expansion ROM', () => {
      expect(buildConfigSpace({ header: HEADER }).expansionRom()).toBeUndefined();
    });

    it.each([
      [false, false, false],
      [true, false, false],
      [false, true, false],
      [true, true, true],
    ])('CFG-BAR-02 should report the ROM enabled=%s/memorySpace=%s as decoding=%s', (romEnable, mse, enabled) => {
      const s = buildConfigSpace(sampleEndpointSpec());
      s.write(0x30, 4, 0xfeb1_2344 + (romEnable ? 1 : 0));
      s.write(0x04, 2, mse ? 0x2 : 0x0);
      expect(s.expansionRom()).toEqual({ size: 0x4_0000, base: 0xfeb0_0000, enabled });
    });
  });
});
