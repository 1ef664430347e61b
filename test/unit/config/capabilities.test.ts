import { describe, expect, it } from 'vitest';
import {
  ConfigSpaceBuilder, ariCapability, buildConfigSpace, msiCapability, msixCapability, pcieCapability, pmCapability, sampleEndpointSpec,
  type AriCapabilityOptions, type CapabilityDef, type ConfigSpace, type MsixCapabilityOptions, type PcieCapabilityOptions, type PcieDeviceType,
  type PmCapabilityOptions,
} from '../../../src/config/index.js';
import { RESET_KINDS, type Diagnostic, type LayoutErrorCode, type ResetKind } from '../../../src/regs/index.js';
import { layoutError } from '../../helpers/errors.js';

/**
 * Capability structures: PCI Express (PCIe Base r6.0 §7.5.3, reference a.3), FLR (§6.6.2),
 * Power Management (§7.5.2), MSI (§7.7.1), MSI-X (§7.7.2) and ARI (§7.8.7, reference a.2).
 */

const EP_HEADER = { type: 0, vendorId: 0x8086, deviceId: 0x10c9, classCode: 0x020000 } as const;
const PORT_HEADER = { type: 1, vendorId: 0x8086, deviceId: 0x7c10, classCode: 0x060400 } as const;

function expectCode(fn: () => unknown, code: LayoutErrorCode): void {
  expect(layoutError(fn).code).toBe(code);
}

const PORTS: ReadonlySet<PcieDeviceType> = new Set(['root-port', 'upstream-port', 'downstream-port', 'pcie-to-pci-bridge', 'pci-to-pcie-bridge']);

/** A function with only a PCIe capability, at 0x40. */
function withPcie(o: PcieCapabilityOptions, diag?: (d: Diagnostic) => void): ConfigSpace {
  return buildConfigSpace(
    { header: PORTS.has(o.deviceType) ? PORT_HEADER : EP_HEADER, capabilities: [{ def: pcieCapability(o), at: 0x40 }] },
    diag === undefined ? {} : { onDiagnostic: diag },
  );
}

/** A function with one capability at 0x40 (and, for extended ones, PCIe at 0x40 and the capability at 0x100). */
function withCap(def: CapabilityDef, diag?: (d: Diagnostic) => void): ConfigSpace {
  const b = new ConfigSpaceBuilder(EP_HEADER);
  if (def.space === 'extended') b.capability(pcieCapability({ deviceType: 'endpoint' }), 0x40);
  b.capability(def, def.space === 'extended' ? 0x100 : 0x40);
  return b.build(diag === undefined ? {} : { onDiagnostic: diag });
}

// PCI Express capability register offsets (relative to the capability).
const DEVCAP = 0x04;
const DEVCTL = 0x08;
const DEVSTA = 0x0a;
const LNKCTL = 0x10;
const DEVCAP2 = 0x24;
const DEVCTL2 = 0x28;
const LNKCTL2 = 0x30;

