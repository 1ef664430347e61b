import type { BarSpec } from '../config/bar.js';
import { ConfigSpaceBuilder } from '../config/builder.js';
import { ariCapability } from '../config/cap/ari.js';
import { EXT_CAP_ID } from '../config/cap/capability.js';
import { configSpaceFromImage } from '../config/image.js';
import { pcieCapability } from '../config/cap/pcie.js';
import type { ConfigSpace } from '../config/config-space.js';
import type { AccessSize } from '../bits/bits.js';
import type { Diagnostic, Severity } from '../regs/diagnostics.js';
import { LayoutError } from '../regs/errors.js';
import { show } from '../bits/show.js';
import type { ResetKind } from '../regs/access.js';
import type { PostResetHook, PostWriteHook, PreWriteHook, WriteEvent } from '../regs/space.js';
import { resolveOffsetStride, sriovCapability, SRIOV_HOOKS, SRIOV_SPEC, type SriovOptions } from './capability.js';
import type { SriovPolicy } from './policy.js';
import type { DeviceProfile, PfProfile } from './profile.js';
import { routingId, vfNumberOf, vfRoutingId, type RoutingId } from './routing.js';
import { SriovError, checkRid } from './errors.js';

/** The SR-IOV capability's register prefix inside a PF. */
const CAP = 'ecap.sriov';

/**
 * Options of {@link SriovDevice}.
 * @category SR-IOV
 */
export interface SriovDeviceOptions {
  /** Bus number of the device. @defaultValue 0 */
  readonly bus?: number;
  /** Device number (0..31); must be 0 when the device uses ARI function numbers above 7. @defaultValue 0 */
  readonly device?: number;
  /** PCI domain, for printing. @defaultValue 0 */
  readonly domain?: number;
  /** Policy for spec-undefined cases. @defaultValue 'strict' */
  readonly policy?: SriovPolicy;
  /** Receives every diagnostic of every function. */
  readonly onDiagnostic?: (d: Diagnostic) => void;
  /**
   * Configuration images to load the PFs from (by profile index), e.g. from a real device's lspci
   * dump: the PF then answers what the dump shows, with the SR-IOV capability live. See
   * {@link deviceFromDump}.
   */
  readonly pfImages?: readonly (PfImage | undefined)[];
}

/**
 * A PF's configuration bytes and the BAR sizes a dump cannot carry.
 * @category SR-IOV
 */
export interface PfImage {
  /** 4096 (or 256) configuration bytes. */
  readonly bytes: Uint8Array;
  /** PF BAR sizes by slot (unknown sizes leave the BAR read-only). */
  readonly barSizes?: readonly (number | bigint | undefined)[];
  /** Expansion ROM size in bytes (unknown: the ROM BAR is read-only). */
  readonly expansionRomSize?: number;
}

/**
 * One VF BAR as the PF's SR-IOV capability programs it.
 * @category SR-IOV
 */
export interface VfBarInfo {
  /** VF BAR slot (the lower slot of a 64-bit pair). */
  readonly bar: number;
  /** Memory type. */
  readonly kind: 'mem32' | 'mem64';
  /** Prefetchable memory. */
  readonly prefetchable: boolean;
  /** Size of each VF's window in bytes, or undefined when unknown (loaded from a dump without sizes). */
  readonly perVfSize: bigint | undefined;
  /** Base of VF 1's window (the register's address bits). */
  readonly base: bigint;
  /** The register holds a sizing probe's answer, not an address. */
  readonly sizingProbe: boolean;
}

/**
 * A memory window: first address, size in bytes, and last address (inclusive).
 * @category SR-IOV
 */
export interface Window {
  /** First address. */
  readonly base: bigint;
  /** Size in bytes. */
  readonly size: bigint;
  /** Last address, inclusive (so a window ending at 2^64 − 1 is representable). */
  readonly last: bigint;
}

/**
 * What a memory address hits.
 * @category SR-IOV
 */
