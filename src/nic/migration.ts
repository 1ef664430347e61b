import { show } from '../bits/show.js';
import type { Layout } from '../regs/layout.js';
import { formatMac } from '../link/frame.js';
import type { RoutingId } from '../sriov/routing.js';
import { NicError } from './errors.js';
import { NicPcie } from './pcie.js';
import { QueueBlock, QUEUE_BLOCK } from './queue-block.js';

/**
 * Where a piece of VF state lives.
 * - `config-space`: the VF's configuration space (or the PF's SR-IOV capability that places the VF):
 *   the hypervisor reads it with configuration reads and restores it with configuration writes.
 * - `pf-control`: the PF driver's per-VF settings in the PF's BAR0: the PF driver (host) reads and
 *   restores them; the VF's configuration space does not show them.
 * - `device-internal`: the VF's queue block behind its BAR window and the device's queues: not in
 *   any configuration space.
 * @spec PCIe Base r6.0 §7.5.1 (what configuration space holds), §9.3.4 (VF configuration space)
 * @category NIC
 */
export type MigrationLocation = 'config-space' | 'pf-control' | 'device-internal';

/**
 * Who can put a piece of state back on the destination device.
 * - `hypervisor`: configuration writes restore it.
 * - `pf-driver`: the PF driver rewrites its PF control registers.
 * - `vf-driver`: a driver that knows the device can rewrite it through the VF's BAR (a hypervisor
 *   that saves only configuration space does not).
 * - `nobody`: read-only to software, write-1-to-clear, or held inside the device (queued frames,
 *   device-owned ring indices).
 * @spec PCIe Base r6.0 §7.4 (RO, RW1C cannot be restored by a write)
 * @category NIC
 */
export type MigrationRestorer = 'hypervisor' | 'pf-driver' | 'vf-driver' | 'nobody';

/**
 * One piece of a VF's state.
 * @spec PCIe Base r6.0 §7.5.1 (what configuration space holds), §9.3.4 (VF configuration space)
 * @category NIC
 */
export interface MigrationItem {
  /** Stable identifier, e.g. `config:header.command`, `pf:mac`, `queue:rx-ring`. */
  readonly id: string;
  /** Where the state lives. */
  readonly location: MigrationLocation;
  /** What it is, in words. */
  readonly what: string;
  /** Its current value, as text (registers in hex, queues as frame counts). */
  readonly value: string;
  /** Frames this item holds (queues), 0 for registers. */
  readonly frames: number;
  /** Who can restore it on a destination device. */
  readonly restorableBy: MigrationRestorer;
  /** Where the rule comes from. */
  readonly spec: string;
}

/**
 * A piece of state a migration attempt did not carry over.
 * @spec PCIe Base r6.0 §7.5.1 (what configuration space holds), §9.3.4 (VF configuration space)
 * @category NIC
 */
export interface MigrationLoss {
  /** The item on the source. */
  readonly item: MigrationItem;
  /** Its value on the destination after the attempt. */
  readonly after: string;
  /** One line: what is lost. */
  readonly message: string;
}

/**
 * What a migration attempt carried over and what it lost.
 * @spec PCIe Base r6.0 §7.5.1 (what configuration space holds), §9.3.4 (VF configuration space)
 * @category NIC
 */
export interface MigrationReport {
  /** The VF. */
  readonly vf: number;
  /** The attempt ran (false when the VF does not exist or the attempt failed; `reason` says why). */
  readonly attempted: boolean;
  /** Why the attempt did not run. */
  readonly reason?: string;
  /** Items the destination holds with the source's value. */
  readonly preserved: readonly MigrationItem[];
  /** Items the destination holds with another value. */
  readonly lost: readonly MigrationLoss[];
  /** Frames lost, by queue. */
  readonly lostFrames: {
    /** Frames in the VF's RX ring (received, not yet read by the VF driver). */
    readonly rxRing: number;
    /** Frames posted by the VF driver and not yet taken by the data path. */
    readonly txQueued: number;
    /** Frames taken by the data path whose completion was not yet signalled. */
    readonly txInFlight: number;
    /** Their sum. */
    readonly total: number;
  };
  /** One line per loss, e.g. `3 frames in the RX ring`. */
  readonly summary: readonly string[];
}

/**
 * Options of {@link attemptMigration}.
 * @category NIC
 */