describe('config/cap/pcie', () => {
  describe('pcieCapability', () => {
    it.each([
      ['endpoint', 0x0],
      ['legacy-endpoint', 0x1],
      ['root-port', 0x4],
      ['upstream-port', 0x5],
      ['downstream-port', 0x6],
      ['pcie-to-pci-bridge', 0x7],
      ['pci-to-pcie-bridge', 0x8],
      ['rciep', 0x9],
      ['rcec', 0xa],
    ] as const)('CFG-PCIE-01 should read capability version 2 and Device/Port Type for %s as %i when built', (deviceType, code) => {
      const s = withPcie({ deviceType });
      expect(s.read(0x40, 1)).toBe(0x10);
      const caps = s.read(0x42, 2);
      expect(caps & 0xf).toBe(2);
      expect((caps >>> 4) & 0xf).toBe(code);
      s.write(0x42, 2, 0xffff);
      expect(s.read(0x42, 2)).toBe(caps);
    });

    it.each([
      [128, 0], [256, 1], [512, 2], [4096, 5],
    ])('CFG-PCIE-01 should encode Max_Payload_Size Supported %i bytes as %i in Device Capabilities', (bytes, code) => {
      const s = withPcie({ deviceType: 'endpoint', maxPayloadSupported: bytes });
      expect(s.read(0x40 + DEVCAP, 4) & 0x7).toBe(code);
    });

    it.each([
      ['root-port'],
      ['downstream-port'],
    ] as const)('CFG-PCIE-01 should make ARI Forwarding Enable RW when a %s supports ARI forwarding', (deviceType) => {
      const s = withPcie({ deviceType, ariForwardingSupported: true });
      expect((s.read(0x40 + DEVCAP2, 4) >>> 5) & 1).toBe(1);
      s.write(0x40 + DEVCTL2, 2, 0x0020);
      expect(s.read(0x40 + DEVCTL2, 2)).toBe(0x0020);
      expect(s.readField('cap.pcie.deviceControl2', 'ariForwardingEnable')).toBe(1);
      s.write(0x40 + DEVCTL2, 2, 0x0000);
      expect(s.read(0x40 + DEVCTL2, 2)).toBe(0x0000);
    });

    it.each([
      ['root-port'],
      ['downstream-port'],
      ['endpoint'],
      ['upstream-port'],
      ['rciep'],
    ] as const)('CFG-PCIE-01 should keep ARI Forwarding Enable 0 and report driver.rsvdp-changed when a %s without ARI forwarding is written 1', (deviceType) => {
      const got: Diagnostic[] = [];
      const s = withPcie({ deviceType }, (d) => got.push(d));
      expect((s.read(0x40 + DEVCAP2, 4) >>> 5) & 1).toBe(0);
      s.write(0x40 + DEVCTL2, 2, 0x0020);
      expect(s.read(0x40 + DEVCTL2, 2)).toBe(0);
      const d = got.find((x) => x.code === 'driver.rsvdp-changed');
      expect(d?.register).toBe('cap.pcie.deviceControl2');
      expect(d?.fields).toEqual(['ariForwardingEnable']);
    });

    it.each(['endpoint', 'legacy-endpoint', 'upstream-port', 'rciep', 'rcec', 'pcie-to-pci-bridge'] as const)(
      'CFG-PCIE-01 should refuse ariForwardingSupported on a %s with layout.bad-option',
      (deviceType) => {
        expectCode(() => pcieCapability({ deviceType, ariForwardingSupported: true }), 'layout.bad-option');
      },
    );

    it.each([
      ['correctableErrorDetected', 0],
      ['nonFatalErrorDetected', 1],
      ['fatalErrorDetected', 2],
      ['unsupportedRequestDetected', 3],
      ['emergencyPowerReductionDetected', 6],
    ] as const)('CFG-PCIE-01 should keep Device Status.%s (bit %i) on a write of 0 and clear it on a write of 1 when hardware set it', (field, bit) => {
      const s = withPcie({ deviceType: 'endpoint' });
      s.hwSet('cap.pcie.deviceStatus', field);
      expect(s.read(0x40 + DEVSTA, 2)).toBe(1 << bit);
      s.write(0x40 + DEVSTA, 2, 0);
      expect(s.read(0x40 + DEVSTA, 2)).toBe(1 << bit);
      s.write(0x40 + DEVSTA, 2, 1 << bit);
      expect(s.read(0x40 + DEVSTA, 2)).toBe(0);
    });

    it('CFG-PCIE-01 should keep Device Status AUX Power Detected and Transactions Pending (RO) when software writes 1 to them', () => {
      const s = withPcie({ deviceType: 'endpoint' });
      s.hwSet('cap.pcie.deviceStatus', 'auxPowerDetected');
      s.hwSet('cap.pcie.deviceStatus', 'transactionsPending');
      s.hwSet('cap.pcie.deviceStatus', 'fatalErrorDetected');
      s.write(0x40 + DEVSTA, 2, 0xffff);
      expect(s.read(0x40 + DEVSTA, 2)).toBe(0x0030);
    });

    it.each([
      ['hot', 0x1],
      ['flr', 0x1],
      ['warm', 0x3],
      ['cold', 0x3],
    ] as const)('CFG-PCIE-01 should read Link Control 2 Target Link Speed as %s reset leaves it (%i) when software lowered it from Max Link Speed 3', (kind, want) => {
      const s = withPcie({ deviceType: 'endpoint', maxLinkSpeed: 3 });
      expect(s.read(0x40 + LNKCTL2, 2) & 0xf).toBe(3);
      s.write(0x40 + LNKCTL2, 2, 0x0001);
      expect(s.readField('cap.pcie.linkControl2', 'targetLinkSpeed')).toBe(1);
      s.reset(kind);
      expect(s.readField('cap.pcie.linkControl2', 'targetLinkSpeed')).toBe(want);
    });

    // Regression test for a bug found and fixed this session; see the commit that flipped it from it.fails.
    it('should keep Link Control 2 Hardware Autonomous Speed Disable (RWS) when a hot reset follows a write of 1', () => {
      const s = withPcie({ deviceType: 'endpoint', maxLinkSpeed: 3 });
      s.write(0x40 + LNKCTL2, 2, 0x0023);
      s.reset('hot');
      expect(s.read(0x40 + LNKCTL2, 2)).toBe(0x0023);
    });

    it.each([
      ['a Max_Payload_Size Supported of 100', { deviceType: 'endpoint', maxPayloadSupported: 100 }],
      ['a link width of x3', { deviceType: 'endpoint', maxLinkWidth: 3 }],
      ['a link speed of 0', { deviceType: 'endpoint', maxLinkSpeed: 0 }],
      ['a link speed of 7', { deviceType: 'endpoint', maxLinkSpeed: 7 }],
      ['an unknown device type', { deviceType: 'switch' as PcieDeviceType }],
    ] as const)('CFG-PCIE-01 should refuse %s with layout.bad-option', (_what, o) => {
      expectCode(() => pcieCapability(o as PcieCapabilityOptions), 'layout.bad-option');
    });
  });

  describe('pcieCapability: Initiate FLR', () => {
    const PCIE = 0xa0;
    const PM = 0x40;

    /** The sample endpoint with state in every kind of register FLR treats differently. */
    function dirty(diag?: (d: Diagnostic) => void): ConfigSpace {
      const s = buildConfigSpace(sampleEndpointSpec(), diag === undefined ? {} : { onDiagnostic: diag });
      s.write(0x04, 2, 0x0006); // Memory Space + Bus Master
      s.write(0x0c, 1, 0x10); // Cache Line Size
      s.write(0x3c, 1, 0x0b); // Interrupt Line
      s.write(0x10, 4, 0xfe00_0000); // BAR0
      s.write(0x30, 4, 0xfeb0_0001); // Expansion ROM, enabled
      s.write(0x54, 4, 0xfee0_0000); // MSI Message Address
      s.write(0x72, 2, 0xc000); // MSI-X Enable + Function Mask
      s.write(PM + 4, 2, 0x0103); // PMCSR: D3hot, PME_En
      s.hwSet('cap.pm.pmcsr', 'pmeStatus');
      s.hwSet('cap.pcie.deviceStatus', 'correctableErrorDetected');
      s.write(PCIE + LNKCTL, 2, 0x00c3); // ASPM L0s+L1, Common Clock, Extended Synch
      s.write(PCIE + LNKCTL2, 2, 0x0191); // Target Link Speed 1, Enter Compliance, Transmit Margin 3
      // Device Control: CERE, MPS 256 B, Aux Power PM Enable (RWS), MRRS 4096 B; RO/NS/ExtTag cleared.
      s.write(PCIE + DEVCTL, 2, 0x5421);
      return s;
    }

    it('CFG-PCIE-02 should reset Command, Interrupt Line, Cache Line Size, BAR and ROM bases, MSI and MSI-X state when software sets Initiate FLR', () => {
      const s = dirty();
      s.write(PCIE + DEVCTL, 2, 0xd421);
      expect(s.read(0x04, 2)).toBe(0x0000);
      expect(s.read(0x0c, 1)).toBe(0x00);
      expect(s.read(0x3c, 1)).toBe(0x00);
      expect(s.read(0x10, 4)).toBe(0x0000_0000);
      expect(s.read(0x30, 4)).toBe(0x0000_0000);
      expect(s.read(0x54, 4)).toBe(0x0000_0000);
      expect(s.read(0x72, 2)).toBe(0x0009);
      expect(s.read(PCIE + DEVSTA, 2)).toBe(0x0000);
      expect(s.bars()[0]?.base).toBe(0n);
    });

    it('CFG-PCIE-02 should keep Max_Payload_Size and sticky Aux Power PM Enable in Device Control and read Initiate FLR as 0 when the FLR completes', () => {
      const s = dirty();
      s.write(PCIE + DEVCTL, 2, 0xd421);
      // Reset value 0x2910 (Relaxed Ordering, Ext Tag, No Snoop, MRRS 512 B) + kept MPS 256 B (0x20) + Aux Power PM (0x400).
      expect(s.read(PCIE + DEVCTL, 2)).toBe(0x2d30);
      expect(s.readField('cap.pcie.deviceControl', 'initiateFlr')).toBe(0);
      expect(s.readField('cap.pcie.deviceControl', 'maxPayloadSize')).toBe(1);
    });

    it('CFG-PCIE-02 should keep the FLR-exempt Link Control fields and the sticky Link Control 2 fields when the FLR completes', () => {
      const s = dirty();
      s.write(PCIE + DEVCTL, 2, 0xd421);
      expect(s.read(PCIE + LNKCTL, 2)).toBe(0x00c3);
      expect(s.read(PCIE + LNKCTL2, 2)).toBe(0x0191);
    });

    it('CFG-PCIE-02 should keep PMCSR PME_En (RWS) and PME_Status (RW1CS) and return PowerState to D0 when the FLR completes', () => {
      const s = dirty();
      expect(s.read(PM + 4, 2)).toBe(0x810b);
      s.write(PCIE + DEVCTL, 2, 0xd421);
      expect(s.read(PM + 4, 2)).toBe(0x8108);
    });

    it('CFG-PCIE-02 should distinguish FLR from a hot reset, which clears Max_Payload_Size and Link Control ASPM', () => {
      const s = dirty();
      s.reset('hot');
      expect(s.readField('cap.pcie.deviceControl', 'maxPayloadSize')).toBe(0);
      expect(s.read(PCIE + LNKCTL, 2)).toBe(0x0000);
      expect(s.read(PCIE + LNKCTL2, 2)).toBe(0x0191);
    });

    it('CFG-PCIE-02 should run the FLR when Initiate FLR arrives in a byte write or in a DWORD write with Device Status', () => {
      const a = dirty();
      a.write(PCIE + DEVCTL + 1, 1, 0xd4); // bits 15:8 of 0xD421
      expect(a.read(0x04, 2)).toBe(0);
      expect(a.read(PCIE + DEVCTL, 2)).toBe(0x2d30);
      const b = dirty();
      b.write(PCIE + DEVCTL, 4, 0x0001_d421);
      expect(b.read(0x04, 2)).toBe(0);
      expect(b.read(PCIE + DEVCTL, 4)).toBe(0x0000_2d30);
    });

    it('CFG-PCIE-02 should not reset anything when Device Control is written with Initiate FLR clear', () => {
      const s = dirty();
      s.write(PCIE + DEVCTL, 2, 0x5420);
      expect(s.read(0x04, 2)).toBe(0x0006);
      expect(s.read(0x10, 4)).toBe(0xfe00_0000);
      expect(s.read(PCIE + DEVCTL, 2)).toBe(0x5420);
    });

    it('CFG-PCIE-02 should advertise FLR Capable when an endpoint is built with the default options', () => {
      const s = buildConfigSpace(sampleEndpointSpec());
      expect((s.read(PCIE + DEVCAP, 4) >>> 28) & 1).toBe(1);
      expect(s.layout.field('cap.pcie.deviceControl', 'initiateFlr').access).toBe('RW');
    });

    it.each([
      ['an endpoint with flrCapable: false', { deviceType: 'endpoint', flrCapable: false }],
      ['a root port', { deviceType: 'root-port' }],
    ] as const)('CFG-PCIE-02 should treat Device Control bit 15 as RsvdP and reset nothing when %s is written 0x8000', (_what, o) => {
      const got: Diagnostic[] = [];
      const s = withPcie(o, (d) => got.push(d));
      expect((s.read(0x40 + DEVCAP, 4) >>> 28) & 1).toBe(0);
      expect(s.layout.field('cap.pcie.deviceControl', 'initiateFlr').access).toBe('RsvdP');
      s.write(0x04, 2, 0x0104); // Bus Master + SERR# (no BARs here, so no decode enables)
      s.write(0x3c, 1, 0x0b);
      s.write(0x40 + DEVCTL, 2, 0x0020); // MPS 256 B
      const before = s.read(0x40 + DEVCTL, 2);
      s.write(0x40 + DEVCTL, 2, before | 0x8000);
      expect(s.read(0x04, 2)).toBe(0x0104);
      expect(s.read(0x3c, 1)).toBe(0x0b);
      expect(s.read(0x40 + DEVCTL, 2)).toBe(before);
      const d = got.find((x) => x.code === 'driver.rsvdp-changed');
      expect(d?.register).toBe('cap.pcie.deviceControl');
      expect(d?.fields).toEqual(['initiateFlr']);
    });
  });
});