export interface AddressHit {
  /** PF index in the device's profile. */
  readonly pf: number;
  /** VF number (1-based), or undefined when the address hits the PF's own BAR. */
  readonly vf: number | undefined;
  /** Routing ID of the function hit. */
  readonly rid: RoutingId;
  /** BAR index (a VF BAR index for VFs). */
  readonly bar: number;
  /** Offset of the address inside the BAR window. */
  readonly offset: bigint;
}

/**
 * A function the device implements at a Routing ID.
 * @category SR-IOV
 */
export type FunctionRef =
  | {
      /** Discriminant: `'pf'` for a Physical Function. */
      readonly kind: 'pf';
      /** Index of the PF in the device's profile (and in {@link SriovDevice.pfs}). */
      readonly pf: number;
      /** Routing ID of the PF. */
      readonly rid: RoutingId;
    }
  | {
      /** Discriminant: `'vf'` for a Virtual Function. */
      readonly kind: 'vf';
      /** Index, in the device's profile, of the PF that owns the VF. */
      readonly pf: number;
      /** VF number, 1-based (1..NumVFs latched at VF Enable). */
      readonly vf: number;
      /**
       * Routing ID of the VF: PF RID + First VF Offset + (vf − 1) × VF Stride.
       * @spec PCIe Base r6.0 §9.3.3.9-10 (First VF Offset, VF Stride)
       */
      readonly rid: RoutingId;
    };

/**
 * One Physical Function and its Virtual Functions.
 *
 * @remarks VF configuration spaces are created lazily, on the first write to a VF: until then a
 * VF reads from one shared space in its reset state, so enabling 65,535 VFs costs no per-VF
 * memory. VF Enable = 0 drops every VF; enabling again gives VFs in their reset state.
 * @category SR-IOV
 */
export class PhysicalFunction {
  /** The PF's configuration space. */
  readonly space: ConfigSpace;
  /** Routing ID of the PF. */
  readonly rid: RoutingId;
  /** VFs that exist (VF Enable = 1): NumVFs as latched when VF Enable was set, else 0. */
  private enabled = 0;
  private readonly vfs = new Map<number, ConfigSpace>();
  private readonly pristine: ConfigSpace;

  /**
   * @internal Built by {@link SriovDevice}.
   * @param index - Position of this PF in the device profile's `pfs` list (0-based); the `pf` of
   * {@link FunctionRef} and {@link AddressHit}.
   * @param profile - The profile this PF was built from: header, capabilities and the SR-IOV
   * capability options (PCIe Base r6.0 §9.3.3).
   */
  constructor(
    readonly index: number,
    readonly profile: PfProfile,
    rid: RoutingId,
    lowest: boolean,
    nextFunction: number,
    ari: boolean,
    multiFunction: boolean,
    private readonly policy: SriovPolicy,
    private readonly report: (d: Diagnostic) => void,
    image?: PfImage,
    private readonly hierarchy: { readonly ari: () => boolean; readonly changed: () => void; readonly anyVfEnabled: () => boolean } = {
      ari: () => this.ariCapableHierarchy, changed: () => this.updateOffsetStride(), anyVfEnabled: () => this.vfEnable,
    },
  ) {
    this.rid = rid;
    const sink = { onDiagnostic: report };
    if (image !== undefined) {
      // Only the first SR-IOV capability with room for its 0x40 bytes becomes live; any other stays opaque.
      let decoded = false;
      const sriov = (_b: Uint8Array, _at: number, room: number) => {
        if (decoded || room < 0x40) return undefined;
        decoded = true;
        return sriovCapability(profile.sriov, profile.function, lowest);
      };
      this.space = configSpaceFromImage(image.bytes, {
        ...sink, hooks: this.hooks(), extendedDecoders: { [EXT_CAP_ID.sriov]: sriov }, ...(image.barSizes === undefined ? {} : { barSizes: image.barSizes }),
        ...(image.expansionRomSize === undefined ? {} : { expansionRomSize: image.expansionRomSize }),
      }).space;
      // A live SR-IOV block, not an opaque one (an SR-IOV ID on a capability too short to be one stays opaque).
      if (this.space.layout.placement(CAP) === undefined) throw new LayoutError('layout.bad-option', `function ${profile.function}: the image has no SR-IOV capability the model can load`);
      if (this.vfEnable && this.numVfs <= this.totalVfs) this.enabled = this.numVfs;
    } else {
      const pfBuilder = new ConfigSpaceBuilder({ ...profile.header, type: 0, multiFunction });
      for (const c of profile.capabilities ?? []) pfBuilder.capability(c);
      pfBuilder.capability(pcieCapability({ ...profile.pcie, deviceType: 'endpoint' }));
      if (ari) pfBuilder.capability(ariCapability({ nextFunction }));
      pfBuilder.capability(sriovCapability(profile.sriov, profile.function, lowest));
      this.space = pfBuilder.build({ ...sink, hooks: this.hooks() });
    }
    const h = profile.header;
    const vfBuilder = new ConfigSpaceBuilder({
      type: 0, vendorId: 0xffff, deviceId: 0xffff, revisionId: profile.vfRevisionId ?? h.revisionId ?? 0, classCode: h.classCode,
      subsystemVendorId: h.subsystemVendorId ?? 0, subsystemId: h.subsystemId ?? 0, virtualFunction: true, interruptPin: 0,
    });
    for (const c of profile.vfCapabilities ?? []) vfBuilder.capability(c);
    vfBuilder.capability(pcieCapability({ ...profile.pcie, deviceType: 'endpoint', flrCapable: true }));
    if (ari) vfBuilder.capability(ariCapability());
    this.pristine = vfBuilder.build(sink);
  }

