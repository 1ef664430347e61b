import { describe, expect, it } from 'vitest';
import {
  ConfigSpaceBuilder, ariCapability, buildConfigSpace, msiCapability, msixCapability, pcieCapability, pmCapability,
  type BarSpec, type CapabilityDef, type HeaderSpec,
} from '../../../src/config/index.js';
import type { LayoutErrorCode } from '../../../src/regs/index.js';
import { layoutError } from '../../helpers/errors.js';

const HEADER: HeaderSpec = { type: 0, vendorId: 0x8086, deviceId: 0x10c9, classCode: 0x020000 };


function expectCode(fn: () => unknown, code: LayoutErrorCode): void {
  expect(layoutError(fn).code).toBe(code);
}

const pcie = (): CapabilityDef => pcieCapability({ deviceType: 'endpoint' });
const builder = (header: HeaderSpec = HEADER): ConfigSpaceBuilder => new ConfigSpaceBuilder(header);
const withBars = (bars: readonly (BarSpec | undefined)[], type: 0 | 1 = 0) => (): unknown =>
  buildConfigSpace({ header: { ...HEADER, type, bars } as HeaderSpec });

describe('config/builder', () => {
  describe('ConfigSpaceBuilder.build', () => {
    it('CFG-CAP-01 should place capabilities back to back from 0x40 and 0x100 and chain them in order when no offset is given', () => {
      const s = builder().capability(pmCapability()).capability(msiCapability({ vectors: 4 })).capability(pcie()).capability(ariCapability()).build();
      expect(s.capabilities.map((c) => [c.name, c.offset, c.size])).toEqual([
        ['cap.pm', 0x40, 8],
        ['cap.msi', 0x48, 0x10],
        ['cap.pcie', 0x58, 0x3c],
        ['ecap.ari', 0x100, 8],
      ]);
      // Header: ID, next pointer.
      expect([s.read(0x40, 2), s.read(0x48, 2), s.read(0x58, 2)]).toEqual([0x4801, 0x5805, 0x0010]);
      expect(s.read(0x100, 4)).toBe(0x0001_000e);
    });

    it('CFG-CAP-01 should round a capability whose size is not a multiple of 4 up to the next DWORD when placing the next one', () => {
      const odd: CapabilityDef = { space: 'standard', id: 0x09, key: 'vendor', name: 'Vendor Specific', size: 6, spec: 'test', registers: [] };
      const s = builder().capability(odd).capability(pmCapability()).build();
      expect(s.capabilities.map((c) => c.offset)).toEqual([0x40, 0x48]);
    });

    it('CFG-CAP-01 should name a second instance of the same capability with a suffix when it is added twice', () => {
      const s = builder().capability(msiCapability()).capability(msiCapability()).build();
      expect(s.capabilities.map((c) => c.name)).toEqual(['cap.msi', 'cap.msi2']);
      expect(s.layout.register('cap.msi2.messageControl').offset).toBe(0x52);
    });

    it.each([
      ['a PM capability inside an MSI capability', [[msiCapability(), 0x40], [pmCapability(), 0x44]]],
      ['a PM capability inside a PCIe capability', [[pcie(), 0x40], [pmCapability(), 0x70]]],
      ['two capabilities at the same offset', [[pmCapability(), 0x80], [msiCapability(), 0x80]]],
      ['a capability ending inside the next one', [[pmCapability(), 0x60], [msixCapability({ tableSize: 1, tableBir: 0, tableOffset: 0, pbaBir: 0, pbaOffset: 8 }), 0x5c]]],
    ] as const)('CFG-CAP-01 should refuse %s with layout.block-overlap', (_what, caps) => {
      expectCode(() => {
        const b = builder();
        for (const [def, at] of caps) b.capability(def, at);
        return b.build();
      }, 'layout.block-overlap');
    });

    it('CFG-CAP-01 should refuse two overlapping extended capabilities with layout.block-overlap', () => {
      expectCode(() => builder().capability(pcie()).capability(ariCapability(), 0x100).capability(ariCapability(), 0x104).build(), 'layout.block-overlap');
    });

    it('CFG-CAP-01 should refuse a default-placed capability that runs into an explicitly placed one with layout.block-overlap', () => {
      // PM at 0x80, MSI (0x10 bytes) at 0x40, then PCIe by default at 0x50..0x8B runs into PM.
      expectCode(() => builder().capability(pmCapability(), 0x80).capability(msiCapability(), 0x40).capability(pcie()).build(), 'layout.block-overlap');
    });

    // Regression test for a bug found and fixed this session; see the commit that flipped it from it.fails.
    it('CFG-CAP-01 should refuse a capability placed inside the declared size of another one whose body has no registers', () => {
      const vendor: CapabilityDef = { space: 'standard', id: 0x09, key: 'vendor', name: 'Vendor Specific', size: 16, spec: 'test', registers: [] };
      expectCode(() => builder().capability(vendor, 0x40).capability(pmCapability(), 0x48).build(), 'layout.block-overlap');
    });

    it.each([
      ['0x41', 0x41],
      ['0x42', 0x42],
      ['0x4E', 0x4e],
    ] as const)('CFG-CAP-01 should refuse a standard capability at %s with layout.capability-misaligned', (_s, at) => {
      expectCode(() => builder().capability(pmCapability(), at).build(), 'layout.capability-misaligned');
    });

    it('CFG-CAP-01 should refuse an extended capability at a non-DWORD offset with layout.capability-misaligned', () => {
      expectCode(() => builder().capability(pcie()).capability(ariCapability(), 0x102).build(), 'layout.capability-misaligned');
    });

    it.each([
      ['a standard capability in the header (0x3C)', (b: ConfigSpaceBuilder) => b.capability(pmCapability(), 0x3c)],
      ['a standard capability at 0x00', (b: ConfigSpaceBuilder) => b.capability(pmCapability(), 0x00)],
      ['a standard capability crossing 0x100 (0xFC + 8)', (b: ConfigSpaceBuilder) => b.capability(pmCapability(), 0xfc)],
      ['a standard capability in the extended space (0x100)', (b: ConfigSpaceBuilder) => b.capability(pmCapability(), 0x100)],
      ['an extended capability in the standard space (0xC0)', (b: ConfigSpaceBuilder) => b.capability(pcie()).capability(ariCapability(), 0xc0)],
      ['an extended capability crossing 0x1000 (0xFFC + 8)', (b: ConfigSpaceBuilder) => b.capability(pcie()).capability(ariCapability()).capability(ariCapability(), 0xffc)],
      ['an extended capability beyond 4 KiB', (b: ConfigSpaceBuilder) => b.capability(pcie()).capability(ariCapability()).capability(ariCapability(), 0x1000)],
    ] as const)('CFG-CAP-01 should refuse %s with layout.capability-outside-space', (_what, add) => {
      expectCode(() => add(builder()).build(), 'layout.capability-outside-space');
    });

    it('CFG-CAP-01 should refuse a standard capability that no longer fits below 0x100 with layout.capability-space-full when placed by default', () => {
      // 3 × 0x3C = 0xB4 bytes from 0x40 end at 0xF4; a fourth PCIe capability would end at 0x130.
      const b = builder().capability(pcie()).capability(pcie()).capability(pcie());
      expect(b.build().capabilities.map((c) => c.offset)).toEqual([0x40, 0x7c, 0xb8]);
      expectCode(() => b.capability(pcie()).build(), 'layout.capability-space-full');
    });

    it('CFG-CAP-01 should accept a standard capability that ends exactly at 0x100 when placed by default', () => {
      const b = builder().capability(pcie()).capability(pcie()).capability(pcie()).capability(pmCapability());
      expect(b.build().capabilities.at(-1)?.offset).toBe(0xf4);
      expectCode(() => b.capability(pmCapability()).build(), 'layout.capability-space-full');
    });

    it('CFG-CAP-01 should refuse the 481st 8-byte extended capability with layout.capability-space-full when 480 fill 0x100..0xFFF', () => {
      const b = builder().capability(pcie());
      for (let i = 0; i < 480; i++) b.capability(ariCapability());
      const s = b.build();
      expect(s.capabilities.filter((c) => c.space === 'extended').at(-1)?.offset).toBe(0xff8);
      expectCode(() => b.capability(ariCapability()).build(), 'layout.capability-space-full');
    });

    it('CFG-CAP-01 should refuse an extended list that does not start at 0x100 with layout.capability-outside-space', () => {
      const e = layoutError(() => builder().capability(pcie()).capability(ariCapability(), 0x200).build());
      expect(e.code).toBe('layout.capability-outside-space');
      expect(e.message).toContain('0x100');
    });

    it('CFG-CAP-01 should refuse extended capabilities without a PCI Express capability with layout.bad-option', () => {
      expectCode(() => builder().capability(pmCapability()).capability(ariCapability()).build(), 'layout.bad-option');
      expectCode(() => builder().capability(ariCapability()).build(), 'layout.bad-option');
    });

    it('CFG-CAP-01 should accept extended capabilities when the PCI Express capability is not the first standard one', () => {
      const s = builder().capability(pmCapability()).capability(msiCapability()).capability(pcie()).capability(ariCapability()).build();
      expect(s.capability(0x000e, 'extended')?.offset).toBe(0x100);
    });

    it.each([
      ['a mem32 size that is not a power of two', [{ kind: 'mem32', size: 0x3000 }]],
      ['a mem64 size that is not a power of two', [{ kind: 'mem64', size: 0x3_0000_0000n }]],
      ['an I/O size that is not a power of two', [{ kind: 'io', size: 24 }]],
      ['a zero size', [{ kind: 'mem32', size: 0 }]],
      ['a negative size', [{ kind: 'mem32', size: -16 }]],
      ['a memory BAR below 16 bytes', [{ kind: 'mem32', size: 8 }]],
      ['a mem32 BAR above 2 GiB', [{ kind: 'mem32', size: 2 ** 32 }]],
      ['a mem64 BAR of 2^64 bytes', [{ kind: 'mem64', size: 1n << 64n }]],
      ['an I/O BAR below 4 bytes', [{ kind: 'io', size: 2 }]],
      ['an I/O BAR above 256 bytes', [{ kind: 'io', size: 512 }]],
      ['a 64-bit BAR in the last slot (BAR5)', [undefined, undefined, undefined, undefined, undefined, { kind: 'mem64', size: 0x1000 }]],
      ['a slot after a 64-bit BAR that is not empty', [{ kind: 'mem64', size: 0x1000 }, { kind: 'mem32', size: 0x1000 }]],
      ['seven BARs', Array.from({ length: 7 }, () => ({ kind: 'mem32', size: 0x1000 }))],
    ] as const)('CFG-CAP-01 should refuse %s with layout.bad-option when a Type 0 header is built', (_what, bars) => {
      expectCode(withBars(bars as readonly (BarSpec | undefined)[]), 'layout.bad-option');
    });

    it('CFG-CAP-01 should refuse a 64-bit BAR in the last Type 1 slot (BAR1) with layout.bad-option', () => {
      expectCode(withBars([undefined, { kind: 'mem64', size: 0x1000 }], 1), 'layout.bad-option');
    });

    it.each([0x400, 0x3000, 0x200_0000])('CFG-CAP-01 should refuse an Expansion ROM of %i bytes with layout.bad-option', (size) => {
      expectCode(() => buildConfigSpace({ header: { ...HEADER, expansionRomSize: size } }), 'layout.bad-option');
    });

    // Regression test for a bug found and fixed this session; see the commit that flipped it from it.fails.
    it.each([
      ['a non-integer BAR size', (): unknown => withBars([{ kind: 'mem32', size: 4096.5 }])()],
      ['a NaN BAR size', (): unknown => withBars([{ kind: 'io', size: Number.NaN }])()],
      ['a non-integer Expansion ROM size', (): unknown => buildConfigSpace({ header: { ...HEADER, expansionRomSize: 4096.5 } })],
    ])('CFG-CAP-01 should refuse %s with layout.bad-option', (_what, fn) => {
      expectCode(fn, 'layout.bad-option');
    });

    it('CFG-CAP-01 should accept the largest legal BARs (2 GiB mem32, 2^63 mem64, 256 B I/O) when built', () => {
      const s = buildConfigSpace({ header: { ...HEADER, bars: [{ kind: 'mem32', size: 2 ** 31 }, { kind: 'mem64', size: 1n << 63n }, undefined, { kind: 'io', size: 256 }] } });
      expect(s.bars().map((b) => b.size)).toEqual([2n ** 31n, 1n << 63n, 256n]);
    });
  });
});