describe('config/cap/pm', () => {
  describe('pmCapability', () => {
    const pm = (o: PmCapabilityOptions = {}): ConfigSpace => withCap(pmCapability(o));

    it('CFG-PM-01 should read PMC version 3 with the configured D1/D2/DSI/PME_Support bits and ignore writes when built', () => {
      const s = pm({ d1: true, dsi: true, pmeSupport: 0x19 });
      expect(s.read(0x40, 1)).toBe(0x01);
      // 0xC800 PME_Support 0x19, 0x0200 D1, 0x0020 DSI, 0x0003 version.
      expect(s.read(0x42, 2)).toBe(0xca23);
      s.write(0x42, 2, 0);
      expect(s.read(0x42, 2)).toBe(0xca23);
    });

    it('CFG-PM-01 should store PowerState when software writes D3hot and then D0', () => {
      const s = pm();
      expect(s.read(0x44, 2)).toBe(0x0008); // No_Soft_Reset
      s.write(0x44, 2, 0x0003);
      expect(s.readField('cap.pm.pmcsr', 'powerState')).toBe(3);
      s.write(0x44, 2, 0x0000);
      expect(s.read(0x44, 2)).toBe(0x0008);
    });

    it('CFG-PM-01 should return PowerState to D0 when a hot reset follows D3hot', () => {
      const s = pm();
      s.write(0x44, 2, 0x0003);
      s.reset('hot');
      expect(s.readField('cap.pm.pmcsr', 'powerState')).toBe(0);
    });

    it('CFG-PM-01 should read No_Soft_Reset 0 when built with noSoftReset: false', () => {
      expect(pm({ noSoftReset: false }).read(0x44, 2)).toBe(0x0000);
    });

    it.each(RESET_KINDS.map((k) => [k, k === 'hot' || k === 'flr' ? 1 : 0] as [ResetKind, number]))(
      'CFG-PM-01 should leave PME_En (RWS) at %s after that reset when software had set it',
      (kind, want) => {
        const s = pm();
        s.write(0x44, 2, 0x0100);
        expect(s.readField('cap.pm.pmcsr', 'pmeEnable')).toBe(1);
        s.reset(kind);
        expect(s.readField('cap.pm.pmcsr', 'pmeEnable')).toBe(want);
      },
    );

    it.each(RESET_KINDS.map((k) => [k, k === 'hot' || k === 'flr' ? 1 : 0] as [ResetKind, number]))(
      'CFG-PM-01 should leave PME_Status (RW1CS) at %s after that reset when hardware had set it',
      (kind, want) => {
        const s = pm();
        s.hwSet('cap.pm.pmcsr', 'pmeStatus');
        s.reset(kind);
        expect(s.readField('cap.pm.pmcsr', 'pmeStatus')).toBe(want);
      },
    );

    it('CFG-PM-01 should keep PME_Status on a write of 0 and clear it on a write of 1 when hardware set it', () => {
      const s = pm();
      s.hwSet('cap.pm.pmcsr', 'pmeStatus');
      expect(s.read(0x44, 2)).toBe(0x8008);
      s.write(0x44, 2, 0x0100);
      expect(s.read(0x44, 2)).toBe(0x8108);
      s.write(0x44, 2, 0x8000);
      expect(s.read(0x44, 2)).toBe(0x0008);
    });

    // Regression test for a bug found and fixed this session; see the commit that flipped it from it.fails.
    it('should discard a PowerState write of D1 when the function does not support D1', () => {
      const s = pm({ d1: false, d2: false });
      s.write(0x44, 2, 0x0001);
      expect(s.readField('cap.pm.pmcsr', 'powerState')).toBe(0);
    });
  });
});