  /** Offset of the PF's (live) SR-IOV capability in its configuration space. */
  get sriovOffset(): number {
    return (this.capAt ??= this.space.layout.placement(CAP)!.base);
  }
  private get cap(): number {
    return this.sriovOffset;
  }
  private capAt: number | undefined;

  /** SR-IOV options of the profile. */
  get sriov(): SriovOptions {
    return this.profile.sriov;
  }

  private field(reg: string, field: string): number {
    return this.space.readField(`${CAP}.${reg}`, field);
  }

  /** VF Enable. */
  get vfEnable(): boolean {
    return (this.space.read(this.cap + 0x08, 2) & 1) === 1;
  }
  /** VF Memory Space Enable. */
  get vfMse(): boolean {
    return (this.space.read(this.cap + 0x08, 2) & 8) === 8;
  }
  /** ARI Capable Hierarchy. */
  get ariCapableHierarchy(): boolean {
    return this.field('control', 'ariCapableHierarchy') === 1;
  }
  /** NumVFs register. */
  get numVfs(): number {
    return this.field('numVfs', 'numVfs');
  }
  /** TotalVFs register. */
  get totalVfs(): number {
    return this.field('totalVfs', 'totalVfs');
  }
  /** InitialVFs register. */
  get initialVfs(): number {
    return this.field('initialVfs', 'initialVfs');
  }
  /** First VF Offset register (current). */
  get firstVfOffset(): number {
    return this.space.read(this.cap + 0x14, 2);
  }
  /** VF Stride register (current). */
  get vfStride(): number {
    return this.space.read(this.cap + 0x16, 2);
  }
  /** System Page Size in bytes (the lowest bit set; 0 if the register is 0). */
  get systemPageSize(): number {
    const v = this.field('systemPageSize', 'size');
    return v === 0 ? 0 : 4096 * (v & -v);
  }
  /** VFs that exist now (NumVFs latched at VF Enable, 0 when disabled). */
  get enabledVfs(): number {
    return this.enabled;
  }
  /** VF configuration spaces that have storage of their own (written to since enabling). */
  get materialisedVfs(): number {
    return this.vfs.size;
  }

  /** Routing ID of VF `n` (1-based) under the current offset and stride, or undefined if it overflows. */
  vfRid(n: number): RoutingId | undefined {
    return vfRoutingId(this.rid, this.firstVfOffset, this.vfStride, n);
  }

