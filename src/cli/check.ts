import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { match } from 'ts-pattern';
import { hex, readLE } from '../bits/index.js';
import { CAP_ID, EXT_CAP_ID, walkCapabilities, walkExtendedCapabilities, type WalkProblem } from '../config/index.js';
import { REQUIREMENTS } from '../conformance/requirements.js';
import { LspciParseError, formatJunit, formatPciAddress, parseLspciDump, type DumpFunction, type JunitTestCase } from '../formats/index.js';
import { asRoutingId, deviceFromDump, formatRid, linuxSriovEnable, reachable, vfRoutingId, type RoutingId } from '../sriov/index.js';
import { EXIT, UsageError, readInput, type CliIo } from './io.js';

/** Help text of `iovsim check`. */
export const CHECK_HELP = `Usage: iovsim check <lspci-dump|->... [--json] [--junit FILE]

Checks the conformance of real devices from lspci -x / -xxx / -xxxx dumps. Every function of every
file gets static checks, each finding naming a requirement ID (see spec/requirements.md) and the
spec section it comes from:
  header     Vendor ID, Header Type layout, Status.Capabilities List vs Capabilities Pointer,
             reserved bytes, Interrupt Pin (CHK-HDR-01..03)
  chains     standard and extended capability lists: loops, pointers out of range, misaligned,
             broken (CFG-CAP-02); extended list without PCI Express, PCIe capability version (CHK-CAP-01)
  SR-IOV     InitialVFs/TotalVFs (CHK-SRIOV-01), First VF Offset/VF Stride (CHK-SRIOV-02), page
             sizes (CHK-SRIOV-03), VF BAR types (CHK-SRIOV-04), NumVFs (SRIOV-POL-02), VF BAR
             alignment (SRIOV-BAR-03), VF Routing IDs vs buses (SRIOV-RID-01) and ARI (SRIOV-RID-02)
Each SR-IOV PF is then loaded into the model, and Linux's verdict on enabling TotalVFs (4 KiB
pages, the bridge's bus range ending at the PF's bus) is reported (SRIOV-LINUX-01).

First VF Offset and VF Stride are the dump's (a dump shows one NumVFs/ARI state). VF Routing IDs
are checked for NumVFs VFs, or TotalVFs when NumVFs is 0.

Severities: error (the device breaks a rule), warning (software will fail or must work around it),
note (worth knowing; does not affect the exit status).

Options:
  --json        one JSON array instead of text: [{"file", "functions": [{"address", "findings":
                [{"id", "severity", "message", "spec"}]}]}]
  --junit FILE  also write JUnit XML to FILE: one <testsuite> per dump file, one <testcase> per
                function and requirement checked, a <failure> for errors and warnings
  -h, --help    this text

Exit status: 0 no errors or warnings; 1 errors or warnings found; 2 unusable input (unreadable
file, malformed dump) or usage error, with the message on stderr.
`;

/**
 * How bad a finding is: `error` (the device breaks a rule), `warning` (software fails or must work
 * around it), `note` (worth knowing).
 * @category CLI
 */
export type CheckSeverity = 'error' | 'warning' | 'note';

/**
 * One finding of `iovsim check` about one function.
 * @category CLI
 */
export interface CheckFinding {
  /** Requirement ID (see `spec/requirements.md`). */
  readonly id: string;
  /** How bad it is. */
  readonly severity: CheckSeverity;
  /** What was found, with the values read. */
  readonly message: string;
  /** Spec section (or Linux source) the rule comes from. */
  readonly spec: string;
}

/**
 * The checks of one dumped function.
 * @category CLI
 */
export interface FunctionCheck {
  /** Address as lspci prints it. */
  readonly address: string;
  /** The dump's description of the function (may be empty). */
  readonly description: string;
  /** Requirement IDs checked on this function, in check order (each finding's ID is one of them). */
  readonly checked: readonly string[];
  /** Findings, in check order. */
  readonly findings: readonly CheckFinding[];
}

/**
 * What `iovsim check` may do to the outside world: a {@link CliIo}, plus writing a file
 * (`--junit`); without `writeText` the file is written with `fs.writeFileSync`.
 * @category CLI
 */
export interface CheckIo extends CliIo {
  /** Writes a UTF-8 text file. */
  readonly writeText?: (path: string, text: string) => void;
}

