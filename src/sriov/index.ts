/**
 * SR-IOV: the SR-IOV extended capability, device profiles, Physical and Virtual Functions with
 * lazily materialised VF configuration spaces, Routing IDs across buses, VF BAR windows, the
 * policies for spec-undefined cases, and Linux's verdict on enabling VFs.
 *
 * @module sriov
 */
export { sriovCapability } from './capability.js';
export type { SriovOptions, OffsetStride } from './capability.js';
export { SRIOV_POLICIES } from './policy.js';
export type { SriovPolicy } from './policy.js';
export { igbProfile, maxVfProfile } from './profile.js';
export type { DeviceProfile, PfProfile } from './profile.js';
export { routingId, asRoutingId, ridParts, formatRid, vfRoutingId, vfNumberOf, reachable } from './routing.js';
export type { RoutingId } from './routing.js';
export { SriovDevice, PhysicalFunction } from './device.js';
export type { SriovDeviceOptions, VfBarInfo, Window, AddressHit, FunctionRef } from './device.js';
export { linuxSriovEnable } from './linux.js';
export type { LinuxHost, LinuxReason, LinuxVerdict } from './linux.js';
export { deviceFromDump } from './from-dump.js';
export type { DumpedFunction, DumpDeviceOptions, DumpDevice } from './from-dump.js';
export type { PfImage } from './device.js';
export { SriovOracle } from './oracle.js';
export { SriovError } from './errors.js';
export type { SriovErrorCode } from './errors.js';
export type { ReadAnswer, WriteAnswer, VfLocation } from './oracle.js';
