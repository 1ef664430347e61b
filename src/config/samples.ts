import { ariCapability } from './cap/ari.js';
import { msiCapability } from './cap/msi.js';
import { msixCapability } from './cap/msix.js';
import { pcieCapability } from './cap/pcie.js';
import { pmCapability } from './cap/pm.js';
import type { FunctionSpec } from './builder.js';

/**
 * An endpoint shaped like an Intel 82576 PF as QEMU's igb models it (IDs 8086:10C9, class
 * 020000): BAR0 128 KiB mem32, BAR1 128 KiB mem32, BAR2 32 B I/O, BAR3 16 KiB mem64; PM @0x40,
 * MSI @0x50, MSI-X @0x70 (10 vectors in BAR3, PBA at 0x2000), PCIe @0xA0, ARI @0x100.
 * @remarks Layout after `shared/reference` d.1 (QEMU hw/net/igb.c); values illustrative.
 * @example
 * ```ts
 * const fn = buildConfigSpace(sampleEndpointSpec());
 * ```
 * @category Config Space
 */
export function sampleEndpointSpec(): FunctionSpec {
  return {
    header: {
      type: 0, vendorId: 0x8086, deviceId: 0x10c9, revisionId: 0x01, classCode: 0x020000, interruptPin: 1,
      subsystemVendorId: 0x8086, subsystemId: 0x0000, expansionRomSize: 0x40000,
      bars: [
        { kind: 'mem32', size: 0x20000 },
        { kind: 'mem32', size: 0x20000 },
        { kind: 'io', size: 32 },
        { kind: 'mem64', size: 0x4000 },
      ],
    },
    capabilities: [
      { def: pmCapability({ dsi: true, pmeSupport: 0x19 }), at: 0x40 },
      { def: msiCapability({ vectors: 1, address64: true, perVectorMasking: true }), at: 0x50 },
      { def: msixCapability({ tableSize: 10, tableBir: 3, tableOffset: 0, pbaBir: 3, pbaOffset: 0x2000 }), at: 0x70 },
      { def: pcieCapability({ deviceType: 'endpoint', maxPayloadSupported: 512, maxLinkSpeed: 2, maxLinkWidth: 4 }), at: 0xa0 },
      { def: ariCapability({ nextFunction: 0 }), at: 0x100 },
    ],
  };
}
