/**
 * Devices on the wire: hosts (NIC endpoints) and the repeater; the hub, bridge, switch and STP
 * follow. They know nothing of PCIe.
 *
 * @module devices
 */
export { Host, StationBase, IFG_BYTES, JAM_BYTES, SLOT_BYTES, GIGABIT_SLOT_BYTES, ATTEMPT_LIMIT, BACKOFF_LIMIT, JAM_BYTE } from './host.js';
export type { HostOptions, HostCounters, HostDropReason, HostEvent } from './host.js';
export { Repeater } from './repeater.js';
export { Hub } from './hub.js';
export type { HubOptions, HubPortCounters } from './hub.js';
export { periodicSchedule, poissonSchedule } from './traffic.js';
export { PortTap, TapBase, SignalRecorder, vcdTimescale } from './observe.js';
export { BurstTap } from './burst-tap.js';
export { FrameTap } from './frame-tap.js';
export type { Capture, PortTapOptions, TapDirection, RecordedSignal, RecordedChange, RecordedWaves, SignalRecorderOptions } from './observe.js';
export { validateTopology, buildTopology, buildBurstTopology, buildFrameTopology, topologyToDot } from './topology.js';
export { BurstHost } from './burst-host.js';
export { FrameHost } from './frame-host.js';
export { BurstHub } from './burst-hub.js';
export { BurstRepeater } from './burst-repeater.js';
export type { TopologyDef, NodeDef, HostNodeDef, HubNodeDef, RepeaterNodeDef, SwitchNodeDef, LinkDef, TopologyIssue, TopologyIssueCode, BuildTopologyOptions, Topology, BurstTopology, FrameTopology } from './topology.js';
export { STP_GROUP_ADDRESS, STP_LLC, BPDU, BPDU_DROP_REASONS, compareBridgeIds, formatBridgeId, encodeBpdu, decodeBpdu, bpduFrame, parseBpduFrame } from './bpdu.js';
export type { BridgeId, ConfigBpdu, TcnBpdu, Bpdu, BpduDropReason, BpduDecodeResult } from './bpdu.js';
export { StpBridge, STP_DEFAULT_PATH_COST, STP_DEFAULT_TIMERS } from './stp.js';
export type { StpPortState, StpPortRole, StpBridgeOptions, StpEvent, StpTimers, StpOutput, StpCounters, StpPortCounters, StpPortInfo } from './stp.js';
export { Fdb, secondsToCycles, DEFAULT_AGEING_SECONDS, DEFAULT_AGEING_CYCLES } from './fdb.js';
export type { FdbEntry, FdbCounters, FdbOptions, LearnResult, StaticEntryOptions } from './fdb.js';
export { ForwardingCore, isReservedAddress, BRIDGE_GROUP_ADDRESS, GROUP_FWD_RESTRICTED, FORWARDING_DROP_REASONS } from './forwarding.js';
export type { ForwardingProfile, PortState, ForwardingDropReason, ForwardingOptions, PortConfig, PortSettings, ForwardingFrame, StaticEntrySettings, ForwardDecision, LocalDecision, DropDecision, ForwardingDecision, ForwardingCounters } from './forwarding.js';
export { Switch, Bridge } from './switch.js';
export type { SwitchOptions, SwitchCounters, LinkMode, PortOf, MacOf } from './switch.js';