export interface MigrationOptions {
  /**
   * The destination's PF driver also rewrites the VF's PF control entry (MAC, VLAN, spoof check,
   * trust, link state) from the source's values, as a migration-aware host does.
   * @defaultValue false
   */
  readonly pfDriverRestores?: boolean;
}

const CFG_SPEC = 'PCIe Base r6.0 §7.5.1 (configuration space), §9.3.4 (VF configuration space)';
const PF_SPEC = 'Linux include/linux/netdevice.h (ndo_set_vf_*: state kept by the PF driver and the device)';
const DEV_SPEC = 'iovsim design (docs/guides/nic-registers.md): VF BAR registers and device queues are outside configuration space';

const RESTORER: Readonly<Record<MigrationRestorer, string>> = { hypervisor: 'restorable by the hypervisor', 'pf-driver': 'restorable by the PF driver', 'vf-driver': 'restorable only by a device-aware driver through the VF BAR', nobody: 'cannot be restored' };

const frames = (n: number): string => `${n} frame${n === 1 ? '' : 's'}`;

const hex = (v: number, digits = 8): string => `0x${(v >>> 0).toString(16).padStart(digits, '0')}`;

/** FNV-1a 32 of some bytes: a short fingerprint for buffer contents. */
function fingerprint(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return `fnv1a ${hex(h)}`;
}

function configItems(layout: Layout, read: (offset: number, size: 1 | 2 | 4) => number): MigrationItem[] {
  const out: MigrationItem[] = [];
  for (const r of layout.registers) {
    const m = r.checked.masks;
    const writable = (m.RW | m.RWS) !== 0;
    const w1c = (m.RW1C | m.RW1CS) !== 0;
    if (!writable && !w1c) continue;
    out.push({
      id: `config:${r.qname}`, location: 'config-space',
      what: `${r.checked.def.name} (configuration offset 0x${r.offset.toString(16)})${w1c ? (writable ? '; its RW1C bits cannot be set by a write' : '; RW1C status: readable, cannot be set by a write') : ''}`,
      value: hex(read(r.offset, (r.width / 8) as 1 | 2 | 4), r.width / 4), frames: 0, restorableBy: writable ? 'hypervisor' : 'nobody', spec: r.spec || CFG_SPEC,
    });
  }
  return out;
}

/**
 * Every piece of VF `vf`'s state and where it lives: its configuration space registers that
 * software can write or clear (readable and, except RW1C bits, restorable by the hypervisor), its
 * VF BAR0 window (from the PF's SR-IOV capability), the PF driver's settings for it (MAC, VLAN,
 * spoof check, trust, link state), and the device-internal state behind its BAR (CTRL, INT_MASK,
 * INT_STATUS, TX_LEN and the TX buffer, RX_HEAD/RX_TAIL, TX_DONE_COUNT, and the frames in its RX
 * ring, TX queue and in flight). Reading it changes nothing and creates no storage.
 * @spec PCIe Base r6.0 §7.5.1 (what configuration space holds), §9.3.4 (VF configuration space); Linux include/linux/netdevice.h (ndo_set_vf_*)
 * @throws {NicError} `nic.no-such-function` if VF `vf` does not exist.
 * @example
 * ```ts
 * migrationInventory(nic, 1).filter((i) => i.location === 'device-internal' && i.frames > 0);
 * // [{ id: 'queue:rx-ring', value: '3 frames (180 bytes)', frames: 3, restorableBy: 'nobody', … }]
 * ```
 * @category NIC
 */
