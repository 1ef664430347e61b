import type { Access } from './access.js';
import { ACCESS_INFO } from './access.js';
import type { CheckedBlock, CheckedRegister, FieldInfo } from './define.js';
import { LayoutError } from './errors.js';

/**
 * A register placed in a space: its absolute offset and its qualified name (`block.register`).
 * @category Registers
 */
export interface PlacedRegister {
  /** Index in {@link Layout.registers}. */
  readonly index: number;
  /** `block.register`, e.g. `header.command`. */
  readonly qname: string;
  /** Block instance name. */
  readonly block: string;
  /** Absolute byte offset. */
  readonly offset: number;
  /** Width in bits. */
  readonly width: 8 | 16 | 32;
  /** The compiled register definition: fields, masks and reset value. */
  readonly checked: CheckedRegister;
  /** Spec section of the register (or of its block). */
  readonly spec: string;
}

/**
 * A block placed at a base offset under an instance name.
 * @category Registers
 */
export interface Placement {
  /** Instance name, unique in the layout; the prefix of qualified register names (e.g. `header`). */
  readonly name: string;
  /** Absolute byte offset of the block's start in the space. */
  readonly base: number;
  /** The checked block placed there. */
  readonly block: CheckedBlock;
}

/**
 * Collects blocks at base offsets and refuses overlaps and blocks outside the space as they are
 * placed; {@link LayoutBuilder.build} compiles the result once into per-DWORD masks.
 *
 * @example
 * ```ts
 * const layout = new LayoutBuilder(4096).place('header', 0, type0Header).build();
 * ```
 * @category Registers
 */
export class LayoutBuilder {
  private readonly placements: Placement[] = [];
  private readonly owner: Int32Array;
  private readonly names = new Set<string>();

  /** @param size - bytes in the space, a multiple of 4 (4096 for PCIe configuration space). */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 4 || size % 4 !== 0 || size > 1 << 24) {
      throw new LayoutError('layout.bad-option', `space size ${size} must be a positive multiple of 4`);
    }
    this.owner = new Int32Array(size).fill(-1);
  }

  /**
   * Places `block` at byte `base` under instance name `name`.
   * @throws {LayoutError} If the block leaves the space, overlaps a placed register, or the name is taken.
   */
  place(name: string, base: number, block: CheckedBlock): this {
    if (this.names.has(name)) throw new LayoutError('layout.duplicate-name', `block instance '${name}' is placed twice`);
    if (!Number.isInteger(base) || base < 0 || base + block.def.size > this.size) {
      throw new LayoutError('layout.block-outside-space', `block '${name}' at ${base} (+${block.def.size}) leaves the ${this.size}-byte space`);
    }
    for (const r of block.registers) {
      const at = base + r.def.offset;
      for (let i = at; i < at + r.def.width / 8; i++) {
        const o = this.owner[i] as number;
        if (o >= 0) {
          throw new LayoutError('layout.block-overlap', `block '${name}' register '${r.def.id}' overlaps block '${this.placements[o]?.name ?? '?'}' at byte 0x${i.toString(16)}`);
        }
      }
    }
    const index = this.placements.length;
    for (const r of block.registers) {
      const at = base + r.def.offset;
      for (let i = at; i < at + r.def.width / 8; i++) this.owner[i] = index;
    }
    this.placements.push({ name, base, block });
    this.names.add(name);
    return this;
  }

  /** Is any byte of `[base, base + size)` claimed by a placed register? */
  isFree(base: number, size: number): boolean {
    if (base < 0 || base + size > this.size) return false;
    for (let i = base; i < base + size; i++) if ((this.owner[i] as number) >= 0) return false;
    return true;
  }

  /** Compiles the placed blocks into a {@link Layout}. */
  build(): Layout {
    return new Layout(this.size, this.placements.slice());
  }
}

function ofAccess(masks: Readonly<Record<Access, number>>, pred: (a: Access) => boolean): number {
  let m = 0;
  for (const a of Object.keys(masks) as Access[]) if (pred(a)) m |= masks[a];
  return m >>> 0;
}

/**
 * A compiled layout: per-DWORD masks over the whole space (QEMU's wmask/w1cmask idea, widened
 * to every attribute), the reset image, and the register index. Immutable; shared by every
 * {@link RegisterSpace} instantiated from it.
 * @category Registers
 */
