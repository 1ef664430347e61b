/**
 * iovsim: a register-accurate PCIe configuration space (headers, capabilities, BARs) run by one
 * generic register engine, the SR-IOV capability with Physical and Virtual Functions, and lspci
 * dump interoperability. Import it as a spec oracle: what a device must answer to each
 * configuration access, and why; where VF n is and its BAR window; would Linux enable N VFs.
 *
 * @module iovsim
 */
export { mask, extract, deposit, mask64, extract64, deposit64, readLE, writeLE, readLE64, u32, hex } from './bits/index.js';
export type { AccessSize } from './bits/index.js';
export {
  ACCESS_INFO, ACCESS_TYPES, RESET_KINDS, defineRegister, defineBlock, LayoutError, AccessError, DiagnosticLog,
  LayoutBuilder, Layout, RegisterSpace, explainWrite,
} from './regs/index.js';
export type {
  Access, AccessInfo, ResetKind, FieldDef, RegisterDef, RegisterHooks, BlockDef, CheckedBlock, CheckedRegister, FieldInfo,
  LayoutErrorCode, AccessErrorCode, Diagnostic, DiagnosticCode, DiagnosticSink, Severity, PlacedRegister, Placement,
  WriteEvent, PreWriteHook, PostWriteHook, PostResetHook, HookImpls, SpaceOptions, FieldChange,
} from './regs/index.js';
export {
  ConfigSpace, ConfigSpaceBuilder, buildConfigSpace, CONFIG_SPACE_SIZE, CAP_ID, EXT_CAP_ID, pcieCapability, PCIE_DEVICE_TYPE,
  pmCapability, msiCapability, msixCapability, ariCapability, walkCapabilities, walkExtendedCapabilities, sampleEndpointSpec,
  configSpaceFromImage, opaqueCapability,
} from './config/index.js';
export type {
  BarSpec, HeaderSpec, Type0HeaderSpec, Type1HeaderSpec, CommonHeaderSpec, BarInfo, PlacedCapability, FunctionSpec, CapabilityDef,
  PcieCapabilityOptions, PcieDeviceType, PmCapabilityOptions, MsiCapabilityOptions, MsixCapabilityOptions, AriCapabilityOptions,
  CapabilityEntry, WalkProblem, WalkProblemCode, WalkResult, ImageOptions, ImageResult, CapabilityDecoder,
} from './config/index.js';
export {
  sriovCapability, SRIOV_POLICIES, igbProfile, maxVfProfile, routingId, asRoutingId, ridParts, formatRid, vfRoutingId, vfNumberOf,
  reachable, SriovDevice, PhysicalFunction, linuxSriovEnable, deviceFromDump, SriovOracle, SriovError,
} from './sriov/index.js';
export type {
  SriovOptions, OffsetStride, SriovPolicy, DeviceProfile, PfProfile, RoutingId, SriovDeviceOptions, VfBarInfo, Window, AddressHit,
  FunctionRef, LinuxHost, LinuxReason, LinuxVerdict, DumpedFunction, DumpDeviceOptions, DumpDevice, PfImage, ReadAnswer, WriteAnswer, VfLocation,
  SriovErrorCode,
} from './sriov/index.js';
export { LspciParseError, parseLspciDump, formatLspciDump, formatLspciDumps, formatPciAddress, parsePciAddress, describeFunction } from './formats/index.js';
export type { PciAddress, DumpFunction, LspciDumpInput, LspciDumpSize, LspciParseErrorCode, PciAddressFormatOptions, DescribeFunctionOptions } from './formats/index.js';
export { Kernel, SimError, Rng, streamSeed, hashAt, poke, EventSchedule } from './sim/index.js';
export type { Clocked, KernelOptions, StopReason, Wire } from './sim/index.js';
export {
  BROADCAST, FRAME, parseMac, asMac, formatMac, isGroup, crc32, encodeFrame, decodeFrame, withPreamble,
  CABLE, DEFAULT_TIMING, cyclesPerByte, delayCycles, amplitudeAfter, Port, Cable, EXTENSION,
  BurstPort, BurstCable, SegmentLine, makeSegment, noiseByte, segmentByte, byteRange, throughCable, shifted, FrameCable, FramePort,
} from './link/index.js';
export type { Mac, VlanTag, Frame, FrameDropReason, DecodeResult, RateMbps, LinkTiming, Symbol, CableOptions, Segment, Noise } from './link/index.js';
export { Host, IFG_BYTES, JAM_BYTES, SLOT_BYTES, GIGABIT_SLOT_BYTES, ATTEMPT_LIMIT, BACKOFF_LIMIT, JAM_BYTE, Repeater, Hub, periodicSchedule, poissonSchedule } from './devices/index.js';
export type { HostOptions, HostCounters, HostDropReason, HostEvent, HubOptions, HubPortCounters } from './devices/index.js';
export { PortTap, TapBase, BurstTap, FrameTap, SignalRecorder, vcdTimescale, validateTopology, buildTopology, buildBurstTopology, buildFrameTopology, topologyToDot, BurstHost, BurstHub, BurstRepeater, FrameHost } from './devices/index.js';
export type {
  Capture, PortTapOptions, TapDirection, RecordedSignal, RecordedChange, RecordedWaves, SignalRecorderOptions,
  TopologyDef, NodeDef, HostNodeDef, HubNodeDef, RepeaterNodeDef, LinkDef, TopologyIssue, TopologyIssueCode, BuildTopologyOptions, Topology, BurstTopology, FrameTopology,
} from './devices/index.js';
export {
  STP_GROUP_ADDRESS, STP_LLC, BPDU, BPDU_DROP_REASONS, compareBridgeIds, formatBridgeId, encodeBpdu, decodeBpdu, bpduFrame, parseBpduFrame,
  StpBridge, STP_DEFAULT_PATH_COST, STP_DEFAULT_TIMERS, Fdb, secondsToCycles, DEFAULT_AGEING_SECONDS, DEFAULT_AGEING_CYCLES,
  ForwardingCore, isReservedAddress, BRIDGE_GROUP_ADDRESS, GROUP_FWD_RESTRICTED, FORWARDING_DROP_REASONS, Switch, Bridge,
} from './devices/index.js';
export type {
  BridgeId, ConfigBpdu, TcnBpdu, Bpdu, BpduDropReason, BpduDecodeResult, StpPortState, StpPortRole, StpBridgeOptions, StpEvent, StpTimers,
  StpOutput, StpCounters, StpPortCounters, StpPortInfo, FdbEntry, FdbCounters, FdbOptions, LearnResult, StaticEntryOptions, ForwardingProfile,
  PortState, ForwardingDropReason, ForwardingOptions, PortConfig, PortSettings, ForwardingFrame, StaticEntrySettings, ForwardDecision,
  LocalDecision, DropDecision, ForwardingDecision, ForwardingCounters, SwitchOptions, SwitchCounters, SwitchNodeDef, LinkMode, PortOf, MacOf,
} from './devices/index.js';
export {
  NicError, QUEUE_BLOCK, QUEUE_INT, QUEUE_CTRL, QUEUE_DROP_REASONS, QueueBlock, queueBlockLayout, PF_CONTROL, PfControlBlock, pfControlLayout,
  NIC_BAR, NIC_MAX_VFS, nicProfile, nicVendorCapability, NicPcie, migrationInventory, attemptMigration,
} from './nic/index.js';
export type {
  NicErrorCode, QueueDropReason, QueueCounters, QueueDepths, QueueBlockOptions, VfLinkState, SwitchMode, VfConfig, VfEntryField, PfControlBlockOptions,
  NicProfile, NicProfileOptions, NicPcieOptions, BringUpOptions, QueueFlushEvent, FlushReason,
  MigrationLocation, MigrationRestorer, MigrationItem, MigrationLoss, MigrationReport, MigrationOptions,
} from './nic/index.js';
export { LINKTYPE_ETHERNET, PcapParseError, formatPcap, parsePcap, VcdParseError, formatVcd, parseVcd, formatJunit } from './formats/index.js';
export type {
  PcapPacket, PcapFormatOptions, PcapFile, PcapParseErrorCode, VcdValue, VcdSignal, VcdChange, VcdFormatOptions, VcdDump, VcdParseErrorCode,
  JunitFailure, JunitOptions, JunitTestCase, JunitTestSuite,
} from './formats/index.js';
export { Nic, FunctionDriver, NIC_DROP_REASONS, NIC_MAX_FRAME, nicFrameHeader, VSwitch, compareVswitchVsVf, formatComparison, runNicTraffic } from './nic/index.js';
export type {
  NicOptions, NicDmaOptions, NicDropReason, NicCounters, NicEvent, NicEventKind, NicFrameHeader, VSwitchOptions, VSwitchCosts, VSwitchCounters,
  CompareOptions, ComparePath, CompareTraffic, Comparison, ComparisonRow, LatencySummary, NicTrafficOptions, NicTrafficResult,
} from './nic/index.js';
