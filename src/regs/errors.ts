/**
 * Stable codes of {@link LayoutError}.
 * @category Registers
 */
export type LayoutErrorCode =
  | 'layout.bad-width'
  | 'layout.misaligned-register'
  | 'layout.field-outside-register'
  | 'layout.field-overlap'
  | 'layout.bad-field-range'
  | 'layout.uncovered-bits'
  | 'layout.bad-access'
  | 'layout.bad-reset'
  | 'layout.register-overlap'
  | 'layout.register-outside-block'
  | 'layout.block-outside-space'
  | 'layout.block-overlap'
  | 'layout.duplicate-name'
  | 'layout.missing-hook'
  | 'layout.capability-misaligned'
  | 'layout.capability-outside-space'
  | 'layout.capability-space-full'
  | 'layout.bad-option';

/**
 * A register, block or capability definition that contradicts itself or its space; thrown at
 * construction so that a broken layout never reaches a simulation.
 *
 * @example
 * ```ts
 * try { defineRegister({ id: 'x', name: 'X', offset: 1, width: 16, fields: {} }); }
 * catch (e) { if (e instanceof LayoutError) console.log(e.code); } // "layout.misaligned-register"
 * ```
 * @category Registers
 */
export class LayoutError extends Error {
  /** Error name. */
  override readonly name = 'LayoutError';
  /** Stable machine-readable code. */
  readonly code: LayoutErrorCode;
  constructor(code: LayoutErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/**
 * Stable codes of {@link AccessError}.
 * @category Registers
 */
export type AccessErrorCode = 'access.bad-size' | 'access.misaligned' | 'access.out-of-range' | 'access.bad-offset' | 'access.unknown-name' | 'access.not-hw-writable' | 'access.value-too-wide';

/**
 * A software or hardware-side access the model refuses: a size other than 1, 2 or 4 bytes, an
 * offset that is not naturally aligned, or one outside the space.
 *
 * @remarks PCIe requires configuration accesses to be naturally aligned and not to cross a DWORD
 * boundary; the model refuses such an access instead of guessing.
 * @spec PCIe Base r6.0 §7.2.2 (ECAM: accesses within one naturally aligned DW), §2.2.7 (Configuration Requests)
 * @category Registers
 */
export class AccessError extends Error {
  /** Error name. */
  override readonly name = 'AccessError';
  /** Stable machine-readable code. */
  readonly code: AccessErrorCode;
  constructor(code: AccessErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}
