/**
 * A human-readable decode of raw configuration bytes, laid out like `lspci -vvv -nn`: header,
 * BARs, bridge windows, and the standard and extended capability lists with their key fields.
 *
 * The decoder works on bytes alone (a dump, `ConfigSpace.peek()`, random data): it never
 * throws on them and always terminates. The code and wording are our own; pciutils' output is
 * used only as a layout model.
 *
 * @spec pciutils 3.9 lspci -vvv output, as a layout model
 * @module
 */
import { readLE } from '../bits/bits.js';
import { walkCapabilities, walkExtendedCapabilities, type WalkProblem } from '../config/walk.js';
import { formatPciAddress, type PciAddress } from './lspci.js';

/**
 * Options of {@link describeFunction}.
 *
 * @category Formats
 */
export interface DescribeFunctionOptions {
  /**
   * Detail level, as lspci's `-v` count:
   * - `0`: the first line only (`lspci -nn`);
   * - `1`: plus subsystem, interrupt, regions, expansion ROM, bridge bus numbers and windows, and
   *   one title line per capability;
   * - `2`: plus Command/Status (and the bridge's secondary status and control) and the decoded
   *   fields of each capability;
   * - `3` (default): plus the rarely needed lines (PCIe Link 2 registers, Root Port registers,
   *   Slot Capabilities, SR-IOV VF Migration State Array).
   *
   * @defaultValue 3
   */
  readonly verbose?: 0 | 1 | 2 | 3 | undefined;
}

/** Base class/sub-class names for the common classes (PCI Code and ID Assignment §1). */
const CLASS_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0000, 'Non-VGA unclassified device'],
  [0x0100, 'SCSI storage controller'],
  [0x0101, 'IDE interface'],
  [0x0106, 'SATA controller'],
  [0x0107, 'Serial Attached SCSI controller'],
  [0x0108, 'Non-Volatile memory controller'],
  [0x0180, 'Mass storage controller'],
  [0x0200, 'Ethernet controller'],
  [0x0207, 'Infiniband controller'],
  [0x0280, 'Network controller'],
  [0x0300, 'VGA compatible controller'],
  [0x0302, '3D controller'],
  [0x0380, 'Display controller'],
  [0x0403, 'Audio device'],
  [0x0500, 'RAM memory'],
  [0x0600, 'Host bridge'],
  [0x0601, 'ISA bridge'],
  [0x0604, 'PCI bridge'],
  [0x0680, 'Bridge'],
  [0x0880, 'System peripheral'],
  [0x0c03, 'USB controller'],
  [0x0c05, 'SMBus'],
  [0x1200, 'Processing accelerators'],
]);

/** Standard capability names that get no decode beyond the title. */
const STD_NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, 'Null'],
  [0x02, 'AGP'],
  [0x03, 'Vital Product Data'],
  [0x04, 'Slot Identification'],
  [0x06, 'CompactPCI hot-swap'],
  [0x07, 'PCI-X'],
  [0x08, 'HyperTransport'],
  [0x0a, 'Debug port'],
  [0x0b, 'CompactPCI central resource control'],
  [0x0c, 'PCI Hot-plug'],
  [0x0e, 'AGP 8x'],
  [0x0f, 'Secure device'],
  [0x12, 'SATA HBA'],
  [0x13, 'PCI Advanced Features'],
  [0x14, 'Enhanced Allocation'],
  [0x15, 'Flattening Portal Bridge'],
]);

/** Extended capability names that get no decode beyond the title. */
const EXT_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0000, 'Null'],
  [0x0002, 'Virtual Channel'],
  [0x0004, 'Power Budgeting'],
  [0x0005, 'Root Complex Link'],
  [0x0006, 'Root Complex Internal Link'],
  [0x0007, 'Root Complex Event Collector'],
  [0x0008, 'Multi-Function Virtual Channel'],
  [0x0009, 'Virtual Channel'],
  [0x000a, 'Root Complex Register Block'],
  [0x000b, 'Vendor Specific Information'],
  [0x000c, 'Configuration Access Correlation'],
  [0x000d, 'Access Control Services'],
  [0x000f, 'Address Translation Service (ATS)'],
  [0x0011, 'Multi-Root I/O Virtualization (MR-IOV)'],
  [0x0012, 'Multicast'],
  [0x0013, 'Page Request Interface (PRI)'],
  [0x0015, 'Physical Resizable BAR'],
  [0x0016, 'Dynamic Power Allocation'],
  [0x0017, 'Transaction Processing Hints'],
  [0x0018, 'Latency Tolerance Reporting'],
  [0x0019, 'Secondary PCI Express'],
  [0x001a, 'Protocol Multiplexing'],
  [0x001b, 'Process Address Space ID (PASID)'],
  [0x001c, 'LN Requester'],
  [0x001d, 'Downstream Port Containment'],
  [0x001e, 'L1 PM Substates'],
  [0x001f, 'Precision Time Measurement'],
  [0x0020, 'PCI Express over M-PHY'],
  [0x0021, 'FRS Queueing'],
  [0x0022, 'Readiness Time Reporting'],
  [0x0023, 'Designated Vendor-Specific'],
  [0x0024, 'VF Resizable BAR'],
  [0x0025, 'Data Link Feature'],
  [0x0026, 'Physical Layer 16.0 GT/s'],
  [0x0027, 'Lane Margining at the Receiver'],
  [0x0028, 'Hierarchy ID'],
  [0x0029, 'Native PCIe Enclosure Management'],
  [0x002a, 'Physical Layer 32.0 GT/s'],
  [0x002b, 'Alternate Protocol'],
  [0x002c, 'System Firmware Intermediary'],
  [0x002d, 'Shadow Functions'],
  [0x002e, 'Data Object Exchange'],
  [0x002f, 'Device 3'],
  [0x0030, 'Integrity and Data Encryption'],
  [0x0031, 'Physical Layer 64.0 GT/s'],
  [0x0032, 'Flit Logging'],
  [0x0033, 'Flit Performance Measurement'],
  [0x0034, 'Flit Error Injection'],
]);

/** Device/Port Type names of the PCI Express Capabilities register (§7.5.3.2). */
const PCIE_TYPES: ReadonlyMap<number, string> = new Map([
  [0x0, 'Endpoint'],
  [0x1, 'Legacy Endpoint'],
  [0x4, 'Root Port'],
  [0x5, 'Upstream Port'],
  [0x6, 'Downstream Port'],
  [0x7, 'PCI-Express to PCI/PCI-X Bridge'],
  [0x8, 'PCI/PCI-X to PCI-Express Bridge'],
  [0x9, 'Root Complex Integrated Endpoint'],
  [0xa, 'Root Complex Event Collector'],
]);

/** Link speeds by Supported Link Speeds index (§7.5.3.6, §7.5.3.18). */
const SPEEDS = ['', '2.5', '5', '8', '16', '32', '64'];

/** Bounds-checked little-endian reads: nothing here throws, whatever the offsets. */
class Bytes {
  constructor(readonly b: Uint8Array) {}

  get length(): number {
    return this.b.length;
  }

  /** `len` bytes from `off` are present. */
  has(off: number, len: number): boolean {
    return off >= 0 && off + len <= this.b.length;
  }

  u8(off: number): number {
    return this.b[off] ?? 0;
  }

  u16(off: number): number {
    return this.has(off, 2) ? readLE(this.b, off, 2) : 0;
  }

  u32(off: number): number {
    return this.has(off, 4) ? readLE(this.b, off, 4) : 0;
  }
}

function hex(v: number | bigint, digits: number): string {
  return v.toString(16).padStart(digits, '0');
}

/** `Name+` / `Name-`. */
function flag(name: string, on: boolean): string {
  return `${name}${on ? '+' : '-'}`;
}

function bit(v: number, n: number): boolean {
  return ((v >>> n) & 1) === 1;
}

/** Size text of a window: 4K, 1M, 2G … (exact powers of 1024 only; bytes otherwise). */
function sizeText(size: bigint): string {
  for (const [unit, div] of [['G', 1n << 30n], ['M', 1n << 20n], ['K', 1n << 10n]] as const) {
    if (size >= div && size % div === 0n) return `${size / div}${unit}`;
  }
  return `${size}`;
}

function speedText(code: number): string {
  const s = SPEEDS[code];
  return s === undefined || s === '' ? `unknown (${code})` : `${s}GT/s`;
}

function payloadText(code: number): string {
  return code <= 5 ? `${128 << code} bytes` : `reserved (${code})`;
}

function devselText(status: number): string {
  return ['fast', 'medium', 'slow', 'reserved'][(status >>> 9) & 3] ?? 'reserved';
}