  /** The VF number a Routing ID names among the existing VFs, or undefined. */
  vfAt(rid: RoutingId): number | undefined {
    return this.enabled === 0 ? undefined : vfNumberOf(this.rid, this.firstVfOffset, this.vfStride, rid, this.enabled);
  }

  /** Configuration space of existing VF `n` for reading (shared reset-state space when untouched). */
  vfSpaceForRead(n: number): ConfigSpace {
    return this.vfs.get(n) ?? this.pristine;
  }

  /** Configuration space of existing VF `n`, created on first use. */
  vfSpace(n: number): ConfigSpace {
    let s = this.vfs.get(n);
    if (s === undefined) {
      s = this.pristine.instantiate();
      this.vfs.set(n, s);
    }
    return s;
  }

  /** VF FLR: resets VF `n` only (sticky bits kept). */
  resetVf(n: number, kind: ResetKind = 'flr'): void {
    this.vfs.get(n)?.reset(kind);
  }

  /** The VF BARs as programmed in the SR-IOV capability (cached until the PF's space changes; do not mutate). */
  vfBars(): readonly VfBarInfo[] {
    if (this.vfBarCache !== undefined && this.vfBarCache.version === this.space.version) return this.vfBarCache.bars;
    const out: VfBarInfo[] = [];
    const specs = this.sriov.vfBars ?? [];
    for (let i = 0; i < 6; i++) {
      const at = this.cap + 0x24 + i * 4;
      const lo = this.space.read(at, 4);
      const spec: BarSpec | undefined = specs[i];
      if (spec === undefined && lo === 0) continue;
      const is64 = spec !== undefined ? spec.kind === 'mem64' : ((lo >>> 1) & 3) === 2;
      const hi = is64 && i < 5 ? this.space.read(at + 4, 4) : 0;
      const base = (BigInt(hi) << 32n) | BigInt((lo & ~0xf) >>> 0);
      const size = spec === undefined ? undefined : BigInt(spec.size);
      const mask = size === undefined ? 0n : BigInt.asUintN(is64 ? 64 : 32, ~(size - 1n)) & ~0xfn;
      out.push({ bar: i, kind: is64 ? 'mem64' : 'mem32', prefetchable: (lo & 8) !== 0, perVfSize: size, base, sizingProbe: size !== undefined && (base & mask) === mask });
      if (is64) i++;
    }
    this.vfBarCache = { version: this.space.version, bars: out };
    return out;
  }
  private vfBarCache: { readonly version: number; readonly bars: readonly VfBarInfo[] } | undefined;

  /** Window of VF `n`'s BAR `bar` (VF k: base + (k − 1) × per-VF size), or undefined if unknown. */
  vfBarWindow(n: number, bar: number): Window | undefined {
    const b = this.vfBars().find((x) => x.bar === bar);
    if (b === undefined || b.perVfSize === undefined || b.sizingProbe || !Number.isInteger(n) || n < 1) return undefined;
    const base = b.base + BigInt(n - 1) * b.perVfSize;
    return { base, size: b.perVfSize, last: base + b.perVfSize - 1n };
  }

  /** Issues with VF BAR placement under the current System Page Size (reported, not enforced). */
  vfBarPageIssues(): Diagnostic[] {
    const ps = BigInt(this.systemPageSize);
    const out: Diagnostic[] = [];
    if (ps === 0n) return out;
    for (const b of this.vfBars()) {
      if (b.perVfSize === undefined || b.sizingProbe) continue;
      if (b.perVfSize % ps !== 0n) out.push(this.diag('sriov.vf-bar-not-page-multiple', 'warning', 'SRIOV-BAR-03', `VF BAR${b.bar}: per-VF size 0x${b.perVfSize.toString(16)} is not a multiple of the System Page Size 0x${ps.toString(16)}`));
      if (b.base % ps !== 0n) out.push(this.diag('sriov.vf-bar-misaligned', 'warning', 'SRIOV-BAR-03', `VF BAR${b.bar}: base 0x${b.base.toString(16)} is not aligned to the System Page Size 0x${ps.toString(16)}`));
    }
    return out;
  }

