/**
 * Bit-field helpers: masks, field extract/deposit on unsigned 32-bit numbers and 64-bit bigints,
 * and little-endian byte access.
 *
 * @module bits
 */
export { mask, extract, deposit, mask64, extract64, deposit64, readLE, writeLE, readLE64, u32, hex } from './bits.js';
export type { AccessSize } from './bits.js';