/** Collects output lines at three indentation depths. */
class Out {
  readonly lines: string[] = [];

  top(s: string): void {
    this.lines.push(s);
  }

  /** A line under the function (one tab). */
  l1(s: string): void {
    this.lines.push(`\t${s}`);
  }

  /** A line under a capability (two tabs). */
  l2(s: string): void {
    this.lines.push(`\t\t${s}`);
  }

  /** A continuation line under a capability (three tabs). */
  l3(s: string): void {
    this.lines.push(`\t\t\t${s}`);
  }
}

interface Ctx {
  readonly r: Bytes;
  readonly out: Out;
  readonly verbose: 0 | 1 | 2 | 3;
  /** The function number of the address decoded (Link Control 2 lives in Function 0 of an Upstream Port). */
  readonly fn: number;
}

/**
 * Decodes raw configuration bytes of one function into text laid out like `lspci -vvv -nn`.
 *
 * @remarks
 * Output, one line each, the first at column 0 and the others indented with tabs as lspci does
 * (one tab under the function, two under a capability, three for continuations); the text ends
 * in a newline:
 * - **First line**: `bb:dd.f <class name> [cccc]: Device [vvvv:dddd] (rev rr)`. The class name
 *   comes from a small built-in table of common base-class/sub-class pairs (for example 0x0200
 *   `Ethernet controller`, 0x0108 `Non-Volatile memory controller`, 0x0604 `PCI bridge`), else
 *   `Class [cccc]`. No vendor or device names are looked up. `(rev rr)` is left out for revision
 *   0; a non-zero programming interface adds `(prog-if pp)`.
 * - **Header** (Type 0 and Type 1): `Subsystem` (Type 0, when set), `Control:` and `Status:` flags,
 *   `Latency:` for a bus master (with Min_Gnt/Max_Lat for Type 0 and the Cache Line Size when set),
 *   `Interrupt: pin A routed to IRQ n` when the pin or the line register is not 0 (pin `?` for
 *   none), one `Region N:` line per BAR that
 *   does not read 0 or 0xFFFFFFFF (`Memory at <hex> (32-bit|64-bit|low-1M, prefetchable|non-prefetchable)`
 *   or `I/O ports at <hex>`, `<unassigned>` for address 0, `[disabled]` when Command does not
 *   enable that decode), and `Expansion ROM at <hex>` (`[disabled]` unless both ROM Enable and
 *   Memory Space are set). The upper half of a 64-bit BAR is no region of its own (lspci 3.9
 *   reading a dump with `-F` lists it as a 32-bit region at `<unassigned>` when it is non-zero;
 *   this decoder does not). BAR sizes are not printed: raw bytes do not hold them (a size needs a
 *   sizing probe). Type 1 adds `Bus: primary=.., secondary=.., subordinate=..`, the I/O, memory and
 *   prefetchable windows behind the bridge (whose sizes the base/limit pairs do give),
 *   `Secondary status:` and `BridgeCtl:`. Other header layouts are named and not decoded.
 * - **Capabilities** (Type 0 and Type 1), in list order as {@link walkCapabilities} finds them:
 *   `Capabilities: [off] <name>` with decoded fields for Power Management, MSI, MSI-X, PCI
 *   Express (Device, Link with its ASPM exit latencies, and for version 2 the Device 2 and Link 2
 *   registers with the fields each device type has, laid out as lspci 3.9 lays them out; Link
 *   Control 2 only in Function 0 or a Downstream Port; `ARIFwd±` for Root and Downstream Ports; no
 *   Link registers for a Root Complex
 *   Integrated Endpoint or Event Collector, which have no Link), the EHCI Debug Port and the AHCI
 *   SATA capability, a title for other known IDs, `Capability id xx` otherwise.
 * - **Extended capabilities**, only when the standard list holds a PCI Express capability (as
 *   lspci does) and the bytes reach 0x104: `Capabilities: [off vN] <name>` with decoded fields for
 *   ARI, SR-IOV (capabilities, control, VF counts, offset/stride/VF Device ID, page sizes, VF BAR
 *   regions), AER (error registers as flags, header log, root error registers of a Root Port or
 *   Event Collector), ACS, Device Serial Number and the vendor-specific header;
 *   `Extended Capability ID xxxx` for unknown IDs.
 * - **Broken lists**: a loop prints `Capabilities: [off] <chain looped>`, an ID of 0xFF or a
 *   pointer into the header `<chain broken>`, a capability beyond the bytes given
 *   `<not available: …>`; a capability whose fields run past the bytes prints its title and
 *   `<truncated: …>`.
 *
 * Robustness: any `Uint8Array` is accepted (64, 256 and 4096 bytes are the dump sizes; fewer than
 * 64 bytes print only the first line with a note) and the function never throws on the bytes and
 * always terminates: every read is bounds-checked and both walkers stop at loops.
 * @spec PCIe Base r6.0 §7.5.1.1 (common header: IDs, Command, Status, Class Code, Interrupt Pin/Line)
 * @spec PCIe Base r6.0 §7.5.1.2 (Type 0 header: BARs, Subsystem IDs, Expansion ROM)
 * @spec PCIe Base r6.0 §7.5.1.3 (Type 1 header: bus numbers, I/O/memory/prefetchable windows, Bridge Control)
 * @spec PCIe Base r6.0 §7.5.2 (Power Management), §7.7.1 (MSI), §7.7.2 (MSI-X)
 * @spec PCIe Base r6.0 §7.5.3 (PCI Express Capability), §7.6.3 (extended capability header)
 * @spec PCIe Base r6.0 §7.8.4 (AER), §7.7.11 (ACS), §7.9.3 (Device Serial Number), §7.8.7 (ARI), §9.3.3 (SR-IOV), §7.9.5 (VSEC)
 * @spec EHCI 1.0 Appendix C (Debug Port); Serial ATA AHCI 1.3.1 §2.4 (SATA Capability)
 * @spec pciutils 3.9 lspci -vvv output, as a layout model
 * @param bytes - Configuration bytes from offset 0 (typically 64, 256 or 4096 of them).
 * @param address - Address printed on the first line.
 * @param opts - Detail level (default 3, like `-vvv`).
 * @returns The decode, one line per `\n`, ending in `\n`.
 * @throws RangeError when `address` is out of range (see {@link formatPciAddress}).
 * @throws TypeError when `bytes` is not a `Uint8Array`.
 * @example
 * ```ts
 * const fn = buildConfigSpace(sampleEndpointSpec());
 * fn.write(0x10, 4, 0xfe800000);
 * console.log(describeFunction(fn.peek(), { domain: 0, bus: 1, device: 0, function: 0 }));
 * // 01:00.0 Ethernet controller [0200]: Device [8086:10c9] (rev 01)
 * //         Subsystem: Device [8086:0000]
 * //         Control: I/O- Mem- BusMaster- …
 * //         Region 0: Memory at fe800000 (32-bit, non-prefetchable) [disabled]
 * //         Capabilities: [40] Power Management version 3
 * //         …
 * //         Capabilities: [100 v1] Alternative Routing-ID Interpretation (ARI)
 * ```
 * @category Formats
 */
export function describeFunction(bytes: Uint8Array, address: PciAddress, opts?: DescribeFunctionOptions): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`describeFunction expects a Uint8Array, got ${typeof bytes}`);
  const addr = formatPciAddress(address);
  const v = opts?.verbose;
  const verbose: 0 | 1 | 2 | 3 = v === 0 || v === 1 || v === 2 ? v : 3;
  const r = new Bytes(bytes);
  const out = new Out();
  if (r.length < 0x40) {
    out.top(`${addr} <not decoded: ${r.length} bytes given, the header needs 64>`);
    return `${out.lines.join('\n')}\n`;
  }
  firstLine(r, addr, out);
  if (verbose >= 1) {
    const ctx: Ctx = { r, out, verbose, fn: address.function };
    const layout = r.u8(0x0e) & 0x7f;
    if (layout === 0 || layout === 1) {
      header(ctx, layout);
      capabilities(ctx);
    } else {
      out.l1(`<header type ${hex(layout, 2)} not decoded${layout === 2 ? ' (CardBus bridge)' : ''}>`);
    }
  }
  return `${out.lines.join('\n')}\n`;
}

function firstLine(r: Bytes, addr: string, out: Out): void {
  const cls = r.u16(0x0a);
  const name = CLASS_NAMES.get(cls) ?? 'Class';
  const rev = r.u8(0x08);
  const progIf = r.u8(0x09);
  let s = `${addr} ${name} [${hex(cls, 4)}]: Device [${hex(r.u16(0x00), 4)}:${hex(r.u16(0x02), 4)}]`;
  if (rev !== 0) s += ` (rev ${hex(rev, 2)})`;
  if (progIf !== 0) s += ` (prog-if ${hex(progIf, 2)})`;
  out.top(s);
}

