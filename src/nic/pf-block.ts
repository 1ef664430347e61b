import { show } from '../bits/show.js';
import type { AccessSize } from '../bits/bits.js';
import { defineBlock, type CheckedBlock, type RegisterDef } from '../regs/define.js';
import type { Diagnostic, DiagnosticSink } from '../regs/diagnostics.js';
import { LayoutBuilder, type Layout } from '../regs/layout.js';
import { RegisterSpace, type PostWriteHook, type PreWriteHook } from '../regs/space.js';
import { isMac, type Mac } from '../link/frame.js';
import { NicError } from './errors.js';
import { macToRegs, regsToMac } from './queue-block.js';

/** Spec reference of the PF control block. */
const CSPEC = 'iovsim design (docs/guides/nic-registers.md, PF control block); Linux include/linux/netdevice.h ndo_set_vf_*';

/**
 * Layout of the PF control block: byte offsets relative to the block, which sits at
 * {@link NIC_BAR.controlOffset} in the PF's BAR0.
 *
 * @remarks One 16-byte entry per VF, VF n's at `table + (n − 1) × entrySize`, for every VF up to
 * TotalVFs. The full table is in the guide `docs/guides/nic-registers.md`.
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @category NIC
 */
export const PF_CONTROL = {
  /** INFO (RO): bits 15:0 TotalVFs (entries in the table), bits 23:16 the entry size, bits 31:24 the version. */
  info: 0x00,
  /** PORT_STATUS (RO): bit 0 external port link up, set by the device. */
  portStatus: 0x04,
  /** SWITCH_MODE (RW): bit 0 set = VEPA, clear = VEB (the embedded switch's mode). */
  switchMode: 0x08,
  /** First VF entry. */
  table: 0x100,
  /** Bytes per VF entry. */
  entrySize: 0x10,
  /** Entry +0x0, VF_MAC_LO (RW): octets 0..3 of the VF's MAC address, octet 0 in bits 7:0. */
  macLo: 0x0,
  /** Entry +0x4, VF_MAC_HI (RW): octets 4..5 in bits 15:0. */
  macHi: 0x4,
  /** Entry +0x8, VF_VLAN (RW): bits 11:0 VLAN ID (0 = none; 4095 refused), bits 14:12 priority (QoS). */
  vlan: 0x8,
  /** Entry +0xC, VF_FLAGS (RW): bit 0 spoof check (reset 1), bit 1 trust, bits 3:2 link state (0 auto, 1 enable, 2 disable; 3 refused). */
  flags: 0xc,
  /** Value of INFO's version field. */
  version: 1,
} as const;

/**
 * A VF's administrative link state, as `ip link set <pf> vf N state auto|enable|disable` sets it:
 * follow the external port, always up, or always down.
 * @spec Linux include/uapi/linux/if_link.h (IFLA_VF_LINK_STATE_AUTO = 0, _ENABLE = 1, _DISABLE = 2), ndo_set_vf_link_state
 * @category NIC
 */
export type VfLinkState = 'auto' | 'enable' | 'disable';

/** Link states by their VF_FLAGS encoding. @internal */
export const LINK_STATES: readonly VfLinkState[] = ['auto', 'enable', 'disable'];

/**
 * The embedded switch's mode: VEB switches VF-to-VF traffic inside the NIC; VEPA sends all VF
 * traffic to the external port (the adjacent bridge reflects it).
 * @spec IEEE 802.1Q-2022 §40 (Edge Virtual Bridging: VEB, VEPA); Linux include/uapi/linux/if_bridge.h (BRIDGE_MODE_VEB, BRIDGE_MODE_VEPA)
 * @category NIC
 */
export type SwitchMode = 'veb' | 'vepa';

/**
 * What the PF driver has configured for one VF: the state the data path needs.
 * @spec Linux include/linux/netdevice.h (ndo_set_vf_*), include/uapi/linux/if_link.h (struct ifla_vf_info)
 * @category NIC
 */
