import type { AccessSize } from '../bits/bits.js';
import type { ResetKind } from './access.js';
import { ACCESS_INFO } from './access.js';
import type { FieldInfo } from './define.js';
import type { Diagnostic, DiagnosticSink } from './diagnostics.js';
import { AccessError, LayoutError } from './errors.js';
import { show } from '../bits/show.js';
import type { Layout, PlacedRegister } from './layout.js';

/**
 * What a hook sees of a software write to its register.
 * @category Registers
 */
export interface WriteEvent {
  /** The space being written. */
  readonly space: RegisterSpace;
  /** The register the write touches. */
  readonly register: PlacedRegister;
  /** Register value before the write. */
  readonly before: number;
  /** The value the write presents at register level (bytes the access did not touch hold `before`). */
  readonly written: number;
  /** Bytes of the register the access touched, as a register-relative bit mask. */
  readonly touched: number;
}

/**
 * May transform the value of a write before the access masks apply (e.g. to keep a field whose
 * write the spec leaves undefined). Returns the register-level value to use.
 * @category Registers
 */
export type PreWriteHook = (e: WriteEvent) => number;

/** Runs after a software write; `after` is the register value the write left. @category Registers */
export type PostWriteHook = (e: WriteEvent & { readonly after: number }) => void;

/** Runs after every reset of the space. @category Registers */
export type PostResetHook = (space: RegisterSpace, register: PlacedRegister, kind: ResetKind) => void;

/**
 * Hook implementations by name, matched to the names in register definitions.
 * @category Registers
 */
export interface HookImpls {
  /** Implementations of the {@link RegisterHooks.preWrite} names, by name. */
  readonly preWrite?: Readonly<Record<string, PreWriteHook>>;
  /** Implementations of the {@link RegisterHooks.postWrite} names, by name. */
  readonly postWrite?: Readonly<Record<string, PostWriteHook>>;
  /** Implementations of the {@link RegisterHooks.postReset} names, by name. */
  readonly postReset?: Readonly<Record<string, PostResetHook>>;
}

/**
 * Options of {@link RegisterSpace}.
 * @category Registers
 */
export interface SpaceOptions {
  /** Hook implementations for the hook names the layout uses. */
  readonly hooks?: HookImpls;
  /** Receives driver-obligation diagnostics. Without it, none are computed. */
  readonly onDiagnostic?: DiagnosticSink;
  /**
   * Values for the read-only bits (RO, ROS, HwInit) that firmware or straps set, overriding the
   * layout's reset values (used when a space is loaded from a real device's dump). Length = space size.
   */
  readonly readOnlyImage?: Uint8Array;
}

interface CompiledHooks {
  pre: (PreWriteHook | undefined)[];
  post: (PostWriteHook | undefined)[];
  reset: (PostResetHook | undefined)[];
  /** Registers with pre/post hooks per hooked DWORD (sparse). */
  byDword: PlacedRegister[][];
}

function compileHooks(layout: Layout, impls: HookImpls): CompiledHooks {
  const n = layout.registers.length;
  const out: CompiledHooks = { pre: new Array(n), post: new Array(n), reset: new Array(n), byDword: [] };
  const need = <T>(table: Readonly<Record<string, T>> | undefined, name: string | undefined, r: PlacedRegister, kind: string): T | undefined => {
    if (name === undefined) return undefined;
    const impl = table?.[name];
    if (impl === undefined) throw new LayoutError('layout.missing-hook', `register '${r.qname}' names ${kind} hook '${name}' but no implementation was given`);
    return impl;
  };
  for (const r of layout.registers) {
    const h = r.checked.def.hooks;
    if (h === undefined) continue;
    out.pre[r.index] = need(impls.preWrite, h.preWrite, r, 'preWrite');
    out.post[r.index] = need(impls.postWrite, h.postWrite, r, 'postWrite');
    out.reset[r.index] = need(impls.postReset, h.postReset, r, 'postReset');
    if (h.preWrite !== undefined || h.postWrite !== undefined) {
      const di = r.offset >>> 2;
      const list = out.byDword[di] ?? [];
      list.push(r);
      out.byDword[di] = list;
    }
  }
  return out;
}

