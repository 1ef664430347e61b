import type { AccessSize } from '../bits/bits.js';
import type { Diagnostic } from '../regs/diagnostics.js';
import { explainWrite, type FieldChange } from '../regs/explain.js';
import { SriovDevice, type AddressHit, type SriovDeviceOptions, type Window } from './device.js';
import { deviceFromDump, type DumpDeviceOptions, type DumpedFunction } from './from-dump.js';
import { linuxSriovEnable, type LinuxHost, type LinuxVerdict } from './linux.js';
import type { DeviceProfile } from './profile.js';
import { formatRid, reachable, type RoutingId } from './routing.js';
import { SriovError, checkRid } from './errors.js';
import { show } from '../bits/show.js';

/**
 * The answer to a configuration read.
 * @category SR-IOV
 */
export interface ReadAnswer {
  /** The value the device returns (all ones for Unsupported Request). */
  readonly value: number;
  /** No function answered: Unsupported Request. */
  readonly unsupportedRequest: boolean;
  /** Diagnostics raised by the access. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The answer to a configuration write.
 * @category SR-IOV
 */
export interface WriteAnswer {
  /** No function answered; the write was dropped. */
  readonly unsupportedRequest: boolean;
  /** Diagnostics raised by the write (driver obligations, spec-undefined cases). */
  readonly diagnostics: readonly Diagnostic[];
  /** With `explain`, what the write did to each field and why. */
  readonly changes?: readonly FieldChange[];
}

/**
 * Where a VF is.
 * @category SR-IOV
 */
export interface VfLocation {
  /** 1-based VF number. */
  readonly vf: number;
  /** Routing ID, or undefined when it would overflow 16 bits. */
  readonly rid: RoutingId | undefined;
  /** `[domain:]bb:dd.f`, as lspci prints it. */
  readonly address: string | undefined;
  /** The VF exists now (VF Enable set and n ≤ the NumVFs latched at enable). */
  readonly exists: boolean;
}

/**
 * The driver oracle: a device you can ask what it must answer, where its VFs are, what an address
 * hits, and whether Linux would enable its VFs, with every answer traceable to a requirement and a
 * spec section.
 *
 * @example
 * ```ts
 * const oracle = SriovOracle.fromProfile(igbProfile(), { bus: 1 });
 * const pf = oracle.device.pfs[0]!.rid;
 * const sriov = oracle.device.pfs[0]!.space.capability(0x10, 'extended')!.offset;
 * oracle.write(pf, sriov + 0x10, 2, 8);                       // NumVFs = 8
 * oracle.write(pf, sriov + 0x08, 2, 0x19, { explain: true }).changes; // VF Enable: "RW: takes the written value" …
 * oracle.whereIsVf(0, 8).address;                              // "01:11.6"
 * oracle.wouldLinuxEnable(0, 8, { busRange: { start: 1, end: 1 } }).enable;
 * ```
 * @category SR-IOV
 */
export class SriovOracle {
  /** @param device - the device to answer for. */
  constructor(readonly device: SriovDevice) {}

  /**
   * An oracle for a device built from a profile.
   * @example
   * ```ts
   * SriovOracle.fromProfile(igbProfile(2), { bus: 3, policy: 'qemu' });
   * ```
   */
  static fromProfile(profile: DeviceProfile, options: SriovDeviceOptions = {}): SriovOracle {
    return new SriovOracle(new SriovDevice(profile, options));
  }

  /**
   * An oracle for a device loaded from a dump's functions (see {@link deviceFromDump}).
   * @example
   * ```ts
   * SriovOracle.fromDump(parseLspciDump(text), { vfBarSizes: [0x4000] });
   * ```
   */
  static fromDump(functions: readonly DumpedFunction[], options: DumpDeviceOptions = {}): SriovOracle {
    return new SriovOracle(deviceFromDump(functions, options).device);
  }

  /** Configuration read by Routing ID. */
  read(rid: RoutingId, offset: number, size: AccessSize): ReadAnswer {
    checkRid(rid);
    this.device.takeDiagnostics();
    const unsupportedRequest = this.device.functionAt(rid) === undefined;
    const value = this.device.configRead(rid, offset, size);
    return { value, unsupportedRequest, diagnostics: this.device.takeDiagnostics() };
  }

  /**
   * Configuration write by Routing ID; with `explain`, the answer says what the write did to each
   * field and why (requirement ID and spec section per field).
   */
  write(rid: RoutingId, offset: number, size: AccessSize, value: number, options: { readonly explain?: boolean } = {}): WriteAnswer {
    checkRid(rid);
    this.device.takeDiagnostics();
    const f = this.device.functionAt(rid);
    if (f === undefined || options.explain !== true) {
      this.device.configWrite(rid, offset, size, value);
      return { unsupportedRequest: f === undefined, diagnostics: this.device.takeDiagnostics() };
    }
    const changes = explainWrite(this.device.functionSpace(f), offset, size, value);
    return { unsupportedRequest: false, diagnostics: this.device.takeDiagnostics(), changes };
  }

  /** PF number `pf` of the device, or `sriov.no-such-pf`. */
  private pf(pf: number): SriovDevice['pfs'][number] {
    const p = Number.isInteger(pf) && pf >= 0 ? this.device.pfs[pf] : undefined;
    if (p === undefined) throw new SriovError('sriov.no-such-pf', `no PF ${show(pf)} (the device has ${this.device.pfs.length})`);
    return p;
  }

  /** Where is VF `n` of PF `pf`? @throws {SriovError} `sriov.no-such-pf`, `sriov.bad-vf-number`. */
  whereIsVf(pf: number, n: number): VfLocation {
    const p = this.pf(pf);
    const rid = p.vfRid(n);
    return { vf: n, rid, address: rid === undefined ? undefined : formatRid(rid, this.device.domain), exists: rid !== undefined && p.vfEnable && n >= 1 && n <= p.enabledVfs };
  }

  /** The window of VF `n`'s VF BAR `bar` (whether or not it decodes now), or undefined when unknown. */
  vfBarWindow(pf: number, n: number, bar: number): Window | undefined {
    const p = this.pf(pf);
    if (!Number.isInteger(n) || n < 1 || n > 0xffff) throw new SriovError('sriov.bad-vf-number', `VF number ${show(n)} is not 1..65535`);
    return p.vfBarWindow(n, bar);
  }

  /** What does this memory address hit (PF BARs and decoding VF BAR windows)? */
  whatHits(address: bigint): AddressHit | undefined {
    return this.device.decodeAddress(address);
  }

  /** Would Linux's `sriov_enable(nr)` succeed on PF `pf`, and if not, why? */
  wouldLinuxEnable(pf: number, nr: number, host: LinuxHost = {}): LinuxVerdict {
    return linuxSriovEnable(this.device, pf, nr, host);
  }

  /** Can a configuration request reach this Routing ID below the given downstream port? */
  reachable(rid: RoutingId, port: { readonly secondary: number; readonly subordinate: number; readonly ariForwarding: boolean }): boolean {
    return reachable(rid, port);
  }
}
