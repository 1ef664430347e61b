import { show } from '../bits/show.js';
import type { AccessSize } from '../bits/bits.js';
import type { ConfigSpace } from '../config/config-space.js';
import type { Diagnostic, DiagnosticSink } from '../regs/diagnostics.js';
import { AccessError } from '../regs/errors.js';
import type { PostResetHook } from '../regs/space.js';
import { SriovDevice, type PhysicalFunction, type Window } from '../sriov/device.js';
import type { SriovPolicy } from '../sriov/policy.js';
import type { RoutingId } from '../sriov/routing.js';
import { isMac, type Mac } from '../link/frame.js';
import { NicError } from './errors.js';
import { PfControlBlock, type SwitchMode, type VfConfig, type VfEntryField, type VfLinkState } from './pf-block.js';
import { nicDeviceProfile, NIC_BAR, type NicProfile } from './profile.js';
import { macToRegs, QueueBlock, QUEUE_BLOCK } from './queue-block.js';

/** SR-IOV capability register offsets used by {@link NicPcie.bringUp} (PCIe Base r6.0 §9.3.3). */
const SR = { control: 0x08, numVfs: 0x10, vfBar0: 0x24 } as const;
/** SR-IOV Control bits: VF Enable, VF MSE, ARI Capable Hierarchy. */
const SRCTL = { vfe: 0x01, mse: 0x08, ari: 0x10 } as const;
/** Command register bits: Memory Space Enable, Bus Master Enable (PCIe Base r6.0 §7.5.1.1.3). */
const CMD = { mse: 0x2, bme: 0x4 } as const;

/**
 * Why a function's queues were flushed.
 * - `vf-flr`: the VF's Function Level Reset (Device Control Initiate FLR, or {@link NicPcie.onVfFlr}).
 * - `pf-reset`: a reset of the PF (FLR, hot, warm or cold), which removes every VF.
 * - `vf-removed`: the VF no longer exists (VF Enable cleared, or NumVFs made smaller and VFs re-enabled).
 * @spec PCIe Base r6.0 §6.6.2 (FLR), §9.2.2 (PF reset), §9.3.3.3.1 (VF Enable)
 * @category NIC
 */
export type FlushReason = 'vf-flr' | 'pf-reset' | 'vf-removed';

/**
 * A function's queues were flushed: what was dropped.
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @category NIC
 */
export interface QueueFlushEvent {
  /** The function: 0 for the PF, n for VF n. */
  readonly fn: number;
  /** Why. */
  readonly reason: FlushReason;
  /** Frames dropped from the TX queue. */
  readonly tx: number;
  /** Frames dropped from the RX ring. */
  readonly rx: number;
}

/**
 * Options of {@link NicPcie}.
 * @category NIC
 */
export interface NicPcieOptions {
  /** TotalVFs, 1..4096. @defaultValue 256 */
  readonly totalVfs?: number;
  /** Bus number of the NIC. @defaultValue 0 */
  readonly bus?: number;
  /** Device number. @defaultValue 0 */
  readonly device?: number;
  /** PCI domain (for printing). @defaultValue 0 */
  readonly domain?: number;
  /** Policy for the SR-IOV cases the spec leaves undefined. @defaultValue 'strict' */
  readonly policy?: SriovPolicy;
  /** Receives every diagnostic (configuration, memory, queue and PF control). */
  readonly onDiagnostic?: DiagnosticSink;
  /** Receives every queue flush (so that the data path can count the dropped frames). */
  readonly onFlush?: (e: QueueFlushEvent) => void;
  /** Told when a function's doorbell queued a frame (the transmit engine's set of functions with work). */
  readonly onTxPosted?: (fn: number) => void;
}

/**
 * Options of {@link NicPcie.bringUp}: what firmware and the PF driver program.
 * @category NIC
 */
export interface BringUpOptions {
  /** VFs to enable (NumVFs), 0..TotalVFs; 0 leaves VF Enable clear. */
  readonly numVfs: number;
  /** PF BAR0 address, aligned to 128 KiB, below 4 GiB. @defaultValue 0xfe000000n */
  readonly pfBar0?: bigint;
  /** VF BAR0 address (VF 1's window), aligned to 16 KiB. @defaultValue 0x100000000n */
  readonly vfBar0?: bigint;
  /** Set ARI Capable Hierarchy before enabling. @defaultValue true */
  readonly ari?: boolean;
  /** Set Bus Master Enable in each enabled VF's Command register. @defaultValue true */
  readonly vfBusMaster?: boolean;
}