  /** @internal */
  diag(code: string, severity: Severity, requirement: string, message: string, spec = `${SRIOV_SPEC}`): Diagnostic {
    return { code, severity, requirement, spec, register: `${CAP}`, message: `PF ${this.index} (function ${this.profile.function}): ${message}` };
  }

  /**
   * Recomputes First VF Offset and VF Stride from NumVFs and the device's ARI Capable Hierarchy
   * (the lowest-numbered PF's bit, which governs every PF of the device).
   * @internal
   */
  updateOffsetStride(): void {
    const { offset, stride } = resolveOffsetStride(this.sriov.offsetStride, this.numVfs, this.hierarchy.ari());
    this.space.hwWrite(`${CAP}.firstVfOffset`, 'offset', offset);
    this.space.hwWrite(`${CAP}.vfStride`, 'stride', stride);
  }

  private dropVfs(): void {
    this.enabled = 0;
    this.vfs.clear();
  }

  private hooks(): { preWrite: Record<string, PreWriteHook>; postWrite: Record<string, PostWriteHook>; postReset: Record<string, PostResetHook> } {
    const H = SRIOV_HOOKS;
    const p = this.policy;
    const touched = (e: WriteEvent, bits: number): boolean => (e.touched & bits) === bits;
    return {
      preWrite: {
        [H.controlPre]: (e) => {
          let v = e.written;
          const vfeBefore = (e.before & 1) === 1;
          // Undefined if VF Enable is set in any PF of the device (§9.3.3.3.5), this one included.
          if ((vfeBefore || this.hierarchy.anyVfEnabled()) && touched(e, 0x10) && ((e.before ^ v) & 0x10) !== 0) {
            this.report(this.diag('sriov.ari-while-enabled', p === 'qemu' ? 'note' : 'warning', 'SRIOV-POL-05', `ARI Capable Hierarchy changed while VF Enable is set in a PF (undefined); ${p === 'qemu' ? 'accepted' : 'write ignored'} under policy ${p}`, `${SRIOV_SPEC}.3.5`));
            if (p !== 'qemu') v = (v & ~0x10) | (e.before & 0x10);
          }
          if (!vfeBefore && touched(e, 0x1) && (v & 1) === 1) {
            const n = this.numVfs;
            if (n > this.totalVfs) {
              this.report(this.diag('sriov.numvfs-above-total', 'warning', 'SRIOV-POL-02', `VF Enable refused: NumVFs ${n} exceeds TotalVFs ${this.totalVfs} (undefined by the spec)`, `${SRIOV_SPEC}.7`));
              v &= ~1;
            } else if (n === 0) {
              if (p === 'strict') {
                this.report(this.diag('sriov.enable-zero-vfs', 'warning', 'SRIOV-POL-03', 'VF Enable refused: NumVFs is 0 (undefined by the spec)', `${SRIOV_SPEC}.3.1`));
                v &= ~1;
              } else {
                this.report(this.diag('sriov.enable-zero-vfs', 'note', 'SRIOV-POL-03', `VF Enable with NumVFs = 0 enables no VFs under policy ${p}`, `${SRIOV_SPEC}.3.1`));
              }
            }
          }
          return v;
        },
        [H.numVfsPre]: (e) => {
          if (this.vfEnable) {
            if (e.written !== e.before) this.report(this.diag('sriov.numvfs-while-enabled', p === 'qemu' ? 'note' : 'warning', 'SRIOV-POL-01', `NumVFs write of ${e.written} while VF Enable is set ignored (undefined by the spec)`, `${SRIOV_SPEC}.7`));
            return e.before;
          }
          if (e.written > this.totalVfs) {
            if (p === 'clamp') {
              this.report(this.diag('sriov.numvfs-above-total', 'warning', 'SRIOV-POL-02', `NumVFs ${e.written} exceeds TotalVFs ${this.totalVfs}: clamped under policy clamp`, `${SRIOV_SPEC}.7`));
              return this.totalVfs;
            }
            this.report(this.diag('sriov.numvfs-above-total', 'warning', 'SRIOV-POL-02', `NumVFs ${e.written} exceeds TotalVFs ${this.totalVfs} (undefined): kept, VF Enable will be refused`, `${SRIOV_SPEC}.7`));
          }
          return e.written;
        },
        [H.pageSizePre]: (e) => {
          const supported = this.field('supportedPageSizes', 'sizes');
          const w = e.written >>> 0;
          const single = w !== 0 && (w & (w - 1)) === 0;
          const valid = single && (w & supported) === w;
          if (this.vfEnable) {
            if (w === e.before) return w;
            this.report(this.diag('sriov.page-size-while-enabled', p === 'qemu' ? 'note' : 'warning', 'SRIOV-POL-04', `System Page Size written while VF Enable is set (undefined): ${p === 'qemu' ? 'stored' : 'ignored'} under policy ${p}`, `${SRIOV_SPEC}.13`));
            return p === 'qemu' ? (w & supported) >>> 0 : e.before;
          }
          if (valid) return w;
          const what = w === 0 ? 'zero' : !single ? 'several page sizes' : 'an unsupported page size';
          this.report(this.diag('sriov.page-size-invalid', 'warning', 'SRIOV-POL-04', `System Page Size 0x${w.toString(16)} is ${what} (Supported 0x${supported.toString(16)}): ${p === 'qemu' ? 'stored masked by Supported Page Sizes' : 'ignored'} under policy ${p}`, `${SRIOV_SPEC}.13`));
          return p === 'qemu' ? (w & supported) >>> 0 : e.before;
        },
      },
      postWrite: {
        [H.controlPost]: (e) => {
          const was = (e.before & 1) === 1;
          const now = (e.after & 1) === 1;
          if (!was && now) {
            this.vfs.clear();
            this.enabled = this.numVfs;
            for (const d of this.vfBarPageIssues()) this.report(d);
          } else if (was && !now) this.dropVfs();
          if (((e.before ^ e.after) & 0x10) !== 0) this.hierarchy.changed();
        },
        [H.numVfsPost]: () => this.updateOffsetStride(),
      },
      postReset: {
        [H.reset]: () => {
          this.dropVfs();
          this.hierarchy.changed();
        },
      },
    };
  }
}

