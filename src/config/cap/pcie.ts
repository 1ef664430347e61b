import type { RegisterDef } from '../../regs/define.js';
import { LayoutError } from '../../regs/errors.js';
import type { PostWriteHook } from '../../regs/space.js';
import { f, CAP_ID, type CapabilityDef } from './capability.js';

/**
 * Device/Port Type of the PCI Express Capabilities register.
 * @spec PCIe Base r6.0 §7.5.3.2
 * @category Capabilities
 */
export type PcieDeviceType =
  | 'endpoint'
  | 'legacy-endpoint'
  | 'root-port'
  | 'upstream-port'
  | 'downstream-port'
  | 'pcie-to-pci-bridge'
  | 'pci-to-pcie-bridge'
  | 'rciep'
  | 'rcec';

/** Encoding of each {@link PcieDeviceType}. @category Capabilities */
export const PCIE_DEVICE_TYPE: Readonly<Record<PcieDeviceType, number>> = {
  endpoint: 0x0, 'legacy-endpoint': 0x1, 'root-port': 0x4, 'upstream-port': 0x5, 'downstream-port': 0x6,
  'pcie-to-pci-bridge': 0x7, 'pci-to-pcie-bridge': 0x8, rciep: 0x9, rcec: 0xa,
};

/**
 * Options of the PCI Express capability (version 2).
 * @category Capabilities
 */
export interface PcieCapabilityOptions {
  /** Device/Port Type field of the PCI Express Capabilities register. */
  readonly deviceType: PcieDeviceType;
  /** Max_Payload_Size Supported in bytes (128..4096). @defaultValue 256 */
  readonly maxPayloadSupported?: number;
  /** Function Level Reset Capability (endpoints only). @defaultValue true for endpoints */
  readonly flrCapable?: boolean;
  /**
   * Extended Tag Field Supported bit of the Device Capabilities register (8-bit tags).
   * @defaultValue true
   */
  readonly extendedTagSupported?: boolean;
  /** Max Link Speed as the Supported Link Speeds index (1 = 2.5 GT/s … 6 = 64 GT/s). @defaultValue 1 */
  readonly maxLinkSpeed?: number;
  /** Max Link Width in lanes (1..32). @defaultValue 1 */
  readonly maxLinkWidth?: number;
  /** Port Number (ports). @defaultValue 0 */
  readonly portNumber?: number;
  /** ARI Forwarding Supported (Root Ports and Switch Downstream Ports only). @defaultValue false */
  readonly ariForwardingSupported?: boolean;
  /** 10-Bit Tag Completer/Requester Supported. @defaultValue false */
  readonly tenBitTags?: boolean;
  /** LTR Mechanism Supported. @defaultValue false */
  readonly ltrSupported?: boolean;
}

const MPS = [128, 256, 512, 1024, 2048, 4096];

function isDownstreamPort(t: PcieDeviceType): boolean {
  return t === 'root-port' || t === 'downstream-port';
}

function isFunctionWithFlr(t: PcieDeviceType): boolean {
  return t === 'endpoint' || t === 'legacy-endpoint' || t === 'rciep';
}

/**
 * Initiate FLR: a write of 1 to Device Control bit 15 resets the function (sticky and FLR-exempt
 * fields kept); the bit then reads 0 because the reset returns it to 0.
 */
const initiateFlr: PostWriteHook = (e) => {
  if ((e.written & 0x8000) !== 0 && (e.touched & 0x8000) !== 0) e.space.reset('flr');
};

/**
 * The PCI Express capability (ID 0x10, version 2, 0x3C bytes): PCIe Capabilities, Device,
 * Link, Device 2 and Link 2 registers with their access types; slot and root registers are
 * reserved (not modelled). Device Control's Initiate FLR runs an FLR through a named hook.
 *
 * @remarks Gated fields follow the capability bits: ARI Forwarding Enable is RW only when ARI
 * Forwarding Supported is set (ports only), Initiate FLR only when FLR Capable, 10-Bit Tag
 * Requester Enable and LTR Enable only when supported; otherwise they are RsvdP. Link Status
 * bandwidth bits and Link Control Link Disable/Retrain exist only in downstream ports.
 * Link Control fields that are link-wide are kept by an FLR (§6.6.2).
 * @spec PCIe Base r6.0 §7.5.3 (PCI Express Capability Structure), §6.6.2 (FLR)
 * @throws {LayoutError} On an invalid Max_Payload_Size, link width or speed, or ARI forwarding on a non-port.
 * @example
 * ```ts
 * builder.capability(pcieCapability({ deviceType: 'endpoint', maxPayloadSupported: 512, maxLinkWidth: 4 }));
 * ```
 * @category Capabilities
 */
