import { LayoutError } from '../../regs/errors.js';
import { f, EXT_CAP_ID, type CapabilityDef } from './capability.js';

/**
 * Options of the ARI extended capability.
 * @category Capabilities
 */
export interface AriCapabilityOptions {
  /** Next Function Number: the next function of the device in the ARI list, 0 for the last. @defaultValue 0 */
  readonly nextFunction?: number;
  /** MFVC Function Groups Capability. @defaultValue false */
  readonly mfvcFunctionGroups?: boolean;
  /** ACS Function Groups Capability. @defaultValue false */
  readonly acsFunctionGroups?: boolean;
}

/**
 * The Alternative Routing-ID Interpretation capability (extended ID 0x000E, 8 bytes).
 *
 * @spec PCIe Base r6.0 §7.8.7 (ARI Capability)
 * @throws {LayoutError} If `nextFunction` is not 0..255.
 * @example
 * ```ts
 * builder.extendedCapability(ariCapability({ nextFunction: 1 }));
 * ```
 * @category Capabilities
 */
export function ariCapability(o: AriCapabilityOptions = {}): CapabilityDef {
  const spec = 'PCIe Base r6.0 §7.8.7';
  const nfn = o.nextFunction ?? 0;
  if (!Number.isInteger(nfn) || nfn < 0 || nfn > 255) throw new LayoutError('layout.bad-option', `ARI Next Function Number ${nfn} is not 0..255`);
  const mfvc = o.mfvcFunctionGroups === true;
  const acs = o.acsFunctionGroups === true;
  return {
    space: 'extended', id: EXT_CAP_ID.ari, version: 1, key: 'ari', name: 'Alternative Routing-ID Interpretation', size: 8, spec,
    registers: [
      {
        id: 'ariCapability', name: 'ARI Capability', offset: 4, width: 16, spec: `${spec}.2`, rest: 'RsvdP',
        fields: { mfvcFunctionGroups: f.ro([0, 0], mfvc ? 1 : 0), acsFunctionGroups: f.ro([1, 1], acs ? 1 : 0), nextFunctionNumber: f.ro([15, 8], nfn) },
      },
      {
        id: 'ariControl', name: 'ARI Control', offset: 6, width: 16, spec: `${spec}.3`, rest: 'RsvdP',
        fields: { mfvcFunctionGroupsEnable: f.rwIf(mfvc, [0, 0]), acsFunctionGroupsEnable: f.rwIf(acs, [1, 1]), functionGroup: f.rwIf(mfvc || acs, [6, 4]) },
      },
    ],
  };
}