/**
 * An SR-IOV device: its PFs, their lazily materialised VFs, configuration access by Routing ID
 * (all ones and a report for functions that do not exist), and memory decode across PF BARs and
 * VF BAR windows.
 *
 * @remarks The lowest-numbered PF alone has a writable ARI Capable Hierarchy. PF reset and FLR
 * clear the SR-IOV control state (VF Enable, NumVFs, System Page Size, VF BARs) and remove the
 * VFs; a VF's FLR resets that VF only.
 * @spec PCIe Base r6.0 §9 (Single Root I/O Virtualization and Sharing)
 * @example
 * ```ts
 * const dev = new SriovDevice(igbProfile(), { bus: 1 });
 * const pf = dev.pfs[0]!;
 * dev.configWrite(pf.rid, 0x160 + 0x10, 2, 8);        // NumVFs = 8
 * dev.configWrite(pf.rid, 0x160 + 0x08, 2, 0x19);     // VF Enable | VF MSE | ARI Capable Hierarchy
 * formatRid(pf.vfRid(1)!);                             // "01:10.0"
 * ```
 * @category SR-IOV
 */
export class SriovDevice {
  /** The PFs, in profile order. */
  readonly pfs: readonly PhysicalFunction[];
  /** Bus number. */
  readonly bus: number;
  /** Device number. */
  readonly device: number;
  /** PCI domain. */
  readonly domain: number;
  /** Policy for spec-undefined cases. */
  readonly policy: SriovPolicy;
  private pending: Diagnostic[] = [];
  private readonly sink: ((d: Diagnostic) => void) | undefined;