export function pcieCapability(o: PcieCapabilityOptions): CapabilityDef {
  const spec = 'PCIe Base r6.0 §7.5.3';
  const t = o.deviceType;
  if (!(t in PCIE_DEVICE_TYPE)) throw new LayoutError('layout.bad-option', `unknown PCIe device type '${String(t)}'`);
  const mps = MPS.indexOf(o.maxPayloadSupported ?? 256);
  if (mps < 0) throw new LayoutError('layout.bad-option', `Max_Payload_Size Supported ${String(o.maxPayloadSupported)} is not one of ${MPS.join(', ')}`);
  const width = o.maxLinkWidth ?? 1;
  if (![1, 2, 4, 8, 12, 16, 32].includes(width)) throw new LayoutError('layout.bad-option', `link width x${width} is not one the spec defines`);
  const speed = o.maxLinkSpeed ?? 1;
  if (!Number.isInteger(speed) || speed < 1 || speed > 6) throw new LayoutError('layout.bad-option', `max link speed ${speed} is not 1..6`);
  const port = isDownstreamPort(t);
  if (o.ariForwardingSupported === true && !port) throw new LayoutError('layout.bad-option', `ARI Forwarding Supported applies only to Root Ports and Switch Downstream Ports, not '${t}'`);
  const flr = isFunctionWithFlr(t) && o.flrCapable !== false;
  const ari = o.ariForwardingSupported === true;
  const tags = o.tenBitTags === true;
  const ltr = o.ltrSupported === true;
  const keep = (bits: readonly [number, number]) => ({ bits, access: 'RW' as const, preserveOnFlr: true });
  const regs: RegisterDef[] = [
    {
      id: 'pcieCapabilities', name: 'PCI Express Capabilities', offset: 0x02, width: 16, spec: `${spec}.2`, rest: 'RsvdP',
      fields: { version: f.ro([3, 0], 2), deviceType: f.ro([7, 4], PCIE_DEVICE_TYPE[t]), slotImplemented: f.hw([8, 8]), interruptMessageNumber: f.ro([13, 9]) },
    },
    {
      id: 'deviceCapabilities', name: 'Device Capabilities', offset: 0x04, width: 32, spec: `${spec}.3`, rest: 'RsvdP',
      fields: {
        maxPayloadSupported: f.ro([2, 0], mps), phantomFunctions: f.ro([4, 3]), extendedTagSupported: f.ro([5, 5], o.extendedTagSupported === false ? 0 : 1),
        l0sAcceptableLatency: f.ro([8, 6]), l1AcceptableLatency: f.ro([11, 9]), roleBasedErrorReporting: f.ro([15, 15], 1),
        errCorSubclassCapable: f.ro([16, 16]), capturedSlotPowerValue: f.ro([25, 18]), capturedSlotPowerScale: f.ro([27, 26]),
        flrCapable: f.ro([28, 28], flr ? 1 : 0),
      },
    },
    {
      id: 'deviceControl', name: 'Device Control', offset: 0x08, width: 16, spec: `${spec}.4`,
      hooks: flr ? { postWrite: 'pcie.initiateFlr' } : {},
      fields: {
        correctableErrorReporting: f.rw([0, 0]), nonFatalErrorReporting: f.rw([1, 1]), fatalErrorReporting: f.rw([2, 2]),
        unsupportedRequestReporting: f.rw([3, 3]), relaxedOrdering: f.rw([4, 4], 1),
        maxPayloadSize: { bits: [7, 5], access: 'RW', preserveOnFlr: true }, extendedTagEnable: f.rw([8, 8], o.extendedTagSupported === false ? 0 : 1),
        phantomFunctionsEnable: f.rw([9, 9]), auxPowerPmEnable: { bits: [10, 10], access: 'RWS' }, noSnoop: f.rw([11, 11], 1),
        maxReadRequestSize: f.rw([14, 12], 2), initiateFlr: f.rwIf(flr, [15, 15]),
      },
    },
    {
      id: 'deviceStatus', name: 'Device Status', offset: 0x0a, width: 16, spec: `${spec}.5`, rest: 'RsvdZ',
      fields: {
        correctableErrorDetected: f.w1c([0, 0]), nonFatalErrorDetected: f.w1c([1, 1]), fatalErrorDetected: f.w1c([2, 2]),
        unsupportedRequestDetected: f.w1c([3, 3]), auxPowerDetected: f.ro([4, 4]), transactionsPending: f.ro([5, 5]),
        emergencyPowerReductionDetected: f.w1c([6, 6]),
      },
    },
    {
      id: 'linkCapabilities', name: 'Link Capabilities', offset: 0x0c, width: 32, spec: `${spec}.6`, rest: 'RsvdP',
      fields: {
        maxLinkSpeed: f.ro([3, 0], speed), maxLinkWidth: f.ro([9, 4], width), aspmSupport: f.ro([11, 10]), l0sExitLatency: f.ro([14, 12]),
        l1ExitLatency: f.ro([17, 15]), clockPowerManagement: f.ro([18, 18]), surpriseDownErrorReporting: f.ro([19, 19]),
        dllLinkActiveReporting: f.ro([20, 20], port ? 1 : 0), linkBandwidthNotification: f.ro([21, 21], port ? 1 : 0),
        aspmOptionalityCompliance: f.hw([22, 22], 1), portNumber: f.hw([31, 24], o.portNumber ?? 0),
      },
    },
    {
      id: 'linkControl', name: 'Link Control', offset: 0x10, width: 16, spec: `${spec}.7`, rest: 'RsvdP',
      fields: {
        aspmControl: keep([1, 0]), readCompletionBoundary: t === 'root-port' ? f.ro([3, 3]) : keep([3, 3]),
        linkDisable: f.rwIf(port, [4, 4]), retrainLink: f.rwIf(port, [5, 5]), commonClockConfiguration: keep([6, 6]),
        extendedSynch: keep([7, 7]), enableClockPowerManagement: keep([8, 8]), hwAutonomousWidthDisable: keep([9, 9]),
        linkBandwidthManagementInterruptEnable: f.rwIf(port, [10, 10]), linkAutonomousBandwidthInterruptEnable: f.rwIf(port, [11, 11]),
      },
    },
    {
      id: 'linkStatus', name: 'Link Status', offset: 0x12, width: 16, spec: `${spec}.8`, rest: 'RsvdZ',
      fields: {
        currentLinkSpeed: f.ro([3, 0], speed), negotiatedLinkWidth: f.ro([9, 4], width), linkTraining: f.ro([11, 11]),
        slotClockConfiguration: f.hw([12, 12]), dllLinkActive: f.ro([13, 13], port ? 1 : 0),
        ...(port ? { linkBandwidthManagementStatus: f.w1c([14, 14]), linkAutonomousBandwidthStatus: f.w1c([15, 15]) } : {}),
      },
    },
    { id: 'slotCapabilities', name: 'Slot Capabilities (not modelled)', offset: 0x14, width: 32, spec: `${spec}.9`, rest: 'RsvdP', fields: {} },
    { id: 'slotControl', name: 'Slot Control (not modelled)', offset: 0x18, width: 16, spec: `${spec}.10`, rest: 'RsvdP', fields: {} },
    { id: 'slotStatus', name: 'Slot Status (not modelled)', offset: 0x1a, width: 16, spec: `${spec}.11`, rest: 'RsvdZ', fields: {} },
    { id: 'rootControl', name: 'Root Control (not modelled)', offset: 0x1c, width: 16, spec: `${spec}.12`, rest: 'RsvdP', fields: {} },
    { id: 'rootCapabilities', name: 'Root Capabilities (not modelled)', offset: 0x1e, width: 16, spec: `${spec}.13`, rest: 'RsvdP', fields: {} },
    { id: 'rootStatus', name: 'Root Status (not modelled)', offset: 0x20, width: 32, spec: `${spec}.14`, rest: 'RsvdZ', fields: {} },
    {
      id: 'deviceCapabilities2', name: 'Device Capabilities 2', offset: 0x24, width: 32, spec: `${spec}.15`, rest: 'RsvdP',
      fields: {
        completionTimeoutRanges: f.ro([3, 0]), completionTimeoutDisableSupported: f.ro([4, 4], 1), ariForwardingSupported: f.ro([5, 5], ari ? 1 : 0),
        atomicOpRouting: f.ro([6, 6]), atomicOp32Completer: f.ro([7, 7]), atomicOp64Completer: f.ro([8, 8]), cas128Completer: f.ro([9, 9]),
        ltrSupported: f.ro([11, 11], ltr ? 1 : 0), tenBitTagCompleterSupported: f.ro([16, 16], tags ? 1 : 0),
        tenBitTagRequesterSupported: f.ro([17, 17], tags ? 1 : 0), obffSupported: f.ro([19, 18]), extendedFmtField: f.ro([20, 20], 1),
      },
    },
    {
      id: 'deviceControl2', name: 'Device Control 2', offset: 0x28, width: 16, spec: `${spec}.16`, rest: 'RsvdP',
      fields: {
        completionTimeoutValue: f.rw([3, 0]), completionTimeoutDisable: f.rw([4, 4]), ariForwardingEnable: f.rwIf(ari, [5, 5]),
        atomicOpRequesterEnable: f.rw([6, 6]), idoRequestEnable: f.rw([8, 8]), idoCompletionEnable: f.rw([9, 9]),
        ltrEnable: f.rwIf(ltr, [10, 10]), tenBitTagRequesterEnable: f.rwIf(tags, [12, 12]),
      },
    },
    { id: 'deviceStatus2', name: 'Device Status 2', offset: 0x2a, width: 16, spec: `${spec}.17`, rest: 'RsvdZ', fields: {} },
    {
      id: 'linkCapabilities2', name: 'Link Capabilities 2', offset: 0x2c, width: 32, spec: `${spec}.18`, rest: 'RsvdP',
      fields: { supportedLinkSpeeds: f.ro([7, 1], 2 ** speed - 1), crosslinkSupported: f.ro([8, 8]) },
    },
    {
      id: 'linkControl2', name: 'Link Control 2', offset: 0x30, width: 16, spec: `${spec}.19`,
      fields: {
        targetLinkSpeed: { bits: [3, 0], access: 'RWS', reset: speed }, enterCompliance: { bits: [4, 4], access: 'RWS' },
        hwAutonomousSpeedDisable: { bits: [5, 5], access: 'RWS' }, selectableDeemphasis: f.hw([6, 6]), transmitMargin: { bits: [9, 7], access: 'RWS' },
        enterModifiedCompliance: { bits: [10, 10], access: 'RWS' }, complianceSos: { bits: [11, 11], access: 'RWS' },
        compliancePresetDeemphasis: { bits: [15, 12], access: 'RWS' },
      },
    },
    {
      id: 'linkStatus2', name: 'Link Status 2', offset: 0x32, width: 16, spec: `${spec}.20`, rest: 'RsvdZ',
      fields: {
        currentDeemphasisLevel: f.ro([0, 0]), equalizationComplete: { bits: [1, 1], access: 'ROS' },
        equalizationPhase1Successful: { bits: [2, 2], access: 'ROS' }, equalizationPhase2Successful: { bits: [3, 3], access: 'ROS' },
        equalizationPhase3Successful: { bits: [4, 4], access: 'ROS' }, linkEqualizationRequest: { bits: [5, 5], access: 'RW1CS' },
      },
    },
    { id: 'slotCapabilities2', name: 'Slot Capabilities 2 (not modelled)', offset: 0x34, width: 32, spec: `${spec}.21`, rest: 'RsvdP', fields: {} },
    { id: 'slotControl2', name: 'Slot Control 2 (not modelled)', offset: 0x38, width: 16, spec: `${spec}.22`, rest: 'RsvdP', fields: {} },
    { id: 'slotStatus2', name: 'Slot Status 2 (not modelled)', offset: 0x3a, width: 16, spec: `${spec}.23`, rest: 'RsvdZ', fields: {} },
  ];
  return {
    space: 'standard', id: CAP_ID.pcie, key: 'pcie', name: 'PCI Express', size: 0x3c, spec, registers: regs,
    ...(flr ? { hooks: { postWrite: { 'pcie.initiateFlr': initiateFlr } } } : {}),
  };
}