function header(ctx: Ctx, layout: 0 | 1): void {
  const { r, out, verbose } = ctx;
  const command = r.u16(0x04);
  const status = r.u16(0x06);
  if (layout === 0) {
    const ssv = r.u16(0x2c);
    if (ssv !== 0 && ssv !== 0xffff) out.l1(`Subsystem: Device [${hex(ssv, 4)}:${hex(r.u16(0x2e), 4)}]`);
  }
  if (verbose >= 2) {
    out.l1(
      `Control: ${[
        flag('I/O', bit(command, 0)), flag('Mem', bit(command, 1)), flag('BusMaster', bit(command, 2)),
        flag('SpecCycle', bit(command, 3)), flag('MemWINV', bit(command, 4)), flag('VGASnoop', bit(command, 5)),
        flag('ParErr', bit(command, 6)), flag('Stepping', bit(command, 7)), flag('SERR', bit(command, 8)),
        flag('FastB2B', bit(command, 9)), flag('DisINTx', bit(command, 10)),
      ].join(' ')}`,
    );
    out.l1(
      `Status: ${[
        flag('Cap', bit(status, 4)), flag('66MHz', bit(status, 5)), flag('UDF', bit(status, 6)),
        flag('FastB2B', bit(status, 7)), flag('ParErr', bit(status, 8)), `DEVSEL=${devselText(status)}`,
        flag('>TAbort', bit(status, 11)), flag('<TAbort', bit(status, 12)), flag('<MAbort', bit(status, 13)),
        flag('>SERR', bit(status, 14)), flag('<PERR', bit(status, 15)), flag('INTx', bit(status, 3)),
      ].join(' ')}`,
    );
    // A bus master's Latency Timer and Cache Line Size (in DWORDs), and for Type 0 its Min_Gnt and
    // Max_Lat (in 250 ns units), printed the way lspci 3.9 prints them.
    // @spec PCI Local Bus 3.0 §6.2.4 (Latency Timer, Cache Line Size, Min_Gnt, Max_Lat)
    if (bit(command, 2)) {
      let lat = `Latency: ${r.u8(0x0d)}`;
      const minGnt = layout === 0 ? r.u8(0x3e) : 0;
      const maxLat = layout === 0 ? r.u8(0x3f) : 0;
      if (minGnt !== 0 || maxLat !== 0) lat += ` (${[minGnt !== 0 ? `${minGnt * 250}ns min` : '', maxLat !== 0 ? `${maxLat * 250}ns max` : ''].filter((x) => x !== '').join(', ')})`;
      const cls = r.u8(0x0c);
      if (cls !== 0) lat += `, Cache Line Size: ${cls * 4} bytes`;
      out.l1(lat);
    }
  }
  // lspci 3.9 prints the line when either the pin or the line register is set ('?' for no pin).
  const pin = r.u8(0x3d);
  const line = r.u8(0x3c);
  if (pin !== 0 || line !== 0) {
    const letter = pin === 0 ? '?' : pin <= 4 ? 'ABCD'.charAt(pin - 1) : `?${hex(pin, 2)}`;
    out.l1(`Interrupt: pin ${letter} routed to IRQ ${line}`);
  }
  if (layout === 1) bridgeBus(ctx);
  regions(ctx, layout === 0 ? 6 : 2, command);
  const rom = r.u32(layout === 0 ? 0x30 : 0x38);
  const romAddr = (rom & 0xffff_f800) >>> 0;
  if (rom !== 0xffff_ffff && (romAddr !== 0 || bit(rom, 0))) {
    const where = romAddr === 0 ? '<unassigned>' : hex(romAddr, 8);
    out.l1(`Expansion ROM at ${where}${bit(rom, 0) && bit(command, 1) ? '' : ' [disabled]'}`);
  }
  if (layout === 1) bridgeWindows(ctx);
}

/** BARs of the header: `slots` dwords from 0x10. */
function regions(ctx: Ctx, slots: number, command: number): void {
  const { r, out } = ctx;
  for (let i = 0; i < slots; i++) {
    const index = i;
    const lo = r.u32(0x10 + i * 4);
    if (lo === 0 || lo === 0xffff_ffff) continue;
    if (bit(lo, 0)) {
      const a = (lo & 0xffff_fffc) >>> 0;
      out.l1(`Region ${index}: I/O ports at ${a === 0 ? '<unassigned>' : hex(a, 4)}${bit(command, 0) ? '' : ' [disabled]'}`);
      continue;
    }
    const type = (lo >>> 1) & 3;
    const pf = bit(lo, 3) ? 'prefetchable' : 'non-prefetchable';
    let a = BigInt((lo & 0xffff_fff0) >>> 0);
    let width: string;
    let note = '';
    if (type === 2) {
      width = '64-bit';
      if (i + 1 < slots) {
        a |= BigInt(r.u32(0x14 + i * 4)) << 32n;
        i++;
      } else {
        note = ' <upper half missing: last BAR slot>';
      }
    } else {
      width = type === 0 ? '32-bit' : type === 1 ? 'low-1M' : 'reserved type 3';
    }
    const where = a === 0n ? '<unassigned>' : hex(a, 8);
    out.l1(`Region ${index}: Memory at ${where} (${width}, ${pf})${bit(command, 1) ? '' : ' [disabled]'}${note}`);
  }
}

function bridgeBus(ctx: Ctx): void {
  const { r, out } = ctx;
  out.l1(`Bus: primary=${hex(r.u8(0x18), 2)}, secondary=${hex(r.u8(0x19), 2)}, subordinate=${hex(r.u8(0x1a), 2)}, sec-latency=${r.u8(0x1b)}`);
}

function windowLine(out: Out, what: string, base: bigint, limit: bigint, digits: number, width: string): void {
  // A window whose base is above its limit is closed; lspci 3.9 still shows both ends.
  if (base > limit) out.l1(`${what}: ${hex(base, digits)}-${hex(limit, digits)} [disabled] [${width}]`);
  else out.l1(`${what}: ${hex(base, digits)}-${hex(limit, digits)} [size=${sizeText(limit - base + 1n)}] [${width}]`);
}

/** I/O, memory and prefetchable windows of a Type 1 header, and its status/control at -vv. */
function bridgeWindows(ctx: Ctx): void {
  const { r, out, verbose } = ctx;
  const ioBase = r.u8(0x1c);
  const ioLimit = r.u8(0x1d);
  const ioType = ioBase & 0xf;
  if (ioType !== (ioLimit & 0xf) || ioType > 1) {
    out.l1(`I/O behind bridge: <unknown window type ${hex(ioBase & 0xf, 1)}/${hex(ioLimit & 0xf, 1)}>`);
  } else {
    let base = BigInt((ioBase & 0xf0) << 8);
    let limit = BigInt(((ioLimit & 0xf0) << 8) | 0xfff);
    if (ioType === 1) {
      base |= BigInt(r.u16(0x30)) << 16n;
      limit |= BigInt(r.u16(0x32)) << 16n;
    }
    windowLine(out, 'I/O behind bridge', base, limit, ioType === 1 ? 8 : 4, ioType === 1 ? '32-bit' : '16-bit');
  }
  const memBase = r.u16(0x20);
  const memLimit = r.u16(0x22);
  if ((memBase & 0xf) !== 0 || (memLimit & 0xf) !== 0) {
    out.l1(`Memory behind bridge: <unknown window type ${hex(memBase & 0xf, 1)}/${hex(memLimit & 0xf, 1)}>`);
  } else {
    windowLine(out, 'Memory behind bridge', BigInt(memBase & 0xfff0) << 16n, (BigInt(memLimit & 0xfff0) << 16n) | 0xfffffn, 8, '32-bit');
  }
  const pfBase = r.u16(0x24);
  const pfLimit = r.u16(0x26);
  const pfType = pfBase & 0xf;
  if (pfType !== (pfLimit & 0xf) || pfType > 1) {
    out.l1(`Prefetchable memory behind bridge: <unknown window type ${hex(pfBase & 0xf, 1)}/${hex(pfLimit & 0xf, 1)}>`);
  } else {
    let base = BigInt(pfBase & 0xfff0) << 16n;
    let limit = (BigInt(pfLimit & 0xfff0) << 16n) | 0xfffffn;
    if (pfType === 1) {
      base |= BigInt(r.u32(0x28)) << 32n;
      limit |= BigInt(r.u32(0x2c)) << 32n;
    }
    windowLine(out, 'Prefetchable memory behind bridge', base, limit, pfType === 1 ? 16 : 8, pfType === 1 ? '64-bit' : '32-bit');
  }
  if (verbose >= 2) {
    const s = r.u16(0x1e);
    out.l1(
      `Secondary status: ${[
        flag('66MHz', bit(s, 5)), flag('FastB2B', bit(s, 7)), flag('ParErr', bit(s, 8)), `DEVSEL=${devselText(s)}`,
        flag('>TAbort', bit(s, 11)), flag('<TAbort', bit(s, 12)), flag('<MAbort', bit(s, 13)), flag('<SERR', bit(s, 14)),
        flag('<PERR', bit(s, 15)),
      ].join(' ')}`,
    );
    const c = r.u16(0x3e);
    out.l1(
      `BridgeCtl: ${[
        flag('Parity', bit(c, 0)), flag('SERR', bit(c, 1)), flag('NoISA', bit(c, 2)), flag('VGA', bit(c, 3)),
        flag('VGA16', bit(c, 4)), flag('MAbort', bit(c, 5)), flag('>Reset', bit(c, 6)), flag('FastB2B', bit(c, 7)),
      ].join(' ')}`,
    );
  }
}

