import type { RegisterDef } from '../../regs/define.js';
import { LayoutError } from '../../regs/errors.js';
import { f, CAP_ID, type CapabilityDef } from './capability.js';

/**
 * Options of the MSI capability.
 * @category Capabilities
 */
export interface MsiCapabilityOptions {
  /** Vectors the function can request: 1, 2, 4, 8, 16 or 32. @defaultValue 1 */
  readonly vectors?: number;
  /** 64-bit message address. @defaultValue true */
  readonly address64?: boolean;
  /** Per-vector masking (adds Mask Bits and Pending Bits). @defaultValue false */
  readonly perVectorMasking?: boolean;
}

/**
 * The MSI capability (ID 0x05): Message Control, Address (32/64-bit), Data, and optionally Mask
 * and Pending bits. Its size follows the options (0x0C, 0x10, 0x14 or 0x18 bytes).
 *
 * @spec PCIe Base r6.0 §7.7.1 (MSI Capability Structures)
 * @throws {LayoutError} If `vectors` is not a power of two in 1..32.
 * @example
 * ```ts
 * builder.capability(msiCapability({ vectors: 4, address64: true, perVectorMasking: true }));
 * ```
 * @category Capabilities
 */
export function msiCapability(o: MsiCapabilityOptions = {}): CapabilityDef {
  const spec = 'PCIe Base r6.0 §7.7.1';
  const vectors = o.vectors ?? 1;
  const mmc = [1, 2, 4, 8, 16, 32].indexOf(vectors);
  if (mmc < 0) throw new LayoutError('layout.bad-option', `MSI vectors ${vectors} is not 1, 2, 4, 8, 16 or 32`);
  const a64 = o.address64 !== false;
  const masking = o.perVectorMasking === true;
  const data = a64 ? 0x0c : 0x08;
  const regs: RegisterDef[] = [
    {
      id: 'messageControl', name: 'Message Control', offset: 2, width: 16, spec: `${spec}.2`, rest: 'RsvdP',
      fields: {
        msiEnable: f.rw([0, 0]), multipleMessageCapable: f.ro([3, 1], mmc), multipleMessageEnable: f.rw([6, 4]),
        address64: f.ro([7, 7], a64 ? 1 : 0), perVectorMasking: f.ro([8, 8], masking ? 1 : 0),
        extendedMessageDataCapable: f.ro([9, 9]), extendedMessageDataEnable: f.ro([10, 10]),
      },
    },
    { id: 'messageAddress', name: 'Message Address', offset: 4, width: 32, spec: `${spec}.3`, fields: { reserved: { bits: [1, 0], access: 'RsvdP' }, address: f.rw([31, 2]) } },
    { id: 'messageData', name: 'Message Data', offset: data, width: 16, spec: `${spec}.5`, fields: { data: f.rw([15, 0]) } },
    { id: 'extendedMessageData', name: 'Extended Message Data', offset: data + 2, width: 16, spec: `${spec}.6`, rest: 'RsvdP', fields: {} },
  ];
  if (a64) regs.push({ id: 'messageUpperAddress', name: 'Message Upper Address', offset: 8, width: 32, spec: `${spec}.4`, fields: { address: f.rw([31, 0]) } });
  if (masking) {
    const fields = (access: 'RW' | 'RO') => (vectors === 32 ? { bits: { bits: [31, 0] as const, access } } : { bits: { bits: [vectors - 1, 0] as const, access } });
    regs.push(
      { id: 'maskBits', name: 'Mask Bits', offset: data + 4, width: 32, spec: `${spec}.7`, rest: 'RsvdP', fields: fields('RW') },
      { id: 'pendingBits', name: 'Pending Bits', offset: data + 8, width: 32, spec: `${spec}.8`, rest: 'RsvdP', fields: fields('RO') },
    );
  }
  return { space: 'standard', id: CAP_ID.msi, key: 'msi', name: 'MSI', size: data + 4 + (masking ? 8 : 0), spec, registers: regs };
}
