import type { FieldDef, RegisterDef } from '../regs/define.js';
import { LayoutError } from '../regs/errors.js';

/**
 * What a Base Address Register decodes: nothing, a 32- or 64-bit memory range, or an I/O range.
 * Sizes are in bytes and must be powers of two.
 *
 * @remarks Memory BARs are at least 16 bytes, 32-bit ones at most 2 GiB; I/O BARs 4 to 256 bytes.
 * A 64-bit BAR takes two slots (the next slot holds the upper 32 address bits).
 * @spec PCIe Base r6.0 §7.5.1.2.1 (Base Address Registers)
 * @category Config Space
 */
export type BarSpec =
  | {
      /** 32-bit memory BAR (Memory Space Indicator 0, Type 00b). */
      readonly kind: 'mem32';
      /** Window size in bytes: a power of two from 16 bytes to 2 GiB. */
      readonly size: number;
      /**
       * Value of the BAR's Prefetchable bit.
       * @defaultValue false
       */
      readonly prefetchable?: boolean;
    }
  | {
      /** 64-bit memory BAR (Memory Space Indicator 0, Type 10b); also takes the next BAR slot. */
      readonly kind: 'mem64';
      /** Window size in bytes: a power of two of at least 16 bytes (a bigint for sizes beyond 2^53). */
      readonly size: number | bigint;
      /**
       * Value of the BAR's Prefetchable bit.
       * @defaultValue false
       */
      readonly prefetchable?: boolean;
    }
  | {
      /** I/O BAR (Memory Space Indicator 1). */
      readonly kind: 'io';
      /** Window size in bytes: a power of two from 4 to 256 bytes. */
      readonly size: number;
    };

/** @internal log2 of a power of two (bigint-safe), or −1 if not a power of two. */
export function log2Exact(size: bigint): number {
  if (size <= 0n || (size & (size - 1n)) !== 0n) return -1;
  let n = 0;
  while (size > 1n) {
    size >>= 1n;
    n++;
  }
  return n;
}

/** @internal Checks a BarSpec and returns log2(size). */
export function checkBar(where: string, b: BarSpec): number {
  if (typeof b.size === 'number' && !Number.isSafeInteger(b.size)) throw new LayoutError('layout.bad-option', `${where}: size ${b.size} is not an integer`);
  if (typeof b.size !== 'number' && typeof b.size !== 'bigint') throw new LayoutError('layout.bad-option', `${where}: size is not a number`);
  const size = BigInt(b.size);
  const k = log2Exact(size);
  if (k < 0) throw new LayoutError('layout.bad-option', `${where}: size ${size} is not a power of two`);
  const [min, max] = b.kind === 'io' ? [2, 8] : b.kind === 'mem32' ? [4, 31] : [4, 63];
  if (k < min || k > max) {
    throw new LayoutError('layout.bad-option', `${where}: ${b.kind} size 2^${k} is outside 2^${min}..2^${max} bytes`);
  }
  return k;
}

/** Read-only BAR bits: the sizing probe writes ones over them by design, so writes are not reported. */
function probe(bits: readonly [number, number], reset = 0): FieldDef {
  return { bits, access: 'RO', reset, quietWrites: true };
}

/**
 * The register(s) of one BAR slot (or of a 64-bit pair) as data: type bits RO, address bits RW
 * above the size and RO 0 below it, so that writing all ones reads back the size mask.
 * @internal
 */
export function barRegisters(where: string, index: number, offset: number, b: BarSpec | undefined, spec: string): RegisterDef[] {
  const name = `BAR${index}`;
  const id = `bar${index}`;
  if (b === undefined) {
    return [{ id, name: `${name} (unimplemented)`, offset, width: 32, spec, fields: { unimplemented: probe([31, 0]) } }];
  }
  const k = checkBar(`${where} ${name}`, b);
  if (b.kind === 'io') {
    const fields: Record<string, FieldDef> = {
      ioSpace: probe([0, 0], 1),
      reserved: probe([1, 1]),
      base: { bits: [31, k], access: 'RW' },
    };
    if (k > 2) fields['sizeBits'] = probe([k - 1, 2]);
    return [{ id, name, offset, width: 32, spec, fields }];
  }
  const low = Math.min(k, 32);
  const fields: Record<string, FieldDef> = {
    memorySpace: probe([0, 0]),
    type: probe([2, 1], b.kind === 'mem64' ? 2 : 0),
    prefetchable: probe([3, 3], b.prefetchable === true ? 1 : 0),
  };
  if (low > 4) fields['sizeBits'] = probe([low - 1, 4]);
  if (k < 32) fields['base'] = { bits: [31, k], access: 'RW' };
  const regs: RegisterDef[] = [{ id, name, offset, width: 32, spec, fields }];
  if (b.kind === 'mem64') {
    const hk = k - 32;
    const hf: Record<string, FieldDef> = {};
    if (hk > 0) hf['sizeBits'] = probe([hk - 1, 0]);
    hf['base'] = { bits: [31, Math.max(hk, 0)], access: 'RW' };
    regs.push({ id: `bar${index + 1}`, name: `${name} (upper 32 bits)`, offset: offset + 4, width: 32, spec, fields: hf });
  }
  return regs;
}

/**
 * Expansion ROM Base Address register as data (absent ROM: RO 0).
 * @internal
 */
export function expansionRomRegister(offset: number, size: number | undefined, spec: string): RegisterDef {
  if (size === undefined) {
    return { id: 'expansionRom', name: 'Expansion ROM Base Address (unimplemented)', offset, width: 32, spec, fields: { unimplemented: probe([31, 0]) } };
  }
  const k = Number.isSafeInteger(size) ? log2Exact(BigInt(size)) : -1;
  if (k < 11 || k > 24) throw new LayoutError('layout.bad-option', `expansion ROM size ${size} is not a power of two in 2 KiB..16 MiB`);
  const fields: Record<string, FieldDef> = {
    enable: { bits: [0, 0], access: 'RW' },
    validation: probe([10, 1]),
    base: { bits: [31, k], access: 'RW' },
  };
  if (k > 11) fields['sizeBits'] = probe([k - 1, 11]);
  return { id: 'expansionRom', name: 'Expansion ROM Base Address', offset, width: 32, spec, fields };
}