/** The terminal problem of a walk (misaligned pointers are masked and the walk goes on). */
function stopProblem(problems: readonly WalkProblem[]): WalkProblem | undefined {
  return problems.find((p) => p.code !== 'cap.misaligned');
}

function capabilities(ctx: Ctx): void {
  const { r, out } = ctx;
  const walk = walkCapabilities(r.b);
  let pcie = false;
  for (const e of walk.entries) {
    if (e.id === 0x10) pcie = true;
    standardCapability(ctx, e.id, e.offset);
  }
  const p = stopProblem(walk.problems);
  if (p !== undefined) {
    // For the standard list, a problem's offset is the pointer byte (or, for an ID of 0xFF, the header).
    const target = r.u8(p.offset) & 0xfc;
    switch (p.code) {
      case 'cap.loop':
        out.l1(`Capabilities: [${hex(target, 2)}] <chain looped>`);
        break;
      case 'cap.broken':
        out.l1(`Capabilities: [${hex(p.offset, 2)}] <chain broken>`);
        break;
      case 'cap.out-of-range':
        out.l1(`Capabilities: [${hex(target, 2)}] <chain broken: pointer at 0x${hex(p.offset, 2)} points into the header>`);
        break;
      default:
        out.l1(`Capabilities: [${hex(target, 2)}] <not available: beyond the ${r.length} bytes given>`);
    }
  }
  if (pcie) extendedCapabilities(ctx);
}

/** Title line, then the details when the capability's `need` bytes are present. */
function capTitle(ctx: Ctx, off: string, title: string, at: number, need: number): boolean {
  ctx.out.l1(`Capabilities: [${off}] ${title}`);
  if (ctx.verbose < 2) return false;
  if (!ctx.r.has(at, need)) {
    ctx.out.l2(`<truncated: ${need} bytes from 0x${hex(at, 2)} run past the ${ctx.r.length} bytes given>`);
    return false;
  }
  return true;
}

function standardCapability(ctx: Ctx, id: number, at: number): void {
  const { r } = ctx;
  const off = hex(at, 2);
  if (!r.has(at, 4)) {
    ctx.out.l1(`Capabilities: [${off}] <truncated: the header runs past the ${r.length} bytes given>`);
    return;
  }
  switch (id) {
    case 0x01:
      return pm(ctx, off, at);
    case 0x05:
      return msi(ctx, off, at);
    case 0x09:
      ctx.out.l1(`Capabilities: [${off}] Vendor Specific Information: Len=${hex(r.u8(at + 2), 2)}`);
      return;
    case 0x0d:
      if (r.has(at, 8)) ctx.out.l1(`Capabilities: [${off}] Subsystem: Device [${hex(r.u16(at + 4), 4)}:${hex(r.u16(at + 6), 4)}]`);
      else ctx.out.l1(`Capabilities: [${off}] Subsystem <truncated>`);
      return;
    case 0x10:
      return express(ctx, off, at);
    case 0x11:
      return msix(ctx, off, at);
    case 0x0a: {
      // EHCI Debug Port: BAR number in bits 15:13, offset in that BAR in bits 12:0.
      // @spec EHCI 1.0 Appendix C.2.1 (Debug Port Capability)
      const d = r.u16(at + 2);
      ctx.out.l1(`Capabilities: [${off}] Debug port: BAR=${d >>> 13} offset=${hex(d & 0x1fff, 4)}`);
      return;
    }
    case 0x12:
      return sataHba(ctx, off, at);
    default: {
      const name = STD_NAMES.get(id);
      ctx.out.l1(`Capabilities: [${off}] ${name ?? `Capability id ${hex(id, 2)}`}`);
    }
  }
}

/**
 * SATA Capability of an AHCI HBA: revision, and where the index-data pair lives (BAR location
 * 0100b..1001b = BAR0..BAR5 with an offset in DWORDs, 1111b = in configuration space after SATACR1).
 * @spec Serial ATA AHCI 1.3.1 §2.4 (SATA Capability: SATACR0 revision, SATACR1 BARLOC 3:0 and BAROFST 23:4)
 */
function sataHba(ctx: Ctx, off: string, at: number): void {
  const { r, out } = ctx;
  if (!r.has(at, 8)) {
    out.l1(`Capabilities: [${off}] SATA HBA <truncated>`);
    return;
  }
  const rev = r.u8(at + 2);
  const cr1 = r.u32(at + 4);
  const loc = cr1 & 0xf;
  const where = loc >= 4 && loc <= 9 ? `BAR${loc - 4} Offset=${hex((cr1 >>> 4) & 0xfffff, 8)}` : loc === 0xf ? 'InCfgSpace' : `BAR??${loc}`;
  out.l1(`Capabilities: [${off}] SATA HBA v${(rev >>> 4) & 0xf}.${rev & 0xf} ${where}`);
}

/** Aux current in mA by PMC bits 8:6 (§7.5.2.1). */
const AUX_CURRENT = [0, 55, 100, 160, 220, 270, 320, 375];

function pm(ctx: Ctx, off: string, at: number): void {
  const { r, out } = ctx;
  const pmc = r.u16(at + 2);
  if (!capTitle(ctx, off, `Power Management version ${pmc & 7}`, at, 8)) return;
  const csr = r.u16(at + 4);
  const pme = ['D0', 'D1', 'D2', 'D3hot', 'D3cold'].map((d, i) => flag(d, bit(pmc, 11 + i))).join(',');
  out.l2(
    `Flags: ${flag('PMEClk', bit(pmc, 3))} ${flag('DSI', bit(pmc, 5))} ${flag('D1', bit(pmc, 9))} ${flag('D2', bit(pmc, 10))} ` +
      `AuxCurrent=${AUX_CURRENT[(pmc >>> 6) & 7] ?? 0}mA PME(${pme})`,
  );
  out.l2(
    `Status: D${csr & 3} ${flag('NoSoftRst', bit(csr, 3))} ${flag('PME-Enable', bit(csr, 8))} ` +
      `DSel=${(csr >>> 9) & 0xf} DScale=${(csr >>> 13) & 3} ${flag('PME', bit(csr, 15))}`,
  );
}

function msi(ctx: Ctx, off: string, at: number): void {
  const { r, out } = ctx;
  const ctl = r.u16(at + 2);
  const a64 = bit(ctl, 7);
  const maskable = bit(ctl, 8);
  const title = `MSI: ${flag('Enable', bit(ctl, 0))} Count=${1 << ((ctl >>> 4) & 7)}/${1 << ((ctl >>> 1) & 7)} ${flag('Maskable', maskable)} ${flag('64bit', a64)}`;
  const dataAt = at + (a64 ? 0x0c : 0x08);
  if (!capTitle(ctx, off, title, at, (a64 ? 0x10 : 0x0c) + (maskable ? 8 : 0))) return;
  const address = a64 ? hex(r.u32(at + 8), 8) + hex(r.u32(at + 4), 8) : hex(r.u32(at + 4), 8);
  out.l2(`Address: ${address}  Data: ${hex(r.u16(dataAt), 4)}`);
  if (maskable) out.l2(`Masking: ${hex(r.u32(dataAt + 4), 8)}  Pending: ${hex(r.u32(dataAt + 8), 8)}`);
}