describe('config/cap/msi', () => {
  describe('msiCapability', () => {
    it.each([
      [false, false, 0x0c, 0x08],
      [true, false, 0x10, 0x0c],
      [false, true, 0x14, 0x08],
      [true, true, 0x18, 0x0c],
    ])('CFG-MSI-01 should size the capability (address64 %s, masking %s) as %i bytes with Message Data at %i when built', (address64, perVectorMasking, size, data) => {
      const def = msiCapability({ address64, perVectorMasking });
      expect(def.size).toBe(size);
      const s = new ConfigSpaceBuilder(EP_HEADER).capability(def, 0x50).capability(pmCapability()).build();
      expect(s.capabilities.map((c) => [c.name, c.offset, c.size])).toEqual([['cap.msi', 0x50, size], ['cap.pm', 0x50 + size, 8]]);
      expect(s.read(0x51, 1)).toBe(0x50 + size);
      expect(s.layout.register('cap.msi.messageData').offset).toBe(0x50 + data);
      s.write(0x50 + data, 2, 0xbeef);
      expect(s.read(0x50 + data, 2)).toBe(0xbeef);
      expect(s.read(0x50 + size, 1)).toBe(0x01); // the PM header right after the MSI capability
    });

    it.each([
      [1, 0], [2, 1], [4, 2], [8, 3], [16, 4], [32, 5],
    ])('CFG-MSI-01 should encode %i vectors as Multiple Message Capable %i when built', (vectors, mmc) => {
      const s = withCap(msiCapability({ vectors }));
      expect((s.read(0x42, 2) >>> 1) & 0x7).toBe(mmc);
    });

    it.each([
      [false, false, 0x0071],
      [true, false, 0x00f1],
      [false, true, 0x0171],
      [true, true, 0x01f1],
    ])('CFG-MSI-01 should let software set only MSI Enable and Multiple Message Enable (address64 %s, masking %s) when Message Control is written all ones', (address64, perVectorMasking, rw) => {
      const s = withCap(msiCapability({ vectors: 4, address64, perVectorMasking }));
      s.write(0x42, 2, 0xffff);
      expect(s.read(0x42, 2)).toBe(rw | (2 << 1));
      s.write(0x42, 2, 0);
      expect(s.read(0x42, 2)).toBe((rw & 0x180) | (2 << 1));
    });

    it.each([
      [1, 0x0000_0001], [2, 0x0000_0003], [4, 0x0000_000f], [8, 0x0000_00ff], [16, 0x0000_ffff], [32, 0xffff_ffff],
    ])('CFG-MSI-01 should make only the low %i Mask Bits writable and Pending Bits read-only when per-vector masking is on', (vectors, mask) => {
      for (const [address64, maskOff] of [[true, 0x10], [false, 0x0c]] as const) {
        const s = withCap(msiCapability({ vectors, address64, perVectorMasking: true }));
        expect(s.layout.register('cap.msi.maskBits').offset).toBe(0x40 + maskOff);
        s.write(0x40 + maskOff, 4, 0xffff_ffff);
        expect(s.read(0x40 + maskOff, 4)).toBe(mask);
        s.write(0x40 + maskOff + 4, 4, 0xffff_ffff);
        expect(s.read(0x40 + maskOff + 4, 4)).toBe(0);
        s.hwWrite('cap.msi.pendingBits', 'bits', 1);
        expect(s.read(0x40 + maskOff + 4, 4)).toBe(1);
      }
    });

    it('CFG-MSI-01 should make the Upper Address RW at +0x08 and Message Data at +0x0C when the capability is 64-bit', () => {
      const s = withCap(msiCapability({ address64: true }));
      s.write(0x44, 4, 0xffff_ffff);
      s.write(0x48, 4, 0xffff_ffff);
      s.write(0x4c, 4, 0xffff_ffff);
      expect(s.read(0x44, 4)).toBe(0xffff_fffc); // Message Address bits 1:0 reserved
      expect(s.read(0x48, 4)).toBe(0xffff_ffff);
      expect(s.read(0x4c, 4)).toBe(0x0000_ffff); // Extended Message Data not capable: RsvdP
      expect(s.readField('cap.msi.messageUpperAddress', 'address')).toBe(0xffff_ffff);
    });

    it('CFG-MSI-01 should put Message Data at +0x08 and have no Upper Address when the capability is 32-bit', () => {
      const s = withCap(msiCapability({ address64: false }));
      expect(s.layout.findRegister('cap.msi.messageUpperAddress')).toBeUndefined();
      s.write(0x48, 4, 0xffff_ffff);
      expect(s.read(0x48, 4)).toBe(0x0000_ffff);
      expect(s.readField('cap.msi.messageData', 'data')).toBe(0xffff);
    });

    it.each([0, 3, 64, 1.5])('CFG-MSI-01 should refuse %s vectors with layout.bad-option', (vectors) => {
      expectCode(() => msiCapability({ vectors }), 'layout.bad-option');
    });
  });
});

