import { describe, expect, it } from 'vitest';
import {
  AccessError, DiagnosticLog, LayoutBuilder, LayoutError, RegisterSpace, defineBlock, defineRegister,
  type BlockDef, type Diagnostic, type RegisterDef,
} from '../../../src/regs/index.js';

const ctl: RegisterDef = {
  id: 'control', name: 'Control', offset: 0x00, width: 16, rest: 'RsvdP',
  hooks: { preWrite: 'keepMode', postWrite: 'onControl', postReset: 'afterReset' },
  fields: { enable: { bits: [0, 0], access: 'RW' }, mode: { bits: [3, 1], access: 'RW' } },
};
const sts: RegisterDef = {
  id: 'status', name: 'Status', offset: 0x02, width: 16, rest: 'RsvdZ',
  fields: { error: { bits: [0, 0], access: 'RW1C' }, ready: { bits: [1, 1], access: 'RO', reset: 1 }, sticky: { bits: [2, 2], access: 'RW1CS' } },
};
const block: BlockDef = { id: 'dev', name: 'Device', size: 8, registers: [ctl, sts] };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof LayoutError || e instanceof AccessError) return e.code;
    throw e;
  }
  return undefined;
}

describe('defineRegister', () => {
  it('REG-DEF-01: should refuse overlapping fields, fields outside the register, gaps without rest, bad widths, offsets and resets', () => {
    const base = { id: 'r', name: 'R', offset: 0, width: 16 as const };
    expect(code(() => defineRegister({ ...base, fields: { a: { bits: [3, 0], access: 'RW' }, b: { bits: [4, 3], access: 'RO' } }, rest: 'RsvdP' }))).toBe('layout.field-overlap');
    expect(code(() => defineRegister({ ...base, fields: { a: { bits: [16, 0], access: 'RW' } } }))).toBe('layout.field-outside-register');
    expect(code(() => defineRegister({ ...base, fields: { a: { bits: [3, 4], access: 'RW' } }, rest: 'RsvdP' }))).toBe('layout.bad-field-range');
    expect(code(() => defineRegister({ ...base, fields: { a: { bits: [7, 0], access: 'RW' } } }))).toBe('layout.uncovered-bits');
    expect(code(() => defineRegister({ ...base, width: 24 as 16, fields: {}, rest: 'RsvdP' }))).toBe('layout.bad-width');
    expect(code(() => defineRegister({ ...base, offset: 1, fields: {}, rest: 'RsvdP' }))).toBe('layout.misaligned-register');
    expect(code(() => defineRegister({ ...base, fields: { a: { bits: [1, 0], access: 'RW', reset: 4 } }, rest: 'RsvdP' }))).toBe('layout.bad-reset');
    expect(code(() => defineRegister({ ...base, fields: { a: { bits: [1, 0], access: 'RsvdZ', reset: 1 } }, rest: 'RsvdP' }))).toBe('layout.bad-reset');
    expect(code(() => defineRegister({ ...base, fields: { a: { bits: [1, 0], access: 'WO' as 'RW' } }, rest: 'RsvdP' }))).toBe('layout.bad-access');
  });

  it('REG-DEF-01: should compile fields into per-access masks and a reset value', () => {
    const r = defineRegister(sts);
    expect(r.masks.RW1C).toBe(0x1);
    expect(r.masks.RO).toBe(0x2);
    expect(r.masks.RW1CS).toBe(0x4);
    expect(r.masks.RsvdZ).toBe(0xfff8);
    expect(r.reset).toBe(0x2);
  });
});

describe('defineBlock and LayoutBuilder', () => {
  it('REG-DEF-02: should refuse overlapping registers, registers outside the block, duplicate ids, and overlapping blocks', () => {
    expect(code(() => defineBlock({ ...block, registers: [ctl, { ...sts, offset: 0 }] }))).toBe('layout.register-overlap');
    expect(code(() => defineBlock({ ...block, size: 3, registers: [ctl, sts] }))).toBe('layout.register-outside-block');
    expect(code(() => defineBlock({ ...block, registers: [ctl, { ...sts, id: 'control' }] }))).toBe('layout.duplicate-name');
    const b = defineBlock(block);
    expect(code(() => new LayoutBuilder(16).place('a', 0, b).place('b', 2, b))).toBe('layout.block-overlap');
    expect(code(() => new LayoutBuilder(16).place('a', 12, b))).toBe('layout.block-outside-space');
    expect(code(() => new LayoutBuilder(16).place('a', 0, b).place('a', 8, b))).toBe('layout.duplicate-name');
    expect(code(() => new LayoutBuilder(16).place('a', 0, b).place('b', 8, b))).toBeUndefined();
    // The space itself: a positive multiple of 4 bytes, at most 16 MiB.
    for (const size of [0, 2, 6, 4.5, Number.NaN, 2 ** 25]) expect(code(() => new LayoutBuilder(size)), `size ${size}`).toBe('layout.bad-option');
    // isFree answers for a span: claimed bytes, spans leaving the space, and free ones.
    const lb = new LayoutBuilder(16).place('a', 4, b);
    expect([lb.isFree(0, 4), lb.isFree(2, 4), lb.isFree(4, 1), lb.isFree(12, 4), lb.isFree(12, 8), lb.isFree(-1, 1)]).toEqual([true, false, false, true, false, false]);
  });
});

