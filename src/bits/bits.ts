/**
 * Bit-field arithmetic on unsigned 32-bit numbers and 64-bit bigints.
 *
 * Every 32-bit result is normalised with `>>> 0`, so bit 31 never turns a value negative; the
 * width-32 case is handled explicitly because `1 << 32 === 1` in JavaScript.
 */

function checkRange(hi: number, lo: number, top: number): void {
  if (!Number.isInteger(hi) || !Number.isInteger(lo) || lo < 0 || hi < lo || hi > top) {
    throw new RangeError(`bit range [${hi}, ${lo}] is not within [${top}, 0] with hi >= lo`);
  }
}

/**
 * Mask with bits `hi..lo` (inclusive) set, as an unsigned 32-bit number.
 *
 * @param hi - highest bit, 0..31.
 * @param lo - lowest bit, 0..hi.
 * @returns the mask, normalised to 0..2^32−1.
 * @throws {RangeError} If the range is not `31 ≥ hi ≥ lo ≥ 0`.
 * @example
 * ```ts
 * mask(15, 8); // 0xff00
 * mask(31, 0); // 0xffffffff
 * ```
 * @category Bits
 */
export function mask(hi: number, lo: number): number {
  checkRange(hi, lo, 31);
  return maskUnchecked(hi, lo);
}

/** @internal Mask without argument checks, for callers that validated the range already. */
export function maskUnchecked(hi: number, lo: number): number {
  // Shifts, not `2 ** width`: V8 computes a non-constant power through a runtime call (~50 ns).
  return ((0xffff_ffff >>> (31 - hi + lo)) << lo) >>> 0;
}

/**
 * Value of bits `hi..lo` of `value`, shifted down to bit 0.
 *
 * @param value - a 32-bit value (taken modulo 2^32).
 * @param hi - highest bit, 0..31.
 * @param lo - lowest bit, 0..hi.
 * @returns the field, an unsigned number below 2^(hi−lo+1).
 * @throws {RangeError} If the range is not `31 ≥ hi ≥ lo ≥ 0`.
 * @example
 * ```ts
 * extract(0x0010_0006, 31, 16); // 0x0010
 * ```
 * @category Bits
 */
export function extract(value: number, hi: number, lo: number): number {
  checkRange(hi, lo, 31);
  return ((value >>> lo) & maskUnchecked(hi - lo, 0)) >>> 0;
}

/**
 * `value` with bits `hi..lo` replaced by `field`.
 *
 * @param value - a 32-bit value (taken modulo 2^32).
 * @param hi - highest bit, 0..31.
 * @param lo - lowest bit, 0..hi.
 * @param field - the new field value; it must fit in hi−lo+1 bits.
 * @returns the new value, normalised to 0..2^32−1.
 * @throws {RangeError} If the range is invalid or `field` does not fit.
 * @example
 * ```ts
 * deposit(0x0000_0006, 19, 16, 1); // 0x0001_0006
 * ```
 * @category Bits
 */
export function deposit(value: number, hi: number, lo: number, field: number): number {
  checkRange(hi, lo, 31);
  const m = maskUnchecked(hi - lo, 0);
  if (!Number.isInteger(field) || field < 0 || field > m) {
    throw new RangeError(`field value ${field} does not fit in bits [${hi}, ${lo}]`);
  }
  const shifted = (field << lo) >>> 0; // field < 2^(hi−lo+1), so nothing is lost
  return ((value & ~maskUnchecked(hi, lo)) | shifted) >>> 0;
}

/**
 * 64-bit mask with bits `hi..lo` set.
 *
 * @param hi - highest bit, 0..63.
 * @param lo - lowest bit, 0..hi.
 * @throws {RangeError} If the range is not `63 ≥ hi ≥ lo ≥ 0`.
 * @example
 * ```ts
 * mask64(63, 32); // 0xffff_ffff_0000_0000n
 * ```
 * @category Bits
 */
export function mask64(hi: number, lo: number): bigint {
  checkRange(hi, lo, 63);
  return ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo);
}

