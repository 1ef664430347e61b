import type { Requirement } from './requirement-types.js';

// Add rows as R(id, layer, spec, title), with: const R = (id: string, layer: RequirementLayer, spec: string, title: string): Requirement => ({ id, layer, spec, title });

/**
 * Requirements of the SR-IOV NIC: register blocks, embedded switch, VF isolation, migration; merged into `REQUIREMENTS` in layer order.
 * @internal
 */
export const NIC_REQUIREMENTS: readonly Requirement[] = [
];
