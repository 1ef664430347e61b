/**
 * Register and bit-field attribute types as the PCI Express Base Specification names them.
 *
 * @spec PCIe Base r6.0 §7.4 (Configuration Register Types, Table 7-2)
 * @category Registers
 */
export type Access = 'RO' | 'RW' | 'RW1C' | 'ROS' | 'RWS' | 'RW1CS' | 'HwInit' | 'RsvdP' | 'RsvdZ';

/**
 * What each attribute means to the generic engine.
 *
 * @remarks
 * - `swWrite`: software writes store the written bit.
 * - `w1c`: software writing 1 clears the bit; writing 0 leaves it.
 * - `sticky`: kept across hot reset and FLR; only cold/warm reset returns it to its reset value.
 * - `reserved`: the device keeps the bit at its reset value; the driver has an obligation
 *   (RsvdP: write back what it read; RsvdZ: write 0).
 * - `hwWrite`: the device (hardware side) may change the bit.
 * @category Registers
 */
export interface AccessInfo {
  /** Software writes store the written bit value. */
  readonly swWrite: boolean;
  /** Software writing 1 clears the bit and writing 0 leaves it unchanged (write-1-to-clear). */
  readonly w1c: boolean;
  /** The bit keeps its value across hot reset and FLR; only a cold or warm reset restores it. */
  readonly sticky: boolean;
  /** The bit is reserved (RsvdP or RsvdZ): the device holds it at its reset value. */
  readonly reserved: boolean;
  /** The device (hardware side) may change the bit. */
  readonly hwWrite: boolean;
  /** One-line human-readable description of the attribute. */
  readonly summary: string;
}

/**
 * The engine semantics of every {@link Access} type.
 *
 * @spec PCIe Base r6.0 §7.4 (Table 7-2)
 * @category Registers
 */
export const ACCESS_INFO: Readonly<Record<Access, AccessInfo>> = {
  RO: { swWrite: false, w1c: false, sticky: false, reserved: false, hwWrite: true, summary: 'read-only to software; the device may change it' },
  RW: { swWrite: true, w1c: false, sticky: false, reserved: false, hwWrite: true, summary: 'read-write' },
  RW1C: { swWrite: false, w1c: true, sticky: false, reserved: false, hwWrite: true, summary: 'status: the device sets it, software writes 1 to clear' },
  ROS: { swWrite: false, w1c: false, sticky: true, reserved: false, hwWrite: true, summary: 'read-only, sticky across hot reset and FLR' },
  RWS: { swWrite: true, w1c: false, sticky: true, reserved: false, hwWrite: true, summary: 'read-write, sticky across hot reset and FLR' },
  RW1CS: { swWrite: false, w1c: true, sticky: true, reserved: false, hwWrite: true, summary: 'write-1-to-clear status, sticky across hot reset and FLR' },
  HwInit: { swWrite: false, w1c: false, sticky: false, reserved: false, hwWrite: false, summary: 'set by hardware/firmware at initialisation; read-only afterwards' },
  RsvdP: { swWrite: false, w1c: false, sticky: false, reserved: true, hwWrite: false, summary: 'reserved and preserved: software must write back the value read' },
  RsvdZ: { swWrite: false, w1c: false, sticky: false, reserved: true, hwWrite: false, summary: 'reserved and zero: software must write 0' },
};

/**
 * Kinds of reset the engine distinguishes.
 *
 * @remarks
 * - `cold` and `warm` are Fundamental Resets: every bit, sticky ones included, returns to its reset
 *   value (this model has no auxiliary power, so the Aux-power exception for sticky bits never applies).
 * - `hot` is an in-band conventional reset: sticky bits are kept.
 * - `flr` is a Function Level Reset: sticky bits are kept, and so are fields marked
 *   {@link FieldDef.preserveOnFlr} (the link-wide fields the spec exempts).
 * @spec PCIe Base r6.0 §6.6.1 (Conventional Reset), §6.6.2 (Function Level Reset), §7.4 (sticky types)
 * @category Registers
 */
export type ResetKind = 'cold' | 'warm' | 'hot' | 'flr';

/** Every {@link ResetKind}, in order of decreasing scope. @category Registers */
export const RESET_KINDS: readonly ResetKind[] = ['cold', 'warm', 'hot', 'flr'];

/** Every {@link Access} value. @category Registers */
export const ACCESS_TYPES: readonly Access[] = ['RO', 'RW', 'RW1C', 'ROS', 'RWS', 'RW1CS', 'HwInit', 'RsvdP', 'RsvdZ'];

/** @internal Is `x` one of the access type names? */
export function isAccess(x: unknown): x is Access {
  return typeof x === 'string' && (ACCESS_TYPES as readonly string[]).includes(x);
}