export function migrationInventory(nic: NicPcie, vf: number): MigrationItem[] {
  if (!nic.vfExists(vf)) throw new NicError('nic.no-such-function', `VF ${show(vf)} does not exist (${show(nic.pf.enabledVfs)} VFs enabled)`);
  const rid = nic.pf.vfRid(vf);
  const space = nic.pf.vfSpaceForRead(vf);
  const items = configItems(space.layout, (o, s) => (rid === undefined ? space.read(o, s) : nic.configRead(rid, o, s)));
  const win = nic.vfWindow(vf);
  items.push({
    id: 'config:vf-bar0-window', location: 'config-space', what: 'VF BAR0 window (PF SR-IOV VF BAR0 + (n − 1) × 16 KiB)',
    value: win === undefined ? 'unprogrammed' : `0x${win.base.toString(16)}-0x${win.last.toString(16)}`, frames: 0, restorableBy: 'hypervisor', spec: 'PCIe Base r6.0 §9.3.3.14',
  });
  const c = nic.vfConfig(vf);
  const pf = (id: string, what: string, value: string): MigrationItem => ({ id: `pf:${id}`, location: 'pf-control', what, value, frames: 0, restorableBy: 'pf-driver', spec: PF_SPEC });
  items.push(
    pf('mac', 'MAC address assigned by the PF driver (ndo_set_vf_mac)', formatMac(c.mac)),
    pf('vlan', 'port VLAN and priority (ndo_set_vf_vlan)', `vlan ${c.vlan} qos ${c.qos}`),
    pf('spoofchk', 'anti-spoof check (ndo_set_vf_spoofchk)', c.spoofCheck ? 'on' : 'off'),
    pf('trust', 'trust (ndo_set_vf_trust)', c.trust ? 'on' : 'off'),
    pf('link-state', 'administrative link state (ndo_set_vf_link_state)', c.linkState),
  );
  const q = nic.peekQueues(vf) ?? new QueueBlock({ fn: vf });
  const Q = QUEUE_BLOCK;
  const dev = (id: string, what: string, value: string, restorableBy: MigrationRestorer, frames = 0): MigrationItem => ({ id: `queue:${id}`, location: 'device-internal', what, value, frames, restorableBy, spec: DEV_SPEC });
  const d = q.depths();
  const ring: number[] = [];
  for (let s = q.tail; s !== q.head; s = (s + 1) % Q.rxSlots) ring.push(q.read(Q.rxLen + 4 * s, 4) & 0xfff);
  const txBytes = q.queuedTx().reduce((n, f) => n + f.length, 0);
  items.push(
    dev('ctrl', 'CTRL: RX and TX enable (VF BAR register)', hex(q.read(Q.ctrl, 4)), 'vf-driver'),
    dev('int-mask', 'INT_MASK (VF BAR register)', hex(q.read(Q.intMask, 4)), 'vf-driver'),
    dev('int-status', 'INT_STATUS: pending interrupt causes (RW1C, set only by the device)', hex(q.read(Q.intStatus, 4)), 'nobody'),
    dev('tx-len', 'TX_LEN (VF BAR register)', hex(q.read(Q.txLen, 4)), 'vf-driver'),
    dev('tx-buffer', 'TX buffer contents (VF BAR memory)', fingerprint(q.space.peek(Q.txBuffer, Q.txBufferSize)), 'vf-driver'),
    dev('rx-head', 'RX_HEAD: the slot the device fills next (device-owned, read-only)', String(q.head), 'nobody'),
    dev('rx-tail', 'RX_TAIL: the slot the driver reads next (can only advance over filled slots)', String(q.tail), 'nobody'),
    dev('tx-done-count', 'TX_DONE_COUNT (read-only)', String(q.read(Q.txDoneCount, 4)), 'nobody'),
    dev('rx-ring', 'frames in the RX ring, received and not yet read', `${frames(d.rx)} (${ring.reduce((a, b) => a + b, 0)} bytes)`, 'nobody', d.rx),
    dev('tx-queued', 'frames posted by the driver, not yet sent', `${frames(d.tx)} (${txBytes} bytes)`, 'nobody', d.tx),
    dev('tx-in-flight', 'frames being sent, completion not yet signalled', frames(d.txInFlight), 'nobody', d.txInFlight),
  );
  return items;
}

/** Writes back every register of `layout` with software-writable bits from saved DWORDs (SR-IOV Control last). */
function restoreConfig(dest: NicPcie, rid: RoutingId, layout: Layout, saved: Uint32Array): void {
  const late: (() => void)[] = [];
  for (const r of layout.registers) {
    const m = r.checked.masks;
    if ((m.RW | m.RWS) === 0) continue;
    const size = (r.width / 8) as 1 | 2 | 4;
    const sh = (r.offset & 3) * 8;
    const v = r.width === 32 ? saved[r.offset >>> 2]! : (saved[r.offset >>> 2]! >>> sh) & (2 ** r.width - 1);
    const write = (): void => dest.configWrite(rid, r.offset, size, v);
    if (r.qname === 'ecap.sriov.control') late.push(write);
    else write();
  }
  for (const w of late) w();
}

function saveConfig(nic: NicPcie, rid: RoutingId): Uint32Array {
  const out = new Uint32Array(1024);
  for (let i = 0; i < 1024; i++) out[i] = nic.configRead(rid, i * 4, 4);
  return out;
}

