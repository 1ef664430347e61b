import { show } from '../bits/show.js';

/**
 * Stable codes of {@link SriovError}.
 * @category SR-IOV
 */
export type SriovErrorCode = 'sriov.no-such-pf' | 'sriov.bad-vf-number' | 'sriov.bad-routing-id' | 'sriov.bad-argument';

/**
 * An argument the SR-IOV layer refuses: a PF index the device does not have, a VF number outside
 * 1..65535, a Routing ID outside 0..0xFFFF, or another argument of the wrong kind. A `RangeError`,
 * so code that catches those keeps working, with a stable {@link SriovError.code}.
 *
 * @example
 * ```ts
 * try { asRoutingId(0x10000); }
 * catch (e) { if (e instanceof SriovError) console.log(e.code); } // "sriov.bad-routing-id"
 * ```
 * @category SR-IOV
 */
export class SriovError extends RangeError {
  /** Error name. */
  override readonly name = 'SriovError';
  /** Stable machine-readable code. */
  readonly code: SriovErrorCode;
  /** @param code - stable code; @param message - explanation. */
  constructor(code: SriovErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/**
 * `rid` as a Routing ID, or a {@link SriovError} (`sriov.bad-routing-id`) when it is not an
 * integer 0..0xFFFF (untyped callers can pass anything).
 * @internal
 */
export function checkRid(rid: unknown): void {
  if (typeof rid !== 'number' || (rid >>> 0) !== rid || rid > 0xffff) throw new SriovError('sriov.bad-routing-id', `routing ID ${show(rid)} is not 0..0xFFFF`);
}