const SPEC = {
  vendor: 'PCIe Base r6.0 §7.5.1.1.1',
  headerType: 'PCIe Base r6.0 §7.5.1.1.9',
  capList: 'PCIe Base r6.0 §7.5.1.1.4, §7.5.1.1.11',
  rsvd0: 'PCIe Base r6.0 §7.5.1.2 (Type 0 header), §7.4 (RsvdP)',
  rsvd1: 'PCIe Base r6.0 §7.5.1.3 (Type 1 header), §7.4 (RsvdP)',
  intPin: 'PCIe Base r6.0 §7.5.1.1.13',
  stdChain: 'PCIe Base r6.0 §7.5.1.1.11',
  extChain: 'PCIe Base r6.0 §7.6.3',
  extNeedsPcie: 'PCIe Base r6.0 §7.6 (extended configuration space of PCI Express functions)',
  pcieVersion: 'PCIe Base r6.0 §7.5.3.2',
  vfCounts: 'PCIe Base r6.0 §9.3.3.5, §9.3.3.6; Linux v6.18 drivers/pci/iov.c sriov_init',
  numVfs: 'PCIe Base r6.0 §9.3.3.7 (undefined above TotalVFs)',
  offsetStride: 'PCIe Base r6.0 §9.3.3.9, §9.3.3.10; Linux v6.18 drivers/pci/iov.c compute_max_vf_buses',
  supportedPages: 'PCIe Base r6.0 §9.3.3.12',
  systemPage: 'PCIe Base r6.0 §9.3.3.13',
  vfBarType: 'PCIe Base r6.0 §9.3.3.14, §7.5.1.2.1',
  vfBarAlign: 'PCIe Base r6.0 §9.3.3.13, §9.3.3.14',
  rid: 'PCIe Base r6.0 §9.3.3.9, §9.3.3.10, §2.2.4.2',
  ari: 'PCIe Base r6.0 §7.3.3, §6.13',
  linux: 'Linux v6.18 drivers/pci/iov.c',
} as const;

/** Page sizes every PF must support (4K, 8K, 64K, 256K, 1M, 4M). */
const REQUIRED_PAGE_SIZES = 0x553;

const pageName = (bit: number): string => {
  const bytes = 4096 * 2 ** bit;
  return bytes >= 2 ** 30 ? `${bytes / 2 ** 30}G` : bytes >= 2 ** 20 ? `${bytes / 2 ** 20}M` : `${bytes / 1024}K`;
};
const pageList = (bits: number): string => {
  const out: string[] = [];
  for (let i = 0; i < 32; i++) if (((bits >>> i) & 1) === 1) out.push(pageName(i));
  return out.join(', ');
};
const h2 = (n: number): string => hex(n, 2);
const isSingleBit = (v: number): boolean => v !== 0 && (v & (v - 1)) === 0;

/** Collects the findings of one function and the requirements checked. */
class Findings {
  readonly checked = new Set<string>();
  readonly list: CheckFinding[] = [];
  check(...ids: string[]): void {
    for (const id of ids) this.checked.add(id);
  }
  add(id: string, severity: CheckSeverity, spec: string, message: string): void {
    this.checked.add(id);
    this.list.push({ id, severity, message, spec });
  }
}

/** A function's SR-IOV capability offset, as `deviceFromDump` finds it (4096 bytes, PCIe capability, extended list). */
function sriovAt(bytes: Uint8Array): number | undefined {
  if (bytes.length < 4096) return undefined;
  if (!walkCapabilities(bytes).entries.some((e) => e.id === CAP_ID.pcie)) return undefined;
  const at = walkExtendedCapabilities(bytes).entries.find((e) => e.id === EXT_CAP_ID.sriov)?.offset;
  return at !== undefined && at + 0x40 <= bytes.length ? at : undefined;
}

const deviceKey = (a: DumpFunction['address']): string => `${a.domain}:${a.bus}:${a.device}`;

function chainProblem(f: Findings, list: 'standard' | 'extended', p: WalkProblem): void {
  const spec = list === 'standard' ? SPEC.stdChain : SPEC.extChain;
  const what = `${list} capability list: ${p.message}`;
  match(p.code)
    .with('cap.truncated', () => f.add('CFG-CAP-02', 'note', spec, `${what}: not checked (use lspci -xxx or -xxxx)`))
    .with('cap.misaligned', () => f.add('CFG-CAP-02', 'warning', spec, `${what} (software masks the reserved bits off)`))
    .with('cap.loop', 'cap.out-of-range', 'cap.broken', () => f.add('CFG-CAP-02', 'error', spec, what))
    .exhaustive();
}

