/**
 * Conformance: the requirement catalogue every property and test is named by, and
 * {@link runConformance}, which checks any PCIe implementation or forwarding device against it.
 * fast-check is a peer dependency of this entry point only.
 *
 * @module conformance
 */
export { REQUIREMENTS, requirement, renderRequirementsMarkdown } from './requirements.js';
export type { Requirement, RequirementLayer } from './requirements.js';
export type { ConfigTarget, ForwardingTarget, ForwardingDevice, ForwardingDelivery, InjectedFrame, VlanPlan, VlanPortPlan, ConformanceOptions, ConformanceReport, RequirementResult } from './target.js';
export { runConformance } from './run.js';
export { configTargetFromSpace, configTargetFromDevice, forwardingTargetFromCore, forwardingTargetFromSwitch } from './adapters.js';
export type { ModelTargetOptions, SwitchTargetOptions } from './adapters.js';
