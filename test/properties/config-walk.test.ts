import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { walkCapabilities, walkExtendedCapabilities, type WalkResult } from '../../src/config/index.js';

/**
 * CFG-CAP-02: the capability walkers terminate on any bytes, return at most 48 (standard,
 * 0x40..0xFC) / 960 (extended, 0x100..0xFFC) entries, never repeat an offset, and report a
 * `cap.loop` problem when a chain points back at itself.
 */

const STD_MAX = 48;
const EXT_MAX = 960;

/** Checks the invariants every standard walk must satisfy, whatever the bytes. */
function checkStandard(bytes: Uint8Array, r: WalkResult): void {
  expect(r.entries.length).toBeLessThanOrEqual(STD_MAX);
  const offsets = r.entries.map((e) => e.offset);
  expect(new Set(offsets).size, 'an offset repeats').toBe(offsets.length);
  for (const e of r.entries) {
    expect(e.offset % 4).toBe(0);
    expect(e.offset).toBeGreaterThanOrEqual(0x40);
    expect(e.offset).toBeLessThanOrEqual(0xfc);
    expect(e.id).toBe(bytes[e.offset]);
    expect(e.id).not.toBe(0xff);
  }
  // The walk follows the pointers: 0x34 first, then each capability's next pointer.
  if (r.entries.length > 0) {
    expect((bytes[0x06]! & 0x10) !== 0).toBe(true);
    expect(r.entries[0]!.offset).toBe(bytes[0x34]! & 0xfc);
  }
  for (let i = 1; i < r.entries.length; i++) expect(r.entries[i]!.offset).toBe(bytes[r.entries[i - 1]!.offset + 1]! & 0xfc);
  // At most one problem ends the walk; cap.misaligned is only a note.
  expect(r.problems.filter((p) => p.code !== 'cap.misaligned').length).toBeLessThanOrEqual(1);
}

function readDword(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** Checks the invariants every extended walk must satisfy, whatever the bytes. */
function checkExtended(bytes: Uint8Array, r: WalkResult): void {
  expect(r.entries.length).toBeLessThanOrEqual(EXT_MAX);
  const offsets = r.entries.map((e) => e.offset);
  expect(new Set(offsets).size, 'an offset repeats').toBe(offsets.length);
  for (const e of r.entries) {
    expect(e.offset % 4).toBe(0);
    expect(e.offset).toBeGreaterThanOrEqual(0x100);
    expect(e.offset).toBeLessThanOrEqual(0xffc);
    const h = readDword(bytes, e.offset);
    expect(h).not.toBe(0);
    expect(h).not.toBe(0xffff_ffff);
    expect(e.id).toBe(h & 0xffff);
    expect(e.version).toBe((h >>> 16) & 0xf);
  }
  if (r.entries.length > 0) expect(r.entries[0]!.offset).toBe(0x100);
  for (let i = 1; i < r.entries.length; i++) expect(r.entries[i]!.offset).toBe((readDword(bytes, r.entries[i - 1]!.offset) >>> 20) & 0xffc);
  expect(r.problems.filter((p) => p.code !== 'cap.misaligned').length).toBeLessThanOrEqual(1);
}

function writeDword(bytes: Uint8Array, at: number, v: number): void {
  for (let i = 0; i < 4; i++) bytes[at + i] = (v >>> (8 * i)) & 0xff;
}

/**
 * A standard chain over random bytes: distinct DWORD offsets in 0x40..0xFC, IDs other than 0xFF,
 * pointers with random reserved low bits, the last pointer aimed back at entry `back`.
 */
const stdLoopArb = fc
  .record({
    background: fc.uint8Array({ minLength: 4096, maxLength: 4096 }),
    slots: fc.uniqueArray(fc.integer({ min: 0x10, max: 0x3f }), { minLength: 1, maxLength: STD_MAX }),
    ids: fc.array(fc.integer({ min: 0, max: 0xfe }), { minLength: STD_MAX, maxLength: STD_MAX }),
    low: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: STD_MAX + 1, maxLength: STD_MAX + 1 }),
    backFrac: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  })
  .map(({ background, slots, ids, low, backFrac }) => {
    const bytes = background.slice();
    const offsets = slots.map((s) => s * 4);
    const back = Math.floor(backFrac * offsets.length);
    bytes[0x06] = bytes[0x06]! | 0x10;
    bytes[0x34] = offsets[0]! | low[0]!;
    offsets.forEach((o, i) => {
      bytes[o] = ids[i]!;
      bytes[o + 1] = (i + 1 < offsets.length ? offsets[i + 1]! : offsets[back]!) | low[i + 1]!;
    });
    return { bytes, offsets, ids: ids.slice(0, offsets.length), back };
  });