const SIZE_MASK = [0, 0xff, 0xffff, 0, 0xffff_ffff] as const;

function regMask(width: number): number {
  return 0xffff_ffff >>> (32 - width); // a shift: V8 computes a non-constant `2 ** width` through a runtime call
}

/**
 * A little-endian register space run by one generic engine over a compiled {@link Layout}:
 * software reads and writes of 1, 2 or 4 naturally aligned bytes, hardware-side updates
 * (`hwSet`/`hwClear`/`hwWrite`), resets, and a backdoor (`peek`/`poke`) without side effects.
 *
 * @remarks Per bit, a software write does what its attribute says: RW/RWS store the bit;
 * RW1C/RW1CS clear it when 1 is written; RO, ROS, HwInit, RsvdP and RsvdZ keep their value.
 * Bits no register claims read 0 and ignore writes. Driver obligations are checked on every write
 * when a diagnostic sink is given: a non-zero write to RsvdZ, a write that changes RsvdP, a write
 * that tries to change a read-only bit, or a write that changes an unimplemented byte.
 * @spec PCIe Base r6.0 §7.4 (register attribute semantics)
 * @example
 * ```ts
 * const space = new RegisterSpace(layout, { onDiagnostic: console.log });
 * space.write(0x04, 2, 0x0006);     // Command: Memory Space + Bus Master
 * space.read(0x04, 2);              // 0x0006
 * space.hwSet('header.status', 'receivedMasterAbort');
 * space.write(0x06, 2, 0x2000);     // RW1C: clears Received Master Abort
 * ```
 * @category Registers
 */
export class RegisterSpace {
  /** Storage as little-endian DWORD values (byte k of the space is bits 8k..8k+7 of word k/4). */
  private readonly words: Uint32Array;
  /** Per DWORD: 1 where a write needs neither hooks nor diagnostics (the fast path). */
  private readonly plain: Uint8Array;
  private readonly wmask: Uint32Array;
  private readonly w1cmask: Uint32Array;
  private readonly limit: number;
  /**
   * Bumped by every change of state (software write, hardware-side update, reset, poke), so that
   * values derived from the registers (decoded BARs, windows) can be cached and revalidated cheaply.
   */
  version = 0;
  private readonly hooks: CompiledHooks;
  private readonly sink: DiagnosticSink | undefined;
  private readonly resetImage: Uint32Array;

  /**
   * Instantiates `layout` with every register at its reset value (read-only bits overridden by
   * {@link SpaceOptions.readOnlyImage} when given).
   * @param layout - The compiled layout of the space; shared, never modified.
   * @param options - Hook implementations, diagnostic sink and firmware-set read-only values.
   * @throws {LayoutError} If a hook name the layout uses has no implementation.
   * @throws {AccessError} If `readOnlyImage` does not have one byte per byte of the space.
   */
  constructor(readonly layout: Layout, options: SpaceOptions = {}) {
    this.words = new Uint32Array(layout.size / 4);
    this.wmask = layout.wmask;
    this.w1cmask = layout.w1cmask;
    this.limit = layout.size;
    this.hooks = compileHooks(layout, options.hooks ?? {});
    this.sink = options.onDiagnostic;
    this.plain = layout.hookedDword.map((h) => (h === 0 && this.sink === undefined ? 1 : 0));
    this.resetImage = layout.resetImage;
    const ro = options.readOnlyImage;
    if (ro !== undefined) {
      if (ro.length !== layout.size) throw new AccessError('access.out-of-range', `readOnlyImage has ${ro.length} bytes, the space ${layout.size}`);
      const dv = new DataView(ro.buffer, ro.byteOffset, ro.byteLength);
      this.resetImage = layout.resetImage.map((v, i) => ((v & ~layout.readOnly[i]!) | (dv.getUint32(i * 4, true) & layout.readOnly[i]!)) >>> 0);
    }
    this.words.set(this.resetImage);
  }

  /** Bytes in the space. */
  get size(): number {
    return this.layout.size;
  }

