import { ACCESS_INFO, isAccess, type Access } from './access.js';
import { LayoutError } from './errors.js';
import { maskUnchecked } from '../bits/bits.js';

/**
 * One bit field of a register, as data.
 * @category Registers
 */
export interface FieldDef {
  /** Inclusive bit range `[hi, lo]` within the register, in the spec's own order. */
  readonly bits: readonly [number, number];
  /** Attribute as the spec names it. */
  readonly access: Access;
  /**
   * Value after reset (and initial value), in field units.
   * @defaultValue 0
   */
  readonly reset?: number;
  /**
   * Kept by a Function Level Reset although not sticky (the link-wide fields PCIe Base §6.6.2 exempts).
   * @defaultValue false
   */
  readonly preserveOnFlr?: boolean;
  /** Spec section that defines the field, when it differs from the register's. */
  readonly spec?: string;
  /**
   * Software writes to this read-only field belong to a defined protocol (the BAR sizing probe
   * writes all ones over the type and size bits) and are not reported as `driver.ro-write`.
   * @defaultValue false
   */
  readonly quietWrites?: boolean;
}

/**
 * Names of the hooks a register may carry. Implementations are supplied when a space is
 * instantiated; a missing implementation is a {@link LayoutError}.
 * @category Registers
 */
export interface RegisterHooks {
  /** May transform the register-level value before the access masks apply. */
  readonly preWrite?: string;
  /** Runs after a software write touched the register. */
  readonly postWrite?: string;
  /** Runs after every reset of the space. */
  readonly postReset?: string;
}

/**
 * A register as data: a name, an offset within its block, a width, and its fields.
 * @category Registers
 */
export interface RegisterDef {
  /** Identifier, lowerCamel, unique in its block (e.g. `command`). */
  readonly id: string;
  /** Name as the spec writes it (e.g. `Command`). */
  readonly name: string;
  /** Byte offset within the block; must be a multiple of the width in bytes. */
  readonly offset: number;
  /** Width in bits. */
  readonly width: 8 | 16 | 32;
  /** Fields by lowerCamel name. */
  readonly fields: Readonly<Record<string, FieldDef>>;
  /**
   * Attribute of every bit no field names. Without it, uncovered bits are refused.
   */
  readonly rest?: Access;
  /** Spec section. */
  readonly spec?: string;
  /** Named hooks. */
  readonly hooks?: RegisterHooks;
}

/** A compiled field: its shifted mask and reset, ready for the engine. @category Registers */
export interface FieldInfo {
  /** Field name, the lowerCamel key it had in {@link RegisterDef.fields}. */
  readonly name: string;
  /** Highest bit of the field (inclusive), counted from bit 0 of the register. */
  readonly hi: number;
  /** Lowest bit of the field (inclusive), counted from bit 0 of the register. */
  readonly lo: number;
  /** Register-relative mask of the field's bits, already shifted into place (unsigned 32-bit). */
  readonly mask: number;
  /** Attribute of the field's bits as the spec names it. */
  readonly access: Access;
  /** Value after reset, in field units (not shifted). */
  readonly reset: number;
  /** Whether a Function Level Reset keeps the field although it is not sticky. */
  readonly preserveOnFlr: boolean;
  /** Spec section that defines the field, or `undefined` when it is the register's. */
  readonly spec: string | undefined;
}

/**
 * A register definition checked and compiled into masks (register-relative, unsigned).
 * @category Registers
 */
export interface CheckedRegister {
  /** The definition the register was compiled from. */
  readonly def: RegisterDef;
  /** Compiled fields, ordered by their lowest bit. */
  readonly fields: readonly FieldInfo[];
  /** Value after reset. */
  readonly reset: number;
  /** Bits per access type. */
  readonly masks: Readonly<Record<Access, number>>;
  /** Bits kept by FLR in addition to the sticky ones. */
  readonly flrKeep: number;
  /** Read-only bits whose writes are not reported. */
  readonly quiet: number;
}

const emptyMasks = (): Record<Access, number> => ({ RO: 0, RW: 0, RW1C: 0, ROS: 0, RWS: 0, RW1CS: 0, HwInit: 0, RsvdP: 0, RsvdZ: 0 });

/**
 * Checks a register definition and compiles it.
 *
 * @remarks Refuses (with a {@link LayoutError}): a width other than 8/16/32; an offset that is not a
 * multiple of the width; a field range that is inverted or leaves the register; overlapping fields;
 * bits that no field covers when `rest` is absent; an unknown access type; a reset value that does
 * not fit its field, or a non-zero reset for a reserved field.
 * @example
 * ```ts
 * const cmd = defineRegister({ id: 'command', name: 'Command', offset: 0x04, width: 16, rest: 'RsvdP',
 *   fields: { memorySpace: { bits: [1, 1], access: 'RW' } } });
 * cmd.masks.RW; // 0x2
 * ```
 * @category Registers
 */