interface VfSlot {
  readonly block: QueueBlock;
  /** The VF configuration space the block belongs to; another object means the VF was removed and re-created. */
  readonly bound: ConfigSpace;
}

/**
 * The PCIe side of the SR-IOV NIC: one PF with up to TotalVFs VFs (from the SR-IOV layer), a
 * queue block per function behind its BAR, the PF control block, memory decode across PF BAR0 and
 * the VF BAR windows, and the PCIe state that gates the data path.
 *
 * @remarks
 * - Memory decode uses the SR-IOV layer's {@link SriovDevice.decodeAddress}: PF BAR0 while the
 *   PF's Memory Space Enable is set; VF k's window (VF BAR0 base + (k − 1) × 16 KiB) while VF Enable
 *   and VF MSE are set and k ≤ NumVFs. Each VF's window reaches its own queue block only. An
 *   address no enabled window claims changes nothing, reads all ones, and is reported
 *   (`nic.unclaimed-address`).
 * - Lazy: a VF's queue block (and its configuration space) is created the first time anything
 *   touches it (a memory access, {@link NicPcie.queues}); until then the VF costs no storage.
 * - Resets: a VF's FLR (Device Control Initiate FLR) reaches the NIC through a post-reset hook of
 *   the VF's vendor-specific capability and resets that VF's block only; a PF reset resets the
 *   PF's block and the PF control block and drops every VF block. A VF removed by clearing VF
 *   Enable is noticed at the next access to it, at {@link NicPcie.configWrite}, or at
 *   {@link NicPcie.sync}. Each flush is reported to `onFlush` with the frames dropped.
 * - Data path gate: {@link NicPcie.vfCanMove} (VF exists, VF Enable, VF MSE, the VF's Bus Master
 *   Enable) and {@link NicPcie.pfCanMove}.
 * @spec PCIe Base r6.0 §9.3.3.3.1 (VF Enable), §9.3.3.3.4 (VF MSE), §9.3.3.14 (VF BARs), §9.3.4.1.2 (VF Command: Bus Master Enable), §6.6.2 (FLR)
 * @example
 * ```ts
 * const nic = new NicPcie({ bus: 1 });
 * nic.bringUp({ numVfs: 4 });                           // PF BAR0 0xfe000000, VF BAR0 0x100000000
 * nic.setVfMac(2, parseMac('02:00:00:00:00:02'));
 * const vf2 = nic.vfWindow(2)!.base;                     // 0x100004000n
 * nic.memRead(vf2 + 0x10n, 4);                           // MAC_LO: 0x00000002
 * nic.memWrite(vf2 + 0x0n, 4, 3);                        // CTRL: RX and TX enable
 * nic.queues(2).deliverRx(new Uint8Array(64));           // true
 * nic.memRead(vf2 + 0x60n, 4);                           // RX_HEAD: 1
 * ```
 * @category NIC
 */
export class NicPcie {
  /** The profile the NIC was built from. */
  readonly profile: NicProfile;
  /** The SR-IOV device (configuration space of the PF and VFs). */
  readonly device: SriovDevice;
  /** The PF. */
  readonly pf: PhysicalFunction;
  /** The PF control block (per-VF MAC, VLAN, spoof check, trust, link state). */
  readonly control: PfControlBlock;
  /** The PF's own queue block. */
  readonly pfQueues: QueueBlock;
  private readonly vfs = new Map<number, VfSlot>();
  private readonly spaceToVf = new WeakMap<ConfigSpace, number>();
  private pending: Diagnostic[] = [];
  private readonly onTxPosted: ((fn: number) => void) | undefined;
  private readonly sink: DiagnosticSink | undefined;
  private readonly flushSink: ((e: QueueFlushEvent) => void) | undefined;
  private readonly report: DiagnosticSink;

