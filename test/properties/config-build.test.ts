import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import {
  ConfigSpaceBuilder, ariCapability, msiCapability, msixCapability, pcieCapability, pmCapability, walkCapabilities, walkExtendedCapabilities,
  type CapabilityDef, type ConfigSpace, type MsiCapabilityOptions, type MsixCapabilityOptions, type PcieCapabilityOptions, type PcieDeviceType,
  type PmCapabilityOptions,
} from '../../src/config/index.js';
import { RESET_KINDS, type ResetKind } from '../../src/regs/index.js';

/**
 * CFG-CAP-03: a space built from a random subset and order of capabilities, some placed by
 * default and some at explicit offsets, walks back (on raw bytes) to exactly what was added.
 * IDs and sizes are written here as literals (PCI Code and ID Assignment; PCIe Base §7.5.2,
 * §7.5.3, §7.7.1, §7.7.2, §7.8.7), not taken from src/.
 */

type Choice =
  | { readonly kind: 'pm'; readonly o: PmCapabilityOptions }
  | { readonly kind: 'msi'; readonly o: MsiCapabilityOptions }
  | { readonly kind: 'msix'; readonly o: MsixCapabilityOptions }
  | { readonly kind: 'pcie'; readonly o: PcieCapabilityOptions };

const DEVICE_TYPES: readonly PcieDeviceType[] = ['endpoint', 'legacy-endpoint', 'root-port', 'upstream-port', 'downstream-port', 'pcie-to-pci-bridge', 'pci-to-pcie-bridge', 'rciep', 'rcec'];

const optionArb: Record<Choice['kind'], fc.Arbitrary<Choice>> = {
  pm: fc.record({ d1: fc.boolean(), d2: fc.boolean(), dsi: fc.boolean(), noSoftReset: fc.boolean(), pmeSupport: fc.integer({ min: 0, max: 0x1f }) })
    .map((o) => ({ kind: 'pm', o })),
  msi: fc.record({ vectors: fc.constantFrom(1, 2, 4, 8, 16, 32), address64: fc.boolean(), perVectorMasking: fc.boolean() })
    .map((o) => ({ kind: 'msi', o })),
  msix: fc.record({
    tableSize: fc.integer({ min: 1, max: 2048 }), tableBir: fc.integer({ min: 0, max: 5 }), tableOffset: fc.integer({ min: 0, max: 2 ** 29 - 1 }).map((n) => n * 8),
    pbaBir: fc.integer({ min: 0, max: 5 }), pbaOffset: fc.integer({ min: 0, max: 2 ** 29 - 1 }).map((n) => n * 8),
  }).map((o) => ({ kind: 'msix', o })),
  pcie: fc.record({
    deviceType: fc.constantFrom(...DEVICE_TYPES), flrCapable: fc.boolean(), maxPayloadSupported: fc.constantFrom(128, 256, 512, 1024, 2048, 4096),
    maxLinkSpeed: fc.integer({ min: 1, max: 6 }), maxLinkWidth: fc.constantFrom(1, 2, 4, 8, 16, 32),
  }).map((o) => ({ kind: 'pcie', o })),
};

/** Expected standard ID and size of each choice, from the spec. */
function expected(c: Choice): { id: number; size: number } {
  switch (c.kind) {
    case 'pm': return { id: 0x01, size: 8 };
    case 'msi': return { id: 0x05, size: 0x0c + (c.o.address64 === false ? 0 : 4) + (c.o.perVectorMasking === true ? 8 : 0) };
    case 'msix': return { id: 0x11, size: 12 };
    case 'pcie': return { id: 0x10, size: 0x3c };
  }
}

function defOf(c: Choice): CapabilityDef {
  switch (c.kind) {
    case 'pm': return pmCapability(c.o);
    case 'msi': return msiCapability(c.o);
    case 'msix': return msixCapability(c.o);
    case 'pcie': return pcieCapability(c.o);
  }
}

/** A random function: header type, a subset of capabilities in random order, placement per capability, optional ARI. */
const functionArb = fc.record({
  headerType: fc.constantFrom<0 | 1>(0, 1),
  kinds: fc.shuffledSubarray(['pm', 'msi', 'msix', 'pcie'] as const),
  // Per capability: undefined = default placement, else the number of spare DWORDs before it (0..5).
  gaps: fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }), { minLength: 4, maxLength: 4 }),
  ari: fc.option(fc.record({ nextFunction: fc.integer({ min: 0, max: 255 }), mfvcFunctionGroups: fc.boolean(), acsFunctionGroups: fc.boolean() }), { nil: undefined }),
}).chain(({ headerType, kinds, gaps, ari }) =>
  fc.tuple(...kinds.map((k) => optionArb[k])).map((choices) => ({ headerType, choices: choices as Choice[], gaps, ari })),
);