function checkHeader(fn: DumpFunction, f: Findings): { layout: number } | undefined {
  const b = fn.bytes;
  const u16 = (o: number): number => readLE(b, o, 2);
  f.check('CHK-HDR-01', 'CHK-HDR-02', 'CHK-HDR-03');
  const vendor = u16(0);
  if (vendor === 0xffff && b.subarray(0, 0x40).every((x) => x === 0xff)) {
    f.add('CHK-HDR-01', 'note', SPEC.vendor, 'every header byte reads 0xff: no function answered at this address (nothing else checked)');
    return undefined;
  }
  if (vendor === 0x0000) f.add('CHK-HDR-01', 'error', SPEC.vendor, 'Vendor ID 0x0000 is not a valid vendor');
  if (vendor === 0xffff) f.add('CHK-HDR-01', 'note', SPEC.vendor, 'Vendor ID 0xffff: valid only for a VF (which reads 0xffff), and a dump cannot tell');
  const layout = b[0x0e]! & 0x7f;
  const pin = b[0x3d]!;
  if (pin > 4) f.add('CHK-HDR-03', 'error', SPEC.intPin, `Interrupt Pin ${pin} is not 0 (none) or 1..4 (INTA..INTD)`);
  if (layout === 2) {
    f.add('CHK-HDR-01', 'note', SPEC.headerType, 'Header Type layout 2 (CardBus bridge) is not supported: its capabilities and reserved bytes are not checked');
    return undefined;
  }
  if (layout > 2) {
    f.add('CHK-HDR-01', 'error', SPEC.headerType, `Header Type layout 0x${h2(layout)} is reserved (0 = endpoint, 1 = PCI-PCI bridge): nothing else checked`);
    return undefined;
  }
  const rsvdEnd = layout === 0 ? 0x3b : 0x37;
  const nonZero: string[] = [];
  for (let o = 0x35; o <= rsvdEnd; o++) if (b[o] !== 0) nonZero.push(`0x${h2(o)} = 0x${h2(b[o]!)}`);
  if (nonZero.length > 0) {
    f.add('CHK-HDR-03', 'note', layout === 0 ? SPEC.rsvd0 : SPEC.rsvd1, `reserved header bytes 0x35..0x${h2(rsvdEnd)} (RsvdP) are not zero: ${nonZero.join(', ')}`);
  }
  const capList = (b[0x06]! & 0x10) !== 0;
  const ptr = b[0x34]!;
  if (capList && ptr === 0) f.add('CHK-HDR-02', 'error', SPEC.capList, 'Status.Capabilities List is set but the Capabilities Pointer is 0');
  if (!capList && ptr !== 0) {
    f.add('CHK-HDR-02', 'warning', SPEC.capList, `Capabilities Pointer is 0x${h2(ptr)} but Status.Capabilities List is clear: software ignores the capability list`);
  }
  return { layout };
}

interface SriovState {
  readonly at: number;
  readonly totalVfs: number;
}