export interface VfConfig {
  /** VF number, 1-based. */
  readonly vf: number;
  /**
   * The MAC address the PF assigned (0 = none assigned).
   * @spec Linux ndo_set_vf_mac (ip link set <pf> vf N mac)
   */
  readonly mac: Mac;
  /**
   * Port VLAN ID the device tags and untags for the VF (0 = none).
   * @spec Linux ndo_set_vf_vlan (ip link set <pf> vf N vlan); IEEE 802.1Q-2022 §9.6 (VID 4095 reserved)
   */
  readonly vlan: number;
  /**
   * Priority (PCP) of the port VLAN tag, 0..7.
   * @spec Linux ndo_set_vf_vlan (ip link set <pf> vf N vlan V qos Q)
   */
  readonly qos: number;
  /**
   * Anti-spoof: frames the VF sends with another source MAC (or VLAN) are dropped. On by default.
   * @spec Linux ndo_set_vf_spoofchk (ip link set <pf> vf N spoofchk on|off)
   */
  readonly spoofCheck: boolean;
  /**
   * Trusted VF (may change its MAC, enter promiscuous or all-multicast mode). Off by default.
   * @spec Linux ndo_set_vf_trust (ip link set <pf> vf N trust on|off)
   */
  readonly trust: boolean;
  /**
   * Administrative link state.
   * @spec Linux ndo_set_vf_link_state (ip link set <pf> vf N state auto|enable|disable)
   */
  readonly linkState: VfLinkState;
}

/**
 * What part of a VF's entry a software write changed (reported to the owner of the block).
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @category NIC
 */
export type VfEntryField = 'mac' | 'vlan' | 'flags';

/**
 * Options of a {@link PfControlBlock}.
 * @category NIC
 */
export interface PfControlBlockOptions {
  /** Entries in the table (TotalVFs), 1..4096. */
  readonly totalVfs: number;
  /** Bytes the block spans (the rest of the PF's BAR0); at least the table's end. */
  readonly size: number;
  /** Receives driver-obligation and refused-value diagnostics. */
  readonly onDiagnostic?: DiagnosticSink;
  /** Called after a software write changed a VF's entry (the device mirrors MAC and link to the VF). */
  readonly onEntryWrite?: (vf: number, field: VfEntryField) => void;
}

const HOOKS = { vlanPre: 'pfctl.vlan.pre', flagsPre: 'pfctl.flags.pre', entryPost: 'pfctl.entry.post' } as const;

const reg = (id: string, name: string, offset: number, fields: RegisterDef['fields'], rest?: 'RsvdP' | 'RsvdZ', hooks?: RegisterDef['hooks']): RegisterDef => ({
  id, name, offset, width: 32, fields, spec: CSPEC, ...(rest === undefined ? {} : { rest }), ...(hooks === undefined ? {} : { hooks }),
});

const ENTRY: CheckedBlock = defineBlock({
  id: 'vf', name: 'VF entry', size: PF_CONTROL.entrySize, spec: CSPEC,
  registers: [
    reg('macLo', 'VF_MAC_LO', PF_CONTROL.macLo, { octets0to3: { bits: [31, 0], access: 'RW' } }, undefined, { postWrite: HOOKS.entryPost }),
    reg('macHi', 'VF_MAC_HI', PF_CONTROL.macHi, { octets4to5: { bits: [15, 0], access: 'RW' } }, 'RsvdP', { postWrite: HOOKS.entryPost }),
    reg('vlan', 'VF_VLAN', PF_CONTROL.vlan, { vid: { bits: [11, 0], access: 'RW' }, qos: { bits: [14, 12], access: 'RW' } }, 'RsvdP', { preWrite: HOOKS.vlanPre, postWrite: HOOKS.entryPost }),
    reg('flags', 'VF_FLAGS', PF_CONTROL.flags, {
      spoofCheck: { bits: [0, 0], access: 'RW', reset: 1 }, trust: { bits: [1, 1], access: 'RW' }, linkState: { bits: [3, 2], access: 'RW' },
    }, 'RsvdP', { preWrite: HOOKS.flagsPre, postWrite: HOOKS.entryPost }),
  ],
});

function headerBlock(totalVfs: number): CheckedBlock {
  return defineBlock({
    id: 'ctl', name: 'PF control', size: PF_CONTROL.table, spec: CSPEC,
    registers: [
      reg('info', 'INFO', PF_CONTROL.info, {
        entries: { bits: [15, 0], access: 'RO', reset: totalVfs }, entrySize: { bits: [23, 16], access: 'RO', reset: PF_CONTROL.entrySize },
        version: { bits: [31, 24], access: 'RO', reset: PF_CONTROL.version },
      }),
      reg('portStatus', 'PORT_STATUS', PF_CONTROL.portStatus, { linkUp: { bits: [0, 0], access: 'RO' } }, 'RsvdZ'),
      reg('switchMode', 'SWITCH_MODE', PF_CONTROL.switchMode, { vepa: { bits: [0, 0], access: 'RW' } }, 'RsvdP'),
    ],
  });
}