/**
 * Bits `hi..lo` of a 64-bit value, shifted down to bit 0.
 *
 * @param value - taken modulo 2^64.
 * @throws {RangeError} If the range is not `63 ≥ hi ≥ lo ≥ 0`.
 * @example
 * ```ts
 * extract64(0x1_0000_0000n, 63, 32); // 1n
 * ```
 * @category Bits
 */
export function extract64(value: bigint, hi: number, lo: number): bigint {
  checkRange(hi, lo, 63);
  return (BigInt.asUintN(64, value) >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
}

/**
 * A 64-bit value with bits `hi..lo` replaced by `field`.
 *
 * @throws {RangeError} If the range is invalid or `field` does not fit.
 * @example
 * ```ts
 * deposit64(0n, 63, 32, 0xfe90n); // 0xfe90_0000_0000n
 * ```
 * @category Bits
 */
export function deposit64(value: bigint, hi: number, lo: number, field: bigint): bigint {
  const m = mask64(hi, lo);
  if (field < 0n || field > m >> BigInt(lo)) {
    throw new RangeError(`field value ${field} does not fit in bits [${hi}, ${lo}]`);
  }
  return BigInt.asUintN(64, (BigInt.asUintN(64, value) & ~m) | (field << BigInt(lo)));
}

/** Access widths of a configuration or memory access, in bytes. @category Bits */
export type AccessSize = 1 | 2 | 4;

/**
 * Reads a little-endian unsigned value of 1, 2 or 4 bytes.
 *
 * @param bytes - the byte array.
 * @param offset - byte offset; `offset + size` must not exceed `bytes.length`.
 * @param size - width in bytes.
 * @returns an unsigned number.
 * @throws {RangeError} If the access leaves the array.
 * @example
 * ```ts
 * readLE(new Uint8Array([0x86, 0x80]), 0, 2); // 0x8086
 * ```
 * @category Bits
 */
export function readLE(bytes: Uint8Array, offset: number, size: AccessSize): number {
  if (!Number.isInteger(offset) || offset < 0 || offset + size > bytes.length) {
    throw new RangeError(`${size}-byte read at ${offset} leaves a ${bytes.length}-byte array`);
  }
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + (bytes[offset + i] as number);
  return v;
}

/**
 * Writes a little-endian value of 1, 2 or 4 bytes (taken modulo 2^(8·size)).
 *
 * @throws {RangeError} If the access leaves the array.
 * @example
 * ```ts
 * const b = new Uint8Array(4);
 * writeLE(b, 0, 4, 0x10c9_8086); // b = 86 80 c9 10
 * ```
 * @category Bits
 */
export function writeLE(bytes: Uint8Array, offset: number, size: AccessSize, value: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + size > bytes.length) {
    throw new RangeError(`${size}-byte write at ${offset} leaves a ${bytes.length}-byte array`);
  }
  let v = value >>> 0;
  for (let i = 0; i < size; i++, v >>>= 8) bytes[offset + i] = v & 0xff;
}

/**
 * Reads a little-endian 64-bit value.
 *
 * @throws {RangeError} If the access leaves the array.
 * @example
 * ```ts
 * readLE64(new Uint8Array([0x0c, 0, 0x90, 0xfe, 1, 0, 0, 0]), 0); // 0x1_fe90_000cn
 * ```
 * @category Bits
 */
export function readLE64(bytes: Uint8Array, offset: number): bigint {
  return (BigInt(readLE(bytes, offset + 4, 4)) << 32n) | BigInt(readLE(bytes, offset, 4));
}

/**
 * Normalises a number to an unsigned 32-bit value.
 *
 * @example
 * ```ts
 * u32(-1); // 0xffffffff
 * ```
 * @category Bits
 */
export function u32(value: number): number {
  return value >>> 0;
}

/**
 * Hexadecimal text of an unsigned value, zero-padded to `digits`, lower case, no prefix.
 *
 * @example
 * ```ts
 * hex(0x86, 4); // "0086"
 * ```
 * @category Bits
 */
export function hex(value: number | bigint, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}
