import fc from 'fast-check';
import { ACCESS_INFO, ACCESS_TYPES, LayoutBuilder, defineBlock, type Access, type FieldDef, type Layout, type RegisterDef } from '../../src/regs/index.js';

/** A per-bit description of a random layout, kept independent of the engine's compiled masks. */
export interface BitTable {
  /** Access type of each bit of the space, or undefined where no register claims it. */
  readonly access: (Access | undefined)[];
  /** Reset value of each bit. */
  readonly reset: number[];
  /** FLR-exempt bits. */
  readonly flrKeep: boolean[];
}

const widthArb = fc.constantFrom<8 | 16 | 32>(8, 16, 32);

/** A random register of the given width: its bits split into fields with random access types. */
function registerArb(id: string, offset: number, width: 8 | 16 | 32): fc.Arbitrary<RegisterDef> {
  return fc
    .uniqueArray(fc.integer({ min: 1, max: width - 1 }), { maxLength: 6 })
    .chain((cuts) => {
      const edges = [0, ...cuts.sort((a, b) => a - b), width];
      const spans = edges.slice(1).map((hi, i) => [hi - 1, edges[i]!] as const);
      return fc.tuple(
        ...spans.map(([hi, lo]) =>
          fc.constantFrom(...ACCESS_TYPES).chain((access) =>
            fc.record({
              bits: fc.constant([hi, lo] as const),
              access: fc.constant(access),
              reset: ACCESS_INFO[access].reserved ? fc.constant(0) : fc.integer({ min: 0, max: 2 ** (hi - lo + 1) - 1 }),
              preserveOnFlr: fc.boolean(),
            }),
          ),
        ),
      );
    })
    .map((fields) => ({
      id,
      name: id,
      offset,
      width,
      fields: Object.fromEntries(fields.map((f, i) => [`f${i}`, f as FieldDef])),
    }));
}

/** A random 64-byte layout with up to 10 registers at random aligned offsets (gaps stay unclaimed). */
export const layoutArb: fc.Arbitrary<Layout> = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 15 }), widthArb), { minLength: 1, maxLength: 10 })
  .chain((slots) => {
    const used = new Set<number>();
    const regs: fc.Arbitrary<RegisterDef>[] = [];
    slots.forEach(([dw, width], i) => {
      const bytes = width / 8;
      const offset = dw * 4 + (bytes === 4 ? 0 : bytes * (i % (4 / bytes)));
      const span = Array.from({ length: bytes }, (_, k) => offset + k);
      if (span.some((b) => used.has(b))) return;
      span.forEach((b) => used.add(b));
      regs.push(registerArb(`r${i}`, offset, width));
    });
    return fc.tuple(...regs);
  })
  .map((regs) => new LayoutBuilder(64).place('blk', 0, defineBlock({ id: 'blk', name: 'Random', size: 64, registers: regs })).build());

/** Derives the per-bit table straight from the field definitions (not from the compiled masks). */
export function bitTable(layout: Layout): BitTable {
  const n = layout.size * 8;
  const access: (Access | undefined)[] = new Array(n).fill(undefined);
  const reset: number[] = new Array(n).fill(0);
  const flrKeep: boolean[] = new Array(n).fill(false);
  for (const r of layout.registers) {
    const def = r.checked.def;
    const base = r.offset * 8;
    for (let b = 0; b < def.width; b++) access[base + b] = def.rest;
    for (const f of Object.values(def.fields)) {
      for (let b = f.bits[1]; b <= f.bits[0]; b++) {
        access[base + b] = f.access;
        reset[base + b] = Math.floor((f.reset ?? 0) / 2 ** (b - f.bits[1])) % 2;
        flrKeep[base + b] = f.preserveOnFlr === true;
      }
    }
  }
  return { access, reset, flrKeep };
}

/** Bit `b` of a byte array. */
export function bitOf(bytes: Uint8Array, b: number): number {
  return ((bytes[b >> 3]! >> (b & 7)) & 1) as number;
}

/** Random naturally aligned access within `size` bytes. */
export function accessArb(size: number): fc.Arbitrary<{ offset: number; size: 1 | 2 | 4; value: number }> {
  return fc.constantFrom<1 | 2 | 4>(1, 2, 4).chain((s) =>
    fc.record({
      offset: fc.integer({ min: 0, max: size / s - 1 }).map((i) => i * s),
      size: fc.constant(s),
      value: fc.integer({ min: 0, max: 2 ** (8 * s) - 1 }),
    }),
  );
}
