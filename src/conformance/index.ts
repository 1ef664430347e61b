/**
 * Conformance: the requirement catalogue every property and test is named by. The property
 * runner (`runConformance`) will live here too; fast-check is a peer dependency of this entry only.
 *
 * @module conformance
 */
export { REQUIREMENTS, requirement, renderRequirementsMarkdown } from './requirements.js';
export type { Requirement, RequirementLayer } from './requirements.js';