export function defineRegister(def: RegisterDef): CheckedRegister {
  const where = `register '${def.id}' (${def.name})`;
  if (def.width !== 8 && def.width !== 16 && def.width !== 32) {
    throw new LayoutError('layout.bad-width', `${where}: width ${String(def.width)} is not 8, 16 or 32`);
  }
  if (!Number.isInteger(def.offset) || def.offset < 0 || def.offset % (def.width / 8) !== 0) {
    throw new LayoutError('layout.misaligned-register', `${where}: offset ${def.offset} is not a multiple of ${def.width / 8}`);
  }
  const masks = emptyMasks();
  let covered = 0;
  let reset = 0;
  let flrKeep = 0;
  let quiet = 0;
  const fields: FieldInfo[] = [];
  for (const [name, f] of Object.entries(def.fields)) {
    const [hi, lo] = f.bits;
    if (!Number.isInteger(hi) || !Number.isInteger(lo) || lo < 0 || hi < lo) {
      throw new LayoutError('layout.bad-field-range', `${where}: field '${name}' has bits [${hi}, ${lo}]`);
    }
    if (hi >= def.width) {
      throw new LayoutError('layout.field-outside-register', `${where}: field '${name}' bits [${hi}, ${lo}] leave a ${def.width}-bit register`);
    }
    if (!isAccess(f.access)) {
      throw new LayoutError('layout.bad-access', `${where}: field '${name}' has unknown access '${String(f.access)}'`);
    }
    const m = maskUnchecked(hi, lo);
    if ((covered & m) !== 0) {
      const other = fields.find((o) => (o.mask & m) !== 0);
      throw new LayoutError('layout.field-overlap', `${where}: field '${name}' overlaps field '${other?.name ?? '?'}'`);
    }
    covered = (covered | m) >>> 0;
    const r = f.reset ?? 0;
    if (!Number.isInteger(r) || r < 0 || r > maskUnchecked(hi - lo, 0)) {
      throw new LayoutError('layout.bad-reset', `${where}: field '${name}' reset ${r} does not fit ${hi - lo + 1} bits`);
    }
    if (ACCESS_INFO[f.access].reserved && r !== 0) {
      throw new LayoutError('layout.bad-reset', `${where}: reserved field '${name}' must reset to 0`);
    }
    masks[f.access] = (masks[f.access] | m) >>> 0;
    reset = (reset | (r * 2 ** lo)) >>> 0;
    if (f.preserveOnFlr === true) flrKeep = (flrKeep | m) >>> 0;
    if (f.quietWrites === true) quiet = (quiet | m) >>> 0;
    fields.push({ name, hi, lo, mask: m, access: f.access, reset: r, preserveOnFlr: f.preserveOnFlr === true, spec: f.spec });
  }
  const all = maskUnchecked(def.width - 1, 0);
  const gaps = (all & ~covered) >>> 0;
  if (gaps !== 0) {
    if (def.rest === undefined) {
      throw new LayoutError('layout.uncovered-bits', `${where}: bits 0x${gaps.toString(16)} belong to no field and no 'rest' access is given`);
    }
    if (!isAccess(def.rest)) throw new LayoutError('layout.bad-access', `${where}: unknown rest access '${String(def.rest)}'`);
    masks[def.rest] = (masks[def.rest] | gaps) >>> 0;
  }
  fields.sort((a, b) => a.lo - b.lo);
  return { def, fields, reset, masks, flrKeep, quiet };
}

/**
 * A block of registers (a header or a capability structure) as data, with offsets relative to
 * the block's start.
 * @category Registers
 */
export interface BlockDef {
  /** Identifier, e.g. `header`, `pcie`, `sriov`. */
  readonly id: string;
  /** Human-readable name, e.g. `PCI Express Capability`. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Registers, in any order. */
  readonly registers: readonly RegisterDef[];
  /** Spec section. */
  readonly spec?: string;
}

/** A checked block. @category Registers */
export interface CheckedBlock {
  /** The definition the block was checked from. */
  readonly def: BlockDef;
  /** Checked registers, in the order the definition lists them. */
  readonly registers: readonly CheckedRegister[];
}

/**
 * Checks a block: every register valid, inside the block, no two overlapping, ids unique.
 *
 * @throws {LayoutError} On the first violation.
 * @example
 * ```ts
 * const b = defineBlock({ id: 'demo', name: 'Demo', size: 4, registers: [
 *   { id: 'ctl', name: 'Control', offset: 0, width: 16, fields: { en: { bits: [0, 0], access: 'RW' } }, rest: 'RsvdP' },
 *   { id: 'sts', name: 'Status', offset: 2, width: 16, fields: { err: { bits: [0, 0], access: 'RW1C' } }, rest: 'RsvdZ' },
 * ] });
 * ```
 * @category Registers
 */
export function defineBlock(def: BlockDef): CheckedBlock {
  if (!Number.isInteger(def.size) || def.size < 1 || def.size > 4096) {
    throw new LayoutError('layout.register-outside-block', `block '${def.id}': size ${def.size} is not 1..4096 bytes`);
  }
  const owner = new Int32Array(def.size).fill(-1);
  const ids = new Set<string>();
  const registers = def.registers.map((r, index) => {
    const c = defineRegister(r);
    if (ids.has(r.id)) throw new LayoutError('layout.duplicate-name', `block '${def.id}': register id '${r.id}' appears twice`);
    ids.add(r.id);
    const bytes = r.width / 8;
    if (r.offset + bytes > def.size) {
      throw new LayoutError('layout.register-outside-block', `block '${def.id}': register '${r.id}' at ${r.offset} leaves the ${def.size}-byte block`);
    }
    for (let i = r.offset; i < r.offset + bytes; i++) {
      const o = owner[i] as number;
      if (o >= 0) {
        throw new LayoutError('layout.register-overlap', `block '${def.id}': register '${r.id}' overlaps '${def.registers[o]?.id ?? '?'}' at byte ${i}`);
      }
      owner[i] = index;
    }
    return c;
  });
  return { def, registers };
}