  private check(offset: number, size: number): void {
    if (size !== 1 && size !== 2 && size !== 4) throw new AccessError('access.bad-size', `access size ${show(size)} is not 1, 2 or 4 bytes`);
    if (!Number.isInteger(offset)) throw new AccessError('access.bad-offset', `offset ${show(offset)} is not an integer`);
    if (offset < 0 || offset + size > this.layout.size) {
      throw new AccessError('access.out-of-range', `${size}-byte access at 0x${offset.toString(16)} leaves the ${this.layout.size}-byte space`);
    }
    if (offset % size !== 0) throw new AccessError('access.misaligned', `${size}-byte access at 0x${offset.toString(16)} is not naturally aligned`);
  }

  /**
   * Software read of `size` bytes at `offset`.
   * @returns the value, unsigned.
   * @throws {AccessError} If the access is not 1, 2 or 4 naturally aligned bytes inside the space.
   */
  read(offset: number, size: AccessSize): number {
    // typeof first: untyped callers can pass an object whose conversion to a number throws.
    if (size === 4 && typeof offset === 'number' && (offset & 3) === 0 && offset >>> 0 === offset && offset < this.limit) return this.words[offset >>> 2]!;
    return this.readGeneral(offset, size);
  }

  private readGeneral(offset: number, size: AccessSize): number {
    this.check(offset, size);
    return ((this.words[offset >>> 2]! >>> ((offset & 3) * 8)) & SIZE_MASK[size]) >>> 0;
  }

  /**
   * Software write of `size` bytes at `offset`, through the access masks and the named hooks.
   * @param value - an integer that fits `size` bytes (negative 32-bit values are taken modulo 2^32).
   * @throws {AccessError} If the access is not 1, 2 or 4 naturally aligned bytes inside the space,
   * or `value` does not fit.
   */
  write(offset: number, size: AccessSize, value: number): void {
    // Fast path: an aligned, in-range DWORD write to a DWORD without hooks, diagnostics off.
    if (
      size === 4 && typeof offset === 'number' && (offset & 3) === 0 && offset >>> 0 === offset && offset < this.limit && this.plain[offset >>> 2] === 1 &&
      typeof value === 'number' && (value >>> 0 === value || (value | 0) === value)
    ) {
      const di = offset >>> 2;
      const v = value >>> 0;
      const cur = this.words[di]!;
      const w = this.wmask[di]!;
      this.words[di] = (((cur & ~w) | (v & w)) & ~(v & this.w1cmask[di]!)) >>> 0;
      this.version++;
      return;
    }
    this.writeGeneral(offset, size, value);
  }

  /** The general write path: any size, hooks, diagnostics, full argument checks. */
  private writeGeneral(offset: number, size: AccessSize, value: number): void {
    this.check(offset, size);
    const max = SIZE_MASK[size];
    if (!Number.isInteger(value) || value > max || value < (size === 4 ? -0x8000_0000 : 0)) {
      throw new AccessError('access.value-too-wide', `value ${show(value)} does not fit a ${size}-byte write`);
    }
    const di = offset >>> 2;
    const sh = (offset & 3) * 8;
    const be = (max << sh) >>> 0;
    let v = ((value & max) << sh) >>> 0;
    const cur = this.words[di]!;
    const L = this.layout;
    const hooked = L.hookedDword[di] === 1 ? this.hooks.byDword[di] : undefined;
    if (hooked !== undefined) v = this.runPreHooks(hooked, cur, v, be);
    const w = L.wmask[di]! & be;
    const c = L.w1cmask[di]! & be;
    const next = (((cur & ~w) | (v & w)) & ~(v & c)) >>> 0;
    if (this.sink !== undefined) {
      const rz = v & L.rsvdzmask[di]! & be;
      const diff = (v ^ cur) & be;
      if ((rz | (diff & (L.rsvdpmask[di]! | L.romask[di]! | L.unclaimed[di]!))) !== 0) this.report(di, cur, v, be);
    }
    if (next !== cur) this.words[di] = next;
    this.version++;
    if (hooked !== undefined) this.runPostHooks(hooked, cur, v, be);
  }

  private registerValue(r: PlacedRegister): number {
    const sh = (r.offset & 3) * 8;
    return ((this.words[r.offset >>> 2]! >>> sh) & regMask(r.width)) >>> 0;
  }