/** Static checks of an SR-IOV capability at `at`. */
function checkSriov(fn: DumpFunction, at: number, ariHierarchy: boolean, f: Findings): SriovState {
  const b = fn.bytes;
  const u16 = (o: number): number => readLE(b, at + o, 2);
  const u32 = (o: number): number => readLE(b, at + o, 4);
  f.check('CHK-SRIOV-01', 'CHK-SRIOV-02', 'CHK-SRIOV-03', 'CHK-SRIOV-04', 'SRIOV-POL-02', 'SRIOV-BAR-03', 'SRIOV-RID-01', 'SRIOV-RID-02');
  const vfm = (u32(0x04) & 1) === 1;
  const ctl = u16(0x08);
  const initial = u16(0x0c);
  const total = u16(0x0e);
  const num = u16(0x10);
  const offset = u16(0x14);
  const stride = u16(0x16);
  const supported = u32(0x1c);
  const sys = u32(0x20);
  const vfEnable = (ctl & 1) === 1;

  // InitialVFs / TotalVFs.
  if (total === 0) f.add('CHK-SRIOV-01', 'warning', SPEC.vfCounts, 'TotalVFs is 0: not a usable PF (Linux does not set it up for SR-IOV)');
  if (initial > total) f.add('CHK-SRIOV-01', 'error', SPEC.vfCounts, `InitialVFs ${initial} exceeds TotalVFs ${total} (Linux sriov_init: -EIO)`);
  else if (!vfm && initial !== total) {
    f.add('CHK-SRIOV-01', 'error', SPEC.vfCounts, `InitialVFs ${initial} differs from TotalVFs ${total} without VF Migration Capable (Linux sriov_init: -EIO)`);
  }
  if (num > total) {
    f.add('SRIOV-POL-02', vfEnable ? 'error' : 'warning', SPEC.numVfs, `NumVFs ${num} exceeds TotalVFs ${total}${vfEnable ? ' with VF Enable set' : ''}: undefined by the spec (QEMU refuses VF Enable, Linux never writes it)`);
  }

  // First VF Offset / VF Stride.
  if (total > 0 && offset === 0) f.add('CHK-SRIOV-02', 'error', SPEC.offsetStride, 'First VF Offset is 0: VF 1 would take the PF\'s own Routing ID (Linux: -EIO)');
  if (total > 1 && stride === 0) f.add('CHK-SRIOV-02', 'error', SPEC.offsetStride, `VF Stride is 0 with TotalVFs ${total}: every VF would share VF 1's Routing ID (Linux: -EIO)`);

  // Page sizes.
  if ((supported & 1) === 0) f.add('CHK-SRIOV-03', 'error', SPEC.supportedPages, `Supported Page Sizes 0x${hex(supported, 8)} lacks 4K (bit 0)`);
  const missing = (REQUIRED_PAGE_SIZES & ~supported) >>> 0;
  if (missing !== 0) {
    f.add('CHK-SRIOV-03', 'warning', SPEC.supportedPages, `Supported Page Sizes 0x${hex(supported, 8)} lacks ${pageList(missing)} (a PF must support 0x553: ${pageList(REQUIRED_PAGE_SIZES)})`);
  }
  let pageSize: bigint | undefined;
  if (sys === 0) f.add('CHK-SRIOV-03', 'error', SPEC.systemPage, 'System Page Size is 0 (exactly one bit must be set)');
  else if (!isSingleBit(sys)) f.add('CHK-SRIOV-03', 'error', SPEC.systemPage, `System Page Size 0x${hex(sys, 8)} sets several page sizes (${pageList(sys)}); exactly one bit must be set`);
  else if ((sys & supported) === 0) f.add('CHK-SRIOV-03', 'error', SPEC.systemPage, `System Page Size 0x${hex(sys, 8)} (${pageList(sys)}) is not in Supported Page Sizes 0x${hex(supported, 8)}`);
  else pageSize = 4096n << BigInt(Math.log2(sys));

  // VF BARs.
  for (let i = 0; i < 6; i++) {
    const lo = u32(0x24 + i * 4);
    if (lo === 0 || lo === 0xffff_ffff) continue; // not implemented
    if ((lo & 1) === 1) {
      f.add('CHK-SRIOV-04', 'error', SPEC.vfBarType, `VF BAR${i} 0x${hex(lo, 8)} is an I/O BAR: VF BARs are memory BARs only`);
      continue;
    }
    const type = (lo >>> 1) & 3;
    if (type === 1 || type === 3) {
      f.add('CHK-SRIOV-04', 'error', SPEC.vfBarType, `VF BAR${i} 0x${hex(lo, 8)} has the reserved memory type ${type} (0 = 32-bit, 2 = 64-bit)`);
      continue;
    }
    let base = BigInt((lo & ~0xf) >>> 0);
    const bar = i;
    if (type === 2) {
      if (i === 5) {
        f.add('CHK-SRIOV-04', 'error', SPEC.vfBarType, `VF BAR5 0x${hex(lo, 8)} is 64-bit but there is no VF BAR6 for its upper half`);
        continue;
      }
      base |= BigInt(u32(0x28 + i * 4)) << 32n;
      i++; // the upper half is not a BAR of its own
    }
    if (pageSize !== undefined && base !== 0n && base % pageSize !== 0n) {
      f.add('SRIOV-BAR-03', 'warning', SPEC.vfBarAlign, `VF BAR${bar} base 0x${base.toString(16)} is not aligned to the System Page Size 0x${pageSize.toString(16)}`);
    }
  }

  // VF Routing IDs.
  const n = num > 0 && num <= total ? num : total;
  const which = num > 0 && num <= total ? `NumVFs ${n}` : `TotalVFs ${n}`;
  if (n > 0 && offset !== 0 && !(n > 1 && stride === 0)) {
    const a = fn.address;
    const pfRid = asRoutingId((a.bus << 8) | (a.device << 3) | a.function);
    const last = vfRoutingId(pfRid, offset, stride, n);
    if (last === undefined) {
      let k = 1;
      while (vfRoutingId(pfRid, offset, stride, k) !== undefined) k++;
      f.add('SRIOV-RID-01', 'error', SPEC.rid, `VF ${k}${k < n ? `..${n}` : ''} of ${which} overflow the 16-bit Routing ID space (PF ${formatRid(pfRid)} + First VF Offset 0x${offset.toString(16)} + (n - 1) x VF Stride ${stride} > 0xffff)`);
    } else {
      const lastBus = last >>> 8;
      if (lastBus > a.bus) {
        const first = vfRoutingId(pfRid, offset, stride, 1)!;
        f.add('SRIOV-RID-01', 'note', SPEC.rid, `the VFs of ${which} (${formatRid(first, a.domain)} .. ${formatRid(last, a.domain)}) reach bus ${h2(lastBus)} above the PF's bus ${h2(a.bus)}: needs the bridge's subordinate bus >= ${h2(lastBus)}`);
      }
      if (!ariHierarchy) {
        let firstHidden: RoutingId | undefined;
        let hidden = 0;
        for (let k = 1; k <= n; k++) {
          const rid = vfRoutingId(pfRid, offset, stride, k)!;
          if (!reachable(rid, { secondary: a.bus, subordinate: 0xff, ariForwarding: false })) {
            firstHidden ??= rid;
            hidden++;
          }
        }
        if (firstHidden !== undefined) {
          f.add('SRIOV-RID-02', 'warning', SPEC.ari, `${hidden} of the VFs of ${which} (from ${formatRid(firstHidden, a.domain)}) use function numbers > 7 on the PF's bus with ARI Capable Hierarchy clear: reachable only with ARI forwarding (a downstream port otherwise decodes device 0 only)`);
        }
      }
    }
  }
  return { at, totalVfs: total };
}

