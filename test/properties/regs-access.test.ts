import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { ACCESS_INFO, RESET_KINDS, RegisterSpace, type Diagnostic } from '../../src/regs/index.js';
import { accessArb, bitOf, bitTable, layoutArb } from '../helpers/arb-layout.js';

/** Puts a random state into a space through hardware-side writes of every hw-writable field. */
function scramble(space: RegisterSpace, seeds: number[]): void {
  let i = 0;
  for (const r of space.layout.registers) {
    for (const f of r.checked.fields) {
      if (!ACCESS_INFO[f.access].hwWrite) continue;
      const width = f.hi - f.lo + 1;
      space.hwWrite(r.qname, f.name, (seeds[i++ % seeds.length]! >>> 0) % 2 ** width);
    }
  }
}

describe('register engine: access-type laws on random layouts', () => {
  test.prop([layoutArb, fc.array(fc.integer(), { minLength: 1, maxLength: 8 }), fc.array(accessArb(64), { minLength: 1, maxLength: 12 })])(
    'REG-RO-01 REG-RW-01 REG-W1C-01 REG-RSVDP-01 REG-RSVDZ-01 REG-UNIMPL-01: every software write obeys each bit\'s attribute',
    (layout, seeds, writes) => {
      const t = bitTable(layout);
      const space = new RegisterSpace(layout);
      scramble(space, seeds);
      for (const w of writes) {
        const before = space.peek();
        space.write(w.offset, w.size, w.value);
        const after = space.peek();
        const wrong: string[] = [];
        for (let b = 0; b < 64 * 8; b++) {
          const byte = b >> 3;
          const x = bitOf(before, b);
          const y = bitOf(after, b);
          const inside = byte >= w.offset && byte < w.offset + w.size;
          if (!inside) {
            if (y !== x) wrong.push(`bit ${b} outside the access changed`);
            continue;
          }
          const v = Math.floor(w.value / 2 ** (b - w.offset * 8)) % 2;
          const a = t.access[b];
          const want = a === undefined ? x : ACCESS_INFO[a].swWrite ? v : ACCESS_INFO[a].w1c ? x & (v ^ 1) : x;
          if (y !== want) wrong.push(`bit ${b} (${a ?? 'unclaimed'}) before ${x} wrote ${v} reads ${y}, want ${want}`);
          if ((a === 'RsvdZ' || a === undefined) && y !== 0) wrong.push(`bit ${b} (${a ?? 'unclaimed'}) reads 1`);
        }
        expect(wrong).toEqual([]);
      }
    },
  );

  test.prop([layoutArb, fc.array(fc.integer(), { minLength: 1, maxLength: 8 }), accessArb(64)])(
    'REG-RO-02 REG-RSVDP-02 REG-RSVDZ-02: driver obligations are reported exactly when broken',
    (layout, seeds, w) => {
      const t = bitTable(layout);
      const got: Diagnostic[] = [];
      const space = new RegisterSpace(layout, { onDiagnostic: (d) => got.push(d) });
      scramble(space, seeds);
      const before = space.peek();
      space.write(w.offset, w.size, w.value);
      let rz = false;
      let rp = false;
      let ro = false;
      for (let b = w.offset * 8; b < (w.offset + w.size) * 8; b++) {
        const v = Math.floor(w.value / 2 ** (b - w.offset * 8)) % 2;
        const x = bitOf(before, b);
        const a = t.access[b];
        if (a === 'RsvdZ' && v === 1) rz = true;
        if (a === 'RsvdP' && v !== x) rp = true;
        if ((a === 'RO' || a === 'ROS' || a === 'HwInit') && v !== x) ro = true;
      }
      const codes = new Set(got.map((d) => d.code));
      expect(codes.has('driver.rsvdz-nonzero')).toBe(rz);
      expect(codes.has('driver.rsvdp-changed')).toBe(rp);
      expect(codes.has('driver.ro-write')).toBe(ro);
      for (const d of got) expect(d.requirement).toMatch(/^REG-[A-Z]+-\d\d$/);
    },
  );

  test.prop([layoutArb, fc.array(fc.integer(), { minLength: 1, maxLength: 8 }), fc.constantFrom(...RESET_KINDS)])(
    'REG-RST-01 REG-RST-02 REG-RST-03: resets return non-kept bits to reset values; hot/FLR keep sticky bits, FLR keeps exempt bits',
    (layout, seeds, kind) => {
      const t = bitTable(layout);
      const space = new RegisterSpace(layout);
      scramble(space, seeds);
      const before = space.peek();
      space.reset(kind);
      const after = space.peek();
      const wrong: string[] = [];
      for (let b = 0; b < 64 * 8; b++) {
        const a = t.access[b];
        const sticky = a !== undefined && ACCESS_INFO[a].sticky;
        const keep = (kind === 'hot' && sticky) || (kind === 'flr' && (sticky || t.flrKeep[b]));
        const want = keep ? bitOf(before, b) : t.reset[b];
        if (bitOf(after, b) !== want) wrong.push(`bit ${b} (${a ?? 'unclaimed'}) after ${kind} reset reads ${bitOf(after, b)}, want ${want}`);
      }
      expect(wrong).toEqual([]);
    },
  );

  test.prop([layoutArb, fc.array(fc.integer(), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 0xffff_ffff })])(
    'REG-WIDTH-01: a DWORD write equals its four byte writes, and a DWORD read equals its four byte reads',
    (layout, seeds, dw, value) => {
      const a = new RegisterSpace(layout);
      const b = new RegisterSpace(layout);
      scramble(a, seeds);
      scramble(b, seeds);
      a.write(dw * 4, 4, value);
      for (let i = 0; i < 4; i++) b.write(dw * 4 + i, 1, (value >>> (8 * i)) & 0xff);
      expect(a.peek()).toEqual(b.peek());
      const bytes = [0, 1, 2, 3].map((i) => a.read(dw * 4 + i, 1));
      expect(a.read(dw * 4, 4)).toBe((bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0);
      expect(a.read(dw * 4, 2)).toBe(bytes[0]! | (bytes[1]! << 8));
    },
  );

  test.prop([layoutArb, fc.array(fc.integer(), { minLength: 1, maxLength: 8 })])(
    'REG-HW-01: a hardware-side write changes exactly its field, whatever the software attribute',
    (layout, seeds) => {
      const space = new RegisterSpace(layout);
      scramble(space, seeds);
      for (const r of layout.registers) {
        for (const f of r.checked.fields) {
          const before = space.peek();
          const width = f.hi - f.lo + 1;
          if (!ACCESS_INFO[f.access].hwWrite) {
            expect(() => space.hwWrite(r.qname, f.name, 0)).toThrow(/access.not-hw-writable/);
            continue;
          }
          const v = (seeds[0]! >>> 0) % 2 ** width;
          space.hwWrite(r.qname, f.name, v);
          expect(space.readField(r.qname, f.name)).toBe(v);
          const after = space.peek();
          const changedOutside: number[] = [];
          for (let b = 0; b < 64 * 8; b++) {
            const inField = b >= r.offset * 8 + f.lo && b <= r.offset * 8 + f.hi;
            if (!inField && bitOf(after, b) !== bitOf(before, b)) changedOutside.push(b);
          }
          expect(changedOutside, `${r.qname}.${f.name} changed other bits`).toEqual([]);
        }
      }
    },
  );
});