function msix(ctx: Ctx, off: string, at: number): void {
  const { r, out } = ctx;
  const ctl = r.u16(at + 2);
  const title = `MSI-X: ${flag('Enable', bit(ctl, 15))} Count=${(ctl & 0x7ff) + 1} ${flag('Masked', bit(ctl, 14))}`;
  if (!capTitle(ctx, off, title, at, 12)) return;
  const table = r.u32(at + 4);
  const pba = r.u32(at + 8);
  out.l2(`Vector table: BAR=${table & 7} offset=${hex((table & 0xffff_fff8) >>> 0, 8)}`);
  out.l2(`PBA: BAR=${pba & 7} offset=${hex((pba & 0xffff_fff8) >>> 0, 8)}`);
}

const L0S_LATENCY = ['<64ns', '<128ns', '<256ns', '<512ns', '<1us', '<2us', '<4us', 'unlimited'];
const L1_LATENCY = ['<1us', '<2us', '<4us', '<8us', '<16us', '<32us', '<64us', 'unlimited'];
const ASPM_SUPPORT = ['not supported', 'L0s', 'L1', 'L0s L1'];
const ASPM_CONTROL = ['Disabled', 'L0s Enabled', 'L1 Enabled', 'L0s L1 Enabled'];
const OBFF_SUPPORT = ['Not Supported', 'Via message', 'Via WAKE#', 'Via message/WAKE#'];
/** A slot power limit in watts from its value and scale (1, 0.1, 0.01, 0.001 W), e.g. `75W`. */
function powerText(value: number, scale: number): string {
  return `${Number((value * [1, 0.1, 0.01, 0.001][scale]!).toFixed(3))}W`;
}

/** Emergency Power Reduction Supported (DevCap2 25:24), as lspci 3.9 names it. */
const EPR_SUPPORT = ['Not Supported', 'Dev Specific', 'Form Factor Dev Specific', 'Reserved'];
/** Target Link Speed of Link Control 2 (3:0), as lspci 3.9 prints it (0 and 1 both as 2.5GT/s). */
const TARGET_SPEED = ['2.5GT/s', '2.5GT/s', '5GT/s', '8GT/s', '16GT/s', '32GT/s', '64GT/s'];
/** Transmit Margin (Link Control 2, 9:7), as lspci 3.9 prints it. */
const TRANSMIT_MARGIN = [
  'Normal Operating Range', '800-1200mV(full-swing)/400-700mV(half-swing)', '200-400mV(full-swing)/100-200mV(half-swing)',
  '200-400mV(full-swing)/100-200mV(half-swing)', '200-400mV(full-swing)/100-200mV(half-swing)', '200-400mV(full-swing)/100-200mV(half-swing)',
  'Unknown', 'Unknown',
];
/** Compliance Preset/De-emphasis (Link Control 2, 15:12), as lspci 3.9 prints it. @spec PCIe Base r6.0 §4.2.4.2 (Tx presets) */
const COMPLIANCE_PRESET = [
  '-6dB de-emphasis, 0dB preshoot', '-3.5dB de-emphasis, 0dB preshoot', '-4.4dB de-emphasis, 0dB preshoot', '-2.5dB de-emphasis, 0dB preshoot',
  '0dB de-emphasis, 0dB preshoot', '0dB de-emphasis, 1.9dB preshoot', '0dB de-emphasis, 2.5dB preshoot', '-6.0dB de-emphasis, 3.5dB preshoot',
  '-3.5dB de-emphasis, 3.5dB preshoot', '0dB de-emphasis, 3.5dB preshoot',
];
/** Crosslink Resolution (Link Status 2, 9:8), as lspci 3.9 prints it. */
const CROSSLINK_RES = ['unsupported', 'Upstream Port', 'Downstream Port', 'incomplete'];
/** LN System CLS (DevCap2 15:14), as lspci 3.9 names it. */
const LN_SYSTEM_CLS = ['Not Supported', '64byte cachelines', '128byte cachelines', 'Reserved'];
const OBFF_CONTROL = ['Disabled', 'Via message A', 'Via message B', 'Via WAKE#'];
/** Completion Timeout Value encodings of Device Control 2 (§7.5.3.16). */
const CTO_VALUES: ReadonlyMap<number, string> = new Map([
  [0x0, '50us to 50ms'],
  [0x1, '50us to 100us'],
  [0x2, '1ms to 10ms'],
  [0x5, '16ms to 55ms'],
  [0x6, '65ms to 210ms'],
  [0x9, '260ms to 900ms'],
  [0xa, '1s to 3.5s'],
  [0xd, '4s to 13s'],
  [0xe, '17s to 64s'],
]);

function ctoRanges(v: number): string {
  if ((v & 0xf) === 0) return 'Not Supported';
  return `Range ${['A', 'B', 'C', 'D'].filter((_, i) => bit(v, i)).join('')}`;
}

function supportedSpeeds(vector: number): string {
  const speeds: string[] = [];
  for (let i = 1; i <= 7; i++) if (bit(vector, i)) speeds.push(SPEEDS[i] ?? `unknown(${i})`);
  if (speeds.length === 0) return 'none';
  return speeds.length === 1 ? `${speeds[0]}GT/s` : `${speeds[0]}-${speeds[speeds.length - 1]}GT/s`;
}

function express(ctx: Ctx, off: string, at: number): void {
  const { r, out } = ctx;
  const caps = r.u16(at + 2);
  const version = caps & 0xf;
  const type = (caps >>> 4) & 0xf;
  const slot = bit(caps, 8);
  const downstreamPort = type === 0x4 || type === 0x6;
  const endpointType = type === 0x0 || type === 0x1 || type === 0x9;
  // Root Complex Integrated Endpoints and Event Collectors have no Link: their Link registers are
  // not implemented, and ASPM acceptable latencies apply to Endpoints with a Link only.
  // @spec PCIe Base r6.0 §7.5.3 (Link registers: not for RCiEPs and RCECs), §7.5.3.3 (Endpoint L0s/L1 Acceptable Latency)
  const hasLink = type !== 0x9 && type !== 0xa;
  const bridge = type === 0x7 || type === 0x8;
  let typeName = PCIE_TYPES.get(type) ?? `Unknown type ${type}`;
  if (downstreamPort) typeName += ` (${flag('Slot', slot)})`;
  const title = `Express (v${version}) ${typeName}, MSI ${hex((caps >>> 9) & 0x1f, 2)}`;
  if (!capTitle(ctx, off, title, at, 0x14)) return;

  const devCap = r.u32(at + 4);
  out.l2(
    `DevCap:\tMaxPayload ${payloadText(devCap & 7)}, PhantFunc ${(devCap >>> 3) & 3}` +
      (endpointType && hasLink ? `, Latency L0s ${L0S_LATENCY[(devCap >>> 6) & 7] ?? ''}, L1 ${L1_LATENCY[(devCap >>> 9) & 7] ?? ''}` : ''),
  );
  // Upstream-facing functions with a Link (Endpoints, Switch Upstream Ports) also show the
  // indicator bits and the Captured Slot Power Limit, as lspci 3.9 does.
  // @spec PCIe Base r6.0 §7.5.3.3 (Device Capabilities: Captured Slot Power Limit Value 25:18, Scale 27:26)
  const upstream = type === 0x0 || type === 0x1 || type === 0x5;
  out.l3(
    `${flag('ExtTag', bit(devCap, 5))}` +
      (upstream ? ` ${flag('AttnBtn', bit(devCap, 12))} ${flag('AttnInd', bit(devCap, 13))} ${flag('PwrInd', bit(devCap, 14))}` : '') +
      ` ${flag('RBE', bit(devCap, 15))}${endpointType ? ` ${flag('FLReset', bit(devCap, 28))}` : ''}` +
      (type === 0x0 || type === 0x5 ? ` SlotPowerLimit ${powerText((devCap >>> 18) & 0xff, (devCap >>> 26) & 3)}` : ''), // not for Legacy Endpoints, as lspci 3.9
  );
  const devCtl = r.u16(at + 8);
  out.l2(`DevCtl:\t${flag('CorrErr', bit(devCtl, 0))} ${flag('NonFatalErr', bit(devCtl, 1))} ${flag('FatalErr', bit(devCtl, 2))} ${flag('UnsupReq', bit(devCtl, 3))}`);
  let ctlFlags = `${flag('RlxdOrd', bit(devCtl, 4))} ${flag('ExtTag', bit(devCtl, 8))} ${flag('PhantFunc', bit(devCtl, 9))} ${flag('AuxPwr', bit(devCtl, 10))} ${flag('NoSnoop', bit(devCtl, 11))}`;
  if (endpointType && bit(devCap, 28)) ctlFlags += ` ${flag('FLReset', bit(devCtl, 15))}`;
  if (bridge) ctlFlags += ` ${flag('BrConfRtry', bit(devCtl, 15))}`;
  out.l3(ctlFlags);
  out.l3(`MaxPayload ${payloadText((devCtl >>> 5) & 7)}, MaxReadReq ${payloadText((devCtl >>> 12) & 7)}`);
  const devSta = r.u16(at + 0x0a);
  out.l2(
    `DevSta:\t${flag('CorrErr', bit(devSta, 0))} ${flag('NonFatalErr', bit(devSta, 1))} ${flag('FatalErr', bit(devSta, 2))} ` +
      `${flag('UnsupReq', bit(devSta, 3))} ${flag('AuxPwr', bit(devSta, 4))} ${flag('TransPend', bit(devSta, 5))}`,
  );
  if (hasLink) linkRegisters(ctx, at, type);
  expressSlotRootAndV2(ctx, at, type, version, downstreamPort, hasLink);
}