  /**
   * @param profile - The device as data: its PFs (in order) and whether its functions carry ARI.
   * Kept as given; the PFs are built from it.
   * @param options - Placement (bus, device, domain), policy, diagnostic sink and optional PF images.
   * @throws {LayoutError} For an impossible profile: no PF, duplicate function numbers, a function
   * number that does not fit the device number, or any invalid register option.
   */
  constructor(readonly profile: DeviceProfile, options: SriovDeviceOptions = {}) {
    this.bus = options.bus ?? 0;
    this.device = options.device ?? 0;
    this.domain = options.domain ?? 0;
    this.policy = options.policy ?? 'strict';
    this.sink = options.onDiagnostic;
    if (!Number.isInteger(this.bus) || this.bus < 0 || this.bus > 255) throw new LayoutError('layout.bad-option', `bus ${this.bus} is not 0..255`);
    if (!Number.isInteger(this.device) || this.device < 0 || this.device > 31) throw new LayoutError('layout.bad-option', `device ${this.device} is not 0..31`);
    if (profile.pfs.length === 0) throw new LayoutError('layout.bad-option', 'a device profile needs at least one PF');
    const fns = profile.pfs.map((p) => p.function);
    if (new Set(fns).size !== fns.length) throw new LayoutError('layout.duplicate-name', `PF function numbers repeat: ${fns.join(', ')}`);
    const maxFn = profile.ari ? 255 : 7;
    for (const fn of fns) {
      if (!Number.isInteger(fn) || fn < 0 || fn > maxFn) throw new LayoutError('layout.bad-option', `PF function ${fn} is not 0..${maxFn}${profile.ari ? '' : ' (without ARI)'}`);
    }
    if (profile.ari && Math.max(...fns) > 7 && this.device !== 0) throw new LayoutError('layout.bad-option', 'ARI function numbers above 7 need device number 0');
    const sorted = [...fns].sort((a, b) => a - b);
    const report = (d: Diagnostic): void => {
      if (this.pending.length < 10_000) this.pending.push(d);
      this.sink?.(d);
    };
    this.pfs = profile.pfs.map((p, i) => {
      const next = sorted[sorted.indexOf(p.function) + 1] ?? 0;
      const devfn = profile.ari ? (this.device << 3) + p.function : (this.device << 3) | p.function;
      // ARI Capable Hierarchy lives in the lowest-numbered PF and governs every PF (§9.3.3.3.5).
      const hierarchy = {
        ari: (): boolean => this.pfs.find((q) => q.profile.function === sorted[0])?.ariCapableHierarchy ?? false,
        changed: (): void => {
          for (const q of this.pfs) q.updateOffsetStride();
        },
        anyVfEnabled: (): boolean => this.pfs.some((q) => q.vfEnable),
      };
      return new PhysicalFunction(i, p, routingId(this.bus, devfn), p.function === sorted[0], next, profile.ari, profile.pfs.length > 1, this.policy, report, options.pfImages?.[i], hierarchy);
    });
  }

