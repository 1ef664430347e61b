import { LayoutError } from '../../regs/errors.js';
import { f, CAP_ID, type CapabilityDef } from './capability.js';

/**
 * Options of the MSI-X capability.
 * @category Capabilities
 */
export interface MsixCapabilityOptions {
  /** Table entries, 1..2048. */
  readonly tableSize: number;
  /** BAR indicator of the table (0..5). */
  readonly tableBir: number;
  /** Byte offset of the table in that BAR, a multiple of 8. */
  readonly tableOffset: number;
  /** BAR indicator of the Pending Bit Array. */
  readonly pbaBir: number;
  /** Byte offset of the PBA, a multiple of 8. */
  readonly pbaOffset: number;
}

/**
 * The MSI-X capability (ID 0x11, 12 bytes): Message Control (Table Size RO, Function Mask and
 * MSI-X Enable RW), Table Offset/BIR and PBA Offset/BIR.
 *
 * @spec PCIe Base r6.0 §7.7.2 (MSI-X Capability and Table Structure)
 * @throws {LayoutError} On a table size outside 1..2048, a BIR above 5, or an offset not a multiple of 8.
 * @example
 * ```ts
 * builder.capability(msixCapability({ tableSize: 10, tableBir: 3, tableOffset: 0, pbaBir: 3, pbaOffset: 0x2000 }));
 * ```
 * @category Capabilities
 */
export function msixCapability(o: MsixCapabilityOptions): CapabilityDef {
  const spec = 'PCIe Base r6.0 §7.7.2';
  if (!Number.isInteger(o.tableSize) || o.tableSize < 1 || o.tableSize > 2048) throw new LayoutError('layout.bad-option', `MSI-X table size ${o.tableSize} is not 1..2048`);
  for (const [n, bir, off] of [['table', o.tableBir, o.tableOffset], ['PBA', o.pbaBir, o.pbaOffset]] as const) {
    if (!Number.isInteger(bir) || bir < 0 || bir > 5) throw new LayoutError('layout.bad-option', `MSI-X ${n} BIR ${bir} is not 0..5`);
    if (!Number.isInteger(off) || off < 0 || off % 8 !== 0 || off >= 2 ** 32) throw new LayoutError('layout.bad-option', `MSI-X ${n} offset ${off} is not a multiple of 8 below 2^32`);
  }
  return {
    space: 'standard', id: CAP_ID.msix, key: 'msix', name: 'MSI-X', size: 12, spec,
    registers: [
      {
        id: 'messageControl', name: 'Message Control', offset: 2, width: 16, spec: `${spec}.2`, rest: 'RsvdP',
        fields: { tableSize: f.ro([10, 0], o.tableSize - 1), functionMask: f.rw([14, 14]), msixEnable: f.rw([15, 15]) },
      },
      { id: 'tableOffsetBir', name: 'Table Offset/Table BIR', offset: 4, width: 32, spec: `${spec}.3`, fields: { bir: f.ro([2, 0], o.tableBir), offset: f.ro([31, 3], o.tableOffset / 8) } },
      { id: 'pbaOffsetBir', name: 'PBA Offset/PBA BIR', offset: 8, width: 32, spec: `${spec}.4`, fields: { bir: f.ro([2, 0], o.pbaBir), offset: f.ro([31, 3], o.pbaOffset / 8) } },
    ],
  };
}