/** Link Capabilities, Control and Status of a PCI Express capability at `at`. */
function linkRegisters(ctx: Ctx, at: number, type: number): void {
  const { r, out } = ctx;
  const lnkCap = r.u32(at + 0x0c);
  // Exit latencies of the ASPM states supported (L0s 14:12, L1 17:15), encoded as the acceptable
  // latencies of DevCap are. @spec PCIe Base r6.0 §7.5.3.6 (Link Capabilities)
  const aspm = (lnkCap >>> 10) & 3;
  const exits = [
    (aspm & 1) !== 0 ? `L0s ${L0S_LATENCY[(lnkCap >>> 12) & 7] ?? ''}` : '',
    (aspm & 2) !== 0 ? `L1 ${L1_LATENCY[(lnkCap >>> 15) & 7] ?? ''}` : '',
  ].filter((x) => x !== '');
  out.l2(
    `LnkCap:\tPort #${lnkCap >>> 24}, Speed ${speedText(lnkCap & 0xf)}, Width x${(lnkCap >>> 4) & 0x3f}, ASPM ${ASPM_SUPPORT[aspm] ?? ''}` +
      (exits.length > 0 ? `, Exit Latency ${exits.join(', ')}` : ''),
  );
  out.l3(
    `${flag('ClockPM', bit(lnkCap, 18))} ${flag('Surprise', bit(lnkCap, 19))} ${flag('LLActRep', bit(lnkCap, 20))} ` +
      `${flag('BwNot', bit(lnkCap, 21))} ${flag('ASPMOptComp', bit(lnkCap, 22))}`,
  );
  const lnkCtl = r.u16(at + 0x10);
  // Read Completion Boundary does not apply to Switch Ports. @spec PCIe Base r6.0 §7.5.3.7 (Link Control, bit 3)
  const rcb = type === 0x5 || type === 0x6 ? '' : ` RCB ${bit(lnkCtl, 3) ? 128 : 64} bytes,`;
  out.l2(`LnkCtl:\tASPM ${ASPM_CONTROL[lnkCtl & 3] ?? ''};${rcb} ${flag('Disabled', bit(lnkCtl, 4))} ${flag('CommClk', bit(lnkCtl, 6))}`);
  out.l3(
    `${flag('ExtSynch', bit(lnkCtl, 7))} ${flag('ClockPM', bit(lnkCtl, 8))} ${flag('AutWidDis', bit(lnkCtl, 9))} ` +
      `${flag('BWInt', bit(lnkCtl, 10))} ${flag('AutBWInt', bit(lnkCtl, 11))}`,
  );
  const lnkSta = r.u16(at + 0x12);
  out.l2(`LnkSta:\tSpeed ${speedText(lnkSta & 0xf)}, Width x${(lnkSta >>> 4) & 0x3f}`);
  out.l3(
    `${flag('TrErr', bit(lnkSta, 10))} ${flag('Train', bit(lnkSta, 11))} ${flag('SlotClk', bit(lnkSta, 12))} ` +
      `${flag('DLActive', bit(lnkSta, 13))} ${flag('BWMgmt', bit(lnkSta, 14))} ${flag('ABWMgmt', bit(lnkSta, 15))}`,
  );
}