interface Built {
  readonly space: ConfigSpace;
  /** Expected standard capabilities in chain order. */
  readonly std: readonly { readonly name: string; readonly id: number; readonly offset: number; readonly size: number }[];
  /** Expected extended capabilities in chain order. */
  readonly ext: readonly { readonly name: string; readonly id: number; readonly offset: number; readonly size: number }[];
}

interface FunctionCase {
  readonly headerType: 0 | 1;
  readonly choices: readonly Choice[];
  readonly gaps: readonly (number | undefined)[];
  readonly ari: { readonly nextFunction: number; readonly mfvcFunctionGroups: boolean; readonly acsFunctionGroups: boolean } | undefined;
}

function build({ headerType, choices, gaps, ari }: FunctionCase): Built {
  const b = new ConfigSpaceBuilder({ type: headerType, vendorId: 0x8086, deviceId: 0x1234, classCode: headerType === 0 ? 0x020000 : 0x060400 });
  const std: { name: string; id: number; offset: number; size: number }[] = [];
  let cursor = 0x40;
  choices.forEach((c, i) => {
    const { id, size } = expected(c);
    const gap = gaps[i];
    const offset = cursor + 4 * (gap ?? 0);
    if (gap === undefined) b.capability(defOf(c));
    else b.capability(defOf(c), offset);
    std.push({ name: `cap.${c.kind}`, id, offset, size });
    cursor = offset + size;
  });
  const ext: { name: string; id: number; offset: number; size: number }[] = [];
  if (ari !== undefined && choices.some((c) => c.kind === 'pcie')) {
    b.capability(ariCapability(ari));
    ext.push({ name: 'ecap.ari', id: 0x000e, offset: 0x100, size: 8 });
  }
  return { space: b.build(), std, ext };
}

/** Asserts the space walks back to exactly `std` and `ext`, and that the header agrees. */
function checkWalk({ space, std, ext }: Built): void {
  const bytes = space.peek();
  expect(walkCapabilities(bytes)).toEqual({ entries: std.map(({ id, offset }) => ({ id, offset })), problems: [] });
  expect(walkExtendedCapabilities(bytes)).toEqual({ entries: ext.map(({ id, offset }) => ({ id, offset, version: 1 })), problems: [] });
  expect(space.read(0x34, 1)).toBe(std[0]?.offset ?? 0);
  expect(space.readField('header.status', 'capabilitiesList')).toBe(std.length > 0 ? 1 : 0);
}

const writeArb = fc.oneof(
  fc.record({ size: fc.constant<1>(1), dword: fc.integer({ min: 0, max: 1023 }), lane: fc.integer({ min: 0, max: 3 }), value: fc.integer({ min: 0, max: 0xff }) }),
  fc.record({ size: fc.constant<2>(2), dword: fc.integer({ min: 0, max: 1023 }), lane: fc.constantFrom(0, 2), value: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ size: fc.constant<4>(4), dword: fc.integer({ min: 0, max: 1023 }), lane: fc.constant(0), value: fc.integer({ min: 0, max: 0xffff_ffff }) }),
  // Aim a share of the writes at the header and the standard capability area.
  fc.record({ size: fc.constant<4>(4), dword: fc.integer({ min: 0, max: 0x3f }), lane: fc.constant(0), value: fc.integer({ min: 0, max: 0xffff_ffff }) }),
);

describe('config/builder', () => {
  describe('ConfigSpaceBuilder.build', () => {
    test.prop([functionArb])(
      'CFG-CAP-03 should walk back to exactly the capabilities added, in order, at the offsets in space.capabilities when built from a random subset',
      (f) => {
        const built = build(f);
        const { space, std, ext } = built;
        expect(space.capabilities).toEqual([
          ...std.map((c) => ({ ...c, space: 'standard' })),
          ...ext.map((c) => ({ ...c, space: 'extended' })),
        ].map(({ name, space: sp, id, offset, size }) => expect.objectContaining({ name, space: sp, id, offset, size })));
        checkWalk(built);
        // Each capability's next pointer names the following one (0 for the last).
        std.forEach((c, i) => expect(space.read(c.offset + 1, 1)).toBe(std[i + 1]?.offset ?? 0));
      },
    );

    test.prop([functionArb, fc.array(fc.oneof(writeArb, fc.constantFrom<ResetKind>(...RESET_KINDS)), { maxLength: 40 })])(
      'CFG-CAP-03 should keep the capability chain, Capabilities Pointer and Status.CapList intact when software writes and resets hit the space',
      (f, ops) => {
        const built = build(f);
        for (const op of ops) {
          if (typeof op === 'string') built.space.reset(op);
          else built.space.write(op.dword * 4 + op.lane, op.size, op.value);
        }
        checkWalk(built);
      },
    );
  });
});