const layouts = new Map<string, Layout>();

/**
 * The compiled layout of a PF control block (cached per TotalVFs and size).
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @throws {NicError} `nic.bad-option` if TotalVFs is not 1..4096 or the block is too small for the table.
 * @example
 * ```ts
 * pfControlLayout(256, 0x1c000).register('vf2.flags').offset; // 0x11c
 * ```
 * @category NIC
 */
export function pfControlLayout(totalVfs: number, size: number): Layout {
  if (!Number.isInteger(totalVfs) || totalVfs < 1 || totalVfs > 4096) throw new NicError('nic.bad-option', `TotalVFs ${show(totalVfs)} is not 1..4096`);
  const end = PF_CONTROL.table + totalVfs * PF_CONTROL.entrySize;
  if (!Number.isInteger(size) || size < end || size % 4 !== 0) throw new NicError('nic.bad-option', `a PF control block of ${show(size)} bytes cannot hold ${show(totalVfs)} VF entries (${show(end)} bytes)`);
  const key = `${totalVfs}/${size}`;
  let l = layouts.get(key);
  if (l === undefined) {
    const b = new LayoutBuilder(size).place('ctl', 0, headerBlock(totalVfs));
    for (let n = 1; n <= totalVfs; n++) b.place(`vf${n}`, PF_CONTROL.table + (n - 1) * PF_CONTROL.entrySize, ENTRY);
    l = b.build();
    layouts.set(key, l);
  }
  return l;
}

/**
 * The PF's control block (in the PF's BAR0): the PF driver's per-VF settings — MAC address, port
 * VLAN and priority, spoof check (on by default), trust (off by default) and link state — in a
 * table of 16-byte entries, plus the external port's link status and the embedded switch mode.
 *
 * @remarks The typed setters ({@link PfControlBlock.setVfMac} …) validate their arguments as
 * Linux's `ndo_set_vf_*` callbacks do, then write the same registers a driver writes by memory
 * address: there is no side channel. A register write of a reserved value (VLAN ID 4095, link
 * state 3) is refused by a named pre-write hook, which keeps the old value and reports
 * `nic.vlan-reserved` / `nic.link-state-invalid`.
 * @spec Linux include/linux/netdevice.h (ndo_set_vf_mac, ndo_set_vf_vlan, ndo_set_vf_spoofchk, ndo_set_vf_trust, ndo_set_vf_link_state); iovsim design (docs/guides/nic-registers.md)
 * @example
 * ```ts
 * const ctl = new PfControlBlock({ totalVfs: 8, size: 0x1000 });
 * ctl.setVfVlan(3, 100);
 * ctl.read(PF_CONTROL.table + 2 * PF_CONTROL.entrySize + PF_CONTROL.vlan, 4); // 100
 * ctl.vfConfig(3).spoofCheck;                                                 // true
 * ```
 * @category NIC
 */
export class PfControlBlock {
  /** The block's registers, on the register engine. */
  readonly space: RegisterSpace;
  /** Entries in the table (TotalVFs). */
  readonly totalVfs: number;
  private readonly sink: DiagnosticSink | undefined;