/** Slot and Root registers, then the version 2 registers, of a PCI Express capability at `at`. */
function expressSlotRootAndV2(ctx: Ctx, at: number, type: number, version: number, downstreamPort: boolean, hasLink: boolean): void {
  const { r, out, verbose } = ctx;
  const slot = bit(r.u16(at + 2), 8);
  if (verbose >= 3 && slot && r.has(at, 0x1c)) {
    const sltCap = r.u32(at + 0x14);
    out.l2(
      `SltCap:\t${flag('AttnBtn', bit(sltCap, 0))} ${flag('PwrCtrl', bit(sltCap, 1))} ${flag('MRL', bit(sltCap, 2))} ` +
        `${flag('AttnInd', bit(sltCap, 3))} ${flag('PwrInd', bit(sltCap, 4))} ${flag('HotPlug', bit(sltCap, 6))} ${flag('Surprise', bit(sltCap, 5))}`,
    );
    // @spec PCIe Base r6.0 §7.5.3.9 (Slot Capabilities: power limit 14:7 and scale 16:15, interlock 17, no command completed 18, slot number 31:19)
    out.l3(`Slot #${sltCap >>> 19}, PowerLimit ${powerText((sltCap >>> 7) & 0xff, (sltCap >>> 15) & 3)}; ${flag('Interlock', bit(sltCap, 17))} ${flag('NoCompl', bit(sltCap, 18))}`);
  }
  if (verbose >= 3 && (type === 0x4 || type === 0xa) && r.has(at, 0x24)) {
    const rootCtl = r.u16(at + 0x1c);
    const rootSta = r.u32(at + 0x20);
    out.l2(
      `RootCtl: ${flag('ErrCorrectable', bit(rootCtl, 0))} ${flag('ErrNon-Fatal', bit(rootCtl, 1))} ${flag('ErrFatal', bit(rootCtl, 2))} ` +
        `${flag('PMEIntEna', bit(rootCtl, 3))} ${flag('CRSVisible', bit(rootCtl, 4))}`,
    );
    out.l2(`RootSta: PME ReqID ${hex(rootSta & 0xffff, 4)}, ${flag('PMEStatus', bit(rootSta, 16))} ${flag('PMEPending', bit(rootSta, 17))}`);
  }
  if (version < 2) return;
  if (!r.has(at, 0x34)) {
    out.l2(`<truncated: the version 2 registers run past the ${r.length} bytes given>`);
    return;
  }
  // Device Capabilities 2, laid out as lspci 3.9 lays it out. Which fields apply depends on the
  // type: TPH to (PCI Express) Endpoints and Root Ports, AtomicOp Completer to Endpoints (Legacy
  // ones too) and Root Ports, AtomicOp Routing to Root and Switch
  // Ports, LN System CLS to Root Ports, ARI Forwarding to Root and Downstream Ports.
  // @spec PCIe Base r6.0 §7.5.3.15 (Device Capabilities 2)
  const devCap2 = r.u32(at + 0x24);
  const endpoint = type === 0x0 || type === 0x1;
  const rootPort = type === 0x4;
  const switchPort = type === 0x5 || type === 0x6;
  out.l2(`DevCap2: Completion Timeout: ${ctoRanges(devCap2)}, ${flag('TimeoutDis', bit(devCap2, 4))} ${flag('NROPrPrP', bit(devCap2, 10))} ${flag('LTR', bit(devCap2, 11))}`);
  const prefixes = bit(devCap2, 21) ? `, MaxEETLPPrefixes ${((devCap2 >>> 22) & 3) || 4}` : '';
  out.l3(
    ` ${flag('10BitTagComp', bit(devCap2, 16))} ${flag('10BitTagReq', bit(devCap2, 17))} OBFF ${OBFF_SUPPORT[(devCap2 >>> 18) & 3] ?? ''}, ` +
      `${flag('ExtFmt', bit(devCap2, 20))} ${flag('EETLPPrefix', bit(devCap2, 21))}${prefixes}`,
  );
  out.l3(` EmergencyPowerReduction ${EPR_SUPPORT[(devCap2 >>> 24) & 3] ?? ''}, ${flag('EmergencyPowerReductionInit', bit(devCap2, 26))}`);
  let frs = ` ${flag('FRS', bit(devCap2, 31))}`;
  if (rootPort) frs += ` LN System CLS ${LN_SYSTEM_CLS[(devCap2 >>> 14) & 3] ?? ''},`;
  if (type === 0x0 || rootPort) frs += ` ${flag('TPHComp', bit(devCap2, 12))} ${flag('ExtTPHComp', bit(devCap2, 13))}`; // not for Legacy Endpoints
  if (downstreamPort) frs += ` ${flag('ARIFwd', bit(devCap2, 5))}`;
  out.l3(frs);
  if (endpoint || rootPort || switchPort) {
    out.l3(
      ` AtomicOpsCap:${rootPort || switchPort ? ` ${flag('Routing', bit(devCap2, 6))}` : ''}` +
        (endpoint || rootPort ? ` ${flag('32bit', bit(devCap2, 7))} ${flag('64bit', bit(devCap2, 8))} ${flag('128bitCAS', bit(devCap2, 9))}` : ''),
    );
  }
  const devCtl2 = r.u16(at + 0x28);
  out.l2(
    `DevCtl2: Completion Timeout: ${CTO_VALUES.get(devCtl2 & 0xf) ?? `reserved (${devCtl2 & 0xf})`}, ${flag('TimeoutDis', bit(devCtl2, 4))} ` +
      `${flag('LTR', bit(devCtl2, 10))} ${flag('10BitTagReq', bit(devCtl2, 12))} OBFF ${OBFF_CONTROL[(devCtl2 >>> 13) & 3] ?? ''},` +
      (downstreamPort ? ` ${flag('ARIFwd', bit(devCtl2, 5))}` : ''),
  );
  // AtomicOp Requester Enable applies to Endpoints and Root Ports, AtomicOp Egress Blocking to Root
  // and Switch Ports. @spec PCIe Base r6.0 §7.5.3.16 (Device Control 2: bits 6, 7)
  const requester = type === 0x0 || type === 0x1 || type === 0x9 || type === 0x4;
  const egress = type === 0x4 || type === 0x5 || type === 0x6;
  out.l3(`AtomicOpsCtl:${requester ? ` ${flag('ReqEn', bit(devCtl2, 6))}` : ''}${egress ? ` ${flag('EgressBlck', bit(devCtl2, 7))}` : ''}`);
  if (verbose < 3 || !hasLink) return;
  // The Link 2 registers, laid out as lspci 3.9 lays them out: Link Capabilities 2 when it is not 0,
  // Link Control 2 in Function 0 or in a Downstream Port (in other Functions of a multi-Function
  // Upstream Port it is reserved), Link Status 2.
  // @spec PCIe Base r6.0 §7.5.3.18 (Link Capabilities 2), §7.5.3.19 (Link Control 2), §7.5.3.20 (Link Status 2)
  const lnkCap2 = r.u32(at + 0x2c);
  if (lnkCap2 !== 0) {
    out.l2(
      `LnkCap2: Supported Link Speeds: ${supportedSpeeds(lnkCap2)}, ${flag('Crosslink', bit(lnkCap2, 8))} ` +
        `${flag('Retimer', bit(lnkCap2, 23))} ${flag('2Retimers', bit(lnkCap2, 24))} ${flag('DRS', bit(lnkCap2, 31))}`,
    );
  }
  if (ctx.fn === 0 || downstreamPort) {
    const lnkCtl2 = r.u16(at + 0x30);
    // Selectable De-emphasis (bit 6) is shown for Switch Downstream Ports, as lspci 3.9 does.
    const deemph = type === 0x6 ? `, Selectable De-emphasis: ${bit(lnkCtl2, 6) ? '-3.5dB' : '-6dB'}` : '';
    out.l2(`LnkCtl2: Target Link Speed: ${TARGET_SPEED[lnkCtl2 & 0xf] ?? 'Unknown'}, ${flag('EnterCompliance', bit(lnkCtl2, 4))} ${flag('SpeedDis', bit(lnkCtl2, 5))}${deemph}`);
    out.l3(` Transmit Margin: ${TRANSMIT_MARGIN[(lnkCtl2 >>> 7) & 7] ?? ''}, ${flag('EnterModifiedCompliance', bit(lnkCtl2, 10))} ${flag('ComplianceSOS', bit(lnkCtl2, 11))}`);
    out.l3(` Compliance Preset/De-emphasis: ${COMPLIANCE_PRESET[(lnkCtl2 >>> 12) & 0xf] ?? 'Unknown'}`);
  }
  const lnkSta2 = r.u16(at + 0x32);
  out.l2(`LnkSta2: Current De-emphasis Level: ${bit(lnkSta2, 0) ? '-3.5dB' : '-6dB'}, ${flag('EqualizationComplete', bit(lnkSta2, 1))} ${flag('EqualizationPhase1', bit(lnkSta2, 2))}`);
  out.l3(` ${flag('EqualizationPhase2', bit(lnkSta2, 3))} ${flag('EqualizationPhase3', bit(lnkSta2, 4))} ${flag('LinkEqualizationRequest', bit(lnkSta2, 5))}`);
  out.l3(` ${flag('Retimer', bit(lnkSta2, 6))} ${flag('2Retimers', bit(lnkSta2, 7))} CrosslinkRes: ${CROSSLINK_RES[(lnkSta2 >>> 8) & 3] ?? ''}`);
}

function extendedCapabilities(ctx: Ctx): void {
  const { r, out } = ctx;
  const walk = walkExtendedCapabilities(r.b);
  for (const e of walk.entries) extendedCapability(ctx, e.id, e.offset, e.version ?? 0);
  const p = stopProblem(walk.problems);
  if (p === undefined) return;
  // For the extended list, a problem's offset is the header holding the bad next offset (-1: none).
  const next = p.offset >= 0 ? (r.u32(p.offset) >>> 20) & 0xffc : 0x100;
  switch (p.code) {
    case 'cap.loop':
      out.l1(`Capabilities: [${hex(next, 3)}] <chain looped>`);
      break;
    case 'cap.out-of-range':
      out.l1(`Capabilities: [${hex(next, 3)}] <chain broken: next offset at 0x${hex(p.offset, 3)} points below 0x100>`);
      break;
    default:
      out.l1(`Capabilities: [${hex(next, 3)}] <not available: beyond the ${r.length} bytes given>`);
  }
}

function extendedCapability(ctx: Ctx, id: number, at: number, version: number): void {
  const off = `${hex(at, 3)} v${version}`;
  switch (id) {
    case 0x0001:
      return aer(ctx, off, at);
    case 0x0003:
      return serialNumber(ctx, off, at);
    case 0x000e:
      return ari(ctx, off, at);
    case 0x0010:
      return sriov(ctx, off, at);
    case 0x000b:
      return vendorSpecific(ctx, off, at);
    case 0x000d:
      return acs(ctx, off, at);
    default: {
      const name = EXT_NAMES.get(id);
      ctx.out.l1(`Capabilities: [${off}] ${name ?? `Extended Capability ID ${hex(id, 4)}`}`);
    }
  }
}

/** ACS capability and control bits, by bit. @spec PCIe Base r6.0 §7.7.11.2 (ACS Capability), §7.7.11.3 (ACS Control) */
const ACS_BITS: readonly (readonly [string, number])[] = [
  ['SrcValid', 0], ['TransBlk', 1], ['ReqRedir', 2], ['CmpltRedir', 3], ['UpstreamFwd', 4], ['EgressCtrl', 5], ['DirectTrans', 6],
];

/**
 * Access Control Services: which controls the function implements and which are enabled (what
 * decides whether peer-to-peer traffic between functions, VFs included, is redirected upstream).
 * @spec PCIe Base r6.0 §7.7.11 (ACS Extended Capability)
 */
function acs(ctx: Ctx, off: string, at: number): void {
  const { r, out } = ctx;
  if (!capTitle(ctx, off, 'Access Control Services', at, 8)) return;
  out.l2(`ACSCap:\t${flags(r.u16(at + 4), ACS_BITS)}`);
  out.l2(`ACSCtl:\t${flags(r.u16(at + 6), ACS_BITS)}`);
}

/**
 * Vendor-Specific Extended Capability: its VSEC header (ID, revision, length).
 * @spec PCIe Base r6.0 §7.9.5.2 (Vendor-Specific Header: VSEC ID 15:0, VSEC Rev 19:16, VSEC Length 31:20)
 */
function vendorSpecific(ctx: Ctx, off: string, at: number): void {
  const { r, out } = ctx;
  if (!r.has(at, 8)) {
    out.l1(`Capabilities: [${off}] Vendor Specific Information <truncated>`);
    return;
  }
  const h = r.u32(at + 4);
  out.l1(`Capabilities: [${off}] Vendor Specific Information: ID=${hex(h & 0xffff, 4)} Rev=${(h >>> 16) & 0xf} Len=${hex(h >>> 20, 3)}`);
}

