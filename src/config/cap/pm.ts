import type { PreWriteHook } from '../../regs/space.js';
import { f, CAP_ID, type CapabilityDef } from './capability.js';

/**
 * Options of the Power Management capability.
 * @category Capabilities
 */
export interface PmCapabilityOptions {
  /** D1 supported. @defaultValue false */
  readonly d1?: boolean;
  /** D2 supported. @defaultValue false */
  readonly d2?: boolean;
  /** PME_Support bits 15:11 (D0, D1, D2, D3hot, D3cold). @defaultValue 0 */
  readonly pmeSupport?: number;
  /** Device Specific Initialization. @defaultValue false */
  readonly dsi?: boolean;
  /** No_Soft_Reset: the function keeps its state across D3hot→D0. @defaultValue true */
  readonly noSoftReset?: boolean;
}

/**
 * The PCI Power Management capability (ID 0x01, 8 bytes): PMC (version 3) and PMCSR with
 * PowerState RW, PME_En sticky and PME_Status RW1CS.
 *
 * @spec PCIe Base r6.0 §7.5.2 (PCI Power Management Capability Structure)
 * @example
 * ```ts
 * builder.capability(pmCapability({ pmeSupport: 0x19 }));
 * ```
 * @category Capabilities
 */
export function pmCapability(o: PmCapabilityOptions = {}): CapabilityDef {
  const spec = 'PCIe Base r6.0 §7.5.2';
  const d1 = o.d1 === true;
  const d2 = o.d2 === true;
  // A write of an unsupported optional state (D1, D2) completes but is discarded (§7.5.2.2).
  const hook = `pm.powerState.${d1 ? 'd1' : ''}${d2 ? 'd2' : ''}`;
  const keepUnsupported: PreWriteHook = (e) => {
    const want = e.written & 3;
    return (want === 1 && !d1) || (want === 2 && !d2) ? (e.written & ~3) | (e.before & 3) : e.written;
  };
  return {
    space: 'standard', id: CAP_ID.pm, key: 'pm', name: 'Power Management', size: 8, spec,
    hooks: { preWrite: { [hook]: keepUnsupported } },
    registers: [
      {
        id: 'pmc', name: 'Power Management Capabilities', offset: 2, width: 16, spec: `${spec}.1`,
        fields: {
          version: f.ro([2, 0], 3), pmeClock: f.ro([3, 3]), immediateReadinessOnD0: f.ro([4, 4]), dsi: f.ro([5, 5], o.dsi === true ? 1 : 0),
          auxCurrent: f.ro([8, 6]), d1Support: f.ro([9, 9], d1 ? 1 : 0), d2Support: f.ro([10, 10], d2 ? 1 : 0),
          pmeSupport: f.ro([15, 11], o.pmeSupport ?? 0),
        },
      },
      {
        id: 'pmcsr', name: 'Power Management Control/Status', offset: 4, width: 16, spec: `${spec}.2`, rest: 'RsvdP', hooks: { preWrite: hook },
        fields: {
          powerState: f.rw([1, 0]), noSoftReset: f.ro([3, 3], o.noSoftReset === false ? 0 : 1),
          pmeEnable: { bits: [8, 8], access: 'RWS' }, dataSelect: f.ro([12, 9]), dataScale: f.ro([14, 13]),
          pmeStatus: { bits: [15, 15], access: 'RW1CS' },
        },
      },
      { id: 'bridgeExtensions', name: 'Reserved (PMCSR_BSE)', offset: 6, width: 8, rest: 'RsvdP', fields: {} },
      { id: 'data', name: 'Data', offset: 7, width: 8, spec: `${spec}.3`, fields: { data: f.ro([7, 0]) } },
    ],
  };
}