  /**
   * A NIC with VFs disabled, BARs unprogrammed and the external port's link down.
   * @param options - TotalVFs, placement, policy, diagnostic and flush sinks.
   * @throws {NicError} `nic.bad-option` if TotalVFs is not 1..4096.
   * @throws {LayoutError} For an impossible placement (bus, device).
   */
  constructor(readonly options: NicPcieOptions = {}) {
    this.sink = options.onDiagnostic;
    this.flushSink = options.onFlush;
    this.report = (d) => {
      if (this.pending.length < 10_000) this.pending.push(d);
      this.sink?.(d);
    };
    const pfReset: PostResetHook = () => this.onPfReset();
    const vfReset: PostResetHook = (space) => {
      const vf = this.spaceToVf.get(space as ConfigSpace);
      if (vf !== undefined && this.vfs.get(vf)?.bound === space) this.onVfFlr(vf);
    };
    this.profile = nicDeviceProfile(options.totalVfs ?? 256, { pf: pfReset, vf: vfReset });
    this.device = new SriovDevice(this.profile.device, {
      bus: options.bus ?? 0, device: options.device ?? 0, domain: options.domain ?? 0, policy: options.policy ?? 'strict', onDiagnostic: this.report,
    });
    this.pf = this.device.pfs[0]!;
    this.onTxPosted = options.onTxPosted;
    this.pfQueues = new QueueBlock({ fn: 0, macWritable: true, onDiagnostic: this.report, ...(this.onTxPosted === undefined ? {} : { onTxPosted: this.onTxPosted }) });
    this.control = new PfControlBlock({
      totalVfs: this.profile.totalVfs, size: NIC_BAR.pfBar0Size - NIC_BAR.controlOffset, onDiagnostic: this.report,
      onEntryWrite: (vf, field) => this.entryWritten(vf, field),
    });
  }

  /** Takes the diagnostics reported since the last call (configuration, memory, queues, PF control). */
  takeDiagnostics(): Diagnostic[] {
    const out = this.pending;
    this.pending = [];
    this.device.takeDiagnostics(); // the same diagnostics, kept by the device too
    return out;
  }

  // ----------------------------------------------------------------------------------------------
  // Configuration space
  // ----------------------------------------------------------------------------------------------

  /**
   * Configuration read by Routing ID (all ones and a report for a function that does not exist).
   * @throws {AccessError} For a misaligned or out-of-range access.
   */
  configRead(rid: RoutingId, offset: number, size: AccessSize): number {
    return this.device.configRead(rid, offset, size);
  }

  /**
   * Configuration write by Routing ID, then {@link NicPcie.sync} (so that VFs removed by the write
   * have their queues flushed at once).
   * @throws {AccessError} For a misaligned or out-of-range access.
   */
  configWrite(rid: RoutingId, offset: number, size: AccessSize, value: number): void {
    this.device.configWrite(rid, offset, size, value);
    this.sync();
  }