/** An extended chain over random bytes from 0x100, the last next offset aimed back at entry `back`. */
const extLoopArb = fc
  .record({
    background: fc.uint8Array({ minLength: 4096, maxLength: 4096 }),
    slots: fc.uniqueArray(fc.integer({ min: 0x41, max: 0x3ff }), { maxLength: 200 }),
    ids: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 201, maxLength: 201 }),
    versions: fc.array(fc.integer({ min: 0, max: 0xf }), { minLength: 201, maxLength: 201 }),
    backFrac: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  })
  .map(({ background, slots, ids, versions, backFrac }) => {
    const bytes = background.slice();
    const offsets = [0x100, ...slots.map((s) => s * 4)];
    const back = Math.floor(backFrac * offsets.length);
    offsets.forEach((o, i) => {
      const next = i + 1 < offsets.length ? offsets[i + 1]! : offsets[back]!;
      // The next offset is never 0 here, so the header is neither 0 nor (being DWORD-aligned) 0xFFFFFFFF.
      writeDword(bytes, o, ((next << 20) | (versions[i]! << 16) | ids[i]!) >>> 0);
    });
    return { bytes, offsets, ids: ids.slice(0, offsets.length), versions: versions.slice(0, offsets.length), back };
  });

describe('config/walk', () => {
  describe('walkCapabilities', () => {
    test.prop([fc.uint8Array({ minLength: 4096, maxLength: 4096 })])(
      'CFG-CAP-02 should terminate with at most 48 distinct entries that follow the pointers when walking any 4096 bytes',
      (bytes) => {
        checkStandard(bytes, walkCapabilities(bytes));
      },
    );

    test.prop([fc.uint8Array({ minLength: 4096, maxLength: 4096 })])(
      'CFG-CAP-02 should terminate with at most 48 distinct entries when walking any 4096 bytes with Capabilities List set',
      (raw) => {
        const bytes = raw.slice();
        bytes[0x06] = bytes[0x06]! | 0x10;
        const r = walkCapabilities(bytes);
        checkStandard(bytes, r);
        if ((bytes[0x34]! & 0xfc) >= 0x40 && bytes[bytes[0x34]! & 0xfc] !== 0xff) expect(r.entries.length).toBeGreaterThan(0);
      },
    );

    test.prop([fc.uint8Array({ minLength: 0, maxLength: 4096 })])(
      'CFG-CAP-02 should terminate with at most 48 distinct entries when walking a random array of 0..4096 bytes',
      (bytes) => {
        const r = walkCapabilities(bytes);
        checkStandard(bytes, r);
        if (bytes.length < 0x40) expect(r.problems.map((p) => p.code)).toEqual(['cap.truncated']);
        for (const e of r.entries) expect(e.offset + 2).toBeLessThanOrEqual(bytes.length);
      },
    );

    test.prop([stdLoopArb])(
      'CFG-CAP-02 should list each capability once and report cap.loop at the last pointer when a chain points back to an earlier capability',
      ({ bytes, offsets, ids }) => {
        const r = walkCapabilities(bytes);
        checkStandard(bytes, r);
        expect(r.entries).toEqual(offsets.map((offset, i) => ({ id: ids[i], offset })));
        const loops = r.problems.filter((p) => p.code === 'cap.loop');
        expect(loops).toHaveLength(1);
        expect(loops[0]?.offset).toBe(offsets.at(-1)! + 1);
        expect(r.problems.every((p) => p.code === 'cap.loop' || p.code === 'cap.misaligned')).toBe(true);
      },
    );

    it('CFG-CAP-02 should walk all 48 capabilities without a problem when every DWORD of 0x40..0xFC holds one', () => {
      const bytes = new Uint8Array(4096);
      bytes[0x06] = 0x10;
      bytes[0x34] = 0xfc;
      // Chain downwards from 0xFC to 0x40.
      for (let o = 0xfc; o >= 0x40; o -= 4) {
        bytes[o] = 0x09;
        bytes[o + 1] = o === 0x40 ? 0 : o - 4;
      }
      const r = walkCapabilities(bytes);
      expect(r.problems).toEqual([]);
      expect(r.entries).toHaveLength(48);
      expect(r.entries[0]).toEqual({ id: 0x09, offset: 0xfc });
      expect(r.entries[47]).toEqual({ id: 0x09, offset: 0x40 });
    });

    it('CFG-CAP-02 should report cap.loop at the pointer when a capability points to itself', () => {
      const bytes = new Uint8Array(256);
      bytes[0x06] = 0x10;
      bytes[0x34] = 0x40;
      bytes[0x40] = 0x01;
      bytes[0x41] = 0x40;
      const r = walkCapabilities(bytes);
      expect(r.entries).toEqual([{ id: 0x01, offset: 0x40 }]);
      expect(r.problems.map((p) => [p.code, p.offset])).toEqual([['cap.loop', 0x41]]);
    });

    it('CFG-CAP-02 should return no entries when Status.Capabilities List is clear, whatever the pointer says', () => {
      const bytes = new Uint8Array(256);
      bytes[0x34] = 0x40;
      bytes[0x40] = 0x01;
      expect(walkCapabilities(bytes)).toEqual({ entries: [], problems: [] });
    });

    it.each([
      ['a pointer into the header', 0x20, 'cap.out-of-range'],
      ['an ID of 0xFF', 0x40, 'cap.broken'],
    ] as const)('CFG-CAP-02 should stop with a problem when the chain has %s', (_what, ptr, code) => {
      const bytes = new Uint8Array(256).fill(0xff);
      bytes[0x06] = 0x10;
      bytes[0x34] = ptr;
      const r = walkCapabilities(bytes);
      expect(r.entries).toEqual([]);
      expect(r.problems.map((p) => p.code)).toEqual([code]);
    });
  });

  describe('walkExtendedCapabilities', () => {
    test.prop([fc.uint8Array({ minLength: 4096, maxLength: 4096 })])(
      'CFG-CAP-02 should terminate with at most 960 distinct entries that follow the next offsets when walking any 4096 bytes',
      (bytes) => {
        checkExtended(bytes, walkExtendedCapabilities(bytes));
      },
    );

    test.prop([fc.uint8Array({ minLength: 0, maxLength: 4096 })])(
      'CFG-CAP-02 should terminate with at most 960 distinct entries when walking a random array of 0..4096 bytes',
      (bytes) => {
        const r = walkExtendedCapabilities(bytes);
        checkExtended(bytes, r);
        for (const e of r.entries) expect(e.offset + 4).toBeLessThanOrEqual(bytes.length);
        if (bytes.length < 0x104) expect(r).toEqual({ entries: [], problems: [] });
      },
    );

    test.prop([extLoopArb])(
      'CFG-CAP-02 should list each extended capability once and report cap.loop at the last header when a chain points back to an earlier one',
      ({ bytes, offsets, ids, versions }) => {
        const r = walkExtendedCapabilities(bytes);
        checkExtended(bytes, r);
        expect(r.entries).toEqual(offsets.map((offset, i) => ({ id: ids[i], offset, version: versions[i] })));
        expect(r.problems.map((p) => [p.code, p.offset])).toEqual([['cap.loop', offsets.at(-1)]]);
      },
    );

    it('CFG-CAP-02 should walk all 960 extended capabilities without a problem when every DWORD of 0x100..0xFFC holds one', () => {
      const bytes = new Uint8Array(4096);
      for (let o = 0x100; o <= 0xffc; o += 4) writeDword(bytes, o, (((o === 0xffc ? 0 : o + 4) << 20) | (1 << 16) | 0x000b) >>> 0);
      const r = walkExtendedCapabilities(bytes);
      expect(r.problems).toEqual([]);
      expect(r.entries).toHaveLength(960);
      expect(r.entries.at(-1)).toEqual({ id: 0x000b, offset: 0xffc, version: 1 });
    });

    it('CFG-CAP-02 should report cap.loop when the extended capability at 0x100 points to itself', () => {
      const bytes = new Uint8Array(4096);
      writeDword(bytes, 0x100, ((0x100 << 20) | (1 << 16) | 0x000e) >>> 0);
      const r = walkExtendedCapabilities(bytes);
      expect(r.entries).toEqual([{ id: 0x000e, offset: 0x100, version: 1 }]);
      expect(r.problems.map((p) => [p.code, p.offset])).toEqual([['cap.loop', 0x100]]);
    });

    it.each([
      ['0x00000000', 0],
      ['0xFFFFFFFF', 0xffff_ffff],
    ])('CFG-CAP-02 should return no entries and no problem when the header at 0x100 reads %s', (_h, header) => {
      const bytes = new Uint8Array(4096);
      writeDword(bytes, 0x100, header);
      expect(walkExtendedCapabilities(bytes)).toEqual({ entries: [], problems: [] });
    });

    it('CFG-CAP-02 should stop with cap.out-of-range when a next offset points below 0x100', () => {
      const bytes = new Uint8Array(4096);
      writeDword(bytes, 0x100, ((0x0fc << 20) | (1 << 16) | 0x0001) >>> 0);
      const r = walkExtendedCapabilities(bytes);
      expect(r.entries).toHaveLength(1);
      expect(r.problems.map((p) => [p.code, p.offset])).toEqual([['cap.out-of-range', 0x100]]);
    });
  });
});
