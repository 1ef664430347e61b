/**
 * Stable codes of {@link NicError}.
 *
 * @remarks
 * - `nic.bad-option`: a NIC profile or constructor option out of range.
 * - `nic.no-such-function`: a function number that is neither the PF (0) nor an existing VF.
 * - `nic.bad-mac`: a MAC address the PF driver may not assign to a VF (a group address).
 * - `nic.bad-vlan`: a VLAN ID outside 0..4094 or a priority (QoS) outside 0..7.
 * - `nic.bad-link-state`: a link state other than `auto`, `enable` or `disable`.
 * - `nic.bad-frame`: a frame that is not a `Uint8Array`.
 * @spec iovsim design (bad input gets a typed error with a stable code)
 * @category NIC
 */
export type NicErrorCode =
  | 'nic.bad-option'
  | 'nic.no-such-function'
  | 'nic.bad-mac'
  | 'nic.bad-vlan'
  | 'nic.bad-link-state'
  | 'nic.bad-frame';

/**
 * A call the NIC model refuses: bad options, a function that does not exist, a value the PF driver
 * interface rejects (as Linux's `ndo_set_vf_*` callbacks return `-EINVAL`). Memory accesses of a
 * bad size or alignment raise the register engine's `AccessError` instead.
 *
 * @spec Linux include/linux/netdevice.h (ndo_set_vf_mac, ndo_set_vf_vlan, ndo_set_vf_link_state return -EINVAL for bad arguments)
 * @example
 * ```ts
 * try { nic.setVfVlan(1, 4095); } catch (e) { if (e instanceof NicError) console.log(e.code); } // "nic.bad-vlan"
 * ```
 * @category NIC
 */
export class NicError extends Error {
  /** Error name. */
  override readonly name = 'NicError';
  /** Stable machine-readable code. */
  readonly code: NicErrorCode;
  /**
   * @param code - stable code.
   * @param message - explanation.
   */
  constructor(code: NicErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}