  /**
   * Programs the NIC as firmware and the PF driver do, through configuration writes only: PF BAR0,
   * PF Command (Memory Space and Bus Master Enable), ARI Capable Hierarchy, VF BAR0, NumVFs, VF
   * Enable with VF MSE, then Bus Master Enable in each VF.
   * @throws {NicError} `nic.bad-option` for NumVFs outside 0..TotalVFs or a misaligned or
   * out-of-range BAR address.
   */
  bringUp(o: BringUpOptions): void {
    const pfBar = o.pfBar0 ?? 0xfe00_0000n;
    const vfBar = o.vfBar0 ?? 0x1_0000_0000n;
    const { numVfs } = o;
    if (!Number.isInteger(numVfs) || numVfs < 0 || numVfs > this.profile.totalVfs) throw new NicError('nic.bad-option', `NumVFs ${show(numVfs)} is not 0..${show(this.profile.totalVfs)}`);
    const pfSize = BigInt(NIC_BAR.pfBar0Size);
    const vfSize = BigInt(NIC_BAR.vfBar0Size);
    if (typeof pfBar !== 'bigint' || pfBar < 0n || pfBar % pfSize !== 0n || pfBar + pfSize > 0x1_0000_0000n) throw new NicError('nic.bad-option', `PF BAR0 0x${pfBar.toString(16)} is not a ${show(pfSize)}-byte aligned 32-bit address`);
    if (typeof vfBar !== 'bigint' || vfBar < 0n || vfBar % vfSize !== 0n || vfBar + vfSize * BigInt(Math.max(numVfs, 1)) > 1n << 64n) throw new NicError('nic.bad-option', `VF BAR0 0x${vfBar.toString(16)} is not a ${show(vfSize)}-byte aligned 64-bit address with room for ${show(numVfs)} VFs`);
    const pf = this.pf.rid;
    const cap = this.pf.sriovOffset;
    this.configWrite(pf, 0x10, 4, Number(pfBar));
    this.configWrite(pf, 0x04, 2, (this.configRead(pf, 0x04, 2) & ~0x0007 & 0xffff) | CMD.mse | CMD.bme);
    const ari = o.ari !== false ? SRCTL.ari : 0;
    this.configWrite(pf, cap + SR.control, 2, ari);
    this.configWrite(pf, cap + SR.vfBar0, 4, Number(vfBar & 0xffff_ffffn));
    this.configWrite(pf, cap + SR.vfBar0 + 4, 4, Number(vfBar >> 32n));
    if (numVfs === 0) return;
    this.configWrite(pf, cap + SR.numVfs, 2, numVfs);
    this.configWrite(pf, cap + SR.control, 2, ari | SRCTL.vfe | SRCTL.mse);
    if (o.vfBusMaster === false) return;
    for (let k = 1; k <= numVfs; k++) {
      const rid = this.pf.vfRid(k);
      if (rid !== undefined) this.configWrite(rid, 0x04, 2, CMD.bme);
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Functions and their queues
  // ----------------------------------------------------------------------------------------------

  /** VF `vf` exists: VF Enable is set and 1 ≤ vf ≤ NumVFs (as latched at VF Enable). */
  vfExists(vf: number): boolean {
    return Number.isInteger(vf) && vf >= 1 && vf <= this.pf.enabledVfs;
  }

  /**
   * VF `vf` may move frames: it exists, VF Enable and VF MSE are set in the PF, and Bus Master
   * Enable is set in the VF's Command register. False for a VF that does not exist.
   * @spec PCIe Base r6.0 §9.3.3.3.1 (VF Enable), §9.3.3.3.4 (VF MSE), §9.3.4.1.2 (VF Command: Bus Master Enable)
   */
  vfCanMove(vf: number): boolean {
    if (!this.vfExists(vf) || !this.pf.vfEnable || !this.pf.vfMse) return false;
    return (this.pf.vfSpaceForRead(vf).read(0x04, 2) & CMD.bme) !== 0;
  }

  /**
   * The PF may move frames: Memory Space Enable and Bus Master Enable are set in its Command register.
   * @spec PCIe Base r6.0 §7.5.1.1.3 (Command)
   */
  pfCanMove(): boolean {
    return (this.pf.space.read(0x04, 2) & (CMD.mse | CMD.bme)) === (CMD.mse | CMD.bme);
  }

  /** {@link NicPcie.pfCanMove} for function 0, {@link NicPcie.vfCanMove} for a VF. */
  canMove(fn: number): boolean {
    return fn === 0 ? this.pfCanMove() : this.vfCanMove(fn);
  }

  /**
   * The queue block of function `fn` (0 = the PF, n = VF n), created on first use.
   * @throws {NicError} `nic.no-such-function` if `fn` is neither 0 nor an existing VF.
   */
  queues(fn: number): QueueBlock {
    if (fn === 0) return this.pfQueues;
    const b = this.vfBlock(fn, true);
    if (b === undefined) throw new NicError('nic.no-such-function', `VF ${show(fn)} does not exist (${show(this.pf.enabledVfs)} VFs enabled)`);
    return b;
  }

  /** The queue block of function `fn` if it exists already (never creates one), else undefined. */
  peekQueues(fn: number): QueueBlock | undefined {
    return fn === 0 ? this.pfQueues : this.vfBlock(fn, false);
  }

  /** VFs whose queue block has been created (storage in use). */
  get materialisedVfBlocks(): number {
    return this.vfs.size;
  }

  /** VF `vf`'s BAR0 window (from the SR-IOV layer), or undefined when the VF does not exist or VF BAR0 is unprogrammed. */
  vfWindow(vf: number): Window | undefined {
    return this.vfExists(vf) ? this.pf.vfBarWindow(vf, 0) : undefined;
  }

  private vfBlock(vf: number, create: boolean): QueueBlock | undefined {
    const slot = this.vfs.get(vf);
    if (slot !== undefined) {
      if (this.vfExists(vf) && this.pf.vfSpaceForRead(vf) === slot.bound) return slot.block;
      this.dropVf(vf, slot, 'vf-removed');
    }
    if (!create || !this.vfExists(vf)) return undefined;
    const bound = this.pf.vfSpace(vf);
    const block = new QueueBlock({ fn: vf, onDiagnostic: this.report, ...(this.onTxPosted === undefined ? {} : { onTxPosted: this.onTxPosted }) });
    this.vfs.set(vf, { block, bound });
    this.spaceToVf.set(bound, vf);
    this.applyEntry(vf, block, false);
    return block;
  }

  /** Mirrors the PF control entry into the VF's block: MAC, and the link its link state gives. */
  private applyEntry(vf: number, block: QueueBlock, notify: boolean): void {
    block.hwSetMac(this.control.vfConfig(vf).mac);
    block.hwSetLink(this.vfLinkUp(vf), notify);
  }

  private entryWritten(vf: number, field: VfEntryField): void {
    if (field === 'vlan') return;
    const block = this.vfBlock(vf, false);
    if (block !== undefined) this.applyEntry(vf, block, true);
  }

  private dropVf(vf: number, slot: VfSlot, reason: FlushReason): void {
    const { tx, rx } = slot.block.depths();
    slot.block.flush();
    this.vfs.delete(vf);
    this.flushSink?.({ fn: vf, reason, tx, rx });
  }

  /**
   * The device's reaction to VF `vf`'s Function Level Reset: its queue block is flushed and reset
   * (MAC and link re-mirrored from the PF control entry, which an FLR of the VF does not touch).
   * Runs by itself when the VF's Device Control Initiate FLR is written; callable directly.
   * @returns the frames dropped (0 when the VF has no block).
   * @spec PCIe Base r6.0 §6.6.2 (FLR), §9.3.4 (VFs implement FLR)
   */
  onVfFlr(vf: number): number {
    const block = this.vfBlock(vf, false);
    if (block === undefined) return 0;
    const { tx, rx } = block.depths();
    block.reset();
    this.applyEntry(vf, block, false);
    this.flushSink?.({ fn: vf, reason: 'vf-flr', tx, rx });
    return tx + rx;
  }

  private onPfReset(): void {
    for (const [vf, slot] of [...this.vfs]) this.dropVf(vf, slot, 'pf-reset');
    const { tx, rx } = this.pfQueues.depths();
    this.pfQueues.reset();
    this.control.reset();
    this.pfQueues.hwSetLink(this.control.portLinkUp, false);
    this.flushSink?.({ fn: 0, reason: 'pf-reset', tx, rx });
  }

  /**
   * Drops the blocks of VFs that no longer exist (flushing their queues with reason `vf-removed`).
   * {@link NicPcie.configWrite} calls it; call it after changing VF Enable through
   * {@link NicPcie.device} directly.
   * @returns the flushes it made.
   */
  sync(): QueueFlushEvent[] {
    const out: QueueFlushEvent[] = [];
    for (const [vf, slot] of [...this.vfs]) {
      if (this.vfExists(vf) && this.pf.vfSpaceForRead(vf) === slot.bound) continue;
      const { tx, rx } = slot.block.depths();
      this.dropVf(vf, slot, 'vf-removed');
      out.push({ fn: vf, reason: 'vf-removed', tx, rx });
    }
    return out;
  }

  // ----------------------------------------------------------------------------------------------
  // PF control (the PF driver's per-VF settings) and link
  // ----------------------------------------------------------------------------------------------

  /**
   * VF `vf`'s settings as the PF driver configured them (read from the PF control registers).
   * Defined for every VF up to TotalVFs, enabled or not.
   * @throws {NicError} `nic.no-such-function` if `vf` is not 1..TotalVFs.
   */
  vfConfig(vf: number): VfConfig {
    return this.control.vfConfig(vf);
  }

  private existing(vf: number): void {
    if (!this.vfExists(vf)) throw new NicError('nic.no-such-function', `VF ${show(vf)} does not exist (${show(this.pf.enabledVfs)} VFs enabled)`);
  }

  /**
   * `ip link set <pf> vf N mac M`: assigns VF `vf`'s MAC (0 removes it), through the PF control registers.
   * @spec Linux ndo_set_vf_mac
   * @throws {NicError} `nic.no-such-function` for a VF that does not exist; `nic.bad-mac` for a group address.
   */
  setVfMac(vf: number, mac: Mac): void {
    this.existing(vf);
    this.control.setVfMac(vf, mac);
  }

  /**
   * `ip link set <pf> vf N vlan V qos Q`: VF `vf`'s port VLAN (0 = none) and priority.
   * @spec Linux ndo_set_vf_vlan
   * @throws {NicError} `nic.no-such-function`; `nic.bad-vlan` for a VLAN ID outside 0..4094 or a priority outside 0..7.
   */
  setVfVlan(vf: number, vlan: number, qos = 0): void {
    this.existing(vf);
    this.control.setVfVlan(vf, vlan, qos);
  }

  /**
   * `ip link set <pf> vf N spoofchk on|off`.
   * @spec Linux ndo_set_vf_spoofchk
   * @throws {NicError} `nic.no-such-function` for a VF that does not exist.
   */
  setVfSpoofCheck(vf: number, on: boolean): void {
    this.existing(vf);
    this.control.setVfSpoofCheck(vf, on);
  }

  /**
   * `ip link set <pf> vf N trust on|off`.
   * @spec Linux ndo_set_vf_trust
   * @throws {NicError} `nic.no-such-function` for a VF that does not exist.
   */
  setVfTrust(vf: number, on: boolean): void {
    this.existing(vf);
    this.control.setVfTrust(vf, on);
  }

  /**
   * `ip link set <pf> vf N state auto|enable|disable`.
   * @spec Linux ndo_set_vf_link_state
   * @throws {NicError} `nic.no-such-function`; `nic.bad-link-state`.
   */
  setVfLinkState(vf: number, state: VfLinkState): void {
    this.existing(vf);
    this.control.setVfLinkState(vf, state);
  }

  /** The PF's own MAC address (its queue block's MAC_LO/MAC_HI). */
  pfMac(): Mac {
    return this.pfQueues.mac;
  }

  /**
   * Sets the PF's own MAC address (a software write of its MAC_LO/MAC_HI).
   * @spec Linux ndo_set_mac_address
   * @throws {NicError} `nic.bad-mac` for a group address or a number that is not a 48-bit address.
   */
  setPfMac(mac: Mac): void {
    if (!isMac(mac) || Math.floor(mac / 2 ** 40) % 2 === 1) throw new NicError('nic.bad-mac', `${show(mac)} is not an individual 48-bit MAC address`);
    const { lo, hi } = macToRegs(mac);
    this.pfQueues.write(QUEUE_BLOCK.macLo, 4, lo);
    this.pfQueues.write(QUEUE_BLOCK.macHi, 4, (this.pfQueues.read(QUEUE_BLOCK.macHi, 4) & 0xffff_0000) | hi);
  }

  /** The external port's link (PORT_STATUS). */
  get portLinkUp(): boolean {
    return this.control.portLinkUp;
  }

  /**
   * Hardware side (the lead's port): the external port's link went up or down. Updates
   * PORT_STATUS, the PF's STATUS (and INT_STATUS.linkChange), and every existing VF block whose
   * link state is `auto`.
   */
  setPortLink(up: boolean): void {
    if (this.control.portLinkUp === up) return;
    this.control.hwSetPortLink(up);
    this.pfQueues.hwSetLink(up);
    for (const vf of [...this.vfs.keys()]) {
      const block = this.vfBlock(vf, false);
      if (block !== undefined) block.hwSetLink(this.vfLinkUp(vf));
    }
  }

  /**
   * VF `vf`'s link as the VF sees it: up when its link state is `enable`, down when `disable`,
   * the external port's link when `auto`.
   * @throws {NicError} `nic.no-such-function` if `vf` is not 1..TotalVFs.
   */
  vfLinkUp(vf: number): boolean {
    const s = this.control.vfConfig(vf).linkState;
    return s === 'enable' ? true : s === 'disable' ? false : this.control.portLinkUp;
  }

  /** The embedded switch's mode (PF control SWITCH_MODE). */
  get switchMode(): SwitchMode {
    return this.control.switchMode;
  }

  /**
   * Sets SWITCH_MODE through the PF control register.
   * @throws {NicError} `nic.bad-option` for a mode other than veb or vepa.
   */
  setSwitchMode(mode: SwitchMode): void {
    this.control.setSwitchMode(mode);
  }

  // ----------------------------------------------------------------------------------------------
  // Memory decode
  // ----------------------------------------------------------------------------------------------

  private checkMem(addr: bigint, size: AccessSize): void {
    if (size !== 1 && size !== 2 && size !== 4) throw new AccessError('access.bad-size', `memory access size ${show(size)} is not 1, 2 or 4 bytes`);
    if (typeof addr !== 'bigint') throw new AccessError('access.bad-offset', `memory address ${show(addr)} is not a bigint`);
    if (addr < 0n || addr + BigInt(size) > 1n << 64n) throw new AccessError('access.out-of-range', `${size}-byte access at 0x${addr.toString(16)} leaves the 64-bit address space`);
    if (addr % BigInt(size) !== 0n) throw new AccessError('access.misaligned', `${size}-byte access at 0x${addr.toString(16)} is not naturally aligned`);
  }

  /** The register target of an address: a block and the offset in it, or undefined when nothing claims it. */
  private target(addr: bigint, create: boolean): { readonly read: (o: number, s: AccessSize) => number; readonly write: (o: number, s: AccessSize, v: number) => void; readonly offset: number } | undefined {
    const hit = this.device.decodeAddress(addr);
    if (hit === undefined || hit.bar !== 0) return undefined;
    const offset = Number(hit.offset);
    if (hit.vf === undefined) {
      if (offset < NIC_BAR.controlOffset) return { read: (o, s) => this.pfQueues.read(o, s), write: (o, s, v) => this.pfQueues.write(o, s, v), offset };
      return { read: (o, s) => this.control.read(o, s), write: (o, s, v) => this.control.write(o, s, v), offset: offset - NIC_BAR.controlOffset };
    }
    const block = this.vfBlock(hit.vf, create);
    if (block === undefined) return undefined;
    return { read: (o, s) => block.read(o, s), write: (o, s, v) => block.write(o, s, v), offset };
  }

  private unclaimed(addr: bigint, size: AccessSize, what: string): void {
    this.report({
      code: 'nic.unclaimed-address', severity: 'warning', requirement: 'NIC-MEM-02', spec: 'PCIe Base r6.0 §2.3.1 (Unsupported Request), §9.3.3.3.4 (VF MSE)',
      message: `memory ${what} of ${size} bytes at 0x${addr.toString(16)}: no enabled PF BAR or VF BAR window claims it (${what === 'read' ? 'all ones returned' : 'write dropped'})`,
    });
  }

  /**
   * Memory read of `size` bytes at `addr`: PF BAR0 (the PF's queue block at 0, the PF control
   * block at 0x4000) or a VF's window (its queue block). Nothing claims the address: all ones,
   * reported as `nic.unclaimed-address`.
   * @throws {AccessError} `access.bad-size`, `access.misaligned`, `access.out-of-range` (beyond 2^64), `access.bad-offset` (not a bigint).
   */
  memRead(addr: bigint, size: AccessSize): number {
    this.checkMem(addr, size);
    const t = this.target(addr, true);
    if (t === undefined) {
      this.unclaimed(addr, size, 'read');
      return size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
    }
    return t.read(t.offset, size);
  }

  /**
   * Memory write of `size` bytes at `addr` (see {@link NicPcie.memRead}); dropped and reported as
   * `nic.unclaimed-address` when nothing claims the address.
   * @throws {AccessError} As {@link NicPcie.memRead}, and `access.value-too-wide` for a value that does not fit.
   */
  memWrite(addr: bigint, size: AccessSize, value: number): void {
    this.checkMem(addr, size);
    const max = size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
    if (!Number.isInteger(value) || value > max || value < (size === 4 ? -0x8000_0000 : 0)) throw new AccessError('access.value-too-wide', `value ${show(value)} does not fit a ${size}-byte write`);
    const t = this.target(addr, true);
    if (t === undefined) {
      this.unclaimed(addr, size, 'write');
      return;
    }
    t.write(t.offset, size, value);
  }
}
