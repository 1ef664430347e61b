import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { deposit, deposit64, extract, extract64, mask, mask64, readLE, readLE64, writeLE } from '../../src/bits/index.js';

const range32 = fc.integer({ min: 0, max: 31 }).chain((lo) => fc.tuple(fc.integer({ min: lo, max: 31 }), fc.constant(lo)));
const range64 = fc.integer({ min: 0, max: 63 }).chain((lo) => fc.tuple(fc.integer({ min: lo, max: 63 }), fc.constant(lo)));
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

// The reference: plain bigint arithmetic, no shortcuts.
const refMask = (hi: number, lo: number): bigint => ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo);

describe('bits', () => {
  test.prop([range32])('BITS-MASK-01: mask(hi, lo) equals the bigint reference and is unsigned', ([hi, lo]) => {
    const m = mask(hi, lo);
    expect(BigInt(m)).toBe(refMask(hi, lo));
    expect(m).toBeGreaterThanOrEqual(0);
  });

  test.prop([u32, range32])('BITS-MASK-01: extract(v, hi, lo) equals the bigint reference', (v, [hi, lo]) => {
    expect(BigInt(extract(v, hi, lo))).toBe((BigInt(v) & refMask(hi, lo)) >> BigInt(lo));
  });

  test.prop([u32, range32.chain(([hi, lo]) => fc.tuple(fc.constant(hi), fc.constant(lo), fc.bigInt({ min: 0n, max: (1n << BigInt(hi - lo + 1)) - 1n })))])(
    'BITS-MASK-01: deposit(v, hi, lo, f) equals the bigint reference and extract undoes it',
    (v, [hi, lo, field]) => {
      const got = deposit(v, hi, lo, Number(field));
      expect(BigInt(got)).toBe((BigInt(v) & ~refMask(hi, lo) & 0xffff_ffffn) | (field << BigInt(lo)));
      expect(extract(got, hi, lo)).toBe(Number(field));
    },
  );

  test.prop([u64, range64])('BITS-64-01: extract64/deposit64 agree with the bigint reference', (v, [hi, lo]) => {
    expect(mask64(hi, lo)).toBe(refMask(hi, lo));
    const field = extract64(v, hi, lo);
    expect(field).toBe((v & refMask(hi, lo)) >> BigInt(lo));
    expect(deposit64(v, hi, lo, field)).toBe(v);
    expect(deposit64(0n, hi, lo, field)).toBe(v & refMask(hi, lo));
  });

  test.prop([fc.uint8Array({ minLength: 8, maxLength: 64 }), fc.nat(), fc.constantFrom(1 as const, 2 as const, 4 as const)])(
    'BITS-LE-01: readLE is little-endian and writeLE is its inverse',
    (bytes, at, size) => {
      const off = at % (bytes.length - size + 1);
      let ref = 0n;
      for (let i = size - 1; i >= 0; i--) ref = (ref << 8n) | BigInt(bytes[off + i]!);
      const v = readLE(bytes, off, size);
      expect(BigInt(v)).toBe(ref);
      const copy = new Uint8Array(bytes.length);
      copy.set(bytes);
      writeLE(copy, off, size, v);
      expect(copy).toEqual(bytes);
      if (off + 8 <= bytes.length) {
        let r64 = 0n;
        for (let i = 7; i >= 0; i--) r64 = (r64 << 8n) | BigInt(bytes[off + i]!);
        expect(readLE64(bytes, off)).toBe(r64);
      }
    },
  );
});
