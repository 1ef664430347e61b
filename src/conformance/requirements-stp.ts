import type { Requirement } from './requirement-types.js';

// Add rows as R(id, layer, spec, title), with: const R = (id: string, layer: RequirementLayer, spec: string, title: string): Requirement => ({ id, layer, spec, title });

/**
 * Requirements of the spanning tree protocol (IEEE 802.1D); merged into `REQUIREMENTS` in layer order.
 * @internal
 */
export const STP_REQUIREMENTS: readonly Requirement[] = [
];
