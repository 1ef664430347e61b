import { describe, expect, it } from 'vitest';
import { deposit, extract, hex, mask, readLE, u32, writeLE } from '../../../src/bits/index.js';

describe('bits', () => {
  describe('mask', () => {
    it('should give 0xffffffff for the full width, where 1 << 32 would give 1', () => {
      expect(mask(31, 0)).toBe(0xffff_ffff);
      expect(mask(31, 31)).toBe(0x8000_0000);
    });
    it('should refuse inverted and out-of-range bit ranges', () => {
      expect(() => mask(3, 4)).toThrow(RangeError);
      expect(() => mask(32, 0)).toThrow(RangeError);
      expect(() => mask(1, -1)).toThrow(RangeError);
    });
  });
  describe('deposit', () => {
    it('should keep results unsigned when bit 31 is set', () => {
      expect(deposit(0, 31, 31, 1)).toBe(0x8000_0000);
      expect(deposit(0xffff_ffff, 7, 0, 0)).toBe(0xffff_ff00);
    });
    it('should refuse a field value that does not fit', () => {
      expect(() => deposit(0, 3, 0, 16)).toThrow(RangeError);
      expect(() => deposit(0, 3, 0, -1)).toThrow(RangeError);
    });
  });
  it('should read PCI little-endian byte order (0x01 0x80 reads 0x8001)', () => {
    expect(readLE(new Uint8Array([0x01, 0x80]), 0, 2)).toBe(0x8001);
    expect(extract(0x0010_0006, 31, 16)).toBe(0x10);
  });
  it('should refuse byte accesses that leave the array', () => {
    expect(() => readLE(new Uint8Array(4), 2, 4)).toThrow(RangeError);
    expect(() => writeLE(new Uint8Array(4), -1, 1, 0)).toThrow(RangeError);
  });
  it('should normalise and print hex', () => {
    expect(u32(-1)).toBe(0xffff_ffff);
    expect(hex(0x86, 4)).toBe('0086');
  });
});