/** Loads each device's PFs into the model and adds Linux's verdict on enabling TotalVFs. */
function checkLinux(fns: readonly DumpFunction[], states: ReadonlyMap<DumpFunction, SriovState>, findings: ReadonlyMap<DumpFunction, Findings>): void {
  const groups = new Map<string, DumpFunction[]>();
  for (const fn of fns) {
    if (!states.has(fn)) continue;
    if (sriovAt(fn.bytes) === undefined) {
      findings.get(fn)!.add('SRIOV-LINUX-01', 'note', SPEC.linux, 'no PCI Express capability, so Linux never reads the extended list: no Linux verdict');
      continue;
    }
    const k = deviceKey(fn.address);
    groups.set(k, [...(groups.get(k) ?? []), fn]);
  }
  for (const group of groups.values()) {
    let built: ReturnType<typeof deviceFromDump>;
    try {
      built = deviceFromDump(group, { onDiagnostic: () => undefined });
    } catch (e) {
      for (const fn of group) findings.get(fn)!.add('SRIOV-LINUX-01', 'note', SPEC.linux, `the model cannot load this PF (${(e as Error).message}): no Linux verdict`);
      continue;
    }
    const dev = built.device;
    for (const fn of group) {
      const f = findings.get(fn)!;
      const a = fn.address;
      const pf = dev.pfs.find((p) => p.rid === ((a.bus << 8) | (a.device << 3) | a.function));
      if (pf === undefined) {
        f.add('SRIOV-LINUX-01', 'note', SPEC.linux, 'the model did not load this PF: no Linux verdict');
        continue;
      }
      const total = pf.totalVfs;
      if (total === 0) continue; // reported by CHK-SRIOV-01; Linux leaves such a function alone
      let v: ReturnType<typeof linuxSriovEnable>;
      try {
        v = linuxSriovEnable(dev, pf.index, total);
      } catch (e) {
        f.add('SRIOV-LINUX-01', 'note', SPEC.linux, `no Linux verdict: ${(e as Error).message}`);
        continue;
      }
      const host = 'with 4 KiB pages and the bridge\'s bus range ending at the PF\'s bus';
      if (v.enable) {
        f.add('SRIOV-LINUX-01', 'note', SPEC.linux, `Linux sriov_enable(${total}) ${host} would succeed (System Page Size ${v.systemPageSize ?? '?'}, last VF bus ${v.lastVfBus === undefined ? '?' : h2(v.lastVfBus)})`);
      } else {
        const where = [...new Set(v.reasons.map((r) => r.where))].join(', ');
        f.add('SRIOV-LINUX-01', 'warning', `${SPEC.linux} ${where}`, `Linux sriov_enable(${total}) ${host} would fail with -${v.errno ?? '?'}: ${v.reasons.map((r) => `${r.code}: ${r.message}`).join('; ')}`);
      }
    }
  }
}