  /** Hook event for register `r` of a DWORD whose value was `cur` before a write of `v` with byte enables `be`. */
  private event(r: PlacedRegister, cur: number, v: number, be: number): WriteEvent {
    const sh = (r.offset & 3) * 8;
    const rm = regMask(r.width);
    const touched = ((be >>> sh) & rm) >>> 0;
    const written = ((((v >>> sh) & touched) | ((cur >>> sh) & ~touched)) & rm) >>> 0;
    return { space: this, register: r, before: ((cur >>> sh) & rm) >>> 0, written, touched };
  }

  private runPreHooks(regs: readonly PlacedRegister[], cur: number, v: number, be: number): number {
    let out = v;
    for (const r of regs) {
      const pre = this.hooks.pre[r.index];
      if (pre === undefined) continue;
      const e = this.event(r, cur, out, be);
      if (e.touched === 0) continue;
      const sh = (r.offset & 3) * 8;
      const nv = (pre(e) & regMask(r.width)) >>> 0;
      const place = (e.touched << sh) >>> 0;
      out = ((out & ~place) | ((nv << sh) & place)) >>> 0;
    }
    return out;
  }

  private runPostHooks(regs: readonly PlacedRegister[], cur: number, v: number, be: number): void {
    for (const r of regs) {
      const post = this.hooks.post[r.index];
      if (post === undefined) continue;
      const sh = (r.offset & 3) * 8;
      const rm = regMask(r.width);
      const touched = ((be >>> sh) & rm) >>> 0;
      if (touched === 0) continue;
      const written = ((((v >>> sh) & touched) | ((cur >>> sh) & ~touched)) & rm) >>> 0;
      post({ space: this, register: r, before: ((cur >>> sh) & rm) >>> 0, written, touched, after: this.registerValue(r) });
    }
  }

  private report(di: number, cur: number, v: number, be: number): void {
    const L = this.layout;
    const sink = this.sink!;
    const groups: [Diagnostic['code'], number, string, string][] = [
      ['driver.rsvdz-nonzero', v & L.rsvdzmask[di]! & be, 'REG-RSVDZ-02', 'wrote 1 to RsvdZ bits (software must write 0)'],
      ['driver.rsvdp-changed', (v ^ cur) & L.rsvdpmask[di]! & be, 'REG-RSVDP-02', 'changed RsvdP bits (software must write back the value read)'],
      ['driver.ro-write', (v ^ cur) & L.romask[di]! & be, 'REG-RO-02', 'tried to change read-only bits (the write is ignored)'],
      ['driver.unimplemented-write', (v ^ cur) & L.unclaimed[di]! & be, 'REG-UNIMPL-01', 'wrote non-zero to bytes no register implements (ignored)'],
    ];
    for (const [code, bits, requirement, what] of groups) {
      if (bits === 0) continue;
      // Split per register so the message names it and its fields.
      const seen = new Set<number>();
      for (let b = 0; b < 4; b++) {
        if (((bits >>> (b * 8)) & 0xff) === 0) continue;
        const ri = L.registerAt[di * 4 + b]!;
        if (seen.has(ri)) continue;
        seen.add(ri);
        const r = ri >= 0 ? L.registers[ri] : undefined;
        const offset = r?.offset ?? di * 4 + b;
        const rbits = r === undefined ? (bits >>> (b * 8)) & 0xff : ((bits >>> ((r.offset & 3) * 8)) & regMask(r.width)) >>> 0;
        const fields = r === undefined ? [] : r.checked.fields.filter((f: FieldInfo) => (f.mask & rbits) !== 0).map((f) => f.name);
        const base = {
          code,
          severity: code === 'driver.ro-write' || code === 'driver.unimplemented-write' ? ('note' as const) : ('warning' as const),
          requirement,
          spec: 'PCIe Base r6.0 §7.4',
          offset,
          message: `${r === undefined ? `byte 0x${offset.toString(16)}` : `${r.qname} (0x${offset.toString(16)})`}: ${what}: bits 0x${rbits.toString(16)}`,
        };
        sink(r === undefined ? base : { ...base, register: r.qname, fields });
      }
    }
  }