describe('RegisterSpace', () => {
  const layout = new LayoutBuilder(16).place('dev', 0, defineBlock(block)).build();
  const seen: string[] = [];
  const hooks = {
    preWrite: { keepMode: (e: { before: number; written: number }) => ((e.written & 0x8) !== 0 ? (e.written & ~0xe) | (e.before & 0xe) : e.written) },
    postWrite: { onControl: (e: { before: number; after: number; touched: number }) => void seen.push(`post ${e.before.toString(16)}->${e.after.toString(16)} touched ${e.touched.toString(16)}`) },
    postReset: { afterReset: (_s: unknown, _r: unknown, kind: string) => void seen.push(`reset ${kind}`) },
  };

  it('REG-ACC-01: should refuse accesses of another size, misaligned, or outside the space, with typed errors', () => {
    const s = new RegisterSpace(layout, { hooks });
    expect(code(() => s.read(0, 3 as 4))).toBe('access.bad-size');
    expect(code(() => s.read(1, 2))).toBe('access.misaligned');
    expect(code(() => s.write(2, 4, 0))).toBe('access.misaligned');
    expect(code(() => s.read(16, 1))).toBe('access.out-of-range');
    expect(code(() => s.read(-4, 4))).toBe('access.out-of-range');
    expect(code(() => s.read(0.5, 1))).toBe('access.bad-offset');
    expect(code(() => s.write(0, 1, 0x100))).toBe('access.value-too-wide');
    expect(code(() => s.write(0, 2, -1))).toBe('access.value-too-wide');
    expect(code(() => s.write(0, 4, -1))).toBeUndefined();
    expect(s.read(0, 2)).toBe(0x1);
  });

  it('REG-HOOK-01: should refuse a layout whose hook names have no implementation', () => {
    expect(code(() => new RegisterSpace(layout))).toBe('layout.missing-hook');
    expect(code(() => new RegisterSpace(layout, { hooks: { ...hooks, postReset: {} } }))).toBe('layout.missing-hook');
  });

  it('REG-HOOK-01: should run preWrite before the masks, postWrite with before/after, postReset after resets', () => {
    seen.length = 0;
    const s = new RegisterSpace(layout, { hooks });
    s.write(0, 2, 0x0003); // enable + mode 1; keepMode lets mode through (bit 3 clear)
    expect(s.read(0, 2)).toBe(0x0003);
    s.write(0, 2, 0x000e); // bit 3 set: keepMode keeps the old mode; enable is written 0
    expect(s.read(0, 2)).toBe(0x0002);
    s.write(2, 2, 0xffff); // status only: control hooks must not run
    s.write(1, 1, 0x00); // upper byte of control only
    s.reset('hot');
    expect(seen).toEqual(['post 0->3 touched ffff', 'post 3->2 touched ffff', 'post 2->2 touched ff00', 'reset hot']);
  });

  it('REG-RSVDZ-02 REG-RSVDP-02 REG-RO-02: should report driver obligations with register, fields, requirement and spec', () => {
    const log = new DiagnosticLog(3);
    const s = new RegisterSpace(layout, { hooks, onDiagnostic: log.sink });
    s.write(0, 4, 0xfffd_0010); // RsvdP in control changed; RsvdZ in status set; RO ready (1) written 0
    const got: Diagnostic[] = log.take();
    expect(got.map((d) => [d.code, d.register, d.severity])).toEqual([
      ['driver.rsvdz-nonzero', 'dev.status', 'warning'],
      ['driver.rsvdp-changed', 'dev.control', 'warning'],
      ['driver.ro-write', 'dev.status', 'note'],
    ]);
    expect(got[2]!.fields).toEqual(['ready']);
    expect(got[0]!.spec).toMatch(/§7\.4/);
    s.write(8, 4, 1);
    expect(log.take().map((d) => d.code)).toEqual(['driver.unimplemented-write']);
    for (let i = 0; i < 5; i++) s.write(8, 1, i + 1);
    expect(log.take()).toHaveLength(3);
    expect(log.dropped).toBe(2);
  });

  it('should refuse hardware-side writes to reserved fields and values that do not fit', () => {
    const s = new RegisterSpace(layout, { hooks });
    expect(code(() => s.hwWrite('dev.status', 'error', 2))).toBe('access.value-too-wide');
    expect(() => s.hwWrite('dev.status', 'nope', 1)).toThrow(RangeError);
    expect(() => s.readRegister('dev.nope')).toThrow(RangeError);
    s.hwSet('dev.status', 'sticky');
    s.hwSet('dev.status', 'error');
    s.reset('hot');
    expect(s.readField('dev.status', 'sticky')).toBe(1);
    expect(s.readField('dev.status', 'error')).toBe(0);
    s.reset('cold');
    expect(s.readField('dev.status', 'sticky')).toBe(0);
  });
});