/** Uncorrectable error bits lspci 3.9 names, by bit. @spec PCIe Base r6.0 §7.8.4.2 (Uncorrectable Error Status) */
const AER_UE: readonly (readonly [string, number])[] = [
  ['DLP', 4], ['SDES', 5], ['TLP', 12], ['FCP', 13], ['CmpltTO', 14], ['CmpltAbrt', 15], ['UnxCmplt', 16], ['RxOF', 17],
  ['MalfTLP', 18], ['ECRC', 19], ['UnsupReq', 20], ['ACSViol', 21],
];
/** Correctable error bits lspci 3.9 names, by bit. @spec PCIe Base r6.0 §7.8.4.5 (Correctable Error Status) */
const AER_CE: readonly (readonly [string, number])[] = [['RxErr', 0], ['BadTLP', 6], ['BadDLLP', 7], ['Rollover', 8], ['Timeout', 12], ['AdvNonFatalErr', 13]];

const flags = (v: number, names: readonly (readonly [string, number])[]): string => names.map(([n, b]) => flag(n, bit(v, b))).join(' ');

/** The Device/Port Type of the function's PCI Express capability, or undefined without one. */
function expressType(ctx: Ctx): number | undefined {
  const e = walkCapabilities(ctx.r.b).entries.find((x) => x.id === 0x10);
  return e === undefined || !ctx.r.has(e.offset, 4) ? undefined : (ctx.r.u16(e.offset + 2) >>> 4) & 0xf;
}

/**
 * Advanced Error Reporting: the error status, mask and severity registers as flags, capabilities
 * and control, the header log, and for a Root Port or Root Complex Event Collector its root
 * error registers.
 * @spec PCIe Base r6.0 §7.8.4 (AER Extended Capability: 7.8.4.2–7.8.4.7, header log 7.8.4.8, root 7.8.4.9–7.8.4.11)
 */
function aer(ctx: Ctx, off: string, at: number): void {
  const { r, out } = ctx;
  if (!capTitle(ctx, off, 'Advanced Error Reporting', at, 0x2c)) return;
  out.l2(`UESta:\t${flags(r.u32(at + 4), AER_UE)}`);
  out.l2(`UEMsk:\t${flags(r.u32(at + 8), AER_UE)}`);
  out.l2(`UESvrt:\t${flags(r.u32(at + 0x0c), AER_UE)}`);
  out.l2(`CESta:\t${flags(r.u32(at + 0x10), AER_CE)}`);
  out.l2(`CEMsk:\t${flags(r.u32(at + 0x14), AER_CE)}`);
  const c = r.u32(at + 0x18);
  out.l2(
    `AERCap:\tFirst Error Pointer: ${hex(c & 0x1f, 2)}, ${flag('ECRCGenCap', bit(c, 5))} ${flag('ECRCGenEn', bit(c, 6))} ` +
      `${flag('ECRCChkCap', bit(c, 7))} ${flag('ECRCChkEn', bit(c, 8))}`,
  );
  out.l3(`${flag('MultHdrRecCap', bit(c, 9))} ${flag('MultHdrRecEn', bit(c, 10))} ${flag('TLPPfxPres', bit(c, 11))} ${flag('HdrLogCap', bit(c, 12))}`);
  out.l2(`HeaderLog: ${[0x1c, 0x20, 0x24, 0x28].map((o) => hex(r.u32(at + o), 8)).join(' ')}`);
  const type = expressType(ctx);
  if ((type !== 0x4 && type !== 0xa) || !r.has(at, 0x38)) return;
  const cmd = r.u32(at + 0x2c);
  out.l2(`RootCmd: ${flag('CERptEn', bit(cmd, 0))} ${flag('NFERptEn', bit(cmd, 1))} ${flag('FERptEn', bit(cmd, 2))}`);
  const sta = r.u32(at + 0x30);
  out.l2(`RootSta: ${flag('CERcvd', bit(sta, 0))} ${flag('MultCERcvd', bit(sta, 1))} ${flag('UERcvd', bit(sta, 2))} ${flag('MultUERcvd', bit(sta, 3))}`);
  out.l3(` ${flag('FirstFatal', bit(sta, 4))} ${flag('NonFatalMsg', bit(sta, 5))} ${flag('FatalMsg', bit(sta, 6))} IntMsg ${sta >>> 27}`);
  const src = r.u32(at + 0x34);
  out.l2(`ErrorSrc: ERR_COR: ${hex(src & 0xffff, 4)} ERR_FATAL/NONFATAL: ${hex(src >>> 16, 4)}`);
}

function serialNumber(ctx: Ctx, off: string, at: number): void {
  const { r, out } = ctx;
  if (!r.has(at, 12)) {
    out.l1(`Capabilities: [${off}] Device Serial Number <truncated>`);
    return;
  }
  const parts: string[] = [];
  for (let i = 7; i >= 0; i--) parts.push(hex(r.u8(at + 4 + i), 2));
  out.l1(`Capabilities: [${off}] Device Serial Number ${parts.join('-')}`);
}

function ari(ctx: Ctx, off: string, at: number): void {
  const { r, out } = ctx;
  if (!capTitle(ctx, off, 'Alternative Routing-ID Interpretation (ARI)', at, 8)) return;
  const cap = r.u16(at + 4);
  const ctl = r.u16(at + 6);
  out.l2(`ARICap:\t${flag('MFVC', bit(cap, 0))} ${flag('ACS', bit(cap, 1))}, Next Function: ${cap >>> 8}`);
  out.l2(`ARICtl:\t${flag('MFVC', bit(ctl, 0))} ${flag('ACS', bit(ctl, 1))}, Function Group: ${(ctl >>> 4) & 7}`);
}

/** SR-IOV extended capability, layout of PCIe Base r6.0 §9.3.3 (reference a.1). */
function sriov(ctx: Ctx, off: string, at: number): void {
  const { r, out, verbose } = ctx;
  if (!capTitle(ctx, off, 'Single Root I/O Virtualization (SR-IOV)', at, 0x40)) return;
  const cap = r.u32(at + 0x04);
  const ctl = r.u16(at + 0x08);
  const sta = r.u16(at + 0x0a);
  out.l2(`IOVCap:\t${flag('Migration', bit(cap, 0))} ${flag('10BitTagReq', bit(cap, 2))} Interrupt Message Number: ${hex(cap >>> 21, 3)}`);
  out.l2(
    `IOVCtl:\t${flag('Enable', bit(ctl, 0))} ${flag('Migration', bit(ctl, 1))} ${flag('Interrupt', bit(ctl, 2))} ` +
      `${flag('MSE', bit(ctl, 3))} ${flag('ARIHierarchy', bit(ctl, 4))} ${flag('10BitTagReq', bit(ctl, 5))}`,
  );
  out.l2(`IOVSta:\t${flag('Migration', bit(sta, 0))}`);
  out.l2(
    `Initial VFs: ${r.u16(at + 0x0c)}, Total VFs: ${r.u16(at + 0x0e)}, Number of VFs: ${r.u16(at + 0x10)}, ` +
      `Function Dependency Link: ${hex(r.u8(at + 0x12), 2)}`,
  );
  out.l2(`VF offset: ${r.u16(at + 0x14)}, stride: ${r.u16(at + 0x16)}, Device ID: ${hex(r.u16(at + 0x1a), 4)}`);
  out.l2(`Supported Page Size: ${hex(r.u32(at + 0x1c), 8)}, System Page Size: ${hex(r.u32(at + 0x20), 8)}`);
  for (let i = 0; i < 6; i++) {
    const lo = r.u32(at + 0x24 + i * 4);
    if (lo === 0) continue;
    if (bit(lo, 0)) {
      out.l2(`Region ${i}: I/O ports at ${hex((lo & 0xffff_fffc) >>> 0, 4)} <VF BARs are memory BARs>`);
      continue;
    }
    const type = (lo >>> 1) & 3;
    const pf = bit(lo, 3) ? 'prefetchable' : 'non-prefetchable';
    let a = BigInt((lo & 0xffff_fff0) >>> 0);
    if (type === 2 && i < 5) {
      a |= BigInt(r.u32(at + 0x28 + i * 4)) << 32n;
      out.l2(`Region ${i}: Memory at ${hex(a, 16)} (64-bit, ${pf})`);
      i++;
    } else {
      const width = type === 0 ? '32-bit' : type === 2 ? '64-bit' : type === 1 ? 'low-1M' : 'reserved type 3';
      out.l2(`Region ${i}: Memory at ${hex(a, 8)} (${width}, ${pf})${type === 2 ? ' <upper half missing: last VF BAR slot>' : ''}`);
    }
  }
  if (verbose >= 3) {
    const mig = r.u32(at + 0x3c);
    out.l2(`VF Migration: offset: ${hex((mig & 0xffff_fff8) >>> 0, 8)}, BIR: ${mig & 7}`);
  }
}
