/**
 * The layer a requirement belongs to.
 * @category Conformance
 */
export type RequirementLayer = 'bits' | 'regs' | 'config' | 'sriov' | 'sim' | 'link' | 'devices' | 'nic' | 'formats' | 'cli' | 'arch';

/**
 * One requirement: a stable ID, our one-line paraphrase, and the section of the specification
 * (or tool behaviour) it comes from. Property and test names start with the ID.
 * @category Conformance
 */
export interface Requirement {
  /** Stable ID, `AREA-TOPIC-NN`. */
  readonly id: string;
  /** Our paraphrase, one line. */
  readonly title: string;
  /** Where the rule comes from, e.g. `PCIe Base r6.0 §7.4`. */
  readonly spec: string;
  /** The layer of iovsim the requirement is checked in. */
  readonly layer: RequirementLayer;
}


/** Builds one catalogue row (shared by the catalogue files). @internal */
export const R = (id: string, layer: RequirementLayer, spec: string, title: string): Requirement => ({ id, layer, spec, title });