  /**
   * A block in its reset state (every entry: MAC 0, no VLAN, spoof check on, trust off, link auto).
   * @param options - TotalVFs, size, diagnostic sink and entry-write callback.
   * @throws {NicError} `nic.bad-option` if TotalVFs is not 1..4096 or the size cannot hold the table.
   */
  constructor(options: PfControlBlockOptions) {
    this.totalVfs = options.totalVfs;
    this.sink = options.onDiagnostic;
    const changed = options.onEntryWrite;
    const vfOf = (block: string): number => Number(block.slice(2));
    const vlanPre: PreWriteHook = (e) => {
      if ((e.written & 0xfff) === 0xfff && (e.before & 0xfff) !== 0xfff) {
        this.report('nic.vlan-reserved', `VF ${vfOf(e.register.block)}: VLAN ID 4095 is reserved; VF_VLAN keeps 0x${e.before.toString(16)}`, 'IEEE 802.1Q-2022 §9.6 (VID 0xFFF reserved)');
        return e.before;
      }
      return e.written;
    };
    const flagsPre: PreWriteHook = (e) => {
      if (((e.written >>> 2) & 3) === 3) {
        this.report('nic.link-state-invalid', `VF ${vfOf(e.register.block)}: link state 3 is not auto (0), enable (1) or disable (2); VF_FLAGS keeps 0x${e.before.toString(16)}`, 'Linux include/uapi/linux/if_link.h (IFLA_VF_LINK_STATE_*)');
        return e.before;
      }
      return e.written;
    };
    const post: PostWriteHook = (e) => {
      if (e.after === e.before || changed === undefined) return;
      const id = e.register.checked.def.id;
      changed(vfOf(e.register.block), id === 'vlan' ? 'vlan' : id === 'flags' ? 'flags' : 'mac');
    };
    this.space = new RegisterSpace(pfControlLayout(options.totalVfs, options.size), {
      hooks: { preWrite: { [HOOKS.vlanPre]: vlanPre, [HOOKS.flagsPre]: flagsPre }, postWrite: { [HOOKS.entryPost]: post } },
      ...(this.sink === undefined ? {} : { onDiagnostic: this.sink }),
    });
  }

  private report(code: string, message: string, spec: string): void {
    const d: Diagnostic = { code, severity: 'warning', requirement: 'NIC-PFC-02', spec, message: `PF control: ${message}` };
    this.sink?.(d);
  }

  /** Bytes in the block. */
  get size(): number {
    return this.space.size;
  }

  /**
   * Software read (offset relative to the block).
   * @throws {AccessError} For a bad size, a misaligned or an out-of-range access.
   */
  read(offset: number, size: AccessSize): number {
    return this.space.read(offset, size);
  }

  /**
   * Software write (offset relative to the block), through the access types and hooks.
   * @throws {AccessError} For a bad size, a misaligned or an out-of-range access, or a value that does not fit.
   */
  write(offset: number, size: AccessSize, value: number): void {
    this.space.write(offset, size, value);
  }

  /**
   * Offset of VF `vf`'s entry in the block.
   * @throws {NicError} `nic.no-such-function` if `vf` is not 1..TotalVFs.
   */
  entryOffset(vf: number): number {
    if (!Number.isInteger(vf) || vf < 1 || vf > this.totalVfs) throw new NicError('nic.no-such-function', `VF ${show(vf)} is not 1..${show(this.totalVfs)}`);
    return PF_CONTROL.table + (vf - 1) * PF_CONTROL.entrySize;
  }

  /**
   * VF `vf`'s settings, read from its entry's registers.
   * @throws {NicError} `nic.no-such-function` if `vf` is not 1..TotalVFs.
   */
  vfConfig(vf: number): VfConfig {
    const at = this.entryOffset(vf);
    const vlan = this.space.read(at + PF_CONTROL.vlan, 4);
    const flags = this.space.read(at + PF_CONTROL.flags, 4);
    return {
      vf,
      mac: regsToMac(this.space.read(at + PF_CONTROL.macLo, 4), this.space.read(at + PF_CONTROL.macHi, 4)),
      vlan: vlan & 0xfff,
      qos: (vlan >>> 12) & 7,
      spoofCheck: (flags & 1) === 1,
      trust: (flags & 2) === 2,
      linkState: LINK_STATES[(flags >>> 2) & 3] ?? 'auto',
    };
  }

  /**
   * Assigns VF `vf`'s MAC address (0 removes the assignment), writing VF_MAC_HI then VF_MAC_LO.
   * @spec Linux ndo_set_vf_mac (ip link set <pf> vf N mac M)
   * @throws {NicError} `nic.no-such-function` for a VF outside the table; `nic.bad-mac` for a
   * group (multicast or broadcast) address or a number that is not a 48-bit address.
   */
  setVfMac(vf: number, mac: Mac): void {
    const at = this.entryOffset(vf);
    if (!isMac(mac)) throw new NicError('nic.bad-mac', `${show(mac)} is not a 48-bit MAC address`);
    if (Math.floor(mac / 2 ** 40) % 2 === 1) throw new NicError('nic.bad-mac', 'a VF cannot be assigned a group (multicast or broadcast) address');
    const { lo, hi } = macToRegs(mac);
    this.space.write(at + PF_CONTROL.macHi, 4, (this.space.read(at + PF_CONTROL.macHi, 4) & 0xffff_0000) | hi);
    this.space.write(at + PF_CONTROL.macLo, 4, lo);
  }

