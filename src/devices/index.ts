/**
 * Devices on the wire: hosts (NIC endpoints) and the repeater; the hub, bridge, switch and STP
 * follow. They know nothing of PCIe.
 *
 * @module devices
 */
export { Host, StationBase, IFG_BYTES, JAM_BYTES, SLOT_BYTES, ATTEMPT_LIMIT, BACKOFF_LIMIT, JAM_BYTE } from './host.js';
export type { HostOptions, HostCounters, HostDropReason } from './host.js';
export { Repeater } from './repeater.js';
export { Hub } from './hub.js';
export type { HubOptions } from './hub.js';
export { periodicSchedule, poissonSchedule } from './traffic.js';
export { PortTap, SignalRecorder, vcdTimescale } from './observe.js';
export type { Capture, PortTapOptions, TapDirection, RecordedSignal, RecordedChange, RecordedWaves, SignalRecorderOptions } from './observe.js';
export { validateTopology, buildTopology, buildBurstTopology, topologyToDot } from './topology.js';
export { BurstHost } from './burst-host.js';
export { BurstHub } from './burst-hub.js';
export { BurstRepeater } from './burst-repeater.js';
export type { TopologyDef, NodeDef, HostNodeDef, HubNodeDef, RepeaterNodeDef, LinkDef, TopologyIssue, TopologyIssueCode, BuildTopologyOptions, Topology, BurstTopology } from './topology.js';