/**
 * Checks every function of one dump: header, capability chains, the SR-IOV capability, and Linux's
 * verdict on each SR-IOV PF. Never throws for any bytes.
 * @param functions - what `parseLspciDump` returned.
 * @returns one entry per function, in dump order.
 * @category CLI
 */
export function checkFunctions(functions: readonly DumpFunction[]): FunctionCheck[] {
  const findings = new Map<DumpFunction, Findings>();
  const states = new Map<DumpFunction, SriovState>();
  // ARI Capable Hierarchy lives in the lowest-numbered PF of a device.
  const ariOf = new Map<string, { fn: number; ari: boolean }>();
  for (const fn of functions) {
    const at = walkExtendedCapabilities(fn.bytes).entries.find((e) => e.id === EXT_CAP_ID.sriov)?.offset;
    if (at === undefined || at + 0x40 > fn.bytes.length) continue;
    const k = deviceKey(fn.address);
    const prev = ariOf.get(k);
    if (prev === undefined || fn.address.function < prev.fn) ariOf.set(k, { fn: fn.address.function, ari: (readLE(fn.bytes, at + 8, 2) & 0x10) !== 0 });
  }
  for (const fn of functions) {
    const f = new Findings();
    findings.set(fn, f);
    const header = checkHeader(fn, f);
    if (header === undefined) continue;
    f.check('CFG-CAP-02', 'CHK-CAP-01');
    const std = walkCapabilities(fn.bytes);
    for (const p of std.problems) chainProblem(f, 'standard', p);
    const ext = walkExtendedCapabilities(fn.bytes);
    for (const p of ext.problems) chainProblem(f, 'extended', p);
    const pcie = std.entries.find((e) => e.id === CAP_ID.pcie);
    if (pcie === undefined && ext.entries.length > 0) {
      f.add('CHK-CAP-01', 'note', SPEC.extNeedsPcie, `extended capabilities at 0x100 (${ext.entries.map((e) => `0x${hex(e.id, 4)}@0x${e.offset.toString(16)}`).join(', ')}) but no PCI Express capability: lspci and Linux do not read the extended list`);
    }
    if (pcie !== undefined) {
      const version = fn.bytes[pcie.offset + 2]! & 0xf;
      if (version === 1) f.add('CHK-CAP-01', 'note', SPEC.pcieVersion, `PCI Express capability at 0x${h2(pcie.offset)} is version 1 (PCIe 1.x layout, without the *2 registers); version 2 expected`);
      else if (version !== 2) f.add('CHK-CAP-01', 'warning', SPEC.pcieVersion, `PCI Express capability at 0x${h2(pcie.offset)} has version ${version}; version 2 expected`);
      if (fn.size < 4096) f.add('CHK-CAP-01', 'note', SPEC.extNeedsPcie, `the dump holds ${fn.size} bytes: the extended capabilities (AER, ARI, SR-IOV …) are not checked (use lspci -xxxx)`);
    }
    const at = ext.entries.find((e) => e.id === EXT_CAP_ID.sriov)?.offset;
    if (at !== undefined && at + 0x40 <= fn.bytes.length) {
      states.set(fn, checkSriov(fn, at, ariOf.get(deviceKey(fn.address))?.ari ?? false, f));
      f.check('SRIOV-LINUX-01');
    }
  }
  checkLinux(functions, states, findings);
  return functions.map((fn) => {
    const f = findings.get(fn)!;
    return { address: formatPciAddress(fn.address), description: fn.description, checked: [...f.checked], findings: f.list };
  });
}

interface FileCheck {
  readonly file: string;
  readonly functions: readonly FunctionCheck[];
}