  /**
   * Current value of a register by qualified name, without side effects.
   * @throws {RangeError} If the register is unknown.
   */
  readRegister(qname: string): number {
    return this.registerValue(this.layout.register(qname));
  }

  /**
   * Current value of one field, shifted down, without side effects.
   * @throws {RangeError} If the register or field is unknown.
   */
  readField(qname: string, field: string): number {
    const f = this.layout.field(qname, field);
    return ((this.readRegister(qname) & f.mask) >>> 0) / 2 ** f.lo;
  }

  /**
   * Hardware-side update of one field (the device changing its own state), bypassing the software
   * access masks. Reserved and HwInit fields are refused.
   * @throws {AccessError} If the field is not hardware-writable or the value does not fit.
   * @throws {RangeError} If the register or field is unknown.
   */
  hwWrite(qname: string, field: string, value: number): void {
    const r = this.layout.register(qname);
    const f = this.layout.field(qname, field);
    if (!ACCESS_INFO[f.access].hwWrite) throw new AccessError('access.not-hw-writable', `${qname}.${field} is ${f.access}: hardware does not change it after initialisation`);
    const width = f.hi - f.lo + 1;
    if (!Number.isInteger(value) || value < 0 || value > 2 ** width - 1) {
      throw new AccessError('access.value-too-wide', `value ${show(value)} does not fit ${qname}.${field} (${width} bits)`);
    }
    this.setRegisterBits(r, f.mask, (value * 2 ** f.lo) >>> 0);
  }

  /** Hardware sets every bit of a field (e.g. a status error bit). @see {@link RegisterSpace.hwWrite} */
  hwSet(qname: string, field: string): void {
    const f = this.layout.field(qname, field);
    this.hwWrite(qname, field, 2 ** (f.hi - f.lo + 1) - 1);
  }

  /** Hardware clears every bit of a field. @see {@link RegisterSpace.hwWrite} */
  hwClear(qname: string, field: string): void {
    this.hwWrite(qname, field, 0);
  }

  private setRegisterBits(r: PlacedRegister, m: number, bits: number): void {
    const di = r.offset >>> 2;
    const sh = (r.offset & 3) * 8;
    const pm = (m * 2 ** sh) >>> 0;
    this.words[di] = ((this.words[di]! & ~pm) | ((bits * 2 ** sh) & pm)) >>> 0;
    this.version++;
  }

  /**
   * Resets the space: every bit returns to its reset value, except that a hot reset keeps sticky
   * bits and an FLR keeps sticky and FLR-exempt bits. Then every `postReset` hook runs.
   * @spec PCIe Base r6.0 §6.6.1, §6.6.2, §7.4
   */
  reset(kind: ResetKind): void {
    const L = this.layout;
    const keep = kind === 'flr' ? L.keepFlr : kind === 'hot' ? L.keepHot : undefined;
    for (let i = 0; i < this.resetImage.length; i++) {
      const k = keep === undefined ? 0 : keep[i]!;
      this.words[i] = ((this.words[i]! & k) | (this.resetImage[i]! & ~k)) >>> 0;
    }
    this.version++;
    for (const r of L.registers) this.hooks.reset[r.index]?.(this, r, kind);
  }

  /** Backdoor: a copy of `length` bytes at `offset`, no side effects. */
  peek(offset = 0, length = this.layout.size - offset): Uint8Array {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.layout.size) {
      throw new AccessError('access.out-of-range', `peek of ${length} bytes at ${offset} leaves the space`);
    }
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = (this.words[(offset + i) >>> 2]! >>> (((offset + i) & 3) * 8)) & 0xff;
    return out;
  }

  /** Backdoor: stores raw bytes at `offset`, bypassing masks, hooks and diagnostics (for loading images). */
  poke(offset: number, data: Uint8Array): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + data.length > this.layout.size) {
      throw new AccessError('access.out-of-range', `poke of ${data.length} bytes at ${offset} leaves the space`);
    }
    for (let i = 0; i < data.length; i++) {
      const at = offset + i;
      const sh = (at & 3) * 8;
      this.words[at >>> 2] = ((this.words[at >>> 2]! & ~(0xff << sh)) | (data[i]! << sh)) >>> 0;
    }
    this.version++;
  }
}
