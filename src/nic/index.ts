/**
 * The PCIe side of the SR-IOV NIC: the NIC's profile, the per-function queue block, the PF control
 * block (per-VF MAC, VLAN, anti-spoof, trust, link state), memory decode across PF BAR0 and the VF
 * BAR windows, the PCIe state that gates the data path, and the live-migration inventory.
 *
 * @module nic
 */
export { NicError } from './errors.js';
export type { NicErrorCode } from './errors.js';
export { QUEUE_BLOCK, QUEUE_INT, QUEUE_CTRL, QUEUE_DROP_REASONS, QueueBlock, queueBlockLayout } from './queue-block.js';
export type { QueueDropReason, QueueCounters, QueueDepths, QueueBlockOptions } from './queue-block.js';
export { PF_CONTROL, PfControlBlock, pfControlLayout } from './pf-block.js';
export type { VfLinkState, SwitchMode, VfConfig, VfEntryField, PfControlBlockOptions } from './pf-block.js';
export { NIC_BAR, NIC_MAX_VFS, nicProfile, nicVendorCapability } from './profile.js';
export type { NicProfile, NicProfileOptions } from './profile.js';
export { NicPcie } from './pcie.js';
export type { NicPcieOptions, BringUpOptions, QueueFlushEvent, FlushReason } from './pcie.js';
export { migrationInventory, attemptMigration } from './migration.js';
export type { MigrationLocation, MigrationRestorer, MigrationItem, MigrationLoss, MigrationReport, MigrationOptions } from './migration.js';
export { Nic, FunctionDriver, NIC_DROP_REASONS, NIC_MAX_FRAME, nicFrameHeader } from './nic.js';
export type { NicOptions, NicDmaOptions, NicDropReason, NicCounters, NicEvent, NicEventKind, NicFrameHeader } from './nic.js';
export { VSwitch } from './vswitch.js';
export type { VSwitchOptions, VSwitchCosts, VSwitchCounters } from './vswitch.js';
export { compareVswitchVsVf, formatComparison, runNicTraffic } from './compare.js';
export type { CompareOptions, ComparePath, CompareTraffic, Comparison, ComparisonRow, LatencySummary, NicTrafficOptions, NicTrafficResult } from './compare.js';
