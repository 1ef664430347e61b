/**
 * What a PCIe implementation must offer to be checked by {@link runConformance}: configuration
 * reads and writes by Routing ID, the functions to check, and optionally resets.
 *
 * @remarks Values are unsigned; a function that does not exist answers all ones (Unsupported
 * Request). The suite only uses naturally aligned 1-, 2- and 4-byte accesses.
 * @example
 * ```ts
 * const target: ConfigTarget = {
 *   name: 'my-device',
 *   functions: () => [0x0100],
 *   configRead: (rid, off, size) => myDevice.cfgRead(rid, off, size),
 *   configWrite: (rid, off, size, v) => myDevice.cfgWrite(rid, off, size, v),
 *   reset: (rid, kind) => myDevice.reset(rid, kind),
 * };
 * ```
 * @category Conformance
 */
export interface ConfigTarget {
  /** Name shown in reports. */
  readonly name: string;
  /** Routing IDs of the functions to check (PFs or plain functions; VFs are found through SR-IOV). */
  functions(): readonly number[];
  /** Configuration read of `size` bytes at `offset` of the function at `rid`. */
  configRead(rid: number, offset: number, size: 1 | 2 | 4): number;
  /** Configuration write of `size` bytes at `offset` of the function at `rid`. */
  configWrite(rid: number, offset: number, size: 1 | 2 | 4, value: number): void;
  /** Returns a function to its reset state; the suite resets between runs when this is given. */
  reset?(rid: number, kind: 'cold' | 'warm' | 'hot' | 'flr'): void;
}