  /**
   * Sets VF `vf`'s port VLAN (0 = none) and its priority.
   * @spec Linux ndo_set_vf_vlan (ip link set <pf> vf N vlan V qos Q; 802.1Q only); IEEE 802.1Q-2022 §9.6
   * @throws {NicError} `nic.no-such-function` for a VF outside the table; `nic.bad-vlan` for a
   * VLAN ID outside 0..4094 or a priority outside 0..7.
   */
  setVfVlan(vf: number, vlan: number, qos = 0): void {
    const at = this.entryOffset(vf);
    if (!Number.isInteger(vlan) || vlan < 0 || vlan > 4094) throw new NicError('nic.bad-vlan', `VLAN ID ${show(vlan)} is not 0..4094`);
    if (!Number.isInteger(qos) || qos < 0 || qos > 7) throw new NicError('nic.bad-vlan', `priority ${show(qos)} is not 0..7`);
    this.space.write(at + PF_CONTROL.vlan, 4, (this.space.read(at + PF_CONTROL.vlan, 4) & 0xffff_8000) | (qos << 12) | vlan);
  }

  private setFlags(vf: number, mask: number, value: number): void {
    const at = this.entryOffset(vf) + PF_CONTROL.flags;
    this.space.write(at, 4, ((this.space.read(at, 4) & ~mask) | value) >>> 0);
  }

  /**
   * Turns VF `vf`'s anti-spoof check on or off.
   * @spec Linux ndo_set_vf_spoofchk (ip link set <pf> vf N spoofchk on|off)
   * @throws {NicError} `nic.no-such-function` for a VF outside the table.
   */
  setVfSpoofCheck(vf: number, on: boolean): void {
    this.setFlags(vf, 1, on ? 1 : 0);
  }

  /**
   * Trusts VF `vf` or not.
   * @spec Linux ndo_set_vf_trust (ip link set <pf> vf N trust on|off)
   * @throws {NicError} `nic.no-such-function` for a VF outside the table.
   */
  setVfTrust(vf: number, on: boolean): void {
    this.setFlags(vf, 2, on ? 2 : 0);
  }

  /**
   * Sets VF `vf`'s administrative link state.
   * @spec Linux ndo_set_vf_link_state (ip link set <pf> vf N state auto|enable|disable)
   * @throws {NicError} `nic.no-such-function` for a VF outside the table; `nic.bad-link-state`
   * for a state other than auto, enable, disable.
   */
  setVfLinkState(vf: number, state: VfLinkState): void {
    const code = LINK_STATES.indexOf(state);
    if (code < 0) throw new NicError('nic.bad-link-state', `link state '${show(state)}' is not auto, enable or disable`);
    this.setFlags(vf, 0xc, code << 2);
  }

  /** PORT_STATUS link up: the external port's link. */
  get portLinkUp(): boolean {
    return this.space.readField('ctl.portStatus', 'linkUp') === 1;
  }

  /** Hardware side: the external port's link in PORT_STATUS. */
  hwSetPortLink(up: boolean): void {
    this.space.hwWrite('ctl.portStatus', 'linkUp', up ? 1 : 0);
  }

  /** SWITCH_MODE: the embedded switch's mode. */
  get switchMode(): SwitchMode {
    return this.space.readField('ctl.switchMode', 'vepa') === 1 ? 'vepa' : 'veb';
  }

  /**
   * Sets SWITCH_MODE (a software write of the register).
   * @spec Linux ndo_bridge_setlink (bridge link set dev <pf> hwmode veb|vepa)
   * @throws {NicError} `nic.bad-option` for a mode other than veb or vepa.
   */
  setSwitchMode(mode: SwitchMode): void {
    if (mode !== 'veb' && mode !== 'vepa') throw new NicError('nic.bad-option', `switch mode '${show(mode)}' is not veb or vepa`);
    this.space.write(PF_CONTROL.switchMode, 4, (this.space.read(PF_CONTROL.switchMode, 4) & ~1) | (mode === 'vepa' ? 1 : 0));
  }

  /**
   * The PF was reset: every entry back to its defaults, switch mode VEB; PORT_STATUS keeps the
   * physical link state.
   */
  reset(): void {
    const up = this.portLinkUp;
    this.space.reset('flr');
    this.hwSetPortLink(up);
  }
}
