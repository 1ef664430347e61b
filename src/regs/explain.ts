import type { AccessSize } from '../bits/bits.js';
import type { Access } from './access.js';
import type { RegisterSpace } from './space.js';

/**
 * What one write did to one field, and why.
 * @category Registers
 */
export interface FieldChange {
  /** Qualified register name, e.g. `header.status`. */
  readonly register: string;
  /** Field name (`(reserved)` for bits no field names). */
  readonly field: string;
  /** Field attribute. */
  readonly access: Access | 'unknown';
  /** Inclusive bit range within the register. */
  readonly bits: readonly [number, number];
  /** Field value before the write. */
  readonly before: number;
  /** Field value the write presented, or undefined when the access did not touch the field. */
  readonly written: number | undefined;
  /** Field value after the write. */
  readonly after: number;
  /** Our explanation. */
  readonly why: string;
  /** Requirement ID of the rule applied. */
  readonly requirement: string;
  /** Spec section of the register. */
  readonly spec: string;
}

const RULE: Record<Access, { req: string; text: (b: number, w: number, a: number) => string }> = {
  RW: { req: 'REG-RW-01', text: () => 'RW: takes the written value' },
  RWS: { req: 'REG-RW-01', text: () => 'RWS: takes the written value (sticky: kept by hot reset and FLR)' },
  RW1C: { req: 'REG-W1C-01', text: (b, w) => (w === 0 ? 'RW1C: writing 0 leaves it' : b === 0 ? 'RW1C: writing 1 to a clear bit leaves it clear' : 'RW1C: writing 1 cleared it') },
  RW1CS: { req: 'REG-W1C-01', text: (b, w) => (w === 0 ? 'RW1CS: writing 0 leaves it' : b === 0 ? 'RW1CS: writing 1 to a clear bit leaves it clear' : 'RW1CS: writing 1 cleared it (sticky)') },
  RO: { req: 'REG-RO-01', text: (b, w) => (w === b ? 'RO: read-only; the write matches it' : 'RO: read-only; the write is ignored (driver.ro-write)') },
  ROS: { req: 'REG-RO-01', text: (b, w) => (w === b ? 'ROS: read-only; the write matches it' : 'ROS: read-only; the write is ignored') },
  HwInit: { req: 'REG-RO-01', text: (b, w) => (w === b ? 'HwInit: set at initialisation; the write matches it' : 'HwInit: set at initialisation; the write is ignored') },
  RsvdP: { req: 'REG-RSVDP-01', text: (b, w) => (w === b ? 'RsvdP: preserved; the write returns the value read, as software must' : 'RsvdP: preserved; software must write back the value read (driver.rsvdp-changed)') },
  RsvdZ: { req: 'REG-RSVDZ-01', text: (_b, w) => (w === 0 ? 'RsvdZ: reads 0; software writes 0, as it must' : 'RsvdZ: reads 0; software must write 0 (driver.rsvdz-nonzero)') },
};

function fieldOf(v: number, hi: number, lo: number): number {
  return Math.floor(v / 2 ** lo) % 2 ** (hi - lo + 1);
}

/**
 * Performs a software write and explains, field by field, what it did and why: for every field of
 * the registers the access touched, the value before, the value written, the value after, the rule
 * (with its requirement ID and spec section); and for fields elsewhere that a hook changed, that
 * side effect.
 *
 * @remarks The write itself goes through {@link RegisterSpace.write} (hooks, diagnostics and all);
 * the explanation compares the space before and after, so it is exact whatever the hooks did.
 * @throws {AccessError} As {@link RegisterSpace.write}.
 * @example
 * ```ts
 * explainWrite(space, 0x06, 2, 0x2000).find((c) => c.field === 'receivedMasterAbort')?.why; // "RW1C: writing 1 cleared it"
 * ```
 * @category Registers
 */
export function explainWrite(space: RegisterSpace, offset: number, size: AccessSize, value: number): FieldChange[] {
  const before = space.peek();
  space.write(offset, size, value);
  const after = space.peek();
  const read = (bytes: Uint8Array, at: number, width: number): number => {
    let v = 0;
    for (let i = width / 8 - 1; i >= 0; i--) v = v * 256 + bytes[at + i]!;
    return v;
  };
  const out: FieldChange[] = [];
  const end = offset + size;
  for (const r of space.layout.registers) {
    const bytes = r.width / 8;
    const touchedReg = r.offset < end && r.offset + bytes > offset;
    const b = read(before, r.offset, r.width);
    const a = read(after, r.offset, r.width);
    if (!touchedReg && a === b) continue;
    const hooks = r.checked.def.hooks;
    // The register-level value presented: written bytes from the access, untouched bytes as before.
    let w = b;
    let touchedMask = 0;
    for (let i = 0; i < bytes; i++) {
      const at = r.offset + i;
      if (at >= offset && at < end) {
        const byte = Math.floor(value / 2 ** (8 * (at - offset))) % 256;
        w = w - fieldOf(w, 8 * i + 7, 8 * i) * 2 ** (8 * i) + byte * 2 ** (8 * i);
        touchedMask += 0xff * 2 ** (8 * i);
      }
    }
    const named = r.checked.fields.map((f) => ({ name: f.name, hi: f.hi, lo: f.lo, access: f.access as Access | 'unknown' }));
    for (const f of named) {
      const inAccess = touchedReg && fieldOf(touchedMask, f.hi, f.lo) !== 0;
      const fb = fieldOf(b, f.hi, f.lo);
      const fa = fieldOf(a, f.hi, f.lo);
      if (!inAccess && fa === fb) continue;
      const fw = inAccess ? fieldOf(w, f.hi, f.lo) : undefined;
      let why: string;
      let req: string;
      if (fw === undefined) {
        why = `changed as a side effect of the write (a hook of ${touchedHookOwner(space, offset, end) ?? 'the written register'})`;
        req = 'REG-HOOK-01';
      } else {
        const rule = RULE[f.access as Access];
        const expected = expectedAfter(f.access as Access, fb, fw, f.hi - f.lo + 1);
        why = rule.text(fb, fw, fa);
        req = rule.req;
        if (expected !== fa) {
          why += `; then the register's ${hooks?.preWrite !== undefined ? `preWrite hook '${hooks.preWrite}'` : hooks?.postWrite !== undefined ? `postWrite hook '${hooks.postWrite}'` : 'hooks'} made it ${fa} (see the diagnostics)`;
          req = 'REG-HOOK-01';
        }
      }
      out.push({ register: r.qname, field: f.name, access: f.access, bits: [f.hi, f.lo], before: fb, written: fw, after: fa, why, requirement: req, spec: r.spec });
    }
  }
  return out;
}

function expectedAfter(access: Access, b: number, w: number, width: number): number {
  if (access === 'RW' || access === 'RWS') return w;
  if (access === 'RW1C' || access === 'RW1CS') {
    let out = 0;
    for (let i = 0; i < width; i++) {
      const bb = Math.floor(b / 2 ** i) % 2;
      const ww = Math.floor(w / 2 ** i) % 2;
      if (bb === 1 && ww === 0) out += 2 ** i;
    }
    return out;
  }
  return b;
}

function touchedHookOwner(space: RegisterSpace, offset: number, end: number): string | undefined {
  for (const r of space.layout.registers) {
    const h = r.checked.def.hooks;
    if (h?.postWrite !== undefined && r.offset < end && r.offset + r.width / 8 > offset) return `${r.qname} ('${h.postWrite}')`;
  }
  return undefined;
}