describe('config/cap/msix', () => {
  describe('msixCapability', () => {
    const base: MsixCapabilityOptions = { tableSize: 10, tableBir: 3, tableOffset: 0x1000, pbaBir: 4, pbaOffset: 0x2000 };

    it.each([
      [1, 0x000], [10, 0x009], [2048, 0x7ff],
    ])('CFG-MSIX-01 should read Table Size %i as N-1 = %i and keep it when software writes Message Control', (tableSize, code) => {
      const s = withCap(msixCapability({ ...base, tableSize }));
      expect(s.read(0x40, 1)).toBe(0x11);
      expect(s.read(0x42, 2)).toBe(code);
      s.write(0x42, 2, 0xffff);
      expect(s.read(0x42, 2)).toBe(0xc000 | code);
      s.write(0x42, 2, 0x0000);
      expect(s.read(0x42, 2)).toBe(code);
    });

    it('CFG-MSIX-01 should store Function Mask and MSI-X Enable independently when each is written', () => {
      const s = withCap(msixCapability(base));
      s.write(0x42, 2, 0x4000);
      expect([s.readField('cap.msix.messageControl', 'functionMask'), s.readField('cap.msix.messageControl', 'msixEnable')]).toEqual([1, 0]);
      s.write(0x43, 1, 0x80);
      expect([s.readField('cap.msix.messageControl', 'functionMask'), s.readField('cap.msix.messageControl', 'msixEnable')]).toEqual([0, 1]);
    });

    it('CFG-MSIX-01 should read Table and PBA Offset/BIR as configured and ignore writes', () => {
      const s = withCap(msixCapability(base));
      expect(s.read(0x44, 4)).toBe(0x0000_1003);
      expect(s.read(0x48, 4)).toBe(0x0000_2004);
      s.write(0x44, 4, 0xffff_ffff);
      s.write(0x48, 4, 0);
      expect(s.read(0x44, 4)).toBe(0x0000_1003);
      expect(s.read(0x48, 4)).toBe(0x0000_2004);
    });

    it.each([
      ['Table Size 0', { tableSize: 0 }],
      ['Table Size 2049', { tableSize: 2049 }],
      ['a fractional Table Size', { tableSize: 2.5 }],
      ['Table BIR 6', { tableBir: 6 }],
      ['Table BIR -1', { tableBir: -1 }],
      ['PBA BIR 7', { pbaBir: 7 }],
      ['a Table Offset not a multiple of 8', { tableOffset: 4 }],
      ['a negative Table Offset', { tableOffset: -8 }],
      ['a PBA Offset of 2^32', { pbaOffset: 2 ** 32 }],
    ] as const)('CFG-MSIX-01 should refuse %s with layout.bad-option', (_what, over) => {
      expectCode(() => msixCapability({ ...base, ...over }), 'layout.bad-option');
    });
  });
});