  /** Takes the diagnostics reported since the last call. */
  takeDiagnostics(): Diagnostic[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** The function at a Routing ID: a PF, an existing VF, or undefined. */
  functionAt(rid: RoutingId): FunctionRef | undefined {
    for (const pf of this.pfs) if (pf.rid === rid) return { kind: 'pf', pf: pf.index, rid };
    for (const pf of this.pfs) {
      const n = pf.vfAt(rid);
      if (n !== undefined) return { kind: 'vf', pf: pf.index, vf: n, rid };
    }
    return undefined;
  }

  private unsupported(rid: RoutingId, what: string): void {
    const d: Diagnostic = {
      code: 'device.unsupported-request', severity: 'note', requirement: 'SRIOV-LIFE-02', spec: 'PCIe Base r6.0 §2.3.1, §9.3.3.3.1',
      message: `${what} to ${rid.toString(16).padStart(4, '0')}: no function there (Unsupported Request)`,
    };
    if (this.pending.length < 10_000) this.pending.push(d);
    this.sink?.(d);
  }

  /**
   * Configuration read by Routing ID. A function that does not exist answers all ones (UR) and
   * the access is reported.
   * @throws {AccessError} For a misaligned or out-of-range access.
   * @throws {SriovError} `sriov.bad-routing-id` for a Routing ID that is not 0..0xFFFF.
   */
  configRead(rid: RoutingId, offset: number, size: AccessSize): number {
    checkRid(rid);
    const f = this.functionAt(rid);
    if (f === undefined) {
      this.pfs[0]!.space.read(offset, size); // same access checks as a real function
      this.unsupported(rid, 'configuration read');
      return size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
    }
    const pf = this.pfs[f.pf]!;
    return f.kind === 'pf' ? pf.space.read(offset, size) : pf.vfSpaceForRead(f.vf).read(offset, size);
  }

  /**
   * Configuration write by Routing ID; dropped (and reported) for a function that does not exist.
   * @throws {AccessError} For a misaligned or out-of-range access.
   * @throws {SriovError} `sriov.bad-routing-id` for a Routing ID that is not 0..0xFFFF.
   */
  configWrite(rid: RoutingId, offset: number, size: AccessSize, value: number): void {
    checkRid(rid);
    const f = this.functionAt(rid);
    if (f === undefined) {
      this.pfs[0]!.space.read(offset, size);
      this.unsupported(rid, 'configuration write');
      return;
    }
    const pf = this.pfs[f.pf]!;
    if (f.kind === 'pf') pf.space.write(offset, size, value);
    else pf.vfSpace(f.vf).write(offset, size, value);
  }

  /** The configuration space object of a function (VF storage is materialised). */
  functionSpace(f: FunctionRef): ConfigSpace {
    const pf = this.pfs[f.pf]!;
    return f.kind === 'pf' ? pf.space : pf.vfSpace(f.vf);
  }

  /** Lowest and highest bus numbers the enabled VFs occupy, or undefined when none are enabled. */
  vfBusRange(): {
    /** Lowest bus number (0..255) holding an enabled VF, from bits 15:8 of VF 1's Routing ID. */
    readonly first: number;
    /**
     * Highest bus number holding an enabled VF (bits 15:8 of the last VF's Routing ID); 256 when
     * that Routing ID would overflow the 16-bit Routing ID space.
     */
    readonly last: number;
  } | undefined {
    let first = 256;
    let last = -1;
    for (const pf of this.pfs) {
      if (pf.enabledVfs === 0) continue;
      const a = pf.vfRid(1);
      const b = pf.vfRid(pf.enabledVfs);
      if (a !== undefined) first = Math.min(first, a >>> 8);
      last = Math.max(last, b === undefined ? 256 : b >>> 8);
    }
    return last < 0 ? undefined : { first, last };
  }

  /**
   * What a memory address hits: a PF BAR (decoded while the PF's Memory Space Enable is set) or a
   * VF BAR window (decoded while VF Enable and VF MSE are set), or undefined.
   * @spec PCIe Base r6.0 §9.3.3.3.4 (VF MSE), §9.3.3.14 (VF BARs)
   * @throws {SriovError} `sriov.bad-argument` when `address` is not a bigint (it is taken modulo 2^64).
   */
  decodeAddress(address: bigint): AddressHit | undefined {
    if (typeof address !== 'bigint') throw new SriovError('sriov.bad-argument', `address ${show(address)} is not a bigint`);
    const a = BigInt.asUintN(64, address);
    for (const pf of this.pfs) {
      for (const b of pf.space.bars()) {
        if (!b.active || b.kind === 'io' || b.size === undefined) continue;
        if (a >= b.base && a < b.base + b.size) return { pf: pf.index, vf: undefined, rid: pf.rid, bar: b.index, offset: a - b.base };
      }
      if (!pf.vfEnable || !pf.vfMse || pf.enabledVfs === 0) continue;
      for (const b of pf.vfBars()) {
        if (b.perVfSize === undefined || b.sizingProbe) continue;
        const end = b.base + b.perVfSize * BigInt(pf.enabledVfs);
        if (a < b.base || a >= end) continue;
        const k = Number((a - b.base) / b.perVfSize) + 1;
        const rid = pf.vfRid(k);
        if (rid === undefined) continue;
        return { pf: pf.index, vf: k, rid, bar: b.bar, offset: (a - b.base) % b.perVfSize };
      }
    }
    return undefined;
  }
}

