/**
 * The configuration space of one PCIe function: Type 0/1 headers, BARs, capability structures,
 * the builder that places and chains them, and walkers for raw bytes.
 *
 * @module config
 */
export type { BarSpec } from './bar.js';
export type { HeaderSpec, Type0HeaderSpec, Type1HeaderSpec, CommonHeaderSpec } from './header.js';
export { ConfigSpace } from './config-space.js';
export type { BarInfo, PlacedCapability } from './config-space.js';
export { ConfigSpaceBuilder, buildConfigSpace, CONFIG_SPACE_SIZE } from './builder.js';
export type { FunctionSpec } from './builder.js';
export { CAP_ID, EXT_CAP_ID } from './cap/capability.js';
export type { CapabilityDef } from './cap/capability.js';
export { pcieCapability, PCIE_DEVICE_TYPE } from './cap/pcie.js';
export type { PcieCapabilityOptions, PcieDeviceType } from './cap/pcie.js';
export { pmCapability } from './cap/pm.js';
export type { PmCapabilityOptions } from './cap/pm.js';
export { msiCapability } from './cap/msi.js';
export type { MsiCapabilityOptions } from './cap/msi.js';
export { msixCapability } from './cap/msix.js';
export type { MsixCapabilityOptions } from './cap/msix.js';
export { ariCapability } from './cap/ari.js';
export type { AriCapabilityOptions } from './cap/ari.js';
export { walkCapabilities, walkExtendedCapabilities } from './walk.js';
export type { CapabilityEntry, WalkProblem, WalkProblemCode, WalkResult } from './walk.js';
export { sampleEndpointSpec } from './samples.js';
export { configSpaceFromImage } from './image.js';
export type { ImageOptions, ImageResult, CapabilityDecoder } from './image.js';
export { opaqueCapability } from './cap/raw.js';