describe('config/cap/ari', () => {
  describe('ariCapability', () => {
    const ari = (o: AriCapabilityOptions, diag?: (d: Diagnostic) => void): ConfigSpace => withCap(ariCapability(o), diag);

    it.each([0, 1, 5, 255])('CFG-ARI-01 should read Next Function Number %i and ignore writes to the ARI Capability register', (nextFunction) => {
      const s = ari({ nextFunction });
      expect(s.read(0x100, 4)).toBe(0x0001_000e); // ID 0x000E, version 1, last in the list
      expect(s.read(0x104, 2)).toBe(nextFunction << 8);
      s.write(0x104, 2, ~(nextFunction << 8) & 0xffff);
      expect(s.read(0x104, 2)).toBe(nextFunction << 8);
      expect(s.readField('ecap.ari.ariCapability', 'nextFunctionNumber')).toBe(nextFunction);
    });

    it.each([
      [false, false, 0x0000, 0x00],
      [true, false, 0x0001, 0x71],
      [false, true, 0x0002, 0x72],
      [true, true, 0x0003, 0x73],
    ])('CFG-ARI-01 should make ARI Control bits writable (MFVC %s, ACS %s: capability 0x%s, writable 0x%s) as the group capabilities allow', (mfvcFunctionGroups, acsFunctionGroups, cap, writable) => {
      const got: Diagnostic[] = [];
      const s = ari({ mfvcFunctionGroups, acsFunctionGroups, nextFunction: 2 }, (d) => got.push(d));
      expect(s.read(0x104, 2)).toBe(0x0200 | cap);
      s.write(0x106, 2, 0x0073);
      expect(s.read(0x106, 2)).toBe(writable);
      const rsvdp = got.filter((d) => d.code === 'driver.rsvdp-changed' && d.register === 'ecap.ari.ariControl');
      expect(rsvdp.length).toBe(writable === 0x73 ? 0 : 1);
      s.write(0x106, 2, 0x0000);
      expect(s.read(0x106, 2)).toBe(0);
    });

    it('CFG-ARI-01 should report every ARI Control field as driver.rsvdp-changed when no Function Groups capability is set and software writes them', () => {
      const got: Diagnostic[] = [];
      const s = ari({}, (d) => got.push(d));
      expect(s.layout.field('ecap.ari.ariControl', 'functionGroup').access).toBe('RsvdP');
      s.write(0x106, 2, 0x0073);
      expect(s.read(0x106, 2)).toBe(0);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ code: 'driver.rsvdp-changed', register: 'ecap.ari.ariControl', offset: 0x106 });
      expect([...(got[0]?.fields ?? [])].sort()).toEqual(['acsFunctionGroupsEnable', 'functionGroup', 'mfvcFunctionGroupsEnable']);
    });

    it.each([256, -1, 1.5])('CFG-ARI-01 should refuse Next Function Number %s with layout.bad-option', (nextFunction) => {
      expectCode(() => ariCapability({ nextFunction }), 'layout.bad-option');
    });
  });
});