export class Layout {
  /** Software-writable bits (RW, RWS). */
  readonly wmask: Uint32Array;
  /** Write-1-to-clear bits (RW1C, RW1CS). */
  readonly w1cmask: Uint32Array;
  /** Read-only bits (RO, ROS, HwInit) whose software writes are reported (quiet fields excluded). */
  readonly romask: Uint32Array;
  /** Every read-only bit (RO, ROS, HwInit), quiet ones included. */
  readonly readOnly: Uint32Array;
  /** RsvdP bits. */
  readonly rsvdpmask: Uint32Array;
  /** RsvdZ bits. */
  readonly rsvdzmask: Uint32Array;
  /** Bits no register claims. */
  readonly unclaimed: Uint32Array;
  /** Bits a hot reset keeps (sticky). */
  readonly keepHot: Uint32Array;
  /** Bits an FLR keeps (sticky and FLR-exempt). */
  readonly keepFlr: Uint32Array;
  /** Reset value of every DWORD. */
  readonly resetImage: Uint32Array;
  /** Every placed register, in placement order. */
  readonly registers: readonly PlacedRegister[];
  /** Register index per byte, −1 where none. */
  readonly registerAt: Int32Array;
  /** 1 for each DWORD that holds a register with hooks. */
  readonly hookedDword: Uint8Array;
  private readonly byName = new Map<string, PlacedRegister>();

  /**
   * @internal Use {@link LayoutBuilder}.
   * @param size - Bytes in the space, a multiple of 4 (4096 for PCIe configuration space).
   * @param placements - Blocks placed in the space, each with its instance name and base offset.
   */
  constructor(readonly size: number, readonly placements: readonly Placement[]) {
    const n = size / 4;
    this.wmask = new Uint32Array(n);
    this.w1cmask = new Uint32Array(n);
    this.romask = new Uint32Array(n);
    this.readOnly = new Uint32Array(n);
    this.rsvdpmask = new Uint32Array(n);
    this.rsvdzmask = new Uint32Array(n);
    this.unclaimed = new Uint32Array(n).fill(0xffff_ffff);
    this.keepHot = new Uint32Array(n);
    this.keepFlr = new Uint32Array(n);
    this.resetImage = new Uint32Array(n);
    this.registerAt = new Int32Array(size).fill(-1);
    this.hookedDword = new Uint8Array(n);
    const regs: PlacedRegister[] = [];
    for (const p of placements) {
      for (const r of p.block.registers) {
        const offset = p.base + r.def.offset;
        const placed: PlacedRegister = {
          index: regs.length,
          qname: `${p.name}.${r.def.id}`,
          block: p.name,
          offset,
          width: r.def.width,
          checked: r,
          spec: r.def.spec ?? p.block.def.spec ?? '',
        };
        regs.push(placed);
        this.byName.set(placed.qname, placed);
        const di = offset >>> 2;
        const sh = (offset & 3) * 8;
        const place = (m: number): number => (m * 2 ** sh) >>> 0;
        const all = place(r.def.width === 32 ? 0xffff_ffff : 2 ** r.def.width - 1);
        const m = r.masks;
        this.wmask[di] = (this.wmask[di]! | place(ofAccess(m, (a) => ACCESS_INFO[a].swWrite))) >>> 0;
        this.w1cmask[di] = (this.w1cmask[di]! | place(ofAccess(m, (a) => ACCESS_INFO[a].w1c))) >>> 0;
        this.romask[di] = (this.romask[di]! | place((m.RO | m.ROS | m.HwInit) & ~r.quiet)) >>> 0;
        this.readOnly[di] = (this.readOnly[di]! | place(m.RO | m.ROS | m.HwInit)) >>> 0;
        this.rsvdpmask[di] = (this.rsvdpmask[di]! | place(m.RsvdP)) >>> 0;
        this.rsvdzmask[di] = (this.rsvdzmask[di]! | place(m.RsvdZ)) >>> 0;
        this.unclaimed[di] = (this.unclaimed[di]! & ~all) >>> 0;
        const sticky = place(ofAccess(m, (a) => ACCESS_INFO[a].sticky));
        this.keepHot[di] = (this.keepHot[di]! | sticky) >>> 0;
        this.keepFlr[di] = (this.keepFlr[di]! | sticky | place(r.flrKeep)) >>> 0;
        this.resetImage[di] = (this.resetImage[di]! | place(r.reset)) >>> 0;
        for (let i = offset; i < offset + r.def.width / 8; i++) this.registerAt[i] = placed.index;
        const h = r.def.hooks;
        if (h !== undefined && (h.preWrite !== undefined || h.postWrite !== undefined)) this.hookedDword[di] = 1;
      }
    }
    this.registers = regs;
  }

  /**
   * The register with qualified name `qname` (`block.register`).
   * @throws {RangeError} If there is none.
   */
  register(qname: string): PlacedRegister {
    const r = this.byName.get(qname);
    if (r === undefined) throw new RangeError(`no register '${qname}' in this layout`);
    return r;
  }

  /** The register with qualified name `qname`, or undefined. */
  findRegister(qname: string): PlacedRegister | undefined {
    return this.byName.get(qname);
  }

  /** The field `field` of register `qname`. @throws {RangeError} If either is unknown. */
  field(qname: string, field: string): FieldInfo {
    const r = this.register(qname);
    const f = r.checked.fields.find((x) => x.name === field);
    if (f === undefined) throw new RangeError(`register '${qname}' has no field '${field}'`);
    return f;
  }

  /** The placement named `name`, or undefined. */
  placement(name: string): Placement | undefined {
    return this.placements.find((p) => p.name === name);
  }
}
