import type { Requirement } from './requirement-types.js';

// Add rows as R(id, layer, spec, title), with: const R = (id: string, layer: RequirementLayer, spec: string, title: string): Requirement => ({ id, layer, spec, title });

/**
 * Requirements of layer 2: filtering database, forwarding decision, bridge, switch, VLANs, replay; merged into `REQUIREMENTS` in layer order.
 * @internal
 */
export const L2_REQUIREMENTS: readonly Requirement[] = [
];