const isFailure = (s: CheckSeverity): boolean => s === 'error' || s === 'warning';
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const TITLES = new Map(REQUIREMENTS.map((r) => [r.id, r.title]));

function junitOf(files: readonly FileCheck[]): string {
  return formatJunit(
    files.map((file) => ({
      name: file.file,
      testcases: file.functions.flatMap((fn) =>
        fn.checked.map((id): JunitTestCase => {
          const mine = fn.findings.filter((x) => x.id === id);
          const failing = mine.filter((x) => isFailure(x.severity));
          const notes = mine.filter((x) => x.severity === 'note');
          const line = (x: CheckFinding): string => `${x.severity} ${x.id} [${x.spec}]: ${x.message}`;
          const title = TITLES.get(id);
          return {
            name: title === undefined ? id : `${id}: ${title}`,
            classname: fn.address,
            ...(failing.length === 0 ? {} : {
              failure: {
                type: failing.some((x) => x.severity === 'error') ? 'error' : 'warning',
                message: `${failing[0]!.message}${failing.length > 1 ? ` (and ${failing.length - 1} more)` : ''}`,
                text: failing.map(line).join('\n'),
              },
            }),
            ...(notes.length === 0 ? {} : { systemOut: notes.map(line).join('\n') }),
          };
        }),
      ),
    })),
    { name: 'iovsim check' },
  );
}

function textOf(files: readonly FileCheck[]): string {
  const out: string[] = [];
  const count = { functions: 0, error: 0, warning: 0, note: 0 };
  for (const file of files) {
    out.push(`${file.file}`);
    for (const fn of file.functions) {
      count.functions++;
      out.push(`  ${fn.address}${fn.description === '' ? '' : ` ${fn.description}`}`);
      if (fn.findings.length === 0) out.push(`    ok: ${plural(fn.checked.length, 'requirement')} checked, no findings`);
      for (const x of fn.findings) {
        count[x.severity]++;
        out.push(`    ${x.severity.padEnd(7)} ${x.id.padEnd(14)} [${x.spec}] ${x.message}`);
      }
    }
  }
  out.push('', `${plural(count.functions, 'function')}, ${plural(count.error, 'error')}, ${plural(count.warning, 'warning')}, ${plural(count.note, 'note')}`);
  return `${out.join('\n')}\n`;
}

/**
 * `iovsim check`: conformance of real devices from lspci dumps.
 * @returns the exit code: 0 clean, 1 errors or warnings, 2 unusable input.
 * @category CLI
 */
export function checkCommand(args: readonly string[], io: CheckIo): number {
  const { values, positionals } = parseArgs({
    args: [...args], allowPositionals: true,
    options: { json: { type: 'boolean' }, junit: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    io.out(CHECK_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('check takes one or more dump files (or - for standard input)');
  if (values.junit === '') throw new UsageError('--junit needs a file name');
  const parsed: { file: string; functions: DumpFunction[] }[] = [];
  let unusable = false;
  for (const file of positionals) {
    const text = readInput(io, 'check', file);
    if (text === undefined) {
      unusable = true;
      continue;
    }
    try {
      parsed.push({ file, functions: parseLspciDump(text) });
    } catch (e) {
      if (!(e instanceof LspciParseError)) throw e;
      io.err(`iovsim check: ${file}: ${e.message} [${e.code}]\n`);
      unusable = true;
    }
  }
  if (unusable) return EXIT.unusable;
  const files: FileCheck[] = parsed.map((p) => ({ file: p.file, functions: checkFunctions(p.functions) }));
  if (values.junit !== undefined) {
    try {
      (io.writeText ?? ((p: string, t: string) => writeFileSync(p, t, 'utf8')))(values.junit, junitOf(files));
    } catch (e) {
      io.err(`iovsim check: cannot write ${values.junit}: ${(e as Error).message}\n`);
      return EXIT.unusable;
    }
  }
  if (values.json === true) {
    const json = files.map((file) => ({
      file: file.file,
      functions: file.functions.map((fn) => ({ address: fn.address, findings: fn.findings.map((x) => ({ id: x.id, severity: x.severity, message: x.message, spec: x.spec })) })),
    }));
    io.out(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.out(textOf(files));
  }
  return files.some((file) => file.functions.some((fn) => fn.findings.some((x) => isFailure(x.severity)))) ? EXIT.findings : EXIT.ok;
}
