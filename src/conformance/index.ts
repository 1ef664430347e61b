/**
 * Conformance: the requirement catalogue every property and test is named by, and
 * {@link runConformance}, which checks any PCIe implementation against it. fast-check is a peer
 * dependency of this entry point only.
 *
 * @module conformance
 */
export { REQUIREMENTS, requirement, renderRequirementsMarkdown } from './requirements.js';
export type { Requirement, RequirementLayer } from './requirements.js';
export type { ConfigTarget } from './target.js';
export { runConformance } from './run.js';
export type { ConformanceOptions, ConformanceReport, RequirementResult } from './run.js';
export { configTargetFromSpace, configTargetFromDevice } from './adapters.js';