const LOST_FRAMES: Readonly<Record<string, string>> = { 'queue:rx-ring': 'in the RX ring', 'queue:tx-queued': 'posted in the TX queue', 'queue:tx-in-flight': 'in flight (completion never signalled)' };

/**
 * Migrates VF `vf` as a hypervisor that saves only configuration space does, and reports what is
 * lost: the destination is a fresh NIC of the same profile whose PF the host programs as the
 * source's was (its writable configuration registers, SR-IOV Control last); then the VF's writable
 * configuration registers are written back; with `pfDriverRestores` the PF driver also rewrites
 * the VF's PF control entry. Every item of {@link migrationInventory} whose destination value
 * differs from the source's is lost. Never throws: a VF that does not exist (or any failure) gives
 * a report with `attempted: false` and the reason. The source NIC is not changed.
 * @spec PCIe Base r6.0 §7.5.1 (what configuration space holds), §9.3.4 (VF configuration space)
 * @example
 * ```ts
 * attemptMigration(nic, 1).summary;
 * // ['MAC address assigned by the PF driver (ndo_set_vf_mac): 02:00:00:00:00:01 → 00:00:00:00:00:00 (restorable by the PF driver)', …, '3 frames in the RX ring']
 * ```
 * @category NIC
 */
export function attemptMigration(nic: NicPcie, vf: number, options: MigrationOptions = {}): MigrationReport {
  const none = { rxRing: 0, txQueued: 0, txInFlight: 0, total: 0 };
  const refuse = (reason: string): MigrationReport => ({ vf, attempted: false, reason, preserved: [], lost: [], lostFrames: none, summary: [reason] });
  try {
    if (!nic.vfExists(vf)) return refuse(`VF ${String(vf)} does not exist (${nic.pf.enabledVfs} VFs enabled): nothing to migrate`);
    const rid = nic.pf.vfRid(vf);
    if (rid === undefined) return refuse(`VF ${vf} has no Routing ID (it would overflow 16 bits)`);
    const source = migrationInventory(nic, vf);
    const savedPf = saveConfig(nic, nic.pf.rid);
    const savedVf = saveConfig(nic, rid);
    const o = nic.options;
    const dest = new NicPcie({
      totalVfs: nic.profile.totalVfs, bus: o.bus ?? 0, device: o.device ?? 0, domain: o.domain ?? 0, policy: o.policy ?? 'strict',
    });
    dest.setPortLink(nic.portLinkUp);
    restoreConfig(dest, dest.pf.rid, dest.pf.space.layout, savedPf);
    if (!dest.vfExists(vf) || dest.pf.vfRid(vf) !== rid) return refuse(`the destination did not re-create VF ${vf} from the saved PF configuration`);
    restoreConfig(dest, rid, dest.pf.vfSpaceForRead(vf).layout, savedVf);
    if (options.pfDriverRestores === true) {
      const at = nic.control.entryOffset(vf);
      for (let i = 0; i < 16; i += 4) dest.control.write(at + i, 4, nic.control.read(at + i, 4));
    }
    const after = new Map(migrationInventory(dest, vf).map((i) => [i.id, i]));
    const preserved: MigrationItem[] = [];
    const lost: MigrationLoss[] = [];
    const lostFrames = { rxRing: 0, txQueued: 0, txInFlight: 0, total: 0 };
    for (const item of source) {
      const a = after.get(item.id)?.value ?? 'absent';
      if (a === item.value) {
        preserved.push(item);
        continue;
      }
      const where = LOST_FRAMES[item.id];
      const message = where !== undefined
        ? `${frames(item.frames)} ${where}`
        : `${item.what}: ${item.value} → ${a} (${RESTORER[item.restorableBy]})`;
      lost.push({ item, after: a, message });
      if (item.id === 'queue:rx-ring') lostFrames.rxRing = item.frames;
      if (item.id === 'queue:tx-queued') lostFrames.txQueued = item.frames;
      if (item.id === 'queue:tx-in-flight') lostFrames.txInFlight = item.frames;
    }
    lostFrames.total = lostFrames.rxRing + lostFrames.txQueued + lostFrames.txInFlight;
    const summary = lost.length === 0 ? ['nothing lost: the VF held no state outside what was restored'] : lost.map((l) => l.message);
    return { vf, attempted: true, preserved, lost, lostFrames, summary };
  } catch (e) {
    return refuse(`migration attempt failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
